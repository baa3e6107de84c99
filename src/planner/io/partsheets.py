"""Part sheets of the national exports: rows read on their own, then joined to the households.

The monitoring system exports a member's work spells (（务工月监测）已外出务工信息), planned work
(计划外出务工信息) and household facts (（乡村建设）户信息) as separate sheets. Each row is
read into a small row model with the column map's table of that sheet, then joined
(:mod:`planner.io.joins`) to the members of the household-member sheet by ID number, or
household id + member position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from planner.io.cells import blank
from planner.io.errors import FILE, InputError
from planner.io.headers import Resolver, find_header
from planner.io.layout import Layout, build_layout
from planner.io.options import Outcome, ReadOptions
from planner.io.recordbuild import Group, build_record
from planner.io.rows import RowReader, header_notices
from planner.io.tabular import SourceError, TableSource, where
from planner.model import EmploymentRecord, WorkPlan
from planner.model.base import Record
from planner.model.household import LivingConditions
from planner.model.personal import personal


class _MemberKey(Record):
    """Columns that name the member a part row belongs to."""

    household_id: str | None = None
    id_number: str | None = Field(None, json_schema_extra=personal("id_number"))
    name: str | None = Field(None, json_schema_extra=personal("name"))
    member_number: int | None = Field(None, ge=1)


class WorkRecordRow(_MemberKey, EmploymentRecord):
    """One row of the work-record sheet: a spell of work of one member."""


class WorkPlanRow(_MemberKey, WorkPlan):
    """One row of the planned-work sheet."""


class HouseholdInfoRow(Record):
    """One row of the household sheet (（乡村建设）户信息): facts about the whole household."""

    household_id: str | None = None
    id_number: str | None = Field(None, json_schema_extra=personal("id_number"))
    living: LivingConditions = Field(default_factory=LivingConditions)


@dataclass(frozen=True, slots=True)
class PartSheet:
    """A kind of part sheet: its column-map table and row model."""

    kind: str
    table: str
    model: type[BaseModel]


PART_SHEETS: dict[str, PartSheet] = {
    s.kind: s for s in (
        PartSheet("work_record", "work_records", WorkRecordRow),
        PartSheet("work_plan", "work_plans", WorkPlanRow),
        PartSheet("household_info", "household_info", HouseholdInfoRow),
    )
}


def sheet_layout(kind: str) -> Layout:
    """The one-row-per-record layout of part sheet ``kind``."""
    return build_layout(kind, PART_SHEETS[kind].model)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """A validated part-sheet row and where it was read."""

    record: Any
    place: dict[str, Any]


def read_part_sheet(kind: str, source: TableSource, options: ReadOptions) -> Iterator[Outcome]:
    """Read the rows of part sheet ``kind``: one Outcome per non-blank row (place = its row)."""
    sheet = PART_SHEETS[kind]
    layout = sheet_layout(kind)
    table = options.column_map.table(sheet.table)
    resolver = Resolver(layout)
    try:
        header, rows = find_header(source.rows(), resolver, table, source.file, source.header)
        if header is None:
            yield Outcome(None, [InputError(
                **where(source, None), level=FILE,
                reason_zh="找不到表头行（前 30 行中没有可识别的列名）",
                reason_en="no header row found (no known column name in the first 30 rows)",
            )], counted=False)
            return
        notices = header_notices(source, header)
        if notices:
            yield Outcome(None, notices, counted=False)
        reader = RowReader(source, header, resolver, options)
        for number, cells in rows:
            if all(blank(cell) for cell in cells):
                continue
            values = reader.convert(number, cells)
            key = values.root.get(("household_id",))
            group = Group(str(key.value) if key is not None else "", number, source)
            group.add(number, cells, values, options)
            yield build_record(layout, table, group, {}, options)
    except SourceError as exc:
        yield Outcome(None, [InputError(**where(source, exc.row), reason_zh=exc.zh,
                                        reason_en=exc.en, level=FILE)], counted=False)
