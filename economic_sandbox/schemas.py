"""e-conomic's published JSON schemas: loading, collection metadata and request validation.

The schemas are e-conomic's own draft-03 files (REFERENCE §2 "Schemas are JSON-Schema draft-03",
§8; https://restdocs.e-conomic.com/#schema), vendored in `contract/rest-schemas/`. Besides the
standard keywords they carry e-conomic's own: `filterable`, `sortable`, `defaultSorting` (§3.1)
and `maxDecimal` (§2 "Money").

`validate` answers e-conomic's validation `errors` structure (REFERENCE §4.1): an object keyed
by property, nested objects nested by property name, arrays as
`{"items": [{"arrayIndex": i, ...}]}`, each leaf `{"errors": [<property error>]}`; for bulk
(array) input a list of `{"arrayIndex": i, ...}`. Read-only properties are ignored on input, as
e-conomic does when a client sends back a document it read.

Per-property error codes. e-conomic documents only some codes (REFERENCE §4.1): `E04010` text
too long, `E04500` a reference without an identifier, `E04740` more than 2 decimals. For the
rest the sandbox had to choose (see README_RESOURCES.md): `E04020` required property missing,
`E04030` wrong JSON type, `E04040` value not in the enumeration, `E04050` value does not match
the pattern, `E04060` number out of range, `E04011` text too short.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jsonschema import Draft3Validator

from economic_sandbox import errors

SCHEMA_DIR = Path(__file__).parent / "contract" / "rest-schemas"

REQUIRED = "E04020"
TEXT_TOO_LONG = "E04010"
TEXT_TOO_SHORT = "E04011"
WRONG_TYPE = "E04030"
NOT_IN_ENUM = "E04040"
PATTERN_MISMATCH = "E04050"
OUT_OF_RANGE = "E04060"
NO_IDENTIFIER = "E04500"
TOO_MANY_DECIMALS = "E04740"

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_UNQUOTED_NAME = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*)(\s*:)")


def _file_name(name: str) -> str:
    return name if name.endswith(".schema.json") else f"{name}.schema.json"


def parse_lenient(text: str) -> Any:
    """JSON as e-conomic serves its schemas: tolerate trailing commas and unquoted names
    (contract README §1)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    cleaned = _TRAILING_COMMA.sub(r"\1", text)
    try:
        return json.loads(cleaned)
    except ValueError:
        return json.loads(_UNQUOTED_NAME.sub(r'\1"\2"\3', cleaned))


def load_schema(name: str) -> dict:
    """One schema by name, e.g. `invoices.drafts.post` (with or without `.schema.json`).
    Cached and shared: callers must not change it."""
    return _load_file(_file_name(name))


@functools.cache
def _load_file(file_name: str) -> dict:
    path = SCHEMA_DIR / file_name
    if not path.is_file():
        raise KeyError(f"No e-conomic schema named {file_name!r}.")
    return parse_lenient(path.read_text(encoding="utf-8"))


def schema_names() -> list[str]:
    return sorted(path.name.removesuffix(".schema.json") for path in SCHEMA_DIR.glob("*.json"))


# --- collection metadata ----------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionFields:
    filterable: frozenset[str]
    sortable: frozenset[str]
    default_sort: str | None  # "name" or "-name", in the `sort` parameter's syntax


def _walk_properties(schema: dict, prefix: str = ""):
    """(dotted name, property schema) for every property, nested objects included."""
    for name, prop in (schema.get("properties") or {}).items():
        dotted = f"{prefix}{name}"
        yield dotted, prop
        if isinstance(prop, dict) and prop.get("properties"):
            yield from _walk_properties(prop, f"{dotted}.")


@functools.cache
def collection_fields(schema_name: str) -> CollectionFields:
    """Filterable and sortable properties of a collection schema's items (REFERENCE §3.1)."""
    schema = load_schema(schema_name)
    items = schema["properties"]["collection"]["items"]
    filterable, sortable, default_sort = set(), set(), None
    for dotted, prop in _walk_properties(items):
        if prop.get("filterable"):
            filterable.add(dotted)
        if prop.get("sortable"):
            sortable.add(dotted)
        direction = prop.get("defaultSorting")
        if direction and default_sort is None:
            default_sort = f"-{dotted}" if direction.startswith("desc") else dotted
    return CollectionFields(frozenset(filterable), frozenset(sortable), default_sort)


def item_schema(schema_name: str) -> dict:
    """The item schema of a collection schema, or the schema itself for a single resource."""
    schema = load_schema(schema_name)
    collection = schema.get("properties", {}).get("collection")
    return collection["items"] if collection else schema


# --- validation -------------------------------------------------------------------------------


def validate(document: Any, schema_name: str) -> dict | list | None:
    """e-conomic's `errors` structure for `document`, or None when it is valid. A list document
    is bulk input: each item is validated against the schema (REFERENCE §4.1 shape 2)."""
    validator = _validator(schema_name)
    if isinstance(document, list) and validator.schema.get("type") != "array":
        tree: list = []
        for index, item in enumerate(document):
            for path, error in _document_errors(item, validator):
                add_error(tree, [index, *path], error)
        return _sorted_items(tree) or None
    tree_dict: dict = {}
    for path, error in _document_errors(document, validator):
        add_error(tree_dict, path, error)
    return _sorted_items(tree_dict) or None


