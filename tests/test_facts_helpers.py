"""The named fact helpers of the Python backend: one test each, unknowns included."""

from __future__ import annotations

from datetime import date

import pytest

from planner import Household, Member, derive
from planner.backends.python import fact_helpers as h
from planner.facts import BasicGuarantee
from planner.facts.helpers import HELPERS
from planner.idnumber import check_id
from planner.model import (
    EmploymentRecord,
    IncomeCategory,
    IncomeSource,
    MeasureStatus,
    PlannedMeasure,
    ProductionCost,
    PublicWelfarePost,
    Visit,
    WaterSupply,
)
from planner.params import default_parameters

WHEN = date(2020, 9, 30)
VALID_ID = "11010519491231002X"


def measure(
    measure_id: str, status: str = "planned", year: int | None = None, **more: object
) -> PlannedMeasure:
    return PlannedMeasure.model_validate({"measure": measure_id, "status": status, "year": year,
                                          **more})


def test_every_declared_helper_has_a_python_implementation_and_no_other() -> None:
    assert set(h.IMPLEMENTATIONS) == set(HELPERS)


def test_generic_helpers_and_their_unknowns() -> None:
    assert (h.is_known(0), h.is_known(None)) == (True, False)
    assert h.IMPLEMENTATIONS["coalesce"](None, 3) == 3
    assert h.IMPLEMENTATIONS["coalesce"](0, 3) == 0
    assert (h.truthy(""), h.truthy(None), h.truthy("王")) == (False, False, True)
    assert (h.absolute(-2.5), h.absolute(None)) == (2.5, None)
    assert (h.size_of(frozenset({"a", "b"})), h.size_of(None)) == (2, None)
    assert h.values_of([IncomeCategory.WAGE]) == frozenset({"wage"})
    assert h.values_of(None) is None


def test_date_helpers() -> None:
    assert h.to_date("2020-01-01") == date(2020, 1, 1)
    assert h.date_in_year("12-31", 2020) == date(2020, 12, 31)
    assert h.days_between(date(2020, 1, 1), date(2020, 3, 1)) == 60
    assert h.days_between(None, date(2020, 3, 1)) is None


def test_age_on_counts_completed_years() -> None:
    assert h.IMPLEMENTATIONS["age_on"](date(2014, 10, 1), WHEN) == 5
    assert h.IMPLEMENTATIONS["age_on"](date(2014, 9, 30), WHEN) == 6
    assert h.IMPLEMENTATIONS["age_on"](None, WHEN) is None


def test_months_between_counts_a_short_months_last_day_as_complete() -> None:
    months_between = h.IMPLEMENTATIONS["months_between"]
    assert months_between(date(2020, 3, 31), date(2020, 9, 30)) == 6
    assert months_between(date(2020, 3, 15), date(2020, 9, 14)) == 5
    assert months_between(date(2020, 3, 15), None) is None


def test_id_check_is_unknown_for_a_missing_number() -> None:
    assert h.id_check(VALID_ID) == check_id(VALID_ID)
    assert h.id_check(None) is None
    assert h.id_check("") is None


def test_employed_in_year_counts_open_ends() -> None:
    assert h.employed_in_year([EmploymentRecord(start=date(2019, 5, 1))], WHEN)
    assert not h.employed_in_year([EmploymentRecord(end=date(2019, 12, 31))], WHEN)
    assert not h.employed_in_year([], WHEN)


def test_post_held_on_the_date() -> None:
    assert h.post_held_on([PublicWelfarePost(start=date(2020, 9, 30))], WHEN)
    assert not h.post_held_on([PublicWelfarePost(end=date(2020, 9, 29))], WHEN)


def test_addressed_codes_of_household_and_member() -> None:
    measures = [measure("m_all"), measure("m_two", beneficiary=2), measure("m_gone", "cancelled")]
    addresses = {"m_all": ("EDU001",), "m_two": ("HEA001",), "m_gone": ("INC001",)}
    assert h.addressed_codes(measures, addresses) == {"EDU001", "HEA001"}
    assert h.member_addressed_codes(measures, 2, addresses) == {"EDU001", "HEA001"}
    assert h.member_addressed_codes(measures, 1, addresses) == {"EDU001"}
    assert h.addressed_codes(measures, {}) == frozenset()


def test_head_spouse_same_sex_needs_one_of_each_with_known_sex(example_household) -> None:
    from planner.backends.python.facts import derive

    household = Household.model_validate(example_household("pre_exit_2808"))
    members = derive(household, WHEN, default_parameters().at(WHEN)).members
    assert h.head_spouse_same_sex(members) is False
    assert h.head_spouse_same_sex(members[:1]) is None


def test_income_year_and_income_known() -> None:
    income = [IncomeSource(category="wage", amount=10, year=2019),
              IncomeSource(category="wage", amount=10, year=2021)]
    assert h.latest_income_year(income, WHEN) == 2019
    assert h.latest_income_year(None, WHEN) == 2020
    assert h.income_known(income, 2019) is True
    assert h.income_known(income, 2020) is False
    assert h.income_known([], 2020) is True  # an empty list is a recorded zero
    assert h.income_known(None, 2020) is False


def test_income_by_category_and_costs_of_year() -> None:
    income = [IncomeSource(category="wage", amount=10, year=2019),
              IncomeSource(category="wage", amount=5.5, year=2019),
              IncomeSource(category="transfer", amount=7, year=2019)]
    assert h.income_by_category(income, 2019, IncomeCategory.WAGE) == 15.5
    assert h.income_by_category(income, 2018, IncomeCategory.WAGE) == 0.0
    costs = [ProductionCost(amount=3, year=2019), ProductionCost(amount=4, year=2018)]
    assert h.costs_of_year(costs, 2019) == 3
    assert h.costs_of_year([], 2019) == 0


