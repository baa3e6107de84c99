"""Reading one district's national export files together, each recognised by its headers.

``read_sources(["监测对象信息.xlsx", "已外出务工信息.xlsx", "行政村信息.xlsx"])`` (or a folder)
reads every sheet of every file, recognises what it holds by its header row
(planner.io.exportlayouts: household-member, work-record, planned-work, household and village
sheets; any file name, any sheet order, title rows above the header), reads the households and
villages, and joins the part sheets to the members (planner.io.joins). A file no layout
recognises is read as its name says (``villages.csv``, ``households.jsonl`` …), as
:func:`planner.io.open_dataset` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from planner.io.api import consume, outcomes
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.dataset import kind_of
from planner.io.errors import FILE, FormatError, InputError, ReadStats
from planner.io.exportlayouts import Recognised, carried_fields, recognise
from planner.io.flatread import read_flat
from planner.io.formats import EXTENSIONS, detect_format, split_name
from planner.io.headers import HEADER_SCAN_ROWS
from planner.io.joins import join_part_rows
from planner.io.options import ReadOptions
from planner.io.partsheets import SheetRow, read_part_sheet
from planner.io.seen import SeenRecords
from planner.io.tabular import SourceError, TableSource, Workbook, csv_source
from planner.model import Household, Village

_TABLE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True, slots=True)
class SourceTable:
    """One sheet (or CSV file) read: what it was recognised as (``layout`` None: read by its
    file name) and the model fields its header row feeds (``fields`` None: not a layout, the
    file may hold any field)."""

    file: str
    sheet: str | None
    kind: str
    layout: str | None
    stats: ReadStats
    fields: frozenset[str] | None = None


@dataclass
class Sources:
    """What :func:`read_sources` read: households (part sheets joined), villages, per-table
    counts, and the input errors and warnings of every file."""

    households: list[Household] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)


def _files(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            # part files (households.income.csv) are read with their main file, not alone
            found.extend(sorted(
                p for p in item.iterdir()
                if p.is_file() and not p.name.startswith((".", "~$"))
                and split_name(p)[1] in EXTENSIONS and "." not in split_name(p)[0]))
        elif item.is_file():
            found.append(item)
        else:
            raise FormatError(f"文件或目录不存在：{item}", f"no such file or directory: {item}")
    return found


def _tables(path: Path, book: Workbook | None) -> list[TableSource]:
    if book is not None:
        return [book.source(sheet) for sheet in book.sheet_names]
    return [csv_source(path)]


class _Reader:
    def __init__(self, options: ReadOptions, result: Sources):
        self.options = options
        self.result = result
        self.seen = {"household": SeenRecords("household"), "village": SeenRecords("village")}
        self.part_rows: list[SheetRow] = []

    def table(self, source: TableSource, found: Recognised) -> None:
        stats = ReadStats()
        layout = found.layout
        kind = layout.kind
        if kind in ("household", "village"):
            records = consume(read_flat(kind, source, {}, self.options), self.result.errors,
                              stats, False, self.result.warnings, self.options.mask,
                              self.seen[kind], source.file)
            (self.result.households if kind == "household" else self.result.villages).extend(
                records)
        else:
            for outcome in read_part_sheet(kind, source, self.options):
                for record in consume([outcome], self.result.errors, stats, False,
                                      self.result.warnings, self.options.mask):
                    self.part_rows.append(SheetRow(record, outcome.place or {}))
        fields = carried_fields(found.header, self.options.column_map.table(layout.table))
        self.result.tables.append(SourceTable(source.file, source.sheet, kind, layout.name,
                                              stats, fields))

    def by_name(self, path: Path, fmt: str) -> None:
        kind = kind_of(path)
        if kind not in ("household", "village"):
            return
        stats = ReadStats()
        records = consume(outcomes(path, kind, fmt, self.options), self.result.errors, stats,
                          False, self.result.warnings, self.options.mask, self.seen[kind],
                          str(path))
        (self.result.households if kind == "household" else self.result.villages).extend(records)
        self.result.tables.append(SourceTable(str(path), None, kind, None, stats))

    def file(self, path: Path) -> None:
        fmt = detect_format(path)
        if fmt not in _TABLE_FORMATS:
            self.by_name(path, fmt)
            return
        book = Workbook(path) if fmt == "xlsx" else None
        try:
            recognised = []
            for source in _tables(path, book):
                try:
                    found = recognise(islice(source.rows(), HEADER_SCAN_ROWS))
                except SourceError as exc:
                    self.result.errors.append(InputError(
                        file=source.file, sheet=source.sheet, row=exc.row, reason_zh=exc.zh,
                        reason_en=exc.en, level=FILE))
                    continue
                if found is not None:
                    recognised.append((source, found))
            if not recognised:
                self.by_name(path, fmt)
                return
            for source, found in recognised:
                self.table(source, found)
        finally:
            if book is not None:
                book.close()


def read_sources(
    paths: str | Path | Iterable[str | Path],
    *,
    column_map: ColumnMap | str | Path | None = None,
    income_year: int | None = None,
    mask: bool = True,
) -> Sources:
    """Read the export files (or folders) of one district, each recognised by its headers.

    Households come with their work records, planned work and household-sheet facts joined; a
    part row that names no member read is an input error (file, sheet, row, field), never a new
    household. ``income_year`` is the year of the income total columns.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    options = ReadOptions(resolve_column_map(column_map), income_year, mask)
    result = Sources()
    reader = _Reader(options, result)
    for path in _files(paths):
        reader.file(path)
    result.households, join_errors = join_part_rows(result.households, reader.part_rows, mask)
    stats = {(t.file, t.sheet): t.stats for t in result.tables}
    for error in join_errors:
        if error.is_warning:
            result.warnings.append(error)
            continue
        result.errors.append(error)
        counts = stats.get((error.file or "", error.sheet))
        if counts is not None:  # read, but joined to nothing: rejected after all
            counts.accepted -= 1
            counts.rejected += 1
    return result
