"""Derived facts of a household's planned measures, with the catalog's attributes as facts.

A rule with ``for_each: measure`` (or a measure quantifier) reads ``measure.<fact>`` for each
measure of the plan: the record's fields (``measure.status``, ``measure.due``,
``measure.beneficiary``) and the properties of :class:`MeasureFacts`, each computed when a rule
first reads it (most rules read one or two of them, for every measure of every household).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from planner.facts import ACTIVE_STATUSES, FACTS, OPEN_STATUSES, HouseholdFacts, MemberFacts
from planner.measures.eligibility import Verdict, eligibility
from planner.measures.measure import Measure, MeasureFamily
from planner.model import PlannedMeasure
from planner.model.vocab import MeasureStatus

FACT_PARAMETERS: dict[str, tuple[str, ...]] = {
    name: parameters for name, parameters in FACTS.parameters().items()
    if name.startswith("measure.")
}
"""The parameters each measure fact reads (the eligibility limits the shipped catalog names),
derived from the declarations (:mod:`planner.facts.measure`)."""

_UNSET: Any = object()


def catalog_entry(catalog: Mapping[str, Measure] | None, measure: str) -> Measure | None:
    """The catalog entry of ``measure`` (``None`` without a catalog or for an unknown id)."""
    return catalog.get(measure) if catalog is not None else None


def registered_member(members: tuple[MemberFacts, ...], number: int | None) -> int | None:
    """``number`` when a registered member has it, else ``None``."""
    if number is None:
        return None
    return number if any(m.number == number for m in members) else None


def eligibility_verdict(
    entry: Measure | None,
    household: HouseholdFacts,
    number: int | None,
    given_on: date | None = None,
    given: bool = False,
    params: Mapping[str, Any] | None = None,
) -> Verdict:
    """The catalog's verdict on ``entry`` for the household or its member ``number``; ages on
    ``given_on`` when the measure was already given, else on the reference date."""
    if entry is None:
        return Verdict(None, "catalog", "措施不在目录中", "not in the catalog")
    member = next((m for m in household.members if m.number == number), None)
    return eligibility(entry, household, member, params, given_on, given)


class MeasureFacts:
    """One measure of a household's plan (``record``, ``number`` 1-based in the plan), judged on
    the household's reference date against the catalog."""

    __slots__ = ("_entry", "_verdict", "catalog", "household", "number", "params", "record")
    number: int

    def __init__(self, record: PlannedMeasure, number: int, household: HouseholdFacts,
                 catalog: Mapping[str, Measure] | None, params: Mapping[str, Any] | None):
        self.record = record
        self.number = number
        self.household = household
        self.catalog = catalog
        self.params = params
        self._entry: Measure | None = _UNSET
        self._verdict: Verdict | None = None

    @property
    def entry(self) -> Measure | None:
        """The measure's catalog entry (``None`` without a catalog or for an unknown id)."""
        if self._entry is _UNSET:
            self._entry = catalog_entry(self.catalog, self.record.measure)
        return self._entry

    @property
    def id(self) -> str:
        """The catalog id the plan names."""
        return self.record.measure

    @property
    def in_catalog(self) -> bool:
        """Whether the catalog has the measure."""
        return self.entry is not None

    @property
    def label_zh(self) -> str:
        """The catalog's Chinese label, else the id."""
        entry = self.entry
        return entry.label.zh if entry is not None else self.record.measure

    @property
    def label_en(self) -> str:
        """The catalog's English label, else the id."""
        entry = self.entry
        return entry.label.en if entry is not None else self.record.measure

    @property
    def family(self) -> MeasureFamily | None:
        """The catalog family (``social_protection``, ``employment`` …)."""
        entry = self.entry
        return entry.family if entry is not None else None

    @property
    def protection(self) -> bool | None:
        """Whether the measure is social protection (兜底保障); unknown outside the catalog."""
        entry = self.entry
        return entry.protection if entry is not None else None

    @property
    def beneficiary_kind(self) -> Literal["household", "member", "village"] | None:
        """Whom the catalog gives the measure to."""
        entry = self.entry
        return entry.beneficiary if entry is not None else None

    @property
    def active(self) -> bool:
        """Status planned, in progress or done."""
        return self.record.status in ACTIVE_STATUSES

    @property
    def overdue(self) -> bool:
        """Planned or in progress with a due date before the reference date."""
        record = self.record
        return (record.status in OPEN_STATUSES and record.due is not None
                and record.due < self.household.reference_date)

    @property
    def days_overdue(self) -> int | None:
        """Days from the due date to the reference date (negative before it)."""
        due = self.record.due
        return (self.household.reference_date - due).days if due is not None else None

    @property
    def beneficiary_member(self) -> int | None:
        """The beneficiary's member number when it is a registered member."""
        return registered_member(self.household.members, self.record.beneficiary)

    @property
    def reference_date(self) -> date:
        """The date the plan is judged on."""
        return self.household.reference_date

    @property
    def given_on(self) -> date | None:
        """For a measure done: the day it was given (start, else completion), unknown when
        neither is recorded; ``None`` too for a measure not done (judged on the reference
        date)."""
        record = self.record
        if record.status != MeasureStatus.DONE:
            return None
        return record.start if record.start is not None else record.completed

    @property
    def verdict(self) -> Verdict:
        """The catalog's eligibility verdict for this measure, its beneficiary member or the
        household (:func:`planner.measures.eligibility.eligibility`)."""
        if self._verdict is None:
            self._verdict = eligibility_verdict(
                self.entry, self.household, self.beneficiary_member, self.given_on,
                self.record.status == MeasureStatus.DONE, self.params)
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
    return tuple(MeasureFacts(planned, number, household, catalog, params)
                 for number, planned in enumerate(household.record.measures, start=1))
