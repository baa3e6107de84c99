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

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from planner.io.api import accepted, outcomes, source_of
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.errors import FILE, FormatError, InputError, ReadStats
from planner.io.exportlayouts import Recognised, carried_fields, recognise
from planner.io.flatread import read_flat
from planner.io.formats import EXTENSIONS, detect_format, split_name
from planner.io.headers import HEADER_SCAN_ROWS
from planner.io.joins import join_part_rows
from planner.io.options import ReadOptions
from planner.io.partindex import PartIndex
from planner.io.partsheets import SheetRow, read_part_sheet
from planner.io.seen import SeenRecords
from planner.io.tabular import SourceError, TableSource, Workbook, csv_source
from planner.model import Household, Village
from planner.source import Source, Sourced

TABLE_FORMATS = ("csv", "xlsx")
RECORD_KINDS = ("household", "village")
PART_KINDS = ("work_record", "work_plan", "household_info")
HOUSEHOLD_SIDE = frozenset({"household", *PART_KINDS})
#: Where the fields of a part sheet's rows land in the household once joined (the member
#: table names a member's first work spell ``member.employment.0.place`` too).
_PART_PREFIX = {"work_record": "member.employment.0.", "work_plan": "member.work_plan.",
                "household_info": ""}
_MEMBER_KEYS = frozenset({"household_id", "id_number", "name", "member_number"})
_Record = tuple[str, Any, Source, int]  # kind, record, where it was read, its table's index


def kind_of(path: Path) -> str:
    """``village`` or ``project`` for files named so, else ``household``."""
    stem = split_name(path)[0].lower()
    for prefix, kind in (("villages", "village"), ("projects", "project")):
        if stem.startswith(prefix):
            return kind
    return "household"


def part_fields(kind: str, fields: Iterable[str]) -> frozenset[str]:
    """The household model fields that a part sheet of ``kind`` carrying ``fields`` feeds once
    its rows are joined (the columns naming the member are no field of the household)."""
    prefix = _PART_PREFIX[kind]
    return frozenset(prefix + name for name in fields if name not in _MEMBER_KEYS)


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


def _recognised(path: Path, book: Workbook | None,
                errors: list[InputError] | None) -> Iterator[tuple[TableSource, Recognised]]:
    """Each sheet of ``path`` some layout recognises; a sheet that cannot be read is an error
    (in ``errors``; skipped silently when None)."""
    for source in _tables(path, book):
        try:
            found = recognise(islice(source.rows(), HEADER_SCAN_ROWS))
        except SourceError as exc:
            if errors is not None:
                errors.append(InputError(
                    file=source.file, sheet=source.sheet, row=exc.row, reason_zh=exc.zh,
                    reason_en=exc.en, level=FILE))
            continue
        if found is not None:
            yield source, found


def export_kinds(path: Path, fmt: str | None = None) -> frozenset[str]:
    """The kinds of export sheet ``path`` holds, recognised by their headers: empty when it is
    no table file, holds no recognised sheet, or cannot be opened (reading it says why)."""
    try:
        fmt = detect_format(path, fmt)
        if fmt not in TABLE_FORMATS:
            return frozenset()
        book = Workbook(path) if fmt == "xlsx" else None
    except (FormatError, OSError):
        return frozenset()
    try:
        return frozenset(found.layout.kind for _source, found in _recognised(path, book, None))
    except (FormatError, OSError):
        return frozenset()
    finally:
        if book is not None:
            book.close()


