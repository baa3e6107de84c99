"""Typed monitoring events (防止返贫动态监测): what arrives over time about one household.

Every event has an ``id`` (unique across the journal: the same id twice is applied once), the
``household_id`` it concerns, its ``time`` and a payload of its ``type``; :data:`Event` is the
discriminated union of them all. A :class:`Snapshot` carries a whole household record: it is how a
household enters the monitor and how a replay starts. Events are read from JSON Lines with
:func:`read_events`, each bad line an :class:`~planner.io.errors.InputError` naming the file, the
line and the field.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, RootModel, model_validator

from planner.io.errors import InputError, mask_household
from planner.io.jsonio import jsonl_raw
from planner.io.options import Outcome, ReadOptions
from planner.io.raw import validate_raw
from planner.model import EmploymentRecord, Household
from planner.model.base import Record
from planner.model.household import IncomeSource, ProductionCost
from planner.model.personal import personal
from planner.model.vocab import (
    DatePrecision,
    DisabilityCategory,
    EliminationMethod,
    Health,
    HousingGrade,
    MedicalInsurance,
    MonitoringGroup,
    PensionInsurance,
    SchoolingStage,
    WorkStatus,
)


class EventBase(Record):
    """What every event carries: its id, the household, and when it happened."""

    id: str = Field(min_length=1, description="Event id, unique across the journal")
    household_id: str = Field(min_length=1, description="户编号 of the household concerned")
    time: datetime = Field(description="When it happened (a date alone is midnight)")

    @property
    def on(self) -> date:
        """The day of the event."""
        return self.time.date()


class Snapshot(EventBase):
    """A whole household record: the household enters the monitor in this state (or is reset)."""

    type: Literal["snapshot"] = "snapshot"
    household: Household
    carries: tuple[str, ...] | None = Field(
        None, description="The model fields the household's source carries (an export layout's: "
        "the rules needing others are skipped, as planner check skips them); None: any field")

    @model_validator(mode="after")
    def _same_household(self) -> Snapshot:
        if self.household.id != self.household_id:
            raise ValueError(f"household.id {self.household.id!r} is not household_id "
                             f"{self.household_id!r}")
        return self


class IncomeReported(EventBase):
    """The household's income of a year (收入核查): replaces the recorded income."""

    type: Literal["income_reported"] = "income_reported"
    year: int = Field(ge=1980, le=2100)
    income: list[IncomeSource]
    production_costs: list[ProductionCost] = Field(default_factory=list)


class MemberEvent(EventBase):
    """An event about one registered member (1-based number, as in findings)."""

    member: int = Field(ge=1, description="1-based member number")


class Illness(MemberEvent):
    """A member falls ill (chronic or serious illness): a lead for monitoring."""

    type: Literal["illness"] = "illness"
    health: Health = Health.SERIOUS_ILLNESS


class Disability(MemberEvent):
    """A member becomes disabled (or the disability is assessed): a lead for monitoring."""

    type: Literal["disability"] = "disability"
    category: DisabilityCategory | None = None
    grade: int | None = Field(None, ge=1, le=4)


class Loss(EventBase):
    """A disaster or an accident with a loss: a lead; a monitored household records the risk."""

    loss: float | None = Field(None, ge=0, description="元 lost, if known")
    risk: str | None = Field(None, description="Risk label recorded on a monitored household")


class Disaster(Loss):
    """A natural disaster (因自然灾害) hits the household."""

    type: Literal["disaster"] = "disaster"


class Accident(Loss):
    """An accident (因意外事故) hits the household."""

    type: Literal["accident"] = "accident"


class LargeExpenditure(EventBase):
    """Large rigid expenditure (刚性支出): added to the household's 合规自付支出; a lead."""

    type: Literal["large_expenditure"] = "large_expenditure"
    amount: float = Field(ge=0, description="元")


