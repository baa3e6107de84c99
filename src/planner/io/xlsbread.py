"""Guarded XLSB reading: the record streams of an Excel binary workbook, scanned before calamine.

An XLSB sheet part is a stream of records (MS-XLSB 2.1.4): a type of one or two bytes and a size
of one to four, each 7 bits a byte with the high bit saying another byte follows. calamine reads
a sheet as :mod:`planner.io.xlsxread` says of XLSX: a dense grid from the first to the last
filled cell, whatever lies between, and the column of a cell record is a 32-bit number. So each
sheet's stream is scanned here as calamine will read it (``BrtWsDim``, then ``BrtBeginSheetData``,
then ``BrtRowHdr`` giving the row and the cell records ``BrtCellRk`` … ``BrtFmlaBool`` their
column, up to ``BrtEndSheetData``), and the grid of its cells is checked with the XLSX budget
(:meth:`planner.io.xlsxread.Package._checked`). Cell records too short for the fields calamine
reads, and shared-string indices past the table, are refused as damage: calamine would index
out of bounds on them.
"""

from __future__ import annotations

import posixpath
import struct
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from planner.io.errors import FormatError
from planner.io.xlsxread import MAX_COLUMNS, MAX_ROWS, Grid, damaged

WORKBOOK = "xl/workbook.bin"
RELATIONSHIPS = "xl/_rels/workbook.bin.rels"
SHARED_STRINGS = "xl/sharedStrings.bin"

ROW_HEADER, END_SHEET_DATA, BEGIN_SHEET_DATA, SHEET_DIMENSION = 0x0000, 0x0092, 0x0091, 0x0094
BUNDLE_SHEET, END_BUNDLE_SHEETS, BEGIN_SST = 0x009C, 0x0090, 0x009F
# Cell records calamine turns into a value, and the bytes it reads of each: the 8-byte cell
# header (column, style) and the value; strings are checked for their declared length too.
CELL_BYTES = {0x0002: 12, 0x0003: 9, 0x0004: 9, 0x0005: 16, 0x0006: 12, 0x0007: 12,
              0x0008: 12, 0x0009: 16, 0x000A: 9}
