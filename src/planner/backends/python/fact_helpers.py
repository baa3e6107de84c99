"""The Python implementations of the named fact helpers, documented in planner.facts.helpers.

Each takes its arguments as the formula gives them (unknowns included) plus, when the helper
declares parameters, the run's parameter values as the keyword ``params``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from planner.area_facts import scheduled_share
from planner.backends.python.county_helpers import COUNTY_IMPLEMENTATIONS
from planner.facts import ACTIVE_STATUSES, OPEN_STATUSES, BasicGuarantee, MemberFacts
from planner.facts.dates import age_on, months_between, plus_months
from planner.facts.vocab import IMPLEMENTED_STATUSES
from planner.idnumber import IdCheck, check_id
from planner.measure_facts import catalog_entry, eligibility_verdict, registered_member
from planner.model import (
    EmploymentRecord,
    Household,
    IncomeCategory,
    MeasureStatus,
    PlannedMeasure,
    PublicWelfarePost,
    Relation,
    WaterSupply,
)
from planner.params import ParamValues

_EMPTY: frozenset[str] = frozenset()


def is_known(value: object) -> bool:
    return value is not None


def truthy(value: object) -> bool:
    return bool(value)


def absolute(value: float | None) -> float | None:
    return None if value is None else abs(value)


def size_of(values: Sequence[object] | frozenset[object] | None) -> int | None:
    return None if values is None else len(values)


def values_of(items: Iterable[Any] | None) -> frozenset[str] | None:
    # Enum members give their value; plain texts (the recorded risks) are their own value.
    return None if items is None else frozenset(getattr(item, "value", item) for item in items)


def mentions(items: Iterable[str] | None, text: str) -> bool | None:
    return None if items is None else any(text in item for item in items)


def to_date(text: object) -> date:
    return date.fromisoformat(str(text))


def date_in_year(month_day: object, year: int) -> date:
    month, day = (int(x) for x in str(month_day).split("-"))
    return date(year, month, day)


def days_between(start: date | None, end: date | None) -> int | None:
    if start is None or end is None:
        return None
    return end.toordinal() - start.toordinal()


def id_check(number: str | None) -> IdCheck | None:
    return check_id(number) if number else None


_DERIVED_FIELDS = (
    ("birth_date", "birth_date"), ("sex", "male"),
    ("disability_category", "disability_category"), ("disability_grade", "disability_grade"),
)


def id_derived_fields(record: Any, check: IdCheck | None) -> frozenset[str]:
    if check is None:
        return frozenset()
    return frozenset(field for field, said in _DERIVED_FIELDS
                     if getattr(record, field) is None and getattr(check, said) is not None)


def covers_year(start: date | None, end: date | None, when: date) -> bool:
    year = when.year
    return (start is None or start.year <= year) and (end is None or end.year >= year)


def covers_date(start: date | None, end: date | None, when: date) -> bool:
    return (start is None or start <= when) and (end is None or end >= when)


def employed_in_year(records: list[EmploymentRecord], when: date) -> bool:
    return any(covers_year(e.start, e.end, when) for e in records)


def post_held_on(posts: list[PublicWelfarePost], when: date) -> bool:
    return any(covers_date(p.start, p.end, when) for p in posts)


def _by_beneficiary(
    measures: list[PlannedMeasure], addresses: Mapping[str, Iterable[str]]
) -> dict[int | None, set[str]]:
    found: dict[int | None, set[str]] = {}
    for measure in measures:
        if measure.status in ACTIVE_STATUSES:
            codes = addresses.get(measure.measure)
            if codes:
                found.setdefault(measure.beneficiary, set()).update(codes)
    return found


# The household's codes by beneficiary, kept while its members are derived: one walk over its
# measures instead of one per member. The tuple holds the lists it was computed from, so ``is``
# cannot match another list, and is replaced whole (threads see one or the other). ``derive``
# forgets it first, so a list changed in place between two derivations is walked again.
_NOTHING: tuple[object, object, dict[int | None, set[str]]] = (None, None, {})
_last_by_beneficiary = _NOTHING


def forget_household() -> None:
    """Drop what the member helpers kept of the last household (called before each household)."""
    global _last_by_beneficiary, _last_income
    _last_by_beneficiary = _NOTHING
    _last_income = _NO_INCOME


def member_addressed_codes(
    measures: list[PlannedMeasure], position: int, addresses: Mapping[str, Iterable[str]]
) -> frozenset[str]:
    global _last_by_beneficiary
    if not measures or not addresses:
        return _EMPTY
    last_measures, last_addresses, found = _last_by_beneficiary
    if last_measures is not measures or last_addresses is not addresses:
        found = _by_beneficiary(measures, addresses)
        _last_by_beneficiary = (measures, addresses, found)
    if not found:
        return _EMPTY
    return frozenset(found.get(None, set()) | found.get(position, set()))


def addressed_codes(
    measures: list[PlannedMeasure], addresses: Mapping[str, Iterable[str]]
) -> frozenset[str]:
    if not measures or not addresses:
        return _EMPTY
    found = _by_beneficiary(measures, addresses)
    return frozenset().union(*found.values()) if found else _EMPTY


def head_spouse_same_sex(members: tuple[MemberFacts, ...]) -> bool | None:
    heads = [m for m in members if m.record.relation is Relation.HEAD]
    spouses = [m for m in members if m.record.relation is Relation.SPOUSE]
    if len(heads) == 1 and len(spouses) == 1:
        head_sex, spouse_sex = heads[0].sex, spouses[0].sex
        if head_sex is not None and spouse_sex is not None:
            return head_sex == spouse_sex
    return None


def latest_income_year(income: list[Any] | None, when: date) -> int:
    years = [s.year for s in income or () if s.year <= when.year]
    return max(years) if years else when.year


def income_known(income: list[Any] | None, year: int) -> bool:
    # An empty list is a recorded zero; sources of other years say nothing about this one.
    return income is not None and (not income or any(s.year == year for s in income))


# The household's income of the year by category, kept while its facts are derived: one walk
# over its sources for the four categories instead of one each (same order of addition, so the
# same sums). Held and replaced as ``_last_by_beneficiary`` is; ``forget_household`` drops it.
_NO_INCOME: tuple[object, object, dict[Any, float]] = (None, None, {})
_last_income = _NO_INCOME


def income_by_category(income: list[Any] | None, year: int, category: IncomeCategory) -> float:
    global _last_income
    last, last_year, totals = _last_income
    if last is not income or last_year != year:
        totals = {}
        for source in income or ():
            if source.year == year:
                totals[source.category] = totals.get(source.category, 0.0) + source.amount
        _last_income = (income, year, totals)
    return totals.get(category, 0.0)


def income_of_subtypes(income: list[Any] | None, year: int, subtypes: Any) -> float:
    # A source with no subtype is in no list: it cannot be shown to be one of them.
    wanted = set(subtypes or ())
    total = 0.0
    for source in income or ():
        if source.year == year and source.subtype in wanted:
            total += source.amount
    return total


def costs_of_year(costs: list[Any], year: int) -> float:
    return sum(c.amount for c in costs if c.year == year)


def previous_per_capita_income(household: Household, year: int, size: int) -> float | None:
    previous = year - 1
    sources = [s.amount for s in household.income or () if s.year == previous]
    if sources and size:
        gross = 0.0
        for amount in sources:
            gross += amount
        return (gross - costs_of_year(household.production_costs, previous)) / size
    return household.income_history.get(previous)


def _measure_year(measure: PlannedMeasure) -> int | None:
    """The year a measure counts for: its own, else its start's (``None`` when neither)."""
    if measure.year is not None:
        return measure.year
    return measure.start.year if measure.start is not None else None


