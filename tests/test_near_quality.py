"""The data-quality near builders (and those of members off the register) sit on their rule's
boundary (issue 14, the precision corpus): the households a builder makes raise none of its
code, and the same households moved one step past the boundary do."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from planner import Household, check
from planner.generate import Generator, GeneratorConfig
from planner.generate.household import build_household
from planner.generate.near import all_nears
from planner.generate.problems import Injector, NotApplicable
from tests.test_generator_recall import built_in_rules

Record = dict[str, Any]
StepPast = Callable[[list[Record], date], None]
RULES = built_in_rules()


def _members(households: list[Record], test: Callable[[Record], bool]) -> list[Record]:
    found = [m for h in households for m in h["members"] if test(m)]
    assert found, "the builder left no member of its kind"
    return found


def _a_year_younger(households: list[Record], test: Callable[[Record], bool]) -> None:
    member = _members(households, test)[0]
    born = date.fromisoformat(member["birth_date"])
    member["birth_date"] = born.replace(year=born.year + 1, day=min(born.day, 28)).isoformat()


def _x_with_the_other_sex(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: m["id_number"].endswith("X"))[0]
    member["sex"] = "female" if member["sex"] == "male" else "male"


def _card_of_another_grade(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: len(m["id_number"]) == 20)[0]
    member["disability_grade"] = member["disability_grade"] % 4 + 1


def _recorded_the_day_after(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: m["birth_date"].endswith("-02-29"))[0]
    born = date.fromisoformat(member["birth_date"])
    member["birth_date"] = (born + timedelta(days=1)).isoformat()


def _recorded_a_day_off_the_number(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: m["birth_date"] is None)[0]
    number = member["id_number"]
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    member["birth_date"] = (born + timedelta(days=1)).isoformat()


def _one_number(households: list[Record], when: date) -> None:
    first, second = households[0], households[1]
    for namesake in second["members"]:
        for person in first["members"]:
            if (namesake["name"], namesake["birth_date"]) == (person["name"],
                                                              person["birth_date"]):
                namesake["id_number"] = person["id_number"]
                return
    raise AssertionError("no namesakes")


def _registered_again(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: m.get("registered") is False)[0]
    member["registered"] = True
    member.pop("change", None)


def _labour_blank_at_working_age(households: list[Record], when: date) -> None:
    member = _members(households, lambda m: m.get("labour_capacity") is not None)[0]
    member.pop("labour_capacity")


def _placement_started(households: list[Record], when: date) -> None:
    for measure in households[0]["measures"]:
        if measure["measure"] == "job_placement" and measure["status"] == "planned":
            measure["status"] = "in_progress"
            measure["start"] = date(when.year, 1, 5).isoformat()


def _nobody_works(households: list[Record], when: date) -> None:
    for member in households[0]["members"]:
        member["employment"], member["public_welfare_posts"] = [], []


STEP_PAST: dict[str, tuple[str, StepPast]] = {
    "id_ending_in_x_agreeing": ("DQ002", _x_with_the_other_sex),
    "disability_card_number_agreeing": ("DQ002", _card_of_another_grade),
    "born_on_a_leap_day": ("DQ002", _recorded_the_day_after),
    "birth_date_and_sex_left_to_the_id_number": ("DQ002", _recorded_a_day_off_the_number),
    "namesake_born_the_same_day": ("DQ004", _one_number),
    "moved_out_child_kept_on_file": ("DQ004", _registered_again),
    "college_at_its_youngest": ("DQ007", lambda hs, when: _a_year_younger(
        hs, lambda m: m.get("education") == "college")),
    "bachelor_at_its_youngest": ("DQ007", lambda hs, when: _a_year_younger(
        hs, lambda m: m.get("education") == "bachelor_or_above")),
    "junior_secondary_at_its_youngest": ("DQ007", lambda hs, when: _a_year_younger(
        hs, lambda m: m.get("schooling") == "junior_secondary" and m.get("grade") == 1)),
    "only_the_required_fields": ("DQ008", _labour_blank_at_working_age),
    "child_recorded_dead_out_of_school": ("EDU001", _registered_again),
    "daughter_married_out_uninsured_here": ("MED001", _registered_again),
    "job_placement_planned_nobody_working": ("DQ011", _placement_started),
    "job_placement_done_for_the_one_worker": ("DQ011", _nobody_works),
}


def _builder(name: str) -> Injector:
    return next(b for builders in all_nears().values() for b in builders
                if b.function.__name__ == name)


def _built(builder: Injector, when: date, seed: int) -> list[Record]:
    """One household (two for a pair builder) the builder turned into its near case."""
    ctx = Generator(GeneratorConfig(households=10, seed=seed, reference_date=when)).ctx
    rng = random.Random(seed)
    for _ in range(3000):
        first = build_household(ctx, 0, rng)
        try:
            if builder.kind == "pair":
                second, _, _ = builder.function(
                    first, lambda head: build_household(ctx, 1, rng, head), rng, ctx)
                return [first, second]
            builder.function(first, rng, ctx)
            return [first]
        except NotApplicable:
            continue
    raise AssertionError(f"{builder.function.__name__} found no household")


def _codes(households: list[Record], when: date) -> set[str]:
    result = check([Household.model_validate(h) for h in households], rules=RULES,
                   reference_date=when)
    return {f.code for f in result.findings}


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
@pytest.mark.parametrize("name", sorted(STEP_PAST))
def test_a_near_case_is_clean_and_one_step_past_it_is_flagged(name: str, when: date) -> None:
    code, step_past = STEP_PAST[name]
    builder = _builder(name)
    assert builder.code == code
    for seed in (1, 2):
        households = _built(builder, when, seed)
        assert _codes(households, when) == set(), name
        step_past(households, when)
        assert code in _codes(households, when), name
