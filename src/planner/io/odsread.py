"""Guarded ODS reading: the cell ranges of an OpenDocument spreadsheet, scanned before calamine.

An ODS sheet repeats rows and cells by attribute (``table:number-rows-repeated``,
``table:number-columns-repeated``), so a file of a few hundred bytes can declare billions of filled
cells, which calamine would allocate (it stops only at 100 million, about 3 GB). Empty repeated
rows and cells are what every spreadsheet program writes up to the end of the sheet and are not
counted; filled ones are, as calamine reads them. The scan streams ``content.xml`` (decompressed
in bounded pieces by :class:`planner.io.xlsxread.Package`) and keeps no element.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from planner.io.xlsxread import MAX_COLUMNS, MAX_ROWS, Grid, damaged, too_large

CONTENT = "content.xml"
MAX_FILLED_CELLS = 20_000_000
"""Filled cells of one sheet, repeats counted (about 640 MB in calamine). A household file of a
whole province holds fewer; more is a file built to exhaust memory."""
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NAME, _ROWS, _COLUMNS = f"{_TABLE}name", f"{_TABLE}number-rows-repeated", \
    f"{_TABLE}number-columns-repeated"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_VALUE_TYPE = f"{_OFFICE}value-type"


def _repeat(element: ElementTree.Element, attribute: str, path: Path) -> int:
    text = element.get(attribute) or "1"
    if not text.isdigit() or len(text) > 9:
        raise damaged(path, f"{CONTENT} 中的重复次数 {text[:20]!r} 无效",
                      f"a repeat count {text[:20]!r} in {CONTENT} is not valid")
    return max(int(text), 1)


class _Scanner:
    """Running state of one scan: the sheet, row and column reached, and the current row's
    filled cells."""

    def __init__(self, path: Path):
        self.path = path
        self.grids: dict[str, Grid] = {}
        self.grid: Grid | None = None
        self.row = self.column = 0
        self.row_left, self.row_right, self.row_cells = MAX_COLUMNS, -1, 0

    def start(self, element: ElementTree.Element) -> None:
        if element.tag == f"{_TABLE}table":
            self.grid = self.grids.setdefault(element.get(_NAME, ""), Grid())
            self.row = 0
        elif element.tag == f"{_TABLE}table-row":
            self.column, self.row_left, self.row_right, self.row_cells = 0, MAX_COLUMNS, -1, 0

    def end(self, element: ElementTree.Element) -> None:
        tag = element.tag
        if tag in _CELLS:
            repeat = _repeat(element, _COLUMNS, self.path)
            if element.get(_VALUE_TYPE) is not None or len(element):
                self.row_left = min(self.row_left, self.column)
                self.row_right = self.column + repeat - 1
                self.row_cells += repeat
            self.column += repeat
        elif tag == f"{_TABLE}table-row" and self.grid is not None:
            repeat = _repeat(element, _ROWS, self.path)
            if self.row_cells:
                self._add_rows(self.grid, repeat)
            self.row += repeat
        elif tag != f"{_TABLE}table":
            return
        element.clear()  # keep no element: memory stays flat however long the sheet

    def _add_rows(self, grid: Grid, repeat: int) -> None:
        if self.row + repeat > MAX_ROWS or self.row_right >= MAX_COLUMNS:
            raise too_large(
                self.path, f"工作表的单元格超出 {MAX_ROWS:,} 行 × {MAX_COLUMNS:,} 列",
                f"a sheet's cells go beyond {MAX_ROWS:,} rows × {MAX_COLUMNS:,} columns")
        grid.cells += self.row_cells * repeat
        grid.top = min(grid.top, self.row)
        grid.bottom = max(grid.bottom, self.row + repeat - 1)
        grid.left = min(grid.left, self.row_left)
        grid.right = max(grid.right, self.row_right)
        if grid.cells > MAX_FILLED_CELLS:
            raise too_large(
                self.path, f"一个工作表填有超过 {MAX_FILLED_CELLS:,} 个单元格（含重复的）",
                f"a sheet fills more than {MAX_FILLED_CELLS:,} cells (repeats counted)")


def scan_tables(chunks: Iterator[bytes], path: Path) -> dict[str, Grid]:
    """The grid of every table (sheet) in ``content.xml``, counting filled cells only."""
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
    scanner = _Scanner(path)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event_item in parser.read_events():
                event, element = cast(tuple[str, ElementTree.Element], event_item)
                if event == "start":
                    scanner.start(element)
                else:
                    scanner.end(element)
        parser.close()
    except ElementTree.ParseError as exc:
        raise damaged(path, f"{CONTENT} 不是有效的 XML：{exc}",
                      f"{CONTENT} is not valid XML: {exc}") from exc
    return scanner.grids