def active_measure_ids(measures: list[PlannedMeasure]) -> frozenset[str]:
    return frozenset(m.measure for m in measures if m.status in ACTIVE_STATUSES)


def plan_window_measures(
    measures: list[PlannedMeasure], income_year: int, when: date
) -> frozenset[str]:
    # The plan window runs from the income year to the reference year: in the monitoring era the
    # income assessed is last year's and this year's measures answer it.
    last = max(income_year, when.year)
    return frozenset(
        m.measure
        for m in measures
        if m.status in ACTIVE_STATUSES
        and (year := _measure_year(m)) is not None
        and income_year <= year <= last
    )


def measures_before(measures: list[PlannedMeasure], year: int) -> frozenset[str]:
    return frozenset(
        m.measure
        for m in measures
        if m.status in ACTIVE_STATUSES and (y := _measure_year(m)) is not None and y < year
    )


def implemented_measures(measures: list[PlannedMeasure], year: int) -> frozenset[str]:
    return frozenset(
        m.measure
        for m in measures
        if m.status in IMPLEMENTED_STATUSES and _measure_year(m) == year
    )


def planned_annual_gain(measures: list[PlannedMeasure]) -> float:
    return sum(
        m.expected_annual_gain
        for m in measures
        if m.status in ACTIVE_STATUSES
        and m.status is not MeasureStatus.DONE
        and m.expected_annual_gain
    )


