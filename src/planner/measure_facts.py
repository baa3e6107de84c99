"""Derived facts of a household's planned measures, with the catalog's attributes as facts.

A rule with ``for_each: measure`` reads ``measure.<fact>`` for each measure of the plan: the
record's fields (``measure.status``, ``measure.due``, ``measure.beneficiary``) and these facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from planner.facts import ACTIVE_STATUSES, OPEN_STATUSES, HouseholdFacts
from planner.measures.measure import Measure, MeasureFamily
from planner.model import PlannedMeasure


@dataclass(slots=True)
class MeasureFacts:
    """One measure of a household's plan, judged on ``reference_date`` against the catalog."""

    record: PlannedMeasure
    number: int
    id: str
    in_catalog: bool
    label_zh: str
    label_en: str
    family: MeasureFamily | None
    protection: bool | None
    active: bool
    overdue: bool
    days_overdue: int | None
    beneficiary_member: int | None
    reference_date: date


def derive_measures(
    household: HouseholdFacts, catalog: Mapping[str, Measure] | None
) -> tuple[MeasureFacts, ...]:
    """Facts of every planned measure of ``household``, in plan order.

    Without a catalog (or for an id missing from it) the catalog facts are unknown and the
    labels are the measure id.
    """
    when = household.reference_date
    registered = {member.number for member in household.members}
    facts = []
    for number, planned in enumerate(household.record.measures, start=1):
        measure = catalog.get(planned.measure) if catalog is not None else None
        due = planned.due
        overdue = planned.status in OPEN_STATUSES and due is not None and due < when
        facts.append(MeasureFacts(
            record=planned,
            number=number,
            id=planned.measure,
            in_catalog=measure is not None,
            label_zh=measure.label.zh if measure else planned.measure,
            label_en=measure.label.en if measure else planned.measure,
            family=measure.family if measure else None,
            protection=measure.protection if measure else None,
            active=planned.status in ACTIVE_STATUSES,
            overdue=overdue,
            days_overdue=(when - due).days if due is not None else None,
            beneficiary_member=(planned.beneficiary if planned.beneficiary in registered
                                else None),
            reference_date=when,
        ))
    return tuple(facts)
