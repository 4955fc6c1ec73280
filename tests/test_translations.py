"""The translation catalogues: every message translated (none empty, none fuzzy), with the same
placeholders as its English, and the committed .mo compiled from the .po beside it (Django reads
only the .mo, so a stale one shows last week's Danish or none)."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent

CATALOGUES = [
    "integration/locale/da/LC_MESSAGES/django.po",
    "accounts_app/locale/da/LC_MESSAGES/django.po",
    "locale/da/LC_MESSAGES/django.po",
]

PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
STATEMENT = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass
class Message:
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    translations: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid


def messages_read(path: Path) -> list[Message]:
    """The .po's messages (the header, with the empty msgid, left out). Only what gettext's own
    tools write: comments, flags, and quoted strings continued on the lines below."""
    found, current, target = [], None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            current = target = None
            continue
        if current is None:
            current = Message(line=number)
            found.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := STATEMENT.match(line):
            name, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            target = (name, int(index or 0))
            _append(current, target, text)
        elif line.startswith('"') and target is not None:
            _append(current, target, ast.literal_eval(line))
        else:
            raise AssertionError(f"{path}:{number}: not a line of a .po file: {line!r}")
    return [message for message in found if message.msgid or message.context is not None]


def _append(message: Message, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgid":
        message.msgid += text
    elif name == "msgid_plural":
        message.plural = (message.plural or "") + text
    elif name == "msgctxt":
        message.context = (message.context or "") + text
    else:
        message.translations[index] = message.translations.get(index, "") + text


def _placeholders(text: str) -> set[str]:
    """Each named placeholder with its conversion: "%(count)d" and "%(count)s" differ."""
    return {spec.group(0) for spec in PLACEHOLDER.finditer(text)}


def _where(path: str, message: Message) -> str:
    return f"{path}:{message.line} {message.msgid!r}"


@pytest.fixture(params=CATALOGUES)
def catalogue(request) -> tuple[str, list[Message]]:
    path = ROOT / request.param
    assert path.exists(), f"{request.param} is missing"
    return request.param, messages_read(path)


def test_every_message_is_translated(catalogue):
    path, messages = catalogue
    assert messages, f"{path} holds no messages"
    empty = [
        _where(path, message)
        for message in messages
        if not message.translations or not all(message.translations.values())
    ]
    assert not empty, "untranslated:\n" + "\n".join(empty)


def test_no_translation_is_fuzzy(catalogue):
    path, messages = catalogue
    fuzzy = [_where(path, message) for message in messages if "fuzzy" in message.flags]
    assert not fuzzy, "fuzzy (check and confirm them):\n" + "\n".join(fuzzy)


def test_the_header_is_not_fuzzy(catalogue):
    path, _ = catalogue
    header = (ROOT / path).read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "#, fuzzy" not in header, f"{path}: the header is marked fuzzy"


def test_each_translation_has_the_placeholders_of_its_english(catalogue):
    path, messages = catalogue
    wrong = []
    for message in messages:
        english = _placeholders(message.msgid) | _placeholders(message.plural or "")
        for index, text in message.translations.items():
            if _placeholders(text) != english:
                wrong.append(f"{_where(path, message)} [{index}]: {sorted(_placeholders(text))}"
                             f" instead of {sorted(english)}")  # fmt: skip
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_committed_mo_is_compiled_from_the_po(catalogue):
    path, messages = catalogue
    compiled = ROOT / path.replace(".po", ".mo")
    assert compiled.exists(), f"{compiled} is missing: run compilemessages and commit it"
    with compiled.open("rb") as stream:
        catalog = gettext.GNUTranslations(stream)._catalog
    expected = {"": catalog.get("")}
    for message in messages:
        if message.plural is None:
            expected[message.key] = message.translations[0]
        else:
            for index, text in message.translations.items():
                expected[(message.key, index)] = text
    stale = sorted(
        str(key) for key in expected.keys() | catalog.keys() if expected.get(key) != catalog.get(key)
    )
    assert not stale, f"{compiled} differs from the .po (recompile it):\n" + "\n".join(stale[:20])


def test_a_blocker_reads_in_danish():
    from integration.models import Connection
    from integration.services.setup_check import check_tokens

    connection = Connection(name="Regnskab", endpoint="sandbox")
    with translation.override("da"):
        blocker = next(iter(check_tokens(connection, None, None)))
        assert blocker.problem == "Aftalens adgangstoken er ikke angivet."
        assert str(blocker) == (
            "Aftalens adgangstoken er ikke angivet. "
            "Løsning: Indsæt adgangstokenet på forbindelsen, og gem."
        )
    # Written in the language active when it was found (a job's error is stored so).
    english = next(iter(check_tokens(connection, None, None)))
    assert english.problem == "The agreement grant token is not set."


def test_choice_labels_read_in_danish():
    from integration.models import JobState
    from integration.models.connection import ExportMethod

    with translation.override("da"):
        assert str(ExportMethod.DRAFT.label) == "Fakturakladde (en person bogfører den i e-conomic)"
        assert str(JobState.FAILED.label) == "Mislykket: en person skal handle"
    with translation.override("en"):
        assert str(JobState.FAILED.label) == "Failed: a person must act"


def test_a_command_tells_its_help_in_the_active_language():
    from integration.management.commands.export_invoices import Command

    with translation.override("da"):
        parser = Command().create_parser("manage.py", "export_invoices")
        help_text = " ".join(parser.format_help().split())  # argparse wraps to the terminal
    assert "Eksportér udstedte fakturaer til e-conomic" in help_text
    assert "Vores fakturanummer." in help_text
