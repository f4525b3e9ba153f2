"""Spreadsheet cells that cannot run: formula injection (CSV/XLSX injection).

A cell whose text starts with « = », « + », « - » or « @ » (or a tab / carriage return before
one) is taken as a formula by spreadsheet software: « =HYPERLINK(…) » in a service's name would
run on the computer of whoever opens an export. Every CSV or XLSX we write goes through
`neutralise` (a leading apostrophe makes the cell plain text, the usual remedy); imports refuse
values that look like a formula (`looks_like_formula`) with a French message.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")
# Refused at import: what a spreadsheet would evaluate and a person would not write as text.
# « - première ligne » or « +33 6 12… » stay accepted (and are neutralised on export).
_IMPORTED_FORMULA = re.compile(r"^[\t\r ]*(?:[=@]|[+-]\s*[A-Za-z_][\w.]*\s*\()")

FORMULA_MESSAGE = (
    "Cette valeur commence comme une formule de tableur (« = », « @ », « +FONCTION( »…) : "
    "retirez ce premier caractère."
)


def neutralise(value: Any) -> Any:
    """The value, made plain text for a spreadsheet when it would start a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and bool(_IMPORTED_FORMULA.match(value))


class SafeWriter:
    """`csv.writer` whose every cell goes through `neutralise`."""

    def __init__(self, buffer, **kwargs: Any) -> None:
        self._writer = csv.writer(buffer, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
