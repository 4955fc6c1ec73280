"""The `filter` and `sort` query parameters of Legacy REST collections.

Grammar (REFERENCE §3.1, https://restdocs.e-conomic.com/#filtering):
`<property><operator><value>` with operators `$eq: $ne: $gt: $gte: $lt: $lte: $like: $in: $nin:`,
joined by `$and:` / `$or:`, parentheses for precedence, e.g.
`name$eq:Joe$and:(city$like:*port$or:age$lt:40)`. Strings compare case-insensitively; `$like:`
without `*` means "contains", `*` is the wildcard; `$null:` as a value tests for absence
(`email$eq:$null:`); `$in:`/`$nin:` take `[2,5,7]` (numbers only, at most 200). Inside a value
`$$ $( $) $* $, $[ $]` stand for the character after the `$`. Nested properties use dots
(`customer.customerNumber$eq:1001`).

Where e-conomic does not say, the sandbox chose (README_RESOURCES.md): `$and:` binds tighter than
`$or:`; an absent property matches only `$ne:` and `$nin:` (and `$eq:$null:`), except that it
counts as `false` against `true`/`false` (answers leave false booleans out); an unescaped `(`
or `[` inside a value is a parse error.

Sort (§3.1): `sort=name`, `-name` (descending), `-name,age`, `~name` (alphabetical, also on
numbers). Only schema-sortable properties are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

PARSE_ERROR = "Could not parse query string filter."
MAX_IN_ITEMS = 200

_OPERATORS = ("eq", "ne", "gte", "gt", "lte", "lt", "like", "in", "nin")
_PROPERTY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_ESCAPABLE = "$()*,[]"
_MISSING = object()


class FilterError(ValueError):
    """A `filter` or `sort` that e-conomic would refuse with 400. `message` is the response's
    message; `detail` goes in its `errors` list."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail or message)  # str(error) is the specific reason
        self.message = message
        self.detail = detail or message


@dataclass(frozen=True)
class Predicate:
    """A parsed filter: call it with a document; `properties` are the dotted names it uses."""

    test: Callable[[dict], bool]
    properties: frozenset[str] = field(default_factory=frozenset)

    def __call__(self, document: dict) -> bool:
        return self.test(document)


def lookup(document: Any, dotted: str) -> Any:
    """The value at a dotted property path, or `_MISSING`."""
    value = document
    for name in dotted.split("."):
        if not isinstance(value, dict) or name not in value:
            return _MISSING
        value = value[name]
    return _MISSING if value is None else value


# --- parsing ----------------------------------------------------------------------------------


@dataclass
class _Value:
    """A condition's value: the text with escapes undone, and a regex for `$like:`."""

    text: str = ""
    pattern: str = ""
    wildcard: bool = False
    is_null: bool = False
    items: list[str] | None = None


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.properties: set[str] = set()

    def fail(self, detail: str) -> FilterError:
        return FilterError(PARSE_ERROR, f"{detail} (at position {self.position}).")

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.position)

    def take(self, token: str) -> bool:
        if self.at(token):
            self.position += len(token)
            return True
        return False

    def parse(self) -> Predicate:
        if not self.text:
            raise self.fail("The filter is empty")
        test = self.expression()
        if self.position != len(self.text):
            raise self.fail("Unexpected text after the filter")
        return Predicate(test, frozenset(self.properties))

    def expression(self) -> Callable[[dict], bool]:
        """or-expression := and-expression ('$or:' and-expression)*"""
        alternatives = [self.conjunction()]
        while self.take("$or:"):
            alternatives.append(self.conjunction())
        if len(alternatives) == 1:
            return alternatives[0]
        return lambda document: any(test(document) for test in alternatives)

    def conjunction(self) -> Callable[[dict], bool]:
        parts = [self.term()]
        while self.take("$and:"):
            parts.append(self.term())
        if len(parts) == 1:
            return parts[0]
        return lambda document: all(test(document) for test in parts)

    def term(self) -> Callable[[dict], bool]:
        if self.take("("):
            inner = self.expression()
            if not self.take(")"):
                raise self.fail("Missing ')'")
            return inner
        return self.condition()

    def condition(self) -> Callable[[dict], bool]:
        match = _PROPERTY.match(self.text, self.position)
        if not match:
            raise self.fail("Expected a property name")
        name = match.group(0)
        self.position = match.end()
        operator = self.operator()
        value = self.list_value() if operator in ("in", "nin") else self.value()
        self.properties.add(name)
        return _condition(name, operator, value)

    def operator(self) -> str:
        for operator in _OPERATORS:
            if self.take(f"${operator}:"):
                return operator
        raise self.fail("Expected an operator such as $eq:")

    def value(self) -> _Value:
        if self.take("$null:"):
            return _Value(is_null=True)
        value = _Value()
        while self.position < len(self.text) and not self._value_ends():
            self._value_character(value)
        return value

    def _value_ends(self) -> bool:
        return self.at("$and:") or self.at("$or:") or self.at(")")

    def _value_character(self, value: _Value) -> None:
        character = self.text[self.position]
        if character == "$":
            escaped = self.text[self.position + 1 : self.position + 2]
            if not escaped or escaped not in _ESCAPABLE:
                raise self.fail("Unknown escape or operator after '$'")
            value.text += escaped
            value.pattern += re.escape(escaped)
            self.position += 2
            return
        if character in "([]":
            raise self.fail(f"Unescaped '{character}' in a value")
        if character == "*":
            value.wildcard = True
            value.pattern += ".*"
        else:
            value.pattern += re.escape(character)
        value.text += character
        self.position += 1

    def list_value(self) -> _Value:
        if not self.take("["):
            raise self.fail("Expected '[' after $in: or $nin:")
        items, current = [], _Value()
        while not self.take("]"):
            if self.position >= len(self.text):
                raise self.fail("Missing ']'")
            if self.take(","):
                items.append(current.text)
                current = _Value()
            else:
                self._value_character(current)
        items.append(current.text)
        return _Value(items=_checked_numbers(items))


