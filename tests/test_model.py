"""The record model: valid households load, invalid ones fail with the field named, and missing
values stay missing (None), never zero or false."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from planner.model import (
    Household,
    HouseholdStatus,
    HousingGrade,
    IncomeCategory,
    LabourCapacity,
    Member,
    Project,
    Village,
)

from .conftest import HOUSEHOLDS

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

NAMED = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")


def _error_locations(error: ValidationError) -> list[tuple[object, ...]]:
    return [tuple(e["loc"]) for e in error.errors()]


@pytest.mark.parametrize("name", NAMED)
def test_named_example_households_are_valid(name: str, example_household) -> None:
    household = Household.model_validate(example_household(name))
    assert household.members and household.members[0].relation is not None
    again = Household.model_validate_json(household.model_dump_json())
    assert again == household


def test_every_example_household_file_is_valid() -> None:
    files = sorted(HOUSEHOLDS.glob("*.json"))
    assert len(files) >= 3
    for path in files:
        Household.model_validate(json.loads(path.read_text(encoding="utf-8")))


def test_the_2808_household_reads_as_recorded(example_household) -> None:
    household = Household.model_validate(example_household("pre_exit_2808"))
    assert household.status is HouseholdStatus.PRE_EXIT
    assert household.recorded_size == 4
    assert household.recorded_per_capita_income == 2808
    assert household.income_history == {2019: 2650.0}
    assert household.exit_target == date(2020, 11, 30)
    assert [m.labour_capacity for m in household.members] == [
        LabourCapacity.NORMAL,
        LabourCapacity.NORMAL,
        LabourCapacity.NONE,
        LabourCapacity.NONE,
    ]
    assert (
        sum(s.amount for s in household.income or [] if s.category is IncomeCategory.WAGE) == 6000
    )


def test_a_household_with_only_an_id_is_valid_and_knows_nothing() -> None:
    household = Household.model_validate({"id": "HH-1"})
    assert household.status is None
    assert household.income is None  # not recorded, not an empty income
    assert household.recorded_size is None
    assert household.housing.safety_grade is None
    assert household.water.quality_safe is None
    assert household.food_secure is None
    assert household.members == []


def test_missing_member_values_stay_none_not_zero_or_false() -> None:
    member = Member.model_validate({"name": "王某", "birth_date": "1980-01-01"})
    assert member.labour_capacity is None
    assert member.health is None
    assert member.medical_insurance is None
    assert member.serious_illness_insurance is None  # unknown, not "uninsured"
    assert member.benefits is None  # unknown, not "no benefit"
    assert member.registered is True


def test_a_recorded_zero_is_kept_as_zero() -> None:
    household = Household.model_validate(
        {
            "id": "HH-2",
            "income": [],
            "water": {"fetch_minutes_round_trip": 0, "quality_safe": False},
        }
    )
    assert household.income == []
    assert household.water.fetch_minutes_round_trip == 0
    assert household.water.quality_safe is False


def test_an_unknown_enum_value_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Household.model_validate({"id": "HH-3", "status": "rich"})
    assert _error_locations(caught.value) == [("status",)]
    assert caught.value.errors()[0]["type"] == "enum"


def test_an_unknown_member_enum_value_is_rejected_naming_member_and_field(
    example_household,
) -> None:
    data = example_household("pre_exit_2808")
    data["members"][1]["labour_capacity"] = "strong"
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("members", 1, "labour_capacity")]


def test_a_negative_income_is_rejected(example_household) -> None:
    data = example_household("pre_exit_2808")
    data["income"][0]["amount"] = -6000
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("income", 0, "amount")]
    assert caught.value.errors()[0]["type"] == "greater_than_equal"


def test_an_extra_key_is_rejected(example_household) -> None:
    data = example_household("one_room_unsafe_water")
    data["income_total"] = 31500
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("income_total",)]
    assert caught.value.errors()[0]["type"] == "extra_forbidden"


def test_an_extra_member_key_is_rejected(example_household) -> None:
    data = example_household("no_labour")
    data["members"][0]["age"] = 75
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("members", 0, "age")]


@pytest.mark.parametrize("bad", ["2020-13-01", "2020-02-30", "30/09/2020", "yesterday"])
def test_a_bad_date_is_rejected(bad: str, example_household) -> None:
    data = example_household("pre_exit_2808")
    data["members"][0]["birth_date"] = bad
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("members", 0, "birth_date")]


def test_a_bad_visit_date_is_rejected(example_household) -> None:
    data = example_household("pre_exit_2808")
    data["visits"] = [{"on": "2020-09-31"}]
    with pytest.raises(ValidationError) as caught:
        Household.model_validate(data)
    assert _error_locations(caught.value) == [("visits", 0, "on")]


def test_an_empty_household_id_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Household.model_validate({"id": ""})
    assert _error_locations(caught.value) == [("id",)]


def test_a_water_reliability_above_one_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Household.model_validate({"id": "HH-4", "water": {"reliability": 1.5}})
    assert _error_locations(caught.value) == [("water", "reliability")]


def test_vocabulary_labels_are_the_official_chinese_terms() -> None:
    assert HousingGrade.C.label_zh == "C级危房"
    assert HouseholdStatus.PRE_EXIT.label_zh == "计划脱贫户"
    assert LabourCapacity.WEAK.label_zh == "弱劳动力或半劳动力"
    assert LabourCapacity.WEAK.can_work is True
    assert LabourCapacity.LOST.can_work is False


def test_villages_and_projects_validate_and_reject_negative_amounts() -> None:
    village = Village.model_validate({"id": "V1", "road_km_planned": 10, "road_km_hardened": 3})
    assert village.road_km_hardened == 3
    assert village.households_tap_water is None
    with pytest.raises(ValidationError) as caught:
        Project.model_validate({"id": "P1", "funds_allocated": -1})
    assert _error_locations(caught.value) == [("funds_allocated",)]
