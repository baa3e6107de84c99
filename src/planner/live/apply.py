"""Applying an event to a household: a new, validated :class:`~planner.model.Household`.

:func:`apply_event` never changes the household it is given: each changed part is validated
again through its model (``Model.model_validate`` of the old values and the change), so an event
that would make the record invalid — a member that does not exist, a measure not in the plan, an
amount the model refuses — raises :class:`ApplyError` for that event, and the household stays as
it was.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from planner.errors import BilingualError
from planner.io.cells import ascii_digits
from planner.io.errors import mask_value
from planner.io.joins import with_spells
from planner.live.events import (
    Accident,
    ChildEnrolled,
    Disability,
    Disaster,
    Event,
    HouseAssessed,
    HouseholdIdentified,
    HouseholdVerified,
    HouseRenovated,
    Illness,
    IncomeReported,
    InsuranceEnrolled,
    LargeExpenditure,
    MeasureDone,
    MeasureStarted,
    MemberEvent,
    RiskEliminated,
    Snapshot,
    VisitMade,
    WorkRecorded,
)
from planner.model import Household
from planner.model.household import Monitoring, PlannedMeasure, Visit
from planner.model.vocab import MeasureStatus

M = TypeVar("M", bound=BaseModel)

#: Risk labels recorded on a monitored household by a loss event without its own label (the
#: export's 风险类型 wording).
LOSS_RISKS = {"disaster": "因自然灾害", "accident": "因意外事故"}


class ApplyError(BilingualError):
    """An event that cannot be applied to its household (Chinese, then English); ``field`` names
    the part of the record it concerns, if one does."""

    def __init__(self, zh: str, en: str, field: str | None = None):
        super().__init__(zh, en)
        self.field = field


def _changed(model: M, field: str | None = None, **changes: Any) -> M:
    """``model`` with ``changes``, validated through its model (parts left as they are)."""
    values = dict(model)
    values.update(changes)
    try:
        return type(model).model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        name = f"{field}.{where}" if field and where else (field or where or None)
        raise ApplyError(f"事件使记录无效：{name}：{first.get('msg')}",
                         f"the event makes the record invalid: {name}: {first.get('msg')}",
                         name) from exc


def _member_changed(household: Household, event: MemberEvent, **changes: Any) -> Household:
    index = event.member - 1
    if index >= len(household.members):
        raise ApplyError(f"户 {household.id} 没有第 {event.member} 名成员（共 "
                         f"{len(household.members)} 名）",
                         f"household {household.id} has no member {event.member} (it has "
                         f"{len(household.members)})", "member")
    members = list(household.members)
    members[index] = _changed(members[index], f"members.{event.member}", **changes)
    return household.model_copy(update={"members": members})


def _monitoring(household: Household, event: Event) -> Monitoring:
    if household.monitoring is None:
        raise ApplyError(f"户 {household.id} 未纳入监测，不能{_WORDS[event.type][0]}",
                         f"household {household.id} is not monitored: it cannot be "
                         f"{_WORDS[event.type][1]}", "monitoring")
    return household.monitoring


_WORDS = {"household_verified": ("核实认定", "verified"),
          "risk_eliminated": ("标注风险消除", "marked risk-eliminated")}


def _find_measure(household: Household, event: MeasureDone | MeasureStarted) -> int | None:
    for index, measure in enumerate(household.measures):
        if (measure.measure == event.measure and measure.beneficiary == event.beneficiary
                and measure.status is not MeasureStatus.CANCELLED):
            return index
    return None


def _measure_started(household: Household, event: MeasureStarted) -> Household:
    measures = list(household.measures)
    index = _find_measure(household, event)
    changes: dict[str, Any] = {"status": MeasureStatus.IN_PROGRESS, "start": event.on}
    for key in ("due", "responsible", "expected_annual_gain"):
        if getattr(event, key) is not None:
            changes[key] = getattr(event, key)
    if index is None:
        measures.append(_changed(PlannedMeasure(measure=event.measure,
                                                beneficiary=event.beneficiary),
                                 "measures", **changes))
    else:
        measures[index] = _changed(measures[index], f"measures.{index + 1}", **changes)
    return household.model_copy(update={"measures": measures})


def _measure_done(household: Household, event: MeasureDone) -> Household:
    index = _find_measure(household, event)
    if index is None:
        raise ApplyError(f"户 {household.id} 的帮扶计划中没有措施 {event.measure}",
                         f"household {household.id} has no measure {event.measure} in its plan",
                         "measures")
    measures = list(household.measures)
    measures[index] = _changed(measures[index], f"measures.{index + 1}",
                               status=MeasureStatus.DONE, completed=event.on)
    return household.model_copy(update={"measures": measures})


def _id_key(value: str | None) -> str:
    return ascii_digits(value).strip().upper() if value else ""


def _work_member(household: Household, event: WorkRecorded) -> int:
    """The 0-based position of the member the work record names (ID number first, as the
    export's joins do, else the member number)."""
    key = _id_key(event.id_number)
    if key:
        found = [i for i, m in enumerate(household.members) if _id_key(m.id_number) == key]
        if len(found) == 1:
            return found[0]
        shown = mask_value("id_number", event.id_number, True)
        raise ApplyError(f"户 {household.id} 中没有证件号码为 {shown} 的成员",
                         f"household {household.id} has no member with ID number {shown}",
                         "id_number")
    assert event.member is not None  # the event validates that it names a member
    if event.member > len(household.members):
        raise ApplyError(f"户 {household.id} 没有第 {event.member} 名成员",
                         f"household {household.id} has no member {event.member}", "member")
    return event.member - 1


def _work_recorded(household: Household, event: WorkRecorded) -> Household:
    """The spell added to the member's work as the export's join adds it
    (:func:`planner.io.joins.with_spells`)."""
    index = _work_member(household, event)
    members = list(household.members)
    member = members[index]
    members[index] = member.model_copy(
        update={"employment": with_spells(member.employment, [event.work])})
    return household.model_copy(update={"members": members})


def _loss(household: Household, event: Disaster | Accident) -> Household:
    monitoring = household.monitoring
    risk = event.risk or LOSS_RISKS[event.type]
    if monitoring is None or risk in monitoring.risks:
        return household  # a lead for the lifecycle; nothing on the record to change
    return household.model_copy(update={
        "monitoring": _changed(monitoring, "monitoring", risks=[*monitoring.risks, risk])})


def _identified(household: Household, event: HouseholdIdentified) -> Household:
    monitoring = Monitoring(
        group=event.group, identified_on=event.identified_on or event.on,
        identified_on_precision=event.identified_on_precision, risks=list(event.risks),
        risk_eliminated=False,
        risk_note=event.risk_note, disaster_subitem=event.disaster_subitem,
        notice_start=event.notice_start, notice_end=event.notice_end)
    return household.model_copy(update={"monitoring": monitoring})


def apply_event(household: Household | None, event: Event) -> Household:
    """The household after ``event``; ``household`` is ``None`` before its first snapshot.

    Raises :class:`ApplyError` when the event cannot be applied (no snapshot yet, a member or
    measure that does not exist, a record the model refuses).
    """
    if isinstance(event, Snapshot):
        return event.household
    if household is None:
        raise ApplyError(f"户 {event.household_id} 尚无快照事件（snapshot），无法应用 {event.type}",
                         f"household {event.household_id} has no snapshot event yet: "
                         f"{event.type} cannot be applied", "household_id")
    if isinstance(event, IncomeReported):
        return _changed(household, None, income=list(event.income), income_year=event.year,
                        production_costs=list(event.production_costs))
    if isinstance(event, Illness):
        return _member_changed(household, event, health=event.health)
    if isinstance(event, Disability):
        return _member_changed(household, event, disability_category=event.category,
                               disability_grade=event.grade)
    if isinstance(event, (Disaster, Accident)):
        return _loss(household, event)
    if isinstance(event, LargeExpenditure):
        return _changed(household, None,
                        compliant_out_of_pocket=(household.compliant_out_of_pocket or 0)
                        + event.amount)
    if isinstance(event, VisitMade):
        visit = Visit(on=event.on, visitor=event.visitor, notes=event.notes)
        return household.model_copy(update={"visits": [*household.visits, visit]})
    if isinstance(event, WorkRecorded):
        return _work_recorded(household, event)
    if isinstance(event, MeasureStarted):
        return _measure_started(household, event)
    if isinstance(event, MeasureDone):
        return _measure_done(household, event)
    if isinstance(event, HouseAssessed):
        return household.model_copy(update={
            "housing": _changed(household.housing, "housing", safety_grade=event.grade)})
    if isinstance(event, HouseRenovated):
        changes = {key: getattr(event, key) for key in ("renovation", "relocation")
                   if getattr(event, key) is not None}
        return household.model_copy(update={
            "housing": _changed(household.housing, "housing", **changes)})
    if isinstance(event, ChildEnrolled):
        return _member_changed(household, event, schooling=event.stage, grade=event.grade)
    if isinstance(event, InsuranceEnrolled):
        changes = {name: getattr(event, key) for key, name in (
            ("medical", "medical_insurance"), ("serious_illness", "serious_illness_insurance"),
            ("pension", "pension_insurance")) if getattr(event, key) is not None}
        return _member_changed(household, event, **changes)
    if isinstance(event, HouseholdIdentified):
        return _identified(household, event)
    if isinstance(event, HouseholdVerified):
        monitoring = _monitoring(household, event)
        return household.model_copy(update={"monitoring": _changed(
            monitoring, "monitoring", verified_on=event.verified_on or event.on)})
    if isinstance(event, RiskEliminated):
        monitoring = _monitoring(household, event)
        return household.model_copy(update={"monitoring": _changed(
            monitoring, "monitoring", risk_eliminated=True,
            eliminated_on=event.eliminated_on or event.on,
            eliminated_on_precision=event.eliminated_on_precision,
            elimination_method=event.method)})
    raise ApplyError(f"未知的事件类型 {event.type}", f"unknown event type {event.type}", "type")


__all__ = ["LOSS_RISKS", "ApplyError", "apply_event"]