class VisitMade(EventBase):
    """A home visit (入户走访) on the event's day."""

    type: Literal["visit"] = "visit"
    visitor: str | None = None
    notes: str | None = None


class MeasureStarted(EventBase):
    """An assistance measure starts (in progress from the event's day)."""

    type: Literal["measure_started"] = "measure_started"
    measure: str = Field(min_length=1, description="Measure catalog id")
    beneficiary: int | None = Field(None, ge=1)
    due: date | None = None
    responsible: str | None = None
    expected_annual_gain: float | None = None


class MeasureDone(EventBase):
    """A measure of the household's plan is completed on the event's day."""

    type: Literal["measure_done"] = "measure_done"
    measure: str = Field(min_length=1)
    beneficiary: int | None = Field(None, ge=1)


class WorkRecorded(EventBase):
    """A spell of migrant work recorded (the monitoring export's 已外出务工信息, one row a spell):
    added to the member's work. The member is named by 1-based ``member`` number or by
    ``id_number`` (证件号码, as the export names them)."""

    type: Literal["work_recorded"] = "work_recorded"
    member: int | None = Field(None, ge=1, description="1-based member number")
    id_number: str | None = Field(None, json_schema_extra=personal("id_number"))
    work: EmploymentRecord
    carries: tuple[str, ...] | None = Field(
        None, description="The household fields the source sheet feeds (see Snapshot.carries)")

    @model_validator(mode="after")
    def _names_member(self) -> WorkRecorded:
        if self.member is None and not self.id_number:
            raise ValueError("the event names no member: it needs member or id_number")
        return self


class HouseAssessed(EventBase):
    """The house is assessed (住房安全鉴定)."""

    type: Literal["house_assessed"] = "house_assessed"
    grade: HousingGrade


class HouseRenovated(EventBase):
    """Work on an unsafe house (危房改造) or a relocation reaches a status."""

    type: Literal["house_renovated"] = "house_renovated"
    renovation: WorkStatus | None = WorkStatus.DONE
    relocation: WorkStatus | None = None


class ChildEnrolled(MemberEvent):
    """A child is enrolled at a schooling stage."""

    type: Literal["child_enrolled"] = "child_enrolled"
    stage: SchoolingStage
    grade: int | None = Field(None, ge=1, le=9)


class InsuranceEnrolled(MemberEvent):
    """A member is enrolled in insurance: only the kinds given change."""

    type: Literal["insurance_enrolled"] = "insurance_enrolled"
    medical: MedicalInsurance | None = None
    serious_illness: bool | None = None
    pension: PensionInsurance | None = None


class HouseholdIdentified(EventBase):
    """The household is identified as a monitoring object (识别纳入监测): its risk is recorded
    as not eliminated."""

    type: Literal["household_identified"] = "household_identified"
    group: MonitoringGroup
    identified_on: date | None = Field(None, description="Default: the event's day")
    identified_on_precision: DatePrecision | None = Field(
        None, description="month: the day is unknown (an export's 识别监测时间 202003)")
    risks: list[str] = Field(default_factory=list)
    risk_note: str | None = None
    disaster_subitem: str | None = None
    notice_start: date | None = None
    notice_end: date | None = None


class HouseholdVerified(EventBase):
    """The identification is verified and decided (核实认定)."""

    type: Literal["household_verified"] = "household_verified"
    verified_on: date | None = Field(None, description="Default: the event's day")


class RiskEliminated(EventBase):
    """The household's risk is marked eliminated (风险消除)."""

    type: Literal["risk_eliminated"] = "risk_eliminated"
    eliminated_on: date | None = Field(None, description="Default: the event's day")
    eliminated_on_precision: DatePrecision | None = Field(
        None, description="month: the day is unknown (an export's month-only date)")
    method: EliminationMethod | None = None