def _checked_numbers(items: list[str]) -> list[str]:
    if len(items) > MAX_IN_ITEMS:
        raise FilterError(PARSE_ERROR, f"$in: and $nin: take at most {MAX_IN_ITEMS} values.")
    for item in items:
        if _number(item.strip()) is None:
            raise FilterError(
                PARSE_ERROR, f"$in: and $nin: are only allowed with numbers, not '{item}'."
            )
    return [item.strip() for item in items]


def parse_filter(text: str) -> Predicate:
    """Parse a `filter` query value (already URL-decoded). Raises `FilterError`."""
    return _Parser(text).parse()


# --- evaluation -------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _comparable(actual: Any, text: str) -> tuple[Any, Any] | None:
    """Both sides in one comparable type, following the document's value; None if they cannot
    be compared (a word against a number)."""
    if isinstance(actual, bool):
        return actual, text.strip().lower() == "true"
    if isinstance(actual, (int, float, Decimal)):
        number = _number(text)
        return None if number is None else (Decimal(str(actual)), number)
    return str(actual).casefold(), text.casefold()


_COMPARE = {
    "eq": lambda left, right: left == right,
    "ne": lambda left, right: left != right,
    "gt": lambda left, right: left > right,
    "gte": lambda left, right: left >= right,
    "lt": lambda left, right: left < right,
    "lte": lambda left, right: left <= right,
}


def _condition(name: str, operator: str, value: _Value) -> Callable[[dict], bool]:
    if value.is_null:
        if operator not in ("eq", "ne"):
            raise FilterError(PARSE_ERROR, "$null: can only be used with $eq: and $ne:.")
        wants_absent = operator == "eq"
        return lambda document: (lookup(document, name) is _MISSING) == wants_absent
    if operator in ("in", "nin"):
        return _membership(name, operator == "in", value.items or [])
    if operator == "like":
        return _like(name, value)
    compare = _COMPARE[operator]

    def test(document: dict) -> bool:
        actual = lookup(document, name)
        if actual is _MISSING and value.text.strip().lower() in ("true", "false"):
            actual = False  # e-conomic leaves false booleans out (REFERENCE §2)
        if actual is _MISSING:
            return operator == "ne"
        pair = _comparable(actual, value.text)
        if pair is None:
            return operator == "ne"
        return compare(*pair)

    return test


def _membership(name: str, inside: bool, items: list[str]) -> Callable[[dict], bool]:
    numbers = {_number(item) for item in items}

    def test(document: dict) -> bool:
        actual = lookup(document, name)
        is_number = isinstance(actual, (int, float, Decimal)) and not isinstance(actual, bool)
        found = is_number and Decimal(str(actual)) in numbers
        return found == inside

    return test


def _like(name: str, value: _Value) -> Callable[[dict], bool]:
    flags = re.IGNORECASE | re.DOTALL
    pattern = re.compile(value.pattern if value.wildcard else f".*{value.pattern}.*", flags)

    def test(document: dict) -> bool:
        actual = lookup(document, name)
        return actual is not _MISSING and pattern.fullmatch(str(actual)) is not None

    return test


# --- sorting ----------------------------------------------------------------------------------


def _sort_key(dotted: str, alphabetical: bool) -> Callable[[dict], tuple]:
    def key(document: dict) -> tuple:
        value = lookup(document, dotted)
        if value is _MISSING:
            return (0, 0, "")
        if alphabetical or isinstance(value, str):
            return (1, 1, str(value).casefold())
        return (1, 0, Decimal(str(value)) if not isinstance(value, bool) else int(value))

    return key


def sort_documents(documents: list[dict], sort: str, sortable: frozenset[str]) -> list[dict]:
    """`documents` ordered by a `sort` value such as `-name,age` or `~customerNumber`."""
    keys = []
    for raw in sort.split(","):
        spec = raw.strip()
        descending = alphabetical = False
        while spec[:1] in ("-", "~"):
            descending |= spec[0] == "-"
            alphabetical |= spec[0] == "~"
            spec = spec[1:]
        if spec not in sortable:
            raise FilterError(
                "Could not parse query string sort.",
                f"Sorting is not allowed on property '{spec}'.",
            )
        keys.append((spec, descending, alphabetical))
    ordered = list(documents)
    for spec, descending, alphabetical in reversed(keys):
        ordered.sort(key=_sort_key(spec, alphabetical), reverse=descending)
    return ordered
