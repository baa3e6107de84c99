"""Households as an event stream: a snapshot of each household's registration state, then the
events that bring it to the record given.

:func:`events_from_households` takes the facts that arrive over time out of each record — income,
rigid expenditure, the house's assessment and renovation, members' illness, disability,
schooling and insurance, visits, started measures, and the monitoring lifecycle (identified,
verified, risk eliminated) — puts the rest in a :class:`~planner.live.events.Snapshot`, and emits
one event per fact taken out. Applying the stream gives the record back exactly: the converter
checks it, and keeps in the snapshot any part the events cannot express (a measure with a plan
year, a monitoring block with a date of first assistance…).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel

from planner.live.apply import ApplyError, apply_event
from planner.live.events import (
    ChildEnrolled,
    Disability,
    Event,
    EventBase,
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
    RiskEliminated,
    Snapshot,
    VisitMade,
)
from planner.model import Household
from planner.model.household import Monitoring
from planner.model.vocab import Health, MeasureStatus, SchoolingStage

#: When the facts without a date of their own arrive in a replay (the monitoring era's start).
DEFAULT_AT = datetime(2021, 1, 1)


class _Stream:
    """The events of one household being built, numbered in order."""

    def __init__(self, household_id: str) -> None:
        self.household_id = household_id
        self.events: list[Event] = []

    def add(self, kind: type[EventBase], when: date | datetime, **payload: Any) -> None:
        moment = when if isinstance(when, datetime) else datetime.combine(when, time())
        number = len(self.events) + 1
        event = kind(id=f"{self.household_id}#{number:03d}", household_id=self.household_id,
                     time=moment, **payload)
        self.events.append(event)  # type: ignore[arg-type]


def _cleared(model: BaseModel, **changes: Any) -> Any:
    return model.model_copy(update=changes)


def _member_events(household: Household, stream: _Stream, at: datetime) -> list[Any]:
    members = []
    for number, member in enumerate(household.members, start=1):
        changes: dict[str, Any] = {}
        if member.health in (Health.CHRONIC_ILLNESS, Health.SERIOUS_ILLNESS):
            changes["health"] = None
            stream.add(Illness, at, member=number, health=member.health)
        if member.disability_category is not None or member.disability_grade is not None:
            changes.update(disability_category=None, disability_grade=None)
            stream.add(Disability, at, member=number, category=member.disability_category,
                       grade=member.disability_grade)
        if member.schooling not in (None, SchoolingStage.NOT_STUDENT):
            changes.update(schooling=None, grade=None)
            stream.add(ChildEnrolled, at, member=number, stage=member.schooling,
                       grade=member.grade)
        insurance = (member.medical_insurance, member.serious_illness_insurance,
                     member.pension_insurance)
        if any(value is not None for value in insurance):
            changes.update(medical_insurance=None, serious_illness_insurance=None,
                           pension_insurance=None)
            stream.add(InsuranceEnrolled, at, member=number, medical=insurance[0],
                       serious_illness=insurance[1], pension=insurance[2])
        members.append(_cleared(member, **changes) if changes else member)
    return members


def _lifecycle(monitoring: Monitoring | None, stream: _Stream) -> bool:
    """Emit the monitoring events when they give ``monitoring`` back exactly."""
    if monitoring is None or monitoring.identified_on is None:
        return False
    eliminated = monitoring.risk_eliminated is True and monitoring.eliminated_on is not None
    rebuilt = Monitoring(
        group=monitoring.group, identified_on=monitoring.identified_on,
        identified_on_precision=monitoring.identified_on_precision,
        verified_on=monitoring.verified_on, risks=list(monitoring.risks),
        risk_note=monitoring.risk_note, disaster_subitem=monitoring.disaster_subitem,
        notice_start=monitoring.notice_start, notice_end=monitoring.notice_end,
        risk_eliminated=eliminated,
        eliminated_on=monitoring.eliminated_on if eliminated else None,
        eliminated_on_precision=monitoring.eliminated_on_precision if eliminated else None,
        elimination_method=monitoring.elimination_method if eliminated else None)
    if rebuilt != monitoring:
        return False
    stream.add(HouseholdIdentified, monitoring.identified_on, group=monitoring.group,
               identified_on=monitoring.identified_on,
               identified_on_precision=monitoring.identified_on_precision,
               risks=list(monitoring.risks),
               risk_note=monitoring.risk_note, disaster_subitem=monitoring.disaster_subitem,
               notice_start=monitoring.notice_start, notice_end=monitoring.notice_end)
    if monitoring.verified_on is not None:
        stream.add(HouseholdVerified, monitoring.verified_on, verified_on=monitoring.verified_on)
    if eliminated:
        assert monitoring.eliminated_on is not None
        stream.add(RiskEliminated, monitoring.eliminated_on,
                   eliminated_on=monitoring.eliminated_on,
                   eliminated_on_precision=monitoring.eliminated_on_precision,
                   method=monitoring.elimination_method)
    return True


def _measures(household: Household, stream: _Stream) -> bool:
    """Emit measure events when each measure is one a start (and completion) rebuilds."""
    for measure in household.measures:
        if (measure.status not in (MeasureStatus.IN_PROGRESS, MeasureStatus.DONE)
                or measure.start is None or measure.year is not None
                or (measure.status is MeasureStatus.DONE) != (measure.completed is not None)):
            return False
    for measure in household.measures:
        assert measure.start is not None
        stream.add(MeasureStarted, measure.start, measure=measure.measure,
                   beneficiary=measure.beneficiary, due=measure.due,
                   responsible=measure.responsible,
                   expected_annual_gain=measure.expected_annual_gain)
        if measure.completed is not None:
            stream.add(MeasureDone, measure.completed, measure=measure.measure,
                       beneficiary=measure.beneficiary)
    return True


def household_events(household: Household, at: datetime = DEFAULT_AT,
                     carries: tuple[str, ...] | None = None) -> list[Event]:
    """The events of one household: its registration-state snapshot, then the facts arriving.

    Applying them in order gives ``household`` exactly; when a part cannot be rebuilt that way
    it stays in the snapshot (in the worst case the snapshot is the whole record). ``carries``
    are the fields the household's source carries (:attr:`Snapshot.carries`).
    """
    stream = _Stream(household.id)
    stream.add(Snapshot, at, household=household)  # replaced below by the registration state
    changes: dict[str, Any] = {}
    if household.income is not None and household.income_year is not None:
        changes.update(income=None, income_year=None, production_costs=[])
        stream.add(IncomeReported, at, year=household.income_year, income=household.income,
                   production_costs=household.production_costs)
    if household.compliant_out_of_pocket is not None:
        changes["compliant_out_of_pocket"] = None
        stream.add(LargeExpenditure, at, amount=household.compliant_out_of_pocket)
    housing: dict[str, Any] = {}
    if household.housing.safety_grade is not None:
        housing["safety_grade"] = None
        stream.add(HouseAssessed, at, grade=household.housing.safety_grade)
    if household.housing.renovation is not None or household.housing.relocation is not None:
        housing.update(renovation=None, relocation=None)
        stream.add(HouseRenovated, at, renovation=household.housing.renovation,
                   relocation=household.housing.relocation)
    if housing:
        changes["housing"] = _cleared(household.housing, **housing)
    changes["members"] = _member_events(household, stream, at)
    if household.visits:
        changes["visits"] = []
        for visit in household.visits:
            stream.add(VisitMade, visit.on, visitor=visit.visitor, notes=visit.notes)
    if household.measures and _measures(household, stream):
        changes["measures"] = []
    if _lifecycle(household.monitoring, stream):
        changes["monitoring"] = None
    registration = household.model_copy(update=changes)
    stream.events[0] = Snapshot(id=f"{household.id}#000", household_id=household.id,
                                time=at, household=registration, carries=carries)
    if _rebuilt(stream.events) != household:
        return [Snapshot(id=f"{household.id}#000", household_id=household.id, time=at,
                         household=household, carries=carries)]
    return stream.events


def _rebuilt(events: list[Event]) -> Household | None:
    state: Household | None = None
    try:
        for event in events:
            state = apply_event(state, event)
    except ApplyError:
        return None
    return state


def events_from_households(households: Iterable[Household],
                           at: datetime = DEFAULT_AT) -> Iterator[Event]:
    """Every household's events (:func:`household_events`), household after household."""
    for household in households:
        yield from household_events(household, at)


__all__ = ["DEFAULT_AT", "events_from_households", "household_events"]
