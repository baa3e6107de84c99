"""Spreadsheet tables: CSV and XLSX rows in, CSV files and XLSX sheets out.

CSV is read with its encoding detected (UTF-8, UTF-8 with BOM, GB18030, UTF-16 with BOM) and its
delimiter sniffed (comma, tab, semicolon), one row at a time. XLSX is read with python-calamine,
which was measured about 14× faster than openpyxl's streaming reader (``benchmarks/bench_io.py``);
it holds one sheet in memory (about 100 bytes a cell), so very large datasets belong in JSONL or
Parquet. Writing uses the csv module (UTF-8 with BOM, so Excel shows Chinese correctly) and
XlsxWriter, one table per sheet.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from planner.atomic import Replacement
from planner.io import sniff
from planner.io.cells import csv_text
from planner.io.errors import FormatError
from planner.io.formats import SAMPLE_BYTES, open_binary, open_output, sniff_encoding, split_name
from planner.io.formulas import escape_mark
from planner.privacy import mask_numbers

RowIterator = Iterator[tuple[int, Sequence[Any]]]
_DELIMITERS = (",", "\t", ";", "|")
_SNIFF_ROWS = 30
# Python's csv module stops at a 131,072-character cell by default, ending the read there; a cell
# can be no longer than its file, so the limit is lifted (to the largest a C long holds anywhere).
_CSV_FIELD_LIMIT = 2**31 - 1


class SourceError(Exception):
    """A table cannot be read on (bad encoding, damaged file); ``row`` is where it stopped."""

    def __init__(self, zh: str, en: str, row: int | None = None):
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.row = row


@dataclass(slots=True)
class TableSource:
    """One table to read: where it is and a factory of its ``(row number, cells)`` pairs.

    ``header`` is set when the format carries it (Parquet); otherwise the header row is found
    among the first rows. ``numbered`` is ``"row"`` for spreadsheet rows and ``"record"`` for
    Parquet rows.
    """

    file: str
    sheet: str | None
    rows: Callable[[], RowIterator]
    header: list[str] | None = None
    numbered: str = "row"


def where(source: TableSource, number: int | None) -> dict[str, Any]:
    """Location keywords of an InputError for row (or record) ``number`` of ``source``."""
    place: dict[str, Any] = {"file": source.file, "sheet": source.sheet}
    if number:
        place["record" if source.numbered == "record" else "row"] = number
    return place


def sibling_path(path: Path, table: str) -> Path:
    """``households.csv`` + ``income`` → ``households.income.csv`` (keeps ``.gz``)."""
    stem, ext, gz = split_name(path)
    return path.with_name(f"{stem}.{table}{ext}{'.gz' if gz else ''}")


def _sniff_delimiter(text: str) -> str:
    """The delimiter splitting the first rows into the same number of cells most consistently.

    Each delimiter scores the delimiters it finds in the rows of its most common width (rows ×
    (width − 1)): a note full of semicolons in one row loses to the commas every row (the header
    first) has in equal number, and a few short rows split by a stray semicolon lose to a wide
    header and its rows. Rows are parsed as CSV, so delimiters and line breaks inside quotes do
    not count. The sample's last row, which its end may cut, is left out.
    """
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths: Counter[int] = Counter()
        try:
            rows = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                               _SNIFF_ROWS + 1))
        except csv.Error:
            continue
        for row in rows[:_SNIFF_ROWS] if len(rows) > 1 else rows:
            if len(row) > 1:
                widths[len(row)] += 1
        if widths:
            score = max((count * (width - 1), count) for width, count in widths.items())
            if score > best_score:
                best, best_score = delimiter, score
    return best


def csv_source(path: Path, sheet: str | None = None) -> TableSource:
    """A CSV table with detected encoding and delimiter."""
    with open_binary(path) as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith((sniff.ZIP, sniff.OLE2, sniff.PARQUET, sniff.PDF)):
        kind = sniff.PARQUET_FILE if sample.startswith(sniff.PARQUET) else (
            sniff.PDF_FILE if sample.startswith(sniff.PDF) else sniff.WORKBOOK)
        zh, en = sniff.describe(kind)
        raise FormatError(f"{path} 不是 CSV 文本，而是{zh}；"
                          "请按其实际格式命名扩展名或用 --input-format 指定",
                          f"{path} is not CSV text but {en}; name it by what it is or pass"
                          " --input-format")
    encoding = sniff_encoding(sample)
    head = sample[: 1 << 16].decode(encoding, errors="ignore")
    delimiter = _sniff_delimiter(head)

    def rows() -> RowIterator:
        number = 0
        if csv.field_size_limit() < _CSV_FIELD_LIMIT:
            csv.field_size_limit(_CSV_FIELD_LIMIT)
        with open_binary(path) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for row in reader:
                    number += 1
                    yield number, row
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"第{number + 1}行附近的字节不是 {encoding} 编码，文件其余部分未读取",
                    f"bytes near row {number + 1} are not {encoding}; "
                    "the rest of the file was not read",
                    number + 1,
                ) from exc
            except csv.Error as exc:
                raise SourceError(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}",
                                  number + 1) from exc

    return TableSource(str(path), sheet, rows)


class Workbook:
    """An XLSX workbook opened with python-calamine; sheets are read one at a time.

    The zip is checked first and each sheet's grid is scanned before calamine loads it
    (:mod:`planner.io.xlsxread`): a damaged zip, a zip bomb or an absurd grid raise
    :class:`FormatError` for the whole file; a sheet that cannot be read (its part missing,
    its XML malformed or cut short) raises :class:`SourceError` from its rows, after the rows
    read before the damage. Merged cells read as their top-left value on every cell they cover,
    as Excel shows them.
    """

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        from planner.io.xlsxread import Package

        self.path = path
        kind = _workbook_kind(path)
        # A legacy .xls (BIFF) holds at most 65,536 × 256 cells, so calamine's grid is bounded
        # without a scan; a zip workbook (.xlsx, .ods) is checked first (planner.io.xlsxread).
        self._package = Package(path, kind) if kind != sniff.XLS else None
        try:
            if path.suffix.lower() in _SUFFIXES[kind]:
                self._book = CalamineWorkbook.from_path(str(path))
            else:  # named as something else: calamine chooses its reader by the content
                with open(path, "rb") as handle:
                    self._book = CalamineWorkbook.from_filelike(handle)
        except BaseException as exc:  # calamine raises its own error types for damaged files
            if self._package is not None:
                self._package.close()
            _reraise_unless_calamine(exc)
            reason = mask_numbers(str(exc))
            if type(exc).__name__ == "PasswordError":
                reason = "设有密码 / password-protected"
            raise FormatError(f"无法打开 Excel 文件 {path}：{reason}",
                              f"cannot open the Excel file {path}: {reason}") from exc
        self.sheet_names: list[str] = list(self._book.sheet_names)
        # A sheet is loaded once (calamine holds it whole anyway while its rows are read): the
        # flat reader passes over the household ids first, then over the rows.
        self._loaded: dict[str, Any] = {}

    def source(self, sheet: str) -> TableSource:
        """The rows of ``sheet``, numbered as Excel numbers them (its grid checked now)."""
        from planner.io.xlsxread import Grid, SheetPartMissing

        try:
            grid = Grid() if self._package is None else self._package.scan(sheet)
        except SheetPartMissing:
            grid = None

        def rows() -> RowIterator:
            if grid is None:
                raise SourceError(f"工作表「{sheet}」的数据部件缺失，该表未读取",
                                  f"the data of sheet {sheet} is missing; the sheet was not read")
            try:
                data = self._loaded.get(sheet)
                if data is None:
                    data = self._loaded[sheet] = self._book.get_sheet_by_name(sheet)
                start = data.start
                merged = data.merged_cell_ranges
                size = (data.height, data.width)
            except BaseException as exc:  # calamine's XmlError, ZipError, CalamineError
                _reraise_unless_calamine(exc)
                reason = mask_numbers(str(exc))
                raise SourceError(f"工作表「{sheet}」已损坏，该表未读取：{reason}",
                                  f"sheet {sheet} is damaged and was not read: {reason}",
                                  None if grid.complete else grid.cut_row) from exc
            first = start[0] + 1 if start else 1
            numbered: RowIterator = enumerate(data.iter_rows(), start=first)
            if merged:
                numbered = _fill_merged(numbered, merged, start or (0, 0), size, sheet)
            if grid.complete:
                yield from numbered
                return
            for number, cells in numbered:  # the last row may be cut short: not read
                if number >= grid.cut_row:
                    break
                yield number, cells
            raise SourceError(
                f"工作表「{sheet}」的 XML 在第{grid.cut_row}行处中断（文件不完整），"
                "此行及其后未读取",
                f"the XML of sheet {sheet} stops at row {grid.cut_row} (the file is "
                "incomplete); that row and the rest were not read", grid.cut_row)

        return TableSource(str(self.path), sheet, rows)

    def close(self) -> None:
        """Release the file."""
        self._loaded.clear()
        self._book.close()
        if self._package is not None:
            self._package.close()


def _reraise_unless_calamine(exc: BaseException) -> None:
    """Let through what is not a failure of calamine on a damaged file (Ctrl-C, exit).

    A Rust panic inside calamine (an index out of bounds on a record the scans of
    planner.io.xlsxread and planner.io.xlsbread do not cover) reaches Python as pyo3's
    PanicException, a BaseException: it is damage in the file, reported like any other.
    """
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


_SUFFIXES = {sniff.XLSX: (".xlsx", ".xlsm"), sniff.XLS: (".xls",), sniff.ODS: (".ods",),
             sniff.XLSB: (".xlsb",)}


def _workbook_kind(path: Path) -> str:
    """``xlsx`` or ``xls`` by the file's content; :class:`FormatError` saying what the file is
    (and what to do) when it is no workbook planner reads."""
    kind = sniff.content_kind(path)
    if kind in _SUFFIXES:
        return kind
    zh, en = sniff.describe(kind)
    advice = _ADVICE.get(kind, ("请在 Excel 中打开后另存为 .xlsx", "open it in Excel and save it as"
                                " .xlsx"))
    raise FormatError(f"{path} 不是 Excel 工作簿，而是{zh}；{advice[0]}",
                      f"{path} is not an Excel workbook but {en}; {advice[1]}")


_ADVICE = {
    sniff.TEXT: ("请把扩展名改为 .csv，或用 --input-format csv 读取",
                 "rename it to .csv or read it with --input-format csv"),
    sniff.PARQUET_FILE: ("请把扩展名改为 .parquet", "rename it to .parquet"),
    sniff.ENCRYPTED: ("请在 Excel 中取消密码后另存为 .xlsx",
                      "remove the password in Excel and save it as .xlsx"),
}


def _fill_merged(rows: RowIterator, merged: list[tuple[tuple[int, int], tuple[int, int]]],
                 start: tuple[int, int], size: tuple[int, int], sheet: str) -> RowIterator:
    """``rows`` with every cell of a merged range holding the range's top-left value.

    Excel shows a household id merged over its member rows on each of them; calamine gives it
    on the first row only. Ranges are clipped to the grid calamine returns (``start``, 0-based,
    and ``size``, rows × columns); overlapping ranges, which Excel never writes, would make
    filling cost more than the grid and are refused.
    """
    top, left = start
    height, width = size
    starting: dict[int, list[tuple[int, int, int]]] = {}
    covered = 0
    for (row0, col0), (row1, col1) in merged:
        row1, col1 = min(row1, top + height - 1), min(col1, left + width - 1)
        if row1 < row0 or col1 < col0 or row0 < top or col0 < left:
            continue  # empty after clipping, or its top-left cell is blank
        starting.setdefault(row0 + 1, []).append((row1 + 1, col0 - left, col1 - left + 1))
        covered += (row1 - row0 + 1) * (col1 - col0 + 1)
    if covered > height * width:
        raise SourceError(f"工作表「{sheet}」的合并单元格相互重叠，该表未读取",
                          f"merged cells of sheet {sheet} overlap; the sheet was not read")
    active: list[tuple[int, int, int, Any]] = []
    for number, cells in rows:
        for last, begin, end in starting.get(number, ()):
            active.append((last, begin, end, cells[begin]))
        if active:
            active = [span for span in active if span[0] >= number]
            cells = list(cells)
            for _last, begin, end, value in active:
                cells[begin:end] = [value] * (end - begin)
        yield number, cells


class CsvTables:
    """Write a main CSV file and its sibling part files, each opened on its first row.

    With ``files`` each file is written under a temporary name that ``files`` renames into
    place (:class:`planner.atomic.Replacement`); text is written through :func:`csv_text`.
    """

    def __init__(self, path: Path, main: str, main_header: Sequence[str],
                 files: Replacement | None = None):
        self.path = path
        self.main = main
        self.files = files
        self._files: dict[str, tuple[IO[str], Any]] = {}
        self._open(main, main_header)

    def _open(self, table: str, header: Sequence[str]) -> tuple[IO[str], Any]:
        target = self.path if table == self.main else sibling_path(self.path, table)
        temp = self.files.path(target) if self.files is not None else target
        text = io.TextIOWrapper(open_output(target, temp), encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([csv_text(name) for name in header])
        entry = self._files[table] = (text, writer)
        return entry

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Append ``row`` to ``table``, writing the header first."""
        entry = self._files.get(table) or self._open(table, header)
        entry[1].writerow([csv_text(v) for v in row])

    def close(self) -> None:
        """Flush and close every file."""
        for handle, _writer in self._files.values():
            handle.close()
        self._files.clear()


XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_TEXT = 32_767


def _exact(value: Any) -> Any:
    """``value``, or its exact text when XlsxWriter's 16 significant digits would change it."""
    if isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") != value:
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


class XlsxTables:
    """Write tables as sheets of one workbook with XlsxWriter in constant-memory mode.

    XlsxWriter was measured about 30% faster than openpyxl's write-only mode on the same
    households (``benchmarks/bench_io.py``). Every cell goes through :meth:`_cell`: text is a
    string cell (never a formula, number or link, so an ID number or a note starting with ``=``
    is written as it is and stays inert), numbers are numbers, and every write is checked.
    Used for converted records and for plans alike. With ``files`` the workbook is written under
    a temporary name that ``files`` renames into place (:class:`planner.atomic.Replacement`).
    """

    def __init__(self, path: Path, main: str, main_header: Sequence[str],
                 files: Replacement | None = None):
        import xlsxwriter

        target = files.path(path) if files is not None else path
        self._book = xlsxwriter.Workbook(str(target), {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        })
        # A fixed creation time keeps the file byte-identical for the same records.
        self._book.set_properties({"created": datetime(2000, 1, 1, tzinfo=UTC)})
        self._sheets: dict[str, Any] = {}
        self._next_row: dict[str, int] = {}
        self._open(main, main_header)

    def _open(self, table: str, header: Sequence[Any]) -> Any:
        sheet = self._book.add_worksheet(table[:31])
        self._sheets[table] = sheet
        self._next_row[table] = 0
        self._write_row(table, header)
        return sheet

    def start(self, table: str, header: Sequence[Any]) -> None:
        """Add the sheet of ``table`` with its ``header`` row, unless it is there already."""
        if table not in self._sheets:
            self._open(table, header)

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Append ``row`` to the sheet of ``table``.

        A number Excel cannot keep exactly (it stores 15 to 17 significant digits as written by
        XlsxWriter, which writes 16) is written as its shortest exact text, read back as the same
        number. A sheet holds at most 1,048,576 rows and a cell at most 32,767 characters: more
        raise a FormatError (nothing is cut short).
        """
        self.start(table, header)
        self._write_row(table, row)

    def _write_row(self, table: str, row: Sequence[Any]) -> None:
        sheet = self._sheets[table]
        number = self._next_row[table]
        if number >= XLSX_MAX_ROWS:
            raise FormatError(
                f"工作表「{table}」超过 Excel 的 {XLSX_MAX_ROWS:,} 行上限，"
                "请改用 CSV 或 Parquet 格式（--format csv / parquet）",
                f"sheet {table} exceeds Excel's limit of {XLSX_MAX_ROWS:,} rows; write CSV or "
                "Parquet instead (--format csv / parquet)",
            )
        for column, value in enumerate(row):
            status = self._cell(sheet, number, column, value)
            if status != 0:
                raise self._refused(table, number, column, value, status)
        self._next_row[table] = number + 1

    @staticmethod
    def _cell(sheet: Any, row: int, column: int, value: Any) -> int:
        """Write one cell with the method of its type; returns XlsxWriter's status (0: written)."""
        value = _exact(value)
        if value is None:
            return 0
        if isinstance(value, str):
            if len(value) > XLSX_MAX_TEXT:
                return -2
            return int(sheet.write_string(row, column, escape_mark(value)))
        if isinstance(value, bool):
            return int(sheet.write_boolean(row, column, value))
        if isinstance(value, int | float):
            return int(sheet.write_number(row, column, value))
        if isinstance(value, date):  # datetime too
            return int(sheet.write_datetime(row, column, value))
        return int(sheet.write_string(row, column, escape_mark(str(value))))

    @staticmethod
    def _refused(table: str, row: int, column: int, value: Any, status: int) -> FormatError:
        cell = f"{_column_letters(column)}{row + 1}"
        if status == -2:
            size = len(value) if isinstance(value, str) else 0
            return FormatError(
                f"工作表「{table}」单元格 {cell} 的文字有 {size:,} 个字符，超过 Excel 的 "
                f"{XLSX_MAX_TEXT:,} 字符上限，未写出文件；请改用 CSV、JSON 或 Parquet 格式",
                f"sheet {table}, cell {cell}: the text has {size:,} characters, more than "
                f"Excel's limit of {XLSX_MAX_TEXT:,}; nothing was written; write CSV, JSON or "
                "Parquet instead",
            )
        return FormatError(f"工作表「{table}」单元格 {cell} 无法写入（XlsxWriter 返回 {status}）",
                           f"sheet {table}, cell {cell} cannot be written (XlsxWriter: {status})")

    def close(self) -> None:
        """Finish the workbook."""
        self._book.close()


def _column_letters(index: int) -> str:
    """Excel's name of column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
