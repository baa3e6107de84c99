"""Events from the national system's export files: the sheets that carry changes over time.

The monitoring export holds what happened to a household over time in two places (the sheets
the Guizhou checker reads, domain.md §4.1 "2023 monitoring export"):

- the household-member sheet (（自定义）监测对象信息): each household's record with its
  monitoring dates — 识别监测时间 (identified), 风险消除 and 消除监测时间 (risk eliminated) —
  and its income totals. Each household becomes its registration-state snapshot, then the events
  of the facts that arrive over time (income reported, illness, insurance enrolled, household
  identified, verified, risk eliminated… :func:`planner.live.replay.household_events`);
- the work-record sheet (（务工月监测）已外出务工信息): one row per spell of migrant work, each
  a :class:`~planner.live.events.WorkRecorded` event of the member it names.

Every sheet is recognised by its headers (:mod:`planner.io.exportlayouts`), read with the
export readers (so a bad row is the readers' :class:`~planner.io.errors.InputError`: file, sheet,
row, column, field), and each event carries the fields its sheet feeds (``carries``), so that the
monitor skips the rules the export cannot feed, as ``planner check`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time
from pathlib import Path

from planner.io.cells import ascii_digits
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.errors import InputError, mask_value
from planner.io.formats import split_name
from planner.io.options import ReadOptions
from planner.io.partsheets import SheetRow, WorkRecordRow
from planner.io.sources import SourceReader, Sources, part_fields
from planner.live.events import Event, WorkRecorded
from planner.live.replay import DEFAULT_AT, household_events
from planner.model import EmploymentRecord, Household

#: The sheet kinds that give events.
CHANGE_KINDS = ("household", "work_record")
_WORK_FIELDS = set(EmploymentRecord.model_fields)


#: Extensions of the files read as change sheets (``.txt`` and ``.tsv`` stay event lines).
SHEET_EXTENSIONS = frozenset({".csv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})


def is_table_file(path: str | Path) -> bool:
    """True for a file read as change sheets (a workbook, a CSV), or a folder of them."""
    path = Path(path)
    return path.is_dir() or split_name(path)[1].lower() in SHEET_EXTENSIONS


def _table_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~$"))
                  and "." not in split_name(p)[0] and is_table_file(p))


def _key(value: str | None) -> str:
    return ascii_digits(value).strip().upper() if value else ""


def _carried(fields: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if fields is None else tuple(sorted(fields))


class _Work:
    """Turns work-record rows into events, naming each row's household by its 户编号, else by
    the one household read whose member holds the row's ID number."""

    def __init__(self, households: Iterable[Household], result: Sources, mask: bool) -> None:
        self.mask = mask
        self.owners: dict[str, set[str]] = {}
        for household in households:
            for member in household.members:
                if key := _key(member.id_number):
                    self.owners.setdefault(key, set()).add(household.id)
        self.fields: dict[tuple[object, object], frozenset[str]] = {
            (t.file, t.sheet): part_fields(t.kind, t.fields)
            for t in result.tables if t.kind == "work_record" and t.fields is not None}

    def event(self, row: SheetRow) -> Event | InputError:
        record: WorkRecordRow = row.record
        place = row.place
        household_id = record.household_id
        if household_id is None:
            owners = self.owners.get(_key(record.id_number), set())
            if len(owners) != 1:
                return InputError(
                    **place, field="household_id", column="户编号",
                    value=mask_value("id_number", record.id_number, self.mask),
                    reason_zh="此行没有户编号，且证件号码不能确定唯一的户",
                    reason_en="the row has no household id and its ID number names no single "
                              "household read")
            household_id = next(iter(owners))
        work = EmploymentRecord(**record.model_dump(include=_WORK_FIELDS, exclude_unset=True))
        day = work.start or work.end or DEFAULT_AT.date()
        sheet = place.get("sheet") or ""
        return WorkRecorded(
            id=f"{Path(str(place.get('file'))).name}#{sheet}#{place.get('row')}",
            household_id=household_id, time=datetime.combine(day, time()),
            member=record.member_number if not record.id_number else None,
            id_number=record.id_number or None, work=work,
            carries=_carried(self.fields.get((place.get("file"), place.get("sheet")))))


def read_change_sheet(path: str | Path, *, income_year: int | None = None,
                      column_map: ColumnMap | str | Path | None = None,
                      mask: bool = True) -> Iterator[Event | InputError]:
    """The events of an export workbook (or CSV, or a folder of them), households first.

    Each household of a household-member sheet gives its snapshot and the events of its facts
    (:func:`~planner.live.replay.household_events`); each row of a work-record sheet a
    :class:`~planner.live.events.WorkRecorded` event. A row that cannot be read, or whose
    household cannot be named, is an :class:`~planner.io.errors.InputError` in the stream
    (file, sheet, row, column, field); so is a file that cannot be opened. ``income_year`` is
    the year of the income total columns (the configuration's ``income-year``).
    """
    options = ReadOptions(resolve_column_map(column_map), income_year, mask)
    result = Sources()
    reader = SourceReader(options, result, kinds=CHANGE_KINDS)
    for file in _table_files(Path(path)):
        reader.file(file)
    households = reader.read["household"]
    yield from result.errors
    yield from result.warnings
    work = _Work((h for h, _s, _i in households), result, mask)
    # what the sheets read together can say of a household (its own sheet's fields and those of
    # the work records joined to it), as planner check's sources say it
    joined = frozenset().union(*work.fields.values())
    for household, _source, index in households:
        fields = result.tables[index].fields
        carries = _carried(None if fields is None else fields | joined)
        yield from household_events(household, carries=carries)
    for row in reader.part_rows:
        if isinstance(row.record, WorkRecordRow):
            yield work.event(row)


__all__ = ["CHANGE_KINDS", "SHEET_EXTENSIONS", "is_table_file", "read_change_sheet"]
