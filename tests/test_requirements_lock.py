"""`make` installs from the lock files with --require-hashes: a library pinned in a requirements
file but missing from its lock would never be installed, so each pin must be in the lock, and
each locked package must carry its hashes."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)", re.MULTILINE)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    return {normalized(name): version for name, version in PIN.findall(path.read_text())}


def locked_entries(path: Path) -> list[str]:
    """Each package's block in a pip-compile lock: its pin line and the hash lines after it."""
    return re.split(r"\n(?=[A-Za-z0-9])", path.read_text())


@pytest.mark.parametrize(
    "requirements, lock",
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_pinned_requirement_is_in_its_lock_with_the_same_version(requirements, lock):
    locked = pins(ROOT / lock)
    wanted = pins(ROOT / requirements)
    missing = {name: version for name, version in wanted.items() if locked.get(name) != version}
    assert not missing, f"{missing} not in {lock}: run `make lock` (README, Installing)"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_its_hashes(lock):
    entries = [entry for entry in locked_entries(ROOT / lock) if PIN.match(entry)]
    assert len(entries) > 30
    assert [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry] == []
