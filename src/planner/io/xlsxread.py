"""Guarded XLSX (and ODS) reading: zip, size and grid limits checked before python-calamine loads
a sheet. ODS sheets are scanned by :mod:`planner.io.odsread`, all at open.

python-calamine holds a sheet as a dense grid from its first to its last filled cell (about 32
bytes a cell in Rust, whatever is in it), so one cell at ``XFD1048576`` in a 5 KB file asks for
hundreds of gigabytes. Before calamine opens the workbook, the zip's declared sizes and
compression ratios are checked and the parts calamine reads at open are decompressed once
through :mod:`zipfile` (bounded by the declared size, CRC-checked); before a sheet is loaded its
XML is decompressed the same way and its cell references are scanned, so a grid that is far
larger than what the sheet holds is refused with a message naming the far cell. The scan is
vectorised with numpy for sheets written the usual way (every ``<c>`` with ``r="A1"`` first);
other sheets are scanned tag by tag, following calamine's rules for cells without a reference.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from planner.io.errors import FormatError

MAX_PART_BYTES = 4 << 30
"""Largest uncompressed part (a sheet's XML, the shared strings).

A national export of ~1M member rows × ~90 columns is about 3 GB of sheet XML (30–40 bytes a
cell); Excel cannot write more rows than that, so a larger part is not a real export.
"""

MAX_WORKBOOK_BYTES = 8 << 30
"""Largest uncompressed workbook, every part together: a full-size main sheet plus its parts."""

MAX_COMPRESSION_RATIO = 200
"""Largest uncompressed / compressed size of a part bigger than :data:`RATIO_FLOOR_BYTES`.

Sheet XML deflates about 10× (measured on generated exports, 8–12× per sheet); a sheet of the
same value repeated reaches ~100×; zip bombs sit near deflate's ceiling of ~1000×.
"""

RATIO_FLOOR_BYTES = 16 << 20
"""Parts smaller than this (16 MB) are not ratio-checked: decompressing them costs nothing."""

MAX_ROWS = 1_048_576
"""Excel's own row limit: a cell reference beyond it is not from a spreadsheet program."""

MAX_COLUMNS = 16_384
"""Excel's own column limit (``XFD``); real exports have about 90 columns."""

MIN_GRID_CELLS = 5_000_000
"""A sheet's grid (first to last filled row × column) up to this size is always accepted.

5 million cells is about 160 MB in calamine: 50,000 member rows of a 90-column export, with no
questions asked about how full they are.
"""

SPARSE_FACTOR = 8
"""A larger grid must be at least 1/8 full (grid cells per cell written in the sheet).

Real exports are dense: household columns left blank on every member row but the first still
leave a sheet about half full. A grid 8 times larger than its cells costs at most ~8 × 32 bytes
per cell of XML (about 8 times the sheet's own XML size), whatever the references claim.
"""

MAX_TAG_BYTES = 16 << 20
"""Longest run of a sheet's XML without a ``<`` (one tag and the text after it): Excel keeps at
most 32,767 characters in a cell, so 16 MB is damage or an attack, not data."""

_CHUNK = 8 << 20
_DELIMITERS = np.zeros(256, dtype=bool)
_DELIMITERS[[ord(c) for c in " \t\r\n/>"]] = True
_REF_OPEN = np.frombuffer(b' r="', dtype=np.uint8)
_WINDOW = np.arange(11)  # up to 3 letters, 7 digits and the closing quote
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?(c|row)(?=[\s/>])((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')
_R_ATTRIBUTE = re.compile(rb'\sr\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REF = re.compile(rb"([A-Za-z]{1,3})([1-9][0-9]{0,6})")
_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?worksheet>\s*$")
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?row>\s*$")
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_READ_AT_OPEN = (".xml", ".rels")


def column_name(index: int) -> str:
    """``0`` → ``A``, ``701`` → ``ZZ``: Excel's name of a 0-based column."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


@dataclass(slots=True)
class Grid:
    """What a sheet's XML holds: the 0-based bounds of its cells and how many there are.

    ``complete`` is False when the XML stops before ``</worksheet>`` (a truncated part, which
    calamine may read without complaint); ``cut_row`` is then the first 1-based row that may
    be incomplete: the last row seen, or the one after it when the XML stops after ``</row>``.
    """

    cells: int = 0
    top: int = MAX_ROWS
    left: int = MAX_COLUMNS
    bottom: int = -1
    right: int = -1
    complete: bool = True
    ends_with_row: bool = False

    def add(self, row: int, column: int) -> None:
        """Count one cell at 0-based ``row``, ``column``."""
        self.cells += 1
        self.top = min(self.top, row)
        self.bottom = max(self.bottom, row)
        self.left = min(self.left, column)
        self.right = max(self.right, column)

    @property
    def area(self) -> int:
        """Cells of the dense grid calamine builds for the sheet."""
        if self.cells == 0:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    @property
    def cut_row(self) -> int:
        """The first 1-based row not to trust in an incomplete sheet."""
        return self.bottom + (2 if self.ends_with_row else 1)


def damaged(path: Path, zh: str, en: str) -> FormatError:
    return FormatError(f"{path}：Excel 文件已损坏或不是 XLSX 文件（{zh}），未读取",
                       f"{path}: the Excel file is damaged or not an XLSX file ({en}); "
                       "nothing was read")


def too_large(path: Path, zh: str, en: str) -> FormatError:
    return FormatError(f"{path}：{zh}，为防止耗尽内存，文件未读取",
                       f"{path}: {en}; the file was not read, to keep memory bounded")


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError)


class Package:
    """The zip of one workbook: sizes checked, parts read at open verified, sheets located."""

    def __init__(self, path: Path, kind: str = "xlsx"):
        self.path = path
        self.kind = kind  # "xlsx", "xlsb" (planner.io.xlsbread), or "ods": one content.xml
        self._strings = 0  # XLSB: the shared strings calamine reads
        self._tables: dict[str, Grid] | None = None
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise damaged(path, f"不是完整的 zip 文件：{exc}", f"not a complete zip file: {exc}",
                           ) from exc
        try:
            self._check_sizes()
            self._verify_small_parts()
            self.sheet_parts = (self._sheet_parts() if kind == "xlsx"
                                else self._xlsb_parts() if kind == "xlsb" else {})
            if kind == "ods":
                self._tables = self._scan_ods()
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        """Release the file."""
        self._zip.close()

    def _check_sizes(self) -> None:
        total = 0
        for info in self._zip.infolist():
            total += info.file_size
            if info.file_size > MAX_PART_BYTES:
                raise too_large(
                    self.path,
                    f"其中的 {info.filename} 解压后有 {info.file_size:,} 字节，"
                    f"超过 {MAX_PART_BYTES:,} 字节上限",
                    f"its part {info.filename} unpacks to {info.file_size:,} bytes, over the "
                    f"limit of {MAX_PART_BYTES:,}")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise too_large(
                    self.path,
                    f"其中的 {info.filename} 压缩比为 {ratio:,.0f} 倍（上限 "
                    f"{MAX_COMPRESSION_RATIO} 倍），疑似压缩炸弹",
                    f"its part {info.filename} is compressed {ratio:,.0f} times (limit "
                    f"{MAX_COMPRESSION_RATIO}), like a zip bomb")
        if total > MAX_WORKBOOK_BYTES:
            raise too_large(
                self.path, f"解压后共 {total:,} 字节，超过 {MAX_WORKBOOK_BYTES:,} 字节上限",
                f"it unpacks to {total:,} bytes, over the limit of {MAX_WORKBOOK_BYTES:,}")

    def _chunks(self, name: str) -> Iterator[bytes]:
        """The uncompressed bytes of part ``name``: never more than declared, CRC-checked.

        Deflated parts are inflated here, at most :data:`_CHUNK` bytes at a time, because
        zipfile silently stops at the declared size, which a forged header can understate
        while calamine inflates the whole stream.
        """
        try:
            info = self._zip.getinfo(name)
        except KeyError as exc:
            raise damaged(self.path, f"缺少 {name}", f"{name} is missing") from exc
        try:
            if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 1:
                yield from self._inflate(info)
                return
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    yield chunk
        except _READ_ERRORS as exc:
            raise damaged(self.path, f"{name} 无法解压：{exc}",
                           f"{name} cannot be unpacked: {exc}") from exc

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        with open(self.path, "rb") as raw:
            raw.seek(info.header_offset)
            header = raw.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("no local header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            raw.seek(info.header_offset + 30 + name_length + extra_length)
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            left, produced, crc = info.compress_size, 0, 0
            while left > 0 and not inflater.eof:
                data = raw.read(min(left, 1 << 20))
                if not data:
                    raise zipfile.BadZipFile("cut short")
                left -= len(data)
                while data and not inflater.eof:
                    out = inflater.decompress(data, _CHUNK)
                    data = inflater.unconsumed_tail
                    produced += len(out)
                    if produced > info.file_size:
                        raise zipfile.BadZipFile(
                            f"more than the declared {info.file_size:,} bytes")
                    crc = zlib.crc32(out, crc)
                    yield out
            if not inflater.eof or produced != info.file_size or crc != info.CRC:
                raise zipfile.BadZipFile("incomplete, or its CRC does not match")

    def _verify_small_parts(self) -> None:
        """Decompress the XML parts calamine reads at open (workbook, shared strings, styles).

        A part whose header understates its size would otherwise be inflated by calamine
        without limit; zipfile stops at the declared size and checks the CRC.
        """
        for info in self._zip.infolist():
            name = info.filename
            read_at_open = (*_READ_AT_OPEN, ".bin") if self.kind == "xlsb" else _READ_AT_OPEN
            if (name.endswith(read_at_open) and "worksheets/" not in name
                    and name != "content.xml"):  # an ODS sheet's cells: scanned by scan()
                for _chunk in self._chunks(name):
                    pass

    def _read_xml(self, name: str) -> ElementTree.Element:
        try:
            return ElementTree.fromstring(b"".join(self._chunks(name)))
        except ElementTree.ParseError as exc:
            raise damaged(self.path, f"{name} 不是有效的 XML：{exc}",
                           f"{name} is not valid XML: {exc}") from exc

    def _sheet_parts(self) -> dict[str, str | None]:
        """Sheet name → its part in the zip (None when the workbook points nowhere)."""
        names = set(self._zip.namelist())
        workbook = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in self._read_xml("_rels/.rels").iter(_RELATIONSHIPS):
                if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                    workbook = rel.get("Target", workbook).lstrip("/")
        if workbook not in names:
            raise damaged(self.path, f"缺少 {workbook}", f"{workbook} is missing")
        folder = posixpath.dirname(workbook)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        targets: dict[str, str] = {}
        if rels_name in names:
            for rel in self._read_xml(rels_name).iter(_RELATIONSHIPS):
                target = rel.get("Target", "")
                targets[rel.get("Id", "")] = (
                    target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
        parts: dict[str, str | None] = {}
        for element in self._read_xml(workbook).iter():
            if element.tag.rsplit("}", 1)[-1] != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"),
                       "")
            part = targets.get(rid)
            parts[element.get("name", "")] = part if part in names else None
        return parts

    def scan(self, sheet: str) -> Grid:
        """Scan the cell references of ``sheet``; refuse a grid calamine must not allocate."""
        if self._tables is not None:  # ODS: every sheet was scanned at open
            grid = self._tables.get(sheet)
            if grid is None:
                raise SheetPartMissing(sheet)
            return grid
        part = self.sheet_parts.get(sheet)
        if part is None:
            raise SheetPartMissing(sheet)
        if self.kind == "xlsb":
            from planner.io.xlsbread import scan_sheet

            return self._checked(sheet, scan_sheet(self._chunks(part), self.path, sheet,
                                                   self._strings))
        grid = _scan_fast(self._chunks(part), self.path) or _scan_tags(
            self._chunks(part), self.path)
        return self._checked(sheet, grid)

    def _xlsb_parts(self) -> dict[str, str | None]:
        """An XLSB's sheets and its shared-string count (planner.io.xlsbread)."""
        from planner.io import xlsbread

        names = set(self._zip.namelist())
        if xlsbread.WORKBOOK not in names:
            raise damaged(self.path, f"缺少 {xlsbread.WORKBOOK}", f"{xlsbread.WORKBOOK} is missing")
        strings = xlsbread.SHARED_STRINGS
        self._strings = xlsbread.shared_string_count(
            self._chunks(strings) if strings in names else None)
        rels = xlsbread.RELATIONSHIPS
        return xlsbread.sheet_parts(self._chunks(xlsbread.WORKBOOK),
                                    b"".join(self._chunks(rels)) if rels in names else None,
                                    names, self.path)

    def _scan_ods(self) -> dict[str, Grid]:
        """Every sheet of an ODS, checked: calamine loads them all when it opens the file."""
        from planner.io.odsread import CONTENT, scan_tables

        tables = scan_tables(self._chunks(CONTENT), self.path)
        return {sheet: self._checked(sheet, grid) for sheet, grid in tables.items()}

    def _checked(self, sheet: str, grid: Grid) -> Grid:
        allowed = max(MIN_GRID_CELLS, SPARSE_FACTOR * grid.cells)
        if grid.area > allowed:
            far = f"{column_name(grid.right)}{grid.bottom + 1}"
            first = f"{column_name(grid.left)}{grid.top + 1}"
            rows, columns = grid.bottom - grid.top + 1, grid.right - grid.left + 1
            raise too_large(
                self.path,
                f"工作表「{sheet}」的单元格从 {first} 延伸到 {far}（{rows:,} 行 × {columns:,} 列，"
                f"{grid.area:,} 格），而其中只有 {grid.cells:,} 个单元格；请删除远处的单元格后重试",
                f"sheet {sheet} spans {first} to {far} ({rows:,} rows × {columns:,} columns, "
                f"{grid.area:,} cells) but holds only {grid.cells:,} cells; delete the far cells "
                "and try again")
        return grid


class SheetPartMissing(Exception):
    """The workbook lists a sheet whose XML part is not in the zip."""


def _blocks(chunks: Iterator[bytes], path: Path, grid: Grid) -> Iterator[bytes]:
    """The XML cut just before a ``<``, so no tag spans two blocks; sets ``grid.complete``."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            tail = data
        else:
            tail = data[cut:]
            yield data[:cut]
        if len(tail) > MAX_TAG_BYTES:
            raise too_large(path, f"工作表 XML 中有超过 {MAX_TAG_BYTES:,} 字节的单个标签或文本",
                             f"a sheet's XML has one tag or text over {MAX_TAG_BYTES:,} bytes")
    grid.complete = bool(_END.search(tail[-256:]))
    grid.ends_with_row = bool(_ROW_END.search(tail[-256:]))
    if tail:
        yield tail


def _refuse_reference(path: Path, reference: str) -> FormatError:
    return too_large(
        path, f"单元格引用 {reference} 超出 Excel 的范围（{MAX_ROWS:,} 行 × {MAX_COLUMNS:,} 列）",
        f"cell reference {reference} is beyond Excel's sheet ({MAX_ROWS:,} rows × "
        f"{MAX_COLUMNS:,} columns)")


def _scan_fast(chunks: Iterator[bytes], path: Path) -> Grid | None:
    """The grid of a sheet whose cells all start ``<c r="A1"``; None when one does not.

    Tags may carry a namespace prefix (``<x:c r="A1"``); anything ``c``-like that does not
    carry its reference first sends the sheet to :func:`_scan_tags`.
    """
    grid = Grid()
    for block in _blocks(chunks, path, grid):
        data = np.frombuffer(block + b"\0" * 16, dtype=np.uint8)
        starts = np.flatnonzero((data[:-16] == 60) | (data[:-16] == 58))  # '<' or ':'
        cells = starts[(data[starts + 1] == 99) & _DELIMITERS[data[starts + 2]]]
        if not cells.size:
            continue
        opens = data[cells[:, None] + 2 + np.arange(4)]
        if not (opens == _REF_OPEN).all():
            return None
        window = data[cells[:, None] + 6 + _WINDOW].astype(np.int64)
        upper = (window >= 65) & (window <= 90)
        digit = (window >= 48) & (window <= 57)
        letters = np.argmin(upper, axis=1)
        after = (~digit) & (letters[:, None] <= _WINDOW)
        end = np.argmax(after, axis=1)
        digits = end - letters
        rows = np.arange(len(cells))
        if not (((letters >= 1) & (letters <= 3) & (digits >= 1) & (digits <= 7)).all()
                and (window[rows, end] == 34).all()
                and (window[rows, np.minimum(letters, 10)] != 48).all()):
            return None
        column = np.zeros(len(cells), dtype=np.int64)
        for k in range(3):
            column = np.where(k < letters, column * 26 + window[:, k] - 64, column)
        row = np.zeros(len(cells), dtype=np.int64)
        for k in range(7):
            row = np.where(k < digits, row * 10 + window[rows, np.minimum(letters + k, 10)] - 48,
                           row)
        bottom, right = int(row.max()), int(column.max())
        if bottom > MAX_ROWS or right > MAX_COLUMNS:
            at = int(np.argmax(row > MAX_ROWS) if bottom > MAX_ROWS else np.argmax(column))
            raise _refuse_reference(path, f"{column_name(int(column[at]) - 1)}{int(row[at])}")
        grid.cells += len(cells)
        grid.top = min(grid.top, int(row.min()) - 1)
        grid.bottom = max(grid.bottom, bottom - 1)
        grid.left = min(grid.left, int(column.min()) - 1)
        grid.right = max(grid.right, right - 1)
    return grid


def _scan_tags(chunks: Iterator[bytes], path: Path) -> Grid:
    """The grid of any sheet, tag by tag, placing cells without ``r`` as calamine does.

    A row without ``r`` follows the previous row; a cell without ``r`` follows the previous
    cell of its row. Slower than :func:`_scan_fast`, used only for unusual writers.
    """
    grid = Grid()
    row, column = -1, -1
    for block in _blocks(chunks, path, grid):
        for match in _TAG.finditer(block):
            attribute = _R_ATTRIBUTE.search(match.group(2))
            value = None if attribute is None else (attribute.group(1) or attribute.group(2))
            if match.group(1) == b"row":
                row = row + 1 if value is None or not value.isdigit() else int(value) - 1
                column = -1
                if row >= MAX_ROWS:
                    raise _refuse_reference(path, str(row + 1))
                continue
            if value is None:
                column += 1
            else:
                ref = _REF.fullmatch(value)
                if ref is None:
                    raise _refuse_reference(path, value[:20].decode("ascii", "replace"))
                letters, digits = ref.groups()
                column = 0
                for letter in letters.upper():
                    column = column * 26 + letter - 64
                column -= 1
                cell_row = int(digits) - 1
                if cell_row >= MAX_ROWS or column >= MAX_COLUMNS:
                    raise _refuse_reference(path, value.decode("ascii"))
                grid.add(cell_row, column)
                continue
            if column >= MAX_COLUMNS:
                raise _refuse_reference(path, f"{column_name(column)}{max(row, 0) + 1}")
            grid.add(max(row, 0), column)
    return grid