def test_previous_per_capita_income_from_sources_else_history(example_household) -> None:
    data = example_household("pre_exit_2808")
    data["income"] = [{"category": "wage", "amount": 900, "year": 2018}]
    data["production_costs"] = [{"amount": 100, "year": 2018}]
    data["income_history"] = {"2018": 5000}
    household = Household.model_validate(data)
    assert h.previous_per_capita_income(household, 2019, 4) == 200
    assert h.previous_per_capita_income(household, 2019, 0) == 5000
    assert h.previous_per_capita_income(household, 2020, 4) is None


def test_measure_sets_of_the_plan_window() -> None:
    measures = [
        measure("old", "done", 2018),
        measure("window", "planned", 2020),
        measure("started", "in_progress", start=date(2019, 4, 1)),
        measure("cancelled", "cancelled", 2020),
        measure("old", "planned", 2020),
    ]
    assert h.active_measure_ids(measures) == {"old", "window", "started"}
    assert h.plan_window_measures(measures, 2019, WHEN) == {"window", "started", "old"}
    assert h.measures_before(measures, 2019) == {"old"}
    assert h.implemented_measures(measures, 2019) == {"started"}


def test_planned_annual_gain_counts_active_measures_not_done() -> None:
    measures = [
        measure("a", "planned", expected_annual_gain=1000),
        measure("b", "done", expected_annual_gain=500),
        measure("c", "cancelled", expected_annual_gain=700),
        measure("d", "in_progress"),
    ]
    assert h.planned_annual_gain(measures) == 1000
    assert h.planned_annual_gain([]) == 0


def test_overdue_measures_are_open_and_past_due() -> None:
    measures = [
        measure("a", due=date(2020, 9, 29)),
        measure("b", "done", due=date(2020, 1, 1)),
        measure("c", "in_progress", due=date(2020, 9, 30)),
        measure("d", "in_progress", due=date(2020, 1, 1)),
    ]
    assert h.overdue_measures(measures, WHEN) == (1, 4)
    assert MeasureStatus.DONE.value == "done"


def test_last_visit_on_or_before_the_date() -> None:
    visits = [Visit(on=date(2020, 5, 1)), Visit(on=date(2020, 10, 1))]
    assert h.last_visit(visits, WHEN) == date(2020, 5, 1)
    assert h.last_visit([], WHEN) is None


@pytest.mark.parametrize(
    ("water", "expected"),
    [
        ({"quality_safe": True, "litres_per_person_day": 60, "piped_into_home": True,
          "reliability": 0.99}, True),
        ({"quality_safe": True, "litres_per_person_day": 60, "fetch_minutes_round_trip": 90,
          "reliability": 0.99}, False),
        ({"quality_safe": True, "piped_into_home": True, "reliability": 0.99}, None),
        ({"quality_safe": False}, False),
    ],
)
def test_water_safe_by_four_indicators(water: dict, expected: bool | None) -> None:
    params = default_parameters().at(WHEN)
    assert h.water_safe(WaterSupply.model_validate(water), params=params) is expected


def test_guarantee_problems_and_secure() -> None:
    assert h.guarantee_problems(True, None, False, True) == (
        BasicGuarantee.HOUSING, BasicGuarantee.WATER,
    )
    assert h.guarantee_secure(True, None, False, True) is False
    assert h.guarantee_problems(False, None, False, False) == ()
    assert h.guarantee_secure(False, None, False, False) is None
    assert h.guarantee_secure(False, False, False, False) is True


def test_member_helpers_on_a_member_record() -> None:
    member = Member.model_validate({"id_number": VALID_ID, "benefits": ["dibao"]})
    assert h.values_of(member.benefits) == frozenset({"dibao"})


def test_member_addressed_codes_follow_a_measure_list_changed_between_derivations(
    example_household,
) -> None:
    from planner.backends.python.facts import derive

    household = Household.model_validate(example_household("pre_exit_2808"))
    household.measures[:] = [measure("m_all")]
    params = default_parameters().at(WHEN)
    addresses = {"m_all": ("EDU001",), "m_two": ("HEA001",)}
    assert derive(household, WHEN, params, (), addresses).members[1].addressed_codes == {"EDU001"}
    household.measures.append(measure("m_two", beneficiary=2))
    facts = derive(household, WHEN, params, (), addresses)
    assert facts.members[1].addressed_codes == {"EDU001", "HEA001"}
    assert facts.members[0].addressed_codes == {"EDU001"}


def test_income_by_category_walks_the_sources_once_and_follows_a_list_changed(
        example_household) -> None:
    income = [IncomeSource(category="wage", amount=10, year=2019),
              IncomeSource(category="transfer", amount=7, year=2019),
              IncomeSource(category="wage", amount=0.1, year=2019),
              IncomeSource(category="wage", amount=0.2, year=2019)]
    # each category summed in the order of the sources, as one walk per category would
    assert h.income_by_category(income, 2019, IncomeCategory.WAGE) == 10 + 0.1 + 0.2
    assert h.income_by_category(income, 2019, IncomeCategory.TRANSFER) == 7.0
    assert h.income_by_category(income, 2019, IncomeCategory.PROPERTY) == 0.0
    assert h.income_by_category(income, 2020, IncomeCategory.WAGE) == 0.0
    # a household's list changed in place between two derivations is walked again
    household = Household.model_validate(example_household("pre_exit_2808"))
    when = date(2020, 9, 30)
    params = default_parameters().at(when)
    before = derive(household, when, params).income_wage
    household.income.append(IncomeSource(category="wage", amount=1000, year=household.income_year))
    assert derive(household, when, params).income_wage == before + 1000
