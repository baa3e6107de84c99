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
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from planner.io.cells import cell_text
from planner.io.errors import FormatError
from planner.io.formats import SAMPLE_BYTES, open_binary, sniff_encoding, split_name

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
    """The delimiter splitting most of the first rows into the same number of cells (two or more).

    Rows are parsed as CSV, so delimiters inside quotes do not count; a note full of semicolons
    in one row loses to the commas every row (the header first) has in equal number.
    """
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines.pop()  # cut off by the end of the sample
    sample = "".join(lines[:_SNIFF_ROWS])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths: Counter[int] = Counter()
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if len(row) > 1:
                    widths[len(row)] += 1
        except csv.Error:
            continue
        if widths:
            score = max((rows, width) for width, rows in widths.items())
            if score > best_score:
                best, best_score = delimiter, score
    return best


def csv_source(path: Path, sheet: str | None = None) -> TableSource:
    """A CSV table with detected encoding and delimiter."""
    with open_binary(path) as handle:
        sample = handle.read(SAMPLE_BYTES)
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
    """An XLSX workbook opened with python-calamine; sheets are read one at a time."""

    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        self.path = path
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise SourceError(f"无法打开 Excel 文件：{exc}",
                              f"cannot open the Excel file: {exc}") from exc
        self.sheet_names: list[str] = list(self._book.sheet_names)

    def source(self, sheet: str) -> TableSource:
        """The rows of ``sheet``, numbered as Excel numbers them."""

        def rows() -> RowIterator:
            data = self._book.get_sheet_by_name(sheet)
            start = data.start
            first = start[0] + 1 if start else 1
            yield from enumerate(data.iter_rows(), start=first)

        return TableSource(str(self.path), sheet, rows)

    def close(self) -> None:
        """Release the file."""
        self._book.close()


class CsvTables:
    """Write a main CSV file and its sibling part files, each opened on its first row."""

    def __init__(self, path: Path, main: str, main_header: Sequence[str]):
        self.path = path
        self.main = main
        self._files: dict[str, tuple[IO[str], Any]] = {}
        self._open(main, main_header)

    def _open(self, table: str, header: Sequence[str]) -> tuple[IO[str], Any]:
        target = self.path if table == self.main else sibling_path(self.path, table)
        text = io.TextIOWrapper(open_binary(target, "wb"), encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        entry = self._files[table] = (text, writer)
        return entry

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Append ``row`` to ``table``, writing the header first."""
        entry = self._files.get(table) or self._open(table, header)
        entry[1].writerow([cell_text(v) for v in row])

    def close(self) -> None:
        """Flush and close every file."""
        for handle, _writer in self._files.values():
            handle.close()
        self._files.clear()


XLSX_MAX_ROWS = 1_048_576


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
    households (``benchmarks/bench_io.py``). Text stays text: nothing becomes a formula, number
    or link, so an ID number or a note starting with ``=`` is written as it is.
    """

    def __init__(self, path: Path, main: str, main_header: Sequence[str]):
        import xlsxwriter

        self._book = xlsxwriter.Workbook(str(path), {
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

    def _open(self, table: str, header: Sequence[str]) -> Any:
        sheet = self._book.add_worksheet(table[:31])
        sheet.write_row(0, 0, list(header))
        self._sheets[table] = sheet
        self._next_row[table] = 1
        return sheet

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Append ``row`` to the sheet of ``table``.

        A number Excel cannot keep exactly (it stores 15 to 17 significant digits as written by
        XlsxWriter, which writes 16) is written as its shortest exact text, read back as the same
        number. A sheet holds at most 1,048,576 rows: more raise a FormatError.
        """
        sheet = self._sheets.get(table) or self._open(table, header)
        number = self._next_row[table]
        if sheet.write_row(number, 0, [_exact(v) for v in row]) == -1:
            raise FormatError(
                f"工作表「{table}」超过 Excel 的 {XLSX_MAX_ROWS:,} 行上限，"
                "请改用 CSV 或 Parquet 格式（--format csv / parquet）",
                f"sheet {table} exceeds Excel's limit of {XLSX_MAX_ROWS:,} rows; write CSV or "
                "Parquet instead (--format csv / parquet)",
            )
        self._next_row[table] = number + 1

    def close(self) -> None:
        """Finish the workbook."""
        self._book.close()