def overdue_measures(measures: list[PlannedMeasure], when: date) -> tuple[int, ...]:
    return tuple(
        i for i, m in enumerate(measures, start=1)
        if m.status in OPEN_STATUSES and m.due is not None and m.due < when
    )


def last_visit(visits: list[Any], when: date) -> date | None:
    return max((v.on for v in visits if v.on <= when), default=None)


def water_safe(water: WaterSupply, *, params: ParamValues) -> bool | None:
    checks: list[bool | None] = [
        water.quality_safe,
        None
        if water.litres_per_person_day is None
        else water.litres_per_person_day >= params[
            "water.litres_per_person_day_min_water_rich" if water.water_rich_area
            else "water.litres_per_person_day_min"],
        True
        if water.piped_into_home
        else (
            None
            if water.fetch_minutes_round_trip is None
            else water.fetch_minutes_round_trip <= params["water.fetch_minutes_max"]
        ),
        None if water.reliability is None else water.reliability >= params["water.reliability_min"],
    ]
    # the overall answer (是否解决安全饮用水) decides what no indicator contradicts
    if False in checks or water.safe is False:
        return False
    return True if water.safe else (None if None in checks else True)


_GUARANTEE_ORDER = (
    BasicGuarantee.HOUSING, BasicGuarantee.EDUCATION, BasicGuarantee.MEDICAL, BasicGuarantee.WATER
)


def guarantee_problems(*states: bool | None) -> tuple[BasicGuarantee, ...]:
    return tuple(name for name, problem in zip(_GUARANTEE_ORDER, states, strict=True) if problem)


def guarantee_secure(*states: bool | None) -> bool | None:
    if any(states):
        return False
    return None if None in states else True


IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "is_known": is_known,
    "coalesce": lambda *values: next((v for v in values if v is not None), None),
    "truthy": truthy,
    "abs": absolute,
    "size_of": size_of,
    "values_of": values_of,
    "mentions": mentions,
    "to_date": to_date,
    "date_in_year": date_in_year,
    "days_between": days_between,
    "age_on": age_on,
    "months_between": months_between,
    "plus_months": lambda day, months: (
        None if day is None or months is None else plus_months(day, int(months))),
    "id_check": id_check,
    "id_derived_fields": id_derived_fields,
    "employed_in_year": employed_in_year,
    "post_held_on": post_held_on,
    "member_addressed_codes": member_addressed_codes,
    "head_spouse_same_sex": head_spouse_same_sex,
    "latest_income_year": latest_income_year,
    "income_known": income_known,
    "income_by_category": income_by_category,
    "income_of_subtypes": income_of_subtypes,
    "costs_of_year": costs_of_year,
    "previous_per_capita_income": previous_per_capita_income,
    "active_measure_ids": active_measure_ids,
    "plan_window_measures": plan_window_measures,
    "measures_before": measures_before,
    "implemented_measures": implemented_measures,
    "planned_annual_gain": planned_annual_gain,
    "addressed_codes": addressed_codes,
    "overdue_measures": overdue_measures,
    "last_visit": last_visit,
    "water_safe": water_safe,
    "guarantee_problems": guarantee_problems,
    "guarantee_secure": guarantee_secure,
    "scheduled_share": scheduled_share,
    "covers_year": covers_year,
    "covers_date": covers_date,
    "catalog_entry": catalog_entry,
    "registered_member": registered_member,
    "eligibility_verdict": eligibility_verdict,
    **COUNTY_IMPLEMENTATIONS,
}
