"""Every Danish catalogue is complete and in step: no message left empty or fuzzy, the compiled
.mo holds exactly what its .po says, and each translation keeps the placeholders of its
original (a missing %(number)s would raise KeyError on the page, an extra one too)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = [
    "accounts_app/locale/da/LC_MESSAGES/django.po",
    "locale/da/LC_MESSAGES/django.po",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def entries(path: Path) -> list[dict]:
    """The catalogue's messages as {msgid, msgid_plural, msgstr: [..], fuzzy}, its header left
    out. A small reader: the test needs nothing beyond what makemessages writes."""
    found, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and entry["msgid"]:
                found.append(entry)
            entry = None
            continue
        entry = entry or {"msgid": "", "msgid_plural": None, "msgstr": [], "fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            entry["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgid_plural ", "msgctxt ")):
            field, _space, text = line.partition(" ")
            entry[field] = _unquote(text)
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(_unquote(line.partition(" ")[2]))
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return found


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text)}


@pytest.fixture(params=CATALOGUES)
def catalogue(request) -> Path:
    return settings.BASE_DIR / request.param


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    found = entries(catalogue)
    assert found, f"{catalogue} holds no messages"
    untranslated = [entry["msgid"] for entry in found if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in found if entry["fuzzy"]]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_each_translation_keeps_the_placeholders_of_its_original(catalogue):
    wrong = [
        (entry["msgid"], text)
        for entry in entries(catalogue)
        for text in entry["msgstr"]
        if placeholders(text) != placeholders(entry["msgid_plural"] or entry["msgid"])
        and placeholders(text) != placeholders(entry["msgid"])
    ]
    assert not wrong, wrong


def test_the_compiled_catalogue_is_the_catalogue(catalogue, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(catalogue)], check=True)
    assert catalogue.with_suffix(".mo").read_bytes() == compiled.read_bytes(), (
        f"{catalogue.with_suffix('.mo')} is out of step: run compilemessages"
    )
