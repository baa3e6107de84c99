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
    grid = Grid()
    stage = 0  # 0: before BrtWsDim, 1: before BrtBeginSheetData, 2: cells, 3: done
    skip_to: int | None = None
    row = 0
    try:
        for kind, payload in records(chunks):
            if stage == 2:
                expected = CELL_BYTES.get(kind)
                if expected is not None:
                    if len(payload) < expected:
                        raise _bad_cell(path, sheet, row)
                    if kind in STRING_CELLS:
                        count = int.from_bytes(payload[8:12], "little")
                        if len(payload) < 12 + 2 * count:
                            raise _bad_cell(path, sheet, row)
                    elif kind == SHARED_STRING_CELL and int.from_bytes(
                            payload[8:12], "little") >= strings:
                        raise _bad_cell(path, sheet, row)
                    column = int.from_bytes(payload[:4], "little")
                    if column >= MAX_COLUMNS:
                        raise _far(path, sheet, row, column)
                    grid.add(row, column)
                elif kind == ROW_HEADER:
                    if len(payload) < 4:
                        raise _bad_cell(path, sheet, row)
                    row = int.from_bytes(payload[:4], "little")
                    if row > MAX_ROWS:  # calamine stops reading the sheet there
                        stage = 3
                        break
                elif kind == END_SHEET_DATA:
                    stage = 3
                    break
            elif skip_to is not None:
                if kind == skip_to:
                    skip_to = None
            elif stage == 0 and kind == SHEET_DIMENSION:
                if len(payload) < 16:
                    raise damaged(path, f"工作表「{sheet}」的范围记录过短",
                                  f"the dimension record of sheet {sheet} is too short")
                stage = 1
            elif stage == 1 and kind == BEGIN_SHEET_DATA:
                stage = 2
            elif stage == 1 and kind in _SKIPPED_BLOCKS:
                skip_to = _SKIPPED_BLOCKS[kind]
    except Truncated as exc:
        raise damaged(path, f"工作表「{sheet}」的数据不完整", f"the data of sheet {sheet} is "
                      "cut short") from exc
    # A stream without sheet data (a chart sheet) has no cells: calamine's own error on it
    # is the sheet's, reported when its rows are read.
    return grid


def _bad_cell(path: Path, sheet: str, row: int) -> FormatError:
    return damaged(path, f"工作表「{sheet}」第{row + 1}行有损坏的单元格记录",
                   f"sheet {sheet} has a damaged cell record in row {row + 1}")


def _far(path: Path, sheet: str, row: int, column: int) -> FormatError:
    from planner.io.xlsxread import too_large

    return too_large(
        path,
        f"工作表「{sheet}」有超出 Excel 范围的单元格（第{row + 1:,}行，第{column + 1:,}列）",
        f"sheet {sheet} has a cell beyond Excel's range (row {row + 1:,}, column {column + 1:,})")
