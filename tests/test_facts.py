"""Derived facts against values computed by hand from the named example households."""

from __future__ import annotations

from datetime import date

import pytest

from planner import Household, default_catalog, default_parameters, derive
from planner.facts import HouseholdFacts, age_on, months_between

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

WHEN = date(2020, 9, 30)


@pytest.fixture
def facts_of(example_household):
    """Facts of a named example household (optionally patched) on 2020-09-30."""

    def facts(name: str, **changes: object) -> HouseholdFacts:
        data = example_household(name)
        data.update(changes)
        household = Household.model_validate(data)
        params = default_parameters().at(WHEN)
        return derive(household, WHEN, params, default_catalog().income_raising_ids())

    return facts


def test_the_2808_household_net_and_per_capita_income(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    # wage 6,000 + operating 4,000 + transfer (1,332 pension + 500 eco-compensation) = 11,832;
    # minus 600 production costs = 11,232 for 4 members = 2,808 per head.
    assert facts.gross_income == 11_832
    assert facts.production_costs == 600
    assert facts.net_income == 11_232
    assert facts.size == 4
    assert facts.per_capita_net_income == 2_808


def test_the_2808_household_income_shares(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    assert facts.income_wage == 6_000
    assert facts.income_operating == 4_000
    assert facts.income_property == 0
    assert facts.income_transfer == 1_832
    assert facts.wage_share == pytest.approx(6_000 / 11_832)
    assert facts.operating_share == pytest.approx(4_000 / 11_832)
    assert facts.property_share == 0
    assert facts.transfer_share == pytest.approx(1_832 / 11_832)


def test_the_2808_household_change_since_2019(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    assert facts.previous_per_capita_income == 2_650
    assert facts.per_capita_change_share == pytest.approx((2_808 - 2_650) / 2_650)  # +5.96 %


def test_last_year_income_records_take_precedence_over_the_history(
    facts_of, example_household
) -> None:
    income = [
        *example_household("pre_exit_2808")["income"],
        {"category": "wage", "amount": 8_000, "year": 2019},
    ]
    facts = facts_of("pre_exit_2808", income=income)
    assert facts.previous_per_capita_income == 2_000  # 8,000 in 2019, no 2019 costs, 4 members
    assert facts.per_capita_net_income == 2_808  # 2019 records do not count for 2020


def test_the_2808_household_ages_on_the_reference_date(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    # born 1975-03-12, 1977-06-08, 2006-01-15, 1948-02-02
    assert [m.age for m in facts.members] == [45, 43, 14, 72]
    assert [m.number for m in facts.members] == [1, 2, 3, 4]


def test_the_2808_household_children_and_workers(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    assert facts.school_age_children == 1  # the 14-year-old son
    assert facts.students == 1
    assert facts.members_can_work == 2  # head and spouse (normal); son and mother none
    assert facts.labour_unknown == 0
    assert facts.any_can_work is True
    assert facts.labour_share == 0.5
    assert facts.ill_members == 1  # the mother's chronic illness
    assert facts.members_working == 1  # the head's 2020 work spell
    assert facts.heads == 1
    assert facts.head_spouse_same_sex is False


def test_the_2808_household_has_no_new_income_measure_this_year(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    assert facts.active_measures == frozenset({"planting_subsidy"})
    assert facts.measures_this_year == frozenset()
    assert facts.income_measures_this_year == 0
    assert facts.exit_target == date(2020, 11, 30)
    assert facts.projected_per_capita_income == 2_808


def test_a_planned_microcredit_is_a_new_income_measure_with_its_gain(
    facts_of, example_household
) -> None:
    measures = [
        *example_household("pre_exit_2808")["measures"],
        {
            "measure": "microcredit",
            "status": "planned",
            "year": 2020,
            "expected_annual_gain": 4_800,
        },
    ]
    facts = facts_of("pre_exit_2808", measures=measures)
    assert facts.new_measures_this_year == frozenset({"microcredit"})
    assert facts.income_measures_this_year == 1
    assert facts.planned_annual_gain == 4_800
    assert facts.projected_per_capita_income == 2_808 + 4_800 / 4


def test_the_2808_household_member_facts(facts_of) -> None:
    head, spouse, son, mother = facts_of("pre_exit_2808").members
    assert (head.working_age, head.can_work, head.employed, head.compulsory_school_age) == (
        True,
        True,
        True,
        False,
    )
    assert (spouse.can_work, spouse.employed) == (True, False)
    assert (son.compulsory_school_age, son.enrolled, son.compulsory_student, son.can_work) == (
        True,
        True,
        True,
        False,
    )
    assert son.benefits == frozenset({"living_subsidy"})
    assert (mother.working_age, mother.ill, mother.disabled, mother.basic_medical_insured) == (
        False,
        True,
        False,
        True,
    )
    assert all(m.id_valid for m in (head, spouse, son, mother))
    assert head.id_birth_mismatch is False and head.id_sex_mismatch is False
    assert head.subject == "m1"


def test_the_2808_household_visit_and_helper(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    assert facts.has_helper is True
    assert facts.last_visit == date(2020, 8, 15)
    assert facts.days_since_visit == 46
    assert facts.in_monitoring is False


def test_the_one_room_household_usable_room_share_is_one_third(facts_of) -> None:
    facts = facts_of("one_room_unsafe_water")
    assert facts.usable_room_share == pytest.approx(1 / 3)
    assert facts.usable_area_per_person == pytest.approx(16 / 3)
    assert facts.housing_unsafe is True  # grade C
    assert facts.housing_secured is False
    # wage 25,200 + dibao 4,800 + planting 1,500 − costs 300 = 31,200 for 3 = 10,400 per head
    assert facts.net_income == 31_200
    assert facts.per_capita_net_income == 10_400


def test_the_no_labour_household_cannot_work(facts_of) -> None:
    facts = facts_of("no_labour")
    assert facts.members_can_work == 0
    assert facts.any_can_work is False
    assert facts.disabled_members == 1
    assert facts.per_capita_net_income == (2_640 + 1_200 + 600) / 2  # 2,220


def test_unknown_labour_makes_the_capacity_unknown_not_false(facts_of, example_household) -> None:
    members = example_household("no_labour")["members"]
    members[1]["labour_capacity"] = None
    facts = facts_of("no_labour", members=members)
    assert facts.labour_unknown == 1
    assert facts.any_can_work is None


def test_unrecorded_income_gives_unknown_income_facts(facts_of) -> None:
    facts = facts_of("pre_exit_2808", income=None)
    assert facts.income_known is False
    assert facts.gross_income is None
    assert facts.net_income is None
    assert facts.per_capita_net_income is None
    assert facts.transfer_share is None
    assert facts.per_capita_change_share is None


def test_a_departed_member_is_not_counted(facts_of, example_household) -> None:
    members = example_household("pre_exit_2808")["members"]
    members[3]["registered"] = False
    facts = facts_of("pre_exit_2808", members=members)
    assert facts.size == 3
    assert facts.per_capita_net_income == 11_232 / 3
    assert [m.number for m in facts.members] == [1, 2, 3]


@pytest.mark.parametrize(
    ("birth", "when", "age"),
    [
        (date(2006, 1, 15), date(2020, 9, 30), 14),
        (date(2005, 9, 30), date(2020, 9, 30), 15),  # birthday today: completed 15 years
        (date(2005, 10, 1), date(2020, 9, 30), 14),  # birthday tomorrow
        (date(2008, 2, 29), date(2021, 2, 28), 12),  # leap-day birth before its anniversary
        (None, date(2020, 9, 30), None),
    ],
)
def test_age_on(birth: date | None, when: date, age: int | None) -> None:
    assert age_on(birth, when) == age


def test_months_between() -> None:
    assert months_between(date(2020, 3, 20), date(2020, 9, 19)) == 5
    assert months_between(date(2020, 3, 20), date(2020, 9, 20)) == 6
    assert months_between(None, date(2020, 9, 20)) is None


def test_months_between_counts_a_month_ending_on_a_shorter_month_end() -> None:
    assert months_between(date(2021, 3, 31), date(2021, 9, 30)) == 6
    assert months_between(date(2020, 8, 31), date(2021, 2, 28)) == 6
    assert months_between(date(2021, 3, 15), date(2021, 9, 14)) == 5


def test_income_of_another_year_only_is_unknown_for_the_income_year(facts_of) -> None:
    facts = facts_of("pre_exit_2808", income=[{"category": "wage", "amount": 9000, "year": 2018}])
    assert facts.income_year == 2020
    assert facts.income_known is False
    assert facts.per_capita_net_income is None


def test_an_empty_income_list_is_a_recorded_zero(facts_of) -> None:
    facts = facts_of("pre_exit_2808", income=[])
    assert facts.income_known is True
    assert facts.per_capita_net_income == -600 / 4  # production costs remain


def test_without_an_income_year_the_latest_recorded_year_is_used(
    facts_of, example_household
) -> None:
    income = [{**source, "year": 2019} for source in example_household("pre_exit_2808")["income"]]
    facts = facts_of("pre_exit_2808", income_year=None, income=income,
                     production_costs=[{"amount": 600, "year": 2019}])
    assert facts.income_year == 2019
    assert facts.per_capita_net_income == 2808
    assert facts.poverty_line == 3218  # the 2019 line, not the 2020 one in force on the date


def test_a_post_that_starts_after_the_reference_date_is_not_held(
    facts_of, example_household
) -> None:
    members = example_household("pre_exit_2808")["members"]
    members[1]["public_welfare_posts"] = [{"name": "保洁员", "start": "2020-11-01"}]
    facts = facts_of("pre_exit_2808", members=members)
    assert facts.members[1].holds_post is False
    members[1]["public_welfare_posts"] = [{"name": "保洁员", "start": "2020-03-01"}]
    assert facts_of("pre_exit_2808", members=members).members[1].holds_post is True
