"""The record rules' near-threshold households (planner.generate.near_records) sit on the edge:
the rule is silent on each, and one step over it (a day earlier, no months, zero income…) the
same household is flagged."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from planner.generate.economy import record_income
from planner.generate.household import BuildContext
from planner.generate.near_records import NEAR
from tests.nearcases import applied, codes, context
from tests.test_generator_recall import built_in_rules

Record = dict[str, Any]
WHEN = date(2023, 3, 31)  # after a shorter month: the one-month deadline is not the same day


def _earlier(days: int) -> Callable[[Record, BuildContext], None]:
    def step(household: Record, ctx: BuildContext) -> None:
        monitoring = household["monitoring"]
        day = date.fromisoformat(monitoring["identified_on"]) - timedelta(days=days)
        monitoring["identified_on"] = day.isoformat()

    return step


def _posts(household: Record) -> list[Record]:
    return [p for m in household["members"] for p in m["public_welfare_posts"]]


def _no_months(household: Record, ctx: BuildContext) -> None:
    for post in _posts(household):
        post.pop("months", None)


def _handed_over_the_same_day(household: Record, ctx: BuildContext) -> None:
    for member in household["members"]:
        posts = member["public_welfare_posts"]
        for post in posts[1:]:
            post["end"] = posts[0]["start"]


def _no_operating_income(household: Record, ctx: BuildContext) -> None:
    for item in household["income"]:
        if item["category"] == "operating":
            item["amount"] = 0.0


def _measure_this_year(household: Record, ctx: BuildContext) -> None:
    for measure in household["measures"]:
        if measure["measure"] == "planting_subsidy":
            measure["year"] = ctx.when.year


def _income_as_last_year(household: Record, ctx: BuildContext) -> None:
    record_income(household, ctx.when.year, 0.0)


def _registered(household: Record, ctx: BuildContext) -> None:
    household["status"] = "exited"


def _concerned(household: Record, ctx: BuildContext) -> None:
    household["members"][0]["health"] = "chronic_illness"
    household["members"][0]["schooling"] = "primary"


def _at_school(household: Record, ctx: BuildContext) -> None:
    for member in household["members"]:
        if member["schooling"] == "home_taught":
            member["schooling"] = "primary"


OVER: dict[str, Callable[[Record, BuildContext], None]] = {
    "PST002": _no_months,
    "PST003": _handed_over_the_same_day,
    "SUP001": _registered,
    "MON005": _earlier(1),
    "MON008": _income_as_last_year,
    "MON011": _earlier(1),
    "EDU005": _at_school,
    "POL001": _concerned,
    "IND001": _no_operating_income,
    "IND002": _measure_this_year,
}


def _codes(household: Record) -> set[str]:
    return codes(household, WHEN, built_in_rules())


@pytest.mark.parametrize("builder", NEAR, ids=[b.code for b in NEAR])
def test_near_household_is_silent_and_one_step_over_is_flagged(builder: Any) -> None:
    ctx = context(50, 8, WHEN)
    built = 0
    for household in applied(builder, ctx, random.Random(8)):
        assert builder.code not in _codes(household)
        over = copy.deepcopy(household)
        OVER[builder.code](over, ctx)
        assert builder.code in _codes(over)
        built += 1
        if built == 3:
            break
    assert built == 3, "the builder found too few households"