SHARED_STRING_CELL = 0x0007
STRING_CELLS = (0x0006, 0x0008)
# Blocks calamine skips whole while it looks for BrtBeginSheetData (views, AC blocks, columns).
_SKIPPED_BLOCKS = {0x0085: 0x0086, 0x0025: 0x0026, 0x0186: 0x0187}
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class Truncated(Exception):
    """The stream ends inside a record."""


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int] | None:
    """(type, size, payload offset) of the record at ``pos``; ``None`` when its header runs
    past ``end``. As calamine reads it: a second type byte when the first has its high bit set,
    up to four size bytes."""
    if pos >= end:
        return None
    kind = data[pos]
    pos += 1
    if kind & 0x80:
        if pos >= end:
            return None
        kind = (kind & 0x7F) | ((data[pos] & 0x7F) << 7)
        pos += 1
    size = 0
    for shift in (0, 7, 14, 21):
        if pos >= end:
            return None
        byte = data[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
    return kind, size, pos


def records(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """The records of a stream as (type, payload), read across chunk boundaries.

    :class:`Truncated` when the stream stops inside a record; a payload is at most 2**28 bytes,
    the most four size bytes can say.
    """
    data = b""
    pos = 0
    for chunk in chunks:
        data = data[pos:] + chunk
        pos = 0
        end = len(data)
        while (header := _header(data, pos, end)) is not None:
            kind, size, start = header
            if start + size > end:
                break
            yield kind, data[start:start + size]
            pos = start + size
    if pos < len(data):
        raise Truncated


def shared_string_count(chunks: Iterator[bytes] | None) -> int:
    """How many strings calamine reads from the shared-string table (``BrtBeginSst``), 0 without
    one."""
    if chunks is None:
        return 0
    try:
        for kind, payload in records(chunks):
            if kind == BEGIN_SST:
                return int.from_bytes(payload[4:8], "little") if len(payload) >= 8 else 0
    except Truncated:
        return 0
    return 0


def sheet_parts(workbook: Iterator[bytes], relationships: bytes | None, names: set[str],
                path: Path) -> dict[str, str | None]:
    """Sheet name → its part, as calamine finds them: ``BrtBundleSh`` records up to
    ``BrtEndBundleShs``, their relationship ids looked up in ``workbook.bin.rels`` and the
    target taken below ``xl/``. A sheet whose part is absent maps to ``None``; one whose
    relationship id is unknown is damage (calamine would fail on it)."""
    targets: dict[str, str] = {}
    if relationships is not None:
        try:
            root = ElementTree.fromstring(relationships)
        except ElementTree.ParseError as exc:
            raise damaged(path, f"{RELATIONSHIPS} 不是有效的 XML：{exc}",
                          f"{RELATIONSHIPS} is not valid XML: {exc}") from exc
        for rel in root.iter(_RELATIONSHIP):
            targets[rel.get("Id", "")] = rel.get("Target", "")
    parts: dict[str, str | None] = {}
    try:
        for kind, payload in records(workbook):
            if kind == END_BUNDLE_SHEETS:
                break
            if kind != BUNDLE_SHEET:
                continue
            relation, rest = _wide_string(payload, 8, path)
            if relation is None:
                continue  # no relationship: calamine skips the sheet too
            if relation not in targets:
                raise damaged(path, f"工作表关系 {relation} 在 {RELATIONSHIPS} 中不存在",
                              f"sheet relationship {relation} is not in {RELATIONSHIPS}")
            name, _ = _wide_string(payload, rest, path)
            part = posixpath.join("xl", targets[relation])
            parts[name or ""] = part if part in names else None
    except Truncated as exc:
        raise damaged(path, f"{WORKBOOK} 不完整", f"{WORKBOOK} is cut short") from exc
    return parts


def _wide_string(payload: bytes, at: int, path: Path) -> tuple[str | None, int]:
    """An XLWideString at ``at``: its text (``None`` for the 0xFFFFFFFF null) and the offset
    after it."""
    if len(payload) < at + 4:
        raise damaged(path, f"{WORKBOOK} 的工作表记录过短", f"a sheet record of {WORKBOOK} is "
                      "too short")
    count = int.from_bytes(payload[at:at + 4], "little")
    if count == 0xFFFF_FFFF:
        return None, at + 4
    end = at + 4 + 2 * count
    if len(payload) < end:
        raise damaged(path, f"{WORKBOOK} 的工作表记录过短", f"a sheet record of {WORKBOOK} is "
                      "too short")
    return payload[at + 4:end].decode("utf-16-le", "replace"), end


def scan_sheet(chunks: Iterator[bytes], path: Path, sheet: str, strings: int) -> Grid:
    """The cells of a sheet's record stream as calamine reads them; damage that calamine would
    fail or index out of bounds on is a :class:`FormatError`."""
    scan = _SheetScan(path, sheet, strings)
    data = b""
    pos = 0
    for chunk in chunks:
        data = data[pos:] + chunk
        pos = scan.feed(data)
        if scan.stage == _DONE:
            return scan.grid
    if pos < len(data):
        raise damaged(path, f"工作表「{sheet}」的数据不完整", f"the data of sheet {sheet} is "
                      "cut short")
    # A stream without sheet data (a chart sheet) has no cells: calamine's own error on it
    # is the sheet's, reported when its rows are read.
    return scan.grid


_BEFORE_DIMENSION, _BEFORE_DATA, _CELLS, _DONE = range(4)
_U32 = struct.Struct("<I")
_CELL_MINIMUM = tuple(CELL_BYTES.get(kind, 0) for kind in range(11))


class _SheetScan:
    """The state of one sheet's scan between chunks; :meth:`feed` is the hot loop (locals, the
    one- byte type and size of almost every record read inline)."""

    def __init__(self, path: Path, sheet: str, strings: int) -> None:
        self.path, self.sheet, self.strings = path, sheet, strings
        self.stage = _BEFORE_DIMENSION
        self.skip_to: int | None = None
        self.row = 0
        self.grid = Grid()

    def feed(self, data: bytes) -> int:
        """Scan the whole records of ``data``; the offset of the first incomplete one."""
        grid, strings, unpack = self.grid, self.strings, _U32.unpack_from
        row, cells = self.row, grid.cells
        top, bottom, left, right = grid.top, grid.bottom, grid.left, grid.right
        pos, end = 0, len(data)
        try:
            while pos < end:
                kind = data[pos]
                if kind < 0x80 and pos + 1 < end and data[pos + 1] < 0x80:
                    size, start = data[pos + 1], pos + 2
                else:
                    header = _header(data, pos, end)
                    if header is None:
                        break
                    kind, size, start = header
                stop = start + size
                if stop > end:
                    break
                if self.stage != _CELLS:
                    self._before_cells(kind, size)
                elif 2 <= kind <= 10:
                    if size < _CELL_MINIMUM[kind] or (
                            kind in STRING_CELLS
                            and size < 12 + 2 * unpack(data, start + 8)[0]) or (
                            kind == SHARED_STRING_CELL and unpack(data, start + 8)[0] >= strings):
                        raise _bad_cell(self.path, self.sheet, row)
                    column = unpack(data, start)[0]
                    if column >= MAX_COLUMNS:
                        raise _far(self.path, self.sheet, row, column)
                    cells += 1
                    if column < left:
                        left = column
                    if column > right:
                        right = column
                    if row < top:
                        top = row
                    if row > bottom:
                        bottom = row
                elif kind == ROW_HEADER:
                    if size < 4:
                        raise _bad_cell(self.path, self.sheet, row)
                    row = unpack(data, start)[0]
                    if row > MAX_ROWS:  # calamine stops reading the sheet there
                        self.stage = _DONE
                        break
                elif kind == END_SHEET_DATA:
                    self.stage = _DONE
                    break
                pos = stop
        finally:
            self.row, grid.cells = row, cells
            grid.top, grid.bottom, grid.left, grid.right = top, bottom, left, right
        return pos

    def _before_cells(self, kind: int, size: int) -> None:
        """calamine's way to the cells: BrtWsDim, then BrtBeginSheetData, skipping whole the
        blocks it skips."""
        if self.skip_to is not None:
            if kind == self.skip_to:
                self.skip_to = None
        elif self.stage == _BEFORE_DIMENSION and kind == SHEET_DIMENSION:
            if size < 16:
                raise damaged(self.path, f"工作表「{self.sheet}」的范围记录过短",
                              f"the dimension record of sheet {self.sheet} is too short")
            self.stage = _BEFORE_DATA
        elif self.stage == _BEFORE_DATA and kind == BEGIN_SHEET_DATA:
            self.stage = _CELLS
        elif self.stage == _BEFORE_DATA and kind in _SKIPPED_BLOCKS:
            self.skip_to = _SKIPPED_BLOCKS[kind]


def _bad_cell(path: Path, sheet: str, row: int) -> FormatError:
    return damaged(path, f"工作表「{sheet}」第{row + 1}行有损坏的单元格记录",
                   f"sheet {sheet} has a damaged cell record in row {row + 1}")


def _far(path: Path, sheet: str, row: int, column: int) -> FormatError:
    from planner.io.xlsxread import too_large

    return too_large(
        path,
        f"工作表「{sheet}」有超出 Excel 范围的单元格（第{row + 1:,}行，第{column + 1:,}列）",
        f"sheet {sheet} has a cell beyond Excel's range (row {row + 1:,}, column {column + 1:,})")
