"""Build e-conomic collection filters with the escaping their grammar needs.

https://restdocs.e-conomic.com/#filtering: `field$op:value`, joined with `$and:` / `$or:`,
parentheses for precedence; inside a value `$ ( ) * , [ ]` are escaped with a `$`.
`$in:`/`$nin:` take at most 200 numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_IN_ITEMS = 200
_ESCAPED = "$()*,[]"


def escape(value: object) -> str:
    text = "true" if value is True else "false" if value is False else str(value)
    return "".join(f"${character}" if character in _ESCAPED else character for character in text)


@dataclass(frozen=True)
class Filter:
    text: str
    compound: bool = False

    def __and__(self, other: Filter) -> Filter:
        return Filter(f"{self._operand()}$and:{other._operand()}", compound=True)

    def __or__(self, other: Filter) -> Filter:
        return Filter(f"{self._operand()}$or:{other._operand()}", compound=True)

    def _operand(self) -> str:
        # Parenthesise every compound operand so precedence never depends on the server's.
        return f"({self.text})" if self.compound else self.text

    def __str__(self) -> str:
        return self.text


def _compare(field: str, operator: str, value: object) -> Filter:
    return Filter(f"{field}${operator}:{escape(value)}")


def eq(field: str, value: object) -> Filter:
    return _compare(field, "eq", value)


def ne(field: str, value: object) -> Filter:
    return _compare(field, "ne", value)


def gt(field: str, value: object) -> Filter:
    return _compare(field, "gt", value)


def gte(field: str, value: object) -> Filter:
    return _compare(field, "gte", value)


def like(field: str, value: str) -> Filter:
    """Contains `value` (its own `*` are escaped, so they match a literal star)."""
    return _compare(field, "like", value)


def like_spread(field: str, value: str) -> Filter:
    """Holds `value`'s characters in this order, anything between them: a CVR number typed
    with spaces or dashes ("DK 12 34 56 78") still matches 12345678."""
    return Filter(f"{field}$like:*{'*'.join(escape(character) for character in value)}*")


def is_null(field: str) -> Filter:
    return Filter(f"{field}$eq:$null:")


def is_in(field: str, numbers: Iterable[int]) -> Filter:
    values = [int(number) for number in numbers]
    if not values:
        raise ValueError(f"An $in: filter on {field} needs at least one number.")
    if len(values) > MAX_IN_ITEMS:
        raise ValueError(
            f"e-conomic takes at most {MAX_IN_ITEMS} numbers in $in:, got {len(values)}."
        )
    return Filter(f"{field}$in:[{','.join(str(value) for value in values)}]")
