"""Helpers for the sandbox's own tests. The fixtures (`sandbox`, `sandbox_server`,
`sandbox_process`) come from `economic_sandbox.pytest_plugin`, enabled in tests/conftest.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator

from economic_sandbox import schemas

RECORDED = Path(__file__).parents[1] / "fixtures" / "economic" / "traels-it-economic-rest"

A_CUSTOMER = {
    "name": "Acme ApS",
    "currency": "DKK",
    "customerGroup": {"customerGroupNumber": 1},
    "paymentTerms": {"paymentTermsNumber": 1},
    "vatZone": {"vatZoneNumber": 1},
    "email": "billing@acme.dk",
}


def recorded(name: str) -> dict:
    """A response recorded from e-conomic (tests/fixtures/economic)."""
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def without_false(document: dict) -> dict:
    """The recordings keep some false booleans that e-conomic's docs say are left out; the
    sandbox leaves them out, so key comparisons ignore them."""
    return {key: value for key, value in document.items() if value is not False}


def schema_errors(document, schema_name: str) -> list[str]:
    """Draft-03 validation of an answer against e-conomic's published schema."""
    validator = Draft3Validator(schemas.load_schema(schema_name))
    return [f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(document)]


def error_codes(body: dict) -> list[str]:
    """Every per-property errorCode of an E04300 body."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "errorCode" in node and "propertyName" in node:
                found.append(node["errorCode"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body.get("errors"))
    return found


@pytest.fixture
def unlimited(sandbox):
    """The sandbox without its token bucket, for tests that make many calls."""
    sandbox.set_rate_limit(enabled=False)
    return sandbox