def _sorted_items(tree: Any) -> Any:
    """Array entries in index order, however the checks found them."""
    if isinstance(tree, list):
        entries = [_sorted_items(entry) for entry in tree]
        if all(isinstance(entry, dict) and "arrayIndex" in entry for entry in entries):
            entries.sort(key=lambda entry: entry["arrayIndex"])
        return entries
    if isinstance(tree, dict):
        return {key: _sorted_items(value) for key, value in tree.items()}
    return tree


def check(document: Any, schema_name: str) -> None:
    """Raise the E04300 validation envelope when `document` does not satisfy the schema."""
    found = validate(document, schema_name)
    if found:
        raise errors.validation_failed(found)


def add_error(tree: dict | list, path: list, error: dict) -> None:
    """Put one property error at `path` (keys and array indexes) in an `errors` tree."""
    node: Any = tree
    for step in path:
        if isinstance(step, int):
            items = node if isinstance(node, list) else node.setdefault("items", [])
            node = _array_entry(items, step)
        else:
            node = node.setdefault(step, {})
    if not path and isinstance(node, dict):
        node = node.setdefault("document", {})
    node.setdefault("errors", []).append(error)


def _array_entry(items: list, index: int) -> dict:
    for entry in items:
        if entry.get("arrayIndex") == index:
            return entry
    entry = {"arrayIndex": index}
    items.append(entry)
    return entry


@functools.cache
def _validator(schema_name: str) -> Draft3Validator:
    return Draft3Validator(_strip_read_only(load_schema(schema_name)))


def _document_errors(document: Any, validator: Draft3Validator):
    """(path, property error) pairs: the standard keywords through jsonschema's draft-03
    validator, then e-conomic's own rules (`maxDecimal`, reference identifiers)."""
    for failure in validator.iter_errors(document):
        mapped = _map_failure(failure)
        if mapped:
            yield mapped
    yield from _extra_errors(document, validator.schema, [])


def _strip_read_only(schema: Any) -> Any:
    """The schema without read-only properties, which input may carry but that are ignored."""
    if not isinstance(schema, dict):
        return schema
    result = {key: _strip_read_only(value) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict):
        result["properties"] = {
            name: _strip_read_only(prop)
            for name, prop in schema["properties"].items()
            if not (isinstance(prop, dict) and (prop.get("readOnly") or prop.get("readonly")))
        }
    return result


def _map_failure(failure) -> tuple[list, dict] | None:
    path = list(failure.absolute_path)
    validator, value = failure.validator, failure.instance
    name = _leaf_name(path)
    if validator == "required":  # draft-03: the path already names the missing property
        return path, errors.property_error(name, "Property is required.", REQUIRED)
    return path, _keyword_error(validator, failure.validator_value, name, value)


def _leaf_name(path: list) -> str:
    names = [step for step in path if isinstance(step, str)]
    return names[-1] if names else "document"


def _keyword_error(keyword: str, expected: Any, name: str, value: Any) -> dict:
    if keyword == "maxLength":
        message, code = f"Text too long. Maximum length is {expected} characters.", TEXT_TOO_LONG
    elif keyword == "minLength":
        message, code = f"Text too short. Minimum length is {expected} characters.", TEXT_TOO_SHORT
    elif keyword == "enum":
        allowed = ", ".join(str(option) for option in expected if option is not None)
        message, code = f"Value is not one of the allowed values: {allowed}.", NOT_IN_ENUM
    elif keyword == "type":
        message, code = f"Value must be of type {_type_words(expected)}.", WRONG_TYPE
    elif keyword == "pattern":
        message, code = "Value does not have the required format.", PATTERN_MISMATCH
    elif keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        message, code = f"Value must be {bound} {expected}.", OUT_OF_RANGE
    else:
        message, code = f"Value is not valid ({keyword}).", WRONG_TYPE
    return errors.property_error(name, message, code, _input_value(value))


def _type_words(expected: Any) -> str:
    return " or ".join(expected) if isinstance(expected, list) else str(expected)


def _input_value(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) else None


def _extra_errors(document: Any, schema: dict, path: list):
    """e-conomic's keywords that jsonschema does not know: `maxDecimal`, and a reference object
    without an identifier (E04500, REFERENCE §4.1)."""
    if isinstance(document, dict) and isinstance(schema.get("properties"), dict):
        yield from _reference_identifier_error(document, schema, path)
        for name, prop in schema["properties"].items():
            if name in document and isinstance(prop, dict):
                yield from _extra_errors(document[name], prop, [*path, name])
    elif isinstance(document, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(document):
            yield from _extra_errors(item, schema["items"], [*path, index])
    elif "maxDecimal" in schema and _is_number(document):
        if decimal_places(document) > schema["maxDecimal"]:
            limit = schema["maxDecimal"]
            yield (
                path,
                errors.property_error(
                    _leaf_name(path),
                    f"Value must not have more than {limit} decimals.",
                    TOO_MANY_DECIMALS,
                    document,
                ),
            )


def _reference_identifier_error(document: dict, schema: dict, path: list):
    """A referenced object (a schema object with `self` and one identifying property) given
    with neither."""
    identifiers = [name for name in schema["properties"] if name != "self"]
    if "self" not in schema["properties"] or len(identifiers) != 1 or not path:
        return
    if "self" in document or identifiers[0] in document:
        return
    name = _leaf_name(path)
    yield (
        path,
        errors.property_error(
            name,
            f"Include either a self link or a {identifiers[0]} on {name}.",
            NO_IDENTIFIER,
        ),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def decimal_places(value: int | float | Decimal) -> int:
    """Decimals of a JSON number as the client wrote it (shortest float repr)."""
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0
