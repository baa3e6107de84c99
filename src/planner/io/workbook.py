"""Workbooks people read: bold frozen header, autofilter, fitted column widths, real dates.

:class:`ReportTables` is :class:`planner.io.tabular.XlsxTables` (XlsxWriter in constant-memory
mode, text never a formula, every write checked, the file whole or not at all) with the
formatting every workbook of the project shares: the ledger, the responsibility lists and the
plan. Widths follow the longest cell seen (a CJK character counts two), capped, so no row is
kept to measure them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.atomic import Replacement
from planner.io.tabular import XlsxTables

#: Widest column, in characters: longer text wraps in the cell instead of a screen-wide column.
MAX_WIDTH = 60
_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def display_width(value: Any) -> int:
    """Columns ``value`` takes on screen: two for a wide (CJK) character, one otherwise."""
    if value is None:
        return 0
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """``name`` as Excel accepts a sheet name (31 characters, none of ``[]:*?/\\``), made unique
    among ``taken`` with a number."""
    base = (name.translate(_FORBIDDEN).strip("'") or "_")[:31]
    candidate, number = base, 2
    lowered = {t.casefold() for t in taken}
    while candidate.casefold() in lowered:
        suffix = f"~{number}"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    return candidate


class ReportTables(XlsxTables):
    """Sheets with a bold, frozen header row, an autofilter over the rows written and column
    widths fitted to the text (set on :meth:`close`). Dates are Excel dates (``yyyy-mm-dd``)."""

    def __init__(self, path: Path, main: str, main_header: Sequence[str],
                 files: Replacement | None = None):
        self._widths: dict[str, list[int]] = {}
        self._header_format: Any = None
        super().__init__(path, main, main_header, files)

    def _open(self, table: str, header: Sequence[Any]) -> Any:
        if self._header_format is None:
            self._header_format = self._book.add_format(
                {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                 "valign": "top"})
        sheet = self._book.add_worksheet(table[:31])
        self._sheets[table] = sheet
        for column, text in enumerate(header):
            sheet.write_string(0, column, str(text), self._header_format)
        self._next_row[table] = 1
        self._widths[table] = [display_width(text) for text in header]
        sheet.freeze_panes(1, 0)
        return sheet

    def _write_row(self, table: str, row: Sequence[Any]) -> None:
        super()._write_row(table, row)
        widths = self._widths[table]
        for column, value in enumerate(row):
            width = display_width(value)
            if column >= len(widths):
                widths.append(width)
            elif width > widths[column]:
                widths[column] = width

    def hide(self, table: str) -> None:
        """Hide the sheet of ``table`` (data the workbook carries for the program)."""
        self._sheets[table].hide()

    def close(self) -> None:
        """Set the widths and filters, then finish the workbook."""
        for table, sheet in self._sheets.items():
            widths = self._widths[table]
            for column, width in enumerate(widths):
                sheet.set_column(column, column, min(width, MAX_WIDTH) + 2)
            if widths:
                sheet.autofilter(0, 0, max(self._next_row[table] - 1, 0), len(widths) - 1)
        super().close()


__all__ = ["MAX_WIDTH", "ReportTables", "display_width", "sheet_name"]
