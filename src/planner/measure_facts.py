"""Derived facts of a household's planned measures, with the catalog's attributes as facts.

A rule with ``for_each: measure`` reads ``measure.<fact>`` for each measure of the plan: the
record's fields (``measure.status``, ``measure.due``, ``measure.beneficiary``) and these facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from planner.facts import ACTIVE_STATUSES, OPEN_STATUSES, HouseholdFacts
from planner.measures.catalog import default_catalog
from planner.measures.eligibility import Verdict, eligibility, parameter_names
from planner.measures.measure import Measure, MeasureFamily
from planner.model import PlannedMeasure

_ELIGIBILITY_PARAMETERS = parameter_names(default_catalog().values())
FACT_PARAMETERS: dict[str, tuple[str, ...]] = {
    f"measure.{name}": _ELIGIBILITY_PARAMETERS
    for name in ("eligible", "ineligibility", "ineligibility_zh", "ineligibility_en")
}
"""The parameters each measure fact reads: the eligibility limits the shipped catalog names."""


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
    beneficiary_kind: Literal["household", "member", "village"] | None
    reference_date: date
    household: HouseholdFacts = field(repr=False)
    catalog_entry: Measure | None = field(default=None, repr=False)
    params: Mapping[str, Any] | None = field(default=None, repr=False)
    _verdict: Verdict | None = field(default=None, repr=False)

    @property
    def verdict(self) -> Verdict:
        """The catalog's eligibility verdict for this measure, its beneficiary member or the
        household (:func:`planner.measures.eligibility.eligibility`), judged on first use."""
        if self._verdict is None:
            if self.catalog_entry is None:
                self._verdict = Verdict(None, "catalog", "措施不在目录中", "not in the catalog")
            else:
                member = next((m for m in self.household.members
                               if m.number == self.beneficiary_member), None)
                self._verdict = eligibility(self.catalog_entry, self.household, member,
                                            self.params)
        return self._verdict

    @property
    def eligible(self) -> bool | None:
        """Whether the household or beneficiary member fits the measure (unknown: ``None``)."""
        return self.verdict.eligible

    @property
    def ineligibility(self) -> str | None:
        """The stable key of the first condition that fails (``labour``, ``age`` …)."""
        return self.verdict.reason if self.verdict.eligible is False else None

    @property
    def ineligibility_zh(self) -> str | None:
        """Why the measure does not fit, in Chinese."""
        return self.verdict.zh if self.verdict.eligible is False else None

    @property
    def ineligibility_en(self) -> str | None:
        """Why the measure does not fit, in English."""
        return self.verdict.en if self.verdict.eligible is False else None


def derive_measures(
    household: HouseholdFacts,
    catalog: Mapping[str, Measure] | None,
    params: Mapping[str, Any] | None = None,
) -> tuple[MeasureFacts, ...]:
    """Facts of every planned measure of ``household``, in plan order.

    Without a catalog (or for an id missing from it) the catalog facts are unknown and the
    labels are the measure id. Eligibility is judged with ``params`` when a rule reads it.
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
            beneficiary_kind=measure.beneficiary if measure else None,
            reference_date=when,
            household=household,
            catalog_entry=measure,
            params=params,
        ))
    return tuple(facts)