class SourceReader:
    """Reads files one by one (by their headers, else by their names), pairing each record with
    where it was read: kept, and joined to the part rows once every household is read
    (:meth:`file`, :meth:`finish`), or streamed after the part sheets (:meth:`stream`).

    ``kinds`` are the sheet kinds to read (others recognised are passed over); ``seen`` the ids
    accepted so far per record kind (shared with other files of the run).
    """

    def __init__(self, options: ReadOptions, result: Sources, *,
                 kinds: Collection[str] = (*RECORD_KINDS, *PART_KINDS), strict: bool = False,
                 fmt: str | None = None, seen: dict[str, SeenRecords] | None = None):
        self.options = options
        self.result = result
        self.kinds = kinds
        self.strict = strict
        self.fmt = fmt
        self.seen = seen or {kind: SeenRecords(kind) for kind in RECORD_KINDS}
        self.read: dict[str, list[tuple[Any, Source, int]]] = {k: [] for k in RECORD_KINDS}
        self.part_rows: list[SheetRow] = []
        self.opened: set[Path] = set()
        self.recognised = False

    def _accepted(self, kind: str, results: Iterable[Any], stats: ReadStats,
                  file: str) -> Iterator[tuple[Any, int]]:
        seen = self.seen.get(kind) if kind in RECORD_KINDS else None
        return accepted(results, self.result.errors, stats, self.strict, self.result.warnings,
                        self.options.mask, seen, file)

    def _records(self, kind: str, results: Iterable[Any], stats: ReadStats,
                 file: str) -> Iterator[_Record]:
        index = len(self.result.tables) - 1
        for outcome, position in self._accepted(kind, results, stats, file):
            yield kind, outcome.record, source_of(outcome, position, file), index

    def _table(self, source: TableSource, found: Recognised) -> Iterator[_Record]:
        """Read one recognised sheet: its records, or its part rows into :attr:`part_rows`."""
        stats = ReadStats()
        layout = found.layout
        kind = layout.kind
        fields = carried_fields(found.header, self.options.column_map.table(layout.table))
        self.result.tables.append(SourceTable(source.file, source.sheet, kind, layout.name,
                                              stats, fields))
        if kind in RECORD_KINDS:
            yield from self._records(kind, read_flat(kind, source, {}, self.options), stats,
                                     source.file)
            return
        for outcome, _position in self._accepted(
                kind, read_part_sheet(kind, source, self.options), stats, source.file):
            self.part_rows.append(SheetRow(outcome.record, outcome.place or {}))

    def _by_name(self, path: Path, fmt: str | None = None) -> Iterator[_Record]:
        """Read ``path`` as its name says (households unless named villages…); projects are
        left to :class:`planner.io.Dataset`."""
        kind = kind_of(path)
        if kind not in RECORD_KINDS or kind not in self.kinds:
            return
        stats = ReadStats()
        self.result.tables.append(SourceTable(str(path), None, kind, None, stats))
        results = outcomes(path, kind, detect_format(path, fmt or self.fmt), self.options)
        yield from self._records(kind, results, stats, str(path))

    def _file(self, path: Path) -> Iterator[_Record]:
        """Read the sheets of ``path`` that a layout recognises (those of ``kinds``), else the
        file by its name; :attr:`recognised` says which."""
        fmt = detect_format(path, self.fmt)
        self.recognised = False
        if fmt not in TABLE_FORMATS:
            yield from self._by_name(path, fmt)
            return
        book = Workbook(path) if fmt == "xlsx" else None
        try:  # a sheet that cannot be read is reported the first time its file is opened
            errors = None if path in self.opened else self.result.errors
            self.opened.add(path)
            recognised = list(_recognised(path, book, errors))
            if not recognised:
                yield from self._by_name(path, fmt)
                return
            self.recognised = True
            for source, found in recognised:
                if found.layout.kind in self.kinds:
                    yield from self._table(source, found)
        finally:
            if book is not None:
                book.close()

    def _keep(self, records: Iterable[_Record]) -> None:
        for kind, record, source, index in records:
            self.read[kind].append((record, source, index))

    def by_name(self, path: Path, fmt: str | None = None) -> None:
        """Read ``path`` as its name says, keeping its records."""
        self._keep(self._by_name(path, fmt))

    def file(self, path: Path) -> bool:
        """Read ``path`` keeping its records; True when a layout recognised a sheet."""
        self._keep(self._file(path))
        return self.recognised

    def stream(self, named: Iterable[Path], exports: Iterable[Path],
               parts: Iterable[Path]) -> Iterator[Sourced[Household]]:
        """The households of ``named`` (read by their names) and ``exports``, each joined to its
        part rows and passed on as it is read: the part sheets of ``parts`` are read first (and
        held), the households are not all held at once (:mod:`planner.io.partindex`)."""
        kinds = self.kinds
        self.kinds = PART_KINDS
        for path in parts:
            self.file(path)
        index = PartIndex(self.part_rows, self.options.mask)
        joined = self._part_fields()
        self.kinds = ("household",)
        tables = self.result.tables
        read = chain(*(self._by_name(p) for p in named), *(self._file(p) for p in exports))
        for _kind, household, source, table in read:
            rows, ambiguous = index.take(household)
            self.result.errors.extend(ambiguous)  # joined to the household read first
            if rows:
                (household,), errors = join_part_rows([household], rows, self.options.mask)
                self._report(errors)
            yield Sourced(household, self._source(source, tables[table], joined))
        self._report(join_part_rows([], index.unclaimed(), self.options.mask)[1])
        self.kinds = kinds

    def finish(self) -> tuple[list[Sourced[Household]], list[Sourced[Village]]]:
        """The households (part rows joined) and villages read, each with its source; a part
        row joined to no member is an input error, and counts as rejected in its table."""
        households = [record for record, _source, _table in self.read["household"]]
        if self.part_rows:
            households, errors = join_part_rows(households, self.part_rows, self.options.mask)
            self._report(errors)
        tables = self.result.tables
        joined = self._part_fields()
        return ([Sourced(household, self._source(source, tables[index], joined))
                 for household, (_record, source, index) in zip(
                     households, self.read["household"], strict=True)],
                [Sourced(village, self._source(source, tables[index], frozenset()))
                 for village, source, index in self.read["village"]])

    def _part_fields(self) -> frozenset[str]:
        """The household fields the part sheets read so far feed once joined."""
        return frozenset().union(*(part_fields(t.kind, t.fields) for t in self.result.tables
                                   if t.kind in PART_KINDS and t.fields is not None))

    @staticmethod
    def _source(source: Source, table: SourceTable, joined: frozenset[str]) -> Source:
        if table.layout is None or table.fields is None:
            return source
        return Source(source.file, source.sheet, source.rows, table.layout,
                      table.fields | joined)

    def _report(self, join_errors: Iterable[InputError]) -> None:
        """Errors and warnings of the joins; a part row joined to nothing is rejected after all."""
        stats = {(t.file, t.sheet): t.stats for t in self.result.tables}
        for error in join_errors:
            if error.is_warning:
                self.result.warnings.append(error)
                continue
            self.result.errors.append(error)
            counts = stats.get((error.file or "", error.sheet))
            if counts is not None:  # read, but joined to nothing: rejected after all
                counts.accepted -= 1
                counts.rejected += 1


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
    reader = SourceReader(options, result)
    for path in _files(paths):
        reader.file(path)
    households, villages = reader.finish()
    result.households = [item.record for item in households]
    result.villages = [item.record for item in villages]
    return result