Event = Annotated[
    Snapshot | IncomeReported | Illness | Disability | Disaster | Accident | LargeExpenditure
    | VisitMade | WorkRecorded | MeasureStarted | MeasureDone | HouseAssessed | HouseRenovated
    | ChildEnrolled | InsuranceEnrolled | HouseholdIdentified | HouseholdVerified | RiskEliminated,
    Field(discriminator="type"),
]

#: The event types, by their ``type`` tag.
EVENT_TYPES: tuple[str, ...] = (
    "snapshot", "income_reported", "illness", "disability", "disaster", "accident",
    "large_expenditure", "visit", "work_recorded", "measure_started", "measure_done",
    "house_assessed", "house_renovated", "child_enrolled", "insurance_enrolled",
    "household_identified", "household_verified", "risk_eliminated",
)


class EventRecord(RootModel[Event]):
    """One event as read from a line of JSON (the union, validated by its ``type``)."""


def parse_event(text: str | bytes) -> Event:
    """One event from its JSON text (raises pydantic's ``ValidationError``)."""
    return EventRecord.model_validate_json(text).root


def event_json(event: Event) -> str:
    """The event as compact JSON (what the journal stores; :func:`parse_event` reads it back)."""
    return event.model_dump_json(exclude_defaults=False)


def read_events(path: str | Path, *, mask: bool = True,
                income_year: int | None = None) -> Iterator[Event | InputError]:
    """The events of a JSON Lines file in order, each bad line an :class:`InputError` (file,
    line, field) in its place; a file that cannot be read ends with a file-level error.

    An export workbook or CSV, or a folder of them, is read as change sheets
    (:func:`planner.live.sheets.read_change_sheet`, ``income_year`` the year of its income
    columns)."""
    from planner.live.sheets import is_table_file, read_change_sheet

    if is_table_file(path):
        yield from read_change_sheet(path, income_year=income_year, mask=mask)
        return
    options = ReadOptions(mask=mask)
    for item in jsonl_raw(Path(path)):
        outcome = item if isinstance(item, Outcome) else validate_raw(item, EventRecord, options)
        if outcome.record is not None:
            record = outcome.record
            assert isinstance(record, EventRecord)
            yield record.root
        else:
            data = None if isinstance(item, Outcome) else _object_of(item.text)
            yield from (_located(error, data, mask) for error in outcome.errors)


def _object_of(text: str | bytes) -> dict[str, object] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _located(error: InputError, data: dict[str, object] | None, mask: bool) -> InputError:
    """The error naming the event's household (not its event id), the payload field without the
    union's type tag (``illness.member`` → ``member``), and an unknown type in both languages."""
    household = None if data is None else data.get("household_id")
    changes: dict[str, object] = {"household": mask_household(
        str(household) if isinstance(household, (str, int)) else None, mask)}
    field = error.field
    if field is not None:
        head, _, rest = field.partition(".")
        if head in EVENT_TYPES and rest:
            changes["field"] = rest
    elif data is not None and data.get("type") not in EVENT_TYPES:
        kind = data.get("type")
        changes.update(
            field="type", value=None if kind is None else str(kind),
            reason_zh="缺少事件类型" if kind is None else "未知的事件类型（可用：" + "、".join(
                EVENT_TYPES) + "）",
            reason_en="no event type" if kind is None else "unknown event type (known: "
            + ", ".join(EVENT_TYPES) + ")")
    return dataclasses.replace(error, **changes)  # type: ignore[arg-type]


__all__ = [
    "EVENT_TYPES", "Accident", "ChildEnrolled", "Disability", "Disaster", "Event", "EventBase",
    "EventRecord", "HouseAssessed", "HouseRenovated", "HouseholdIdentified", "HouseholdVerified",
    "Illness", "IncomeReported", "InsuranceEnrolled", "LargeExpenditure", "MeasureDone",
    "MeasureStarted", "MemberEvent", "RiskEliminated", "Snapshot", "VisitMade", "WorkRecorded",
    "event_json",
    "parse_event", "read_events",
]
