"""Exported spreadsheet cells that cannot run as formulas (CSV injection).

A cell that begins with =, +, -, @, a tab or a carriage return is read as a formula by Excel,
LibreOffice and Google Sheets (`+cmd|' /C calc'!A0`). As OWASP advises
(https://owasp.org/www-community/attacks/CSV_Injection), such a cell is prefixed with a single
quote, which makes the spreadsheet show it as text; the CSV writer quotes the cell and doubles its
quotes. Numbers are left as they are: a negative amount must stay a number.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def formula_escaped(value: Any) -> Any:
    """The cell as a spreadsheet may show it: text that would start a formula gets a leading
    quote; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class FormulaEscapedExport:
    """For a django-import-export resource: every exported cell escaped, in every format (CSV,
    XLSX, ...) and from every place that exports (the admin's export page and action)."""

    def export_resource(self, instance, selected_fields=None, **kwargs) -> list:
        row = super().export_resource(instance, selected_fields, **kwargs)
        return [formula_escaped(cell) for cell in row]
