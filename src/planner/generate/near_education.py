"""Near-threshold clean households of the education rules (see planner.generate.near)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from planner.generate.edits import Household, ages, in_scope, school_entry_cutoff
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


def six_the_day_after_the_cutoff(
    household: Household, rng: random.Random, ctx: BuildContext, schooling: str,
    test: Callable[[dict[str, Any]], bool] = lambda m: True,
) -> dict[str, Any]:
    """Record a child (3–11) of an in-scope household ``test`` accepts as born the day after the
    school-entry cut-off six years ago (six on the reference date, entering school next autumn),
    with ``schooling``, no grade and no 生活补助; the member."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    numbers = [n for n, years in enumerate(ages(household, ctx), start=1)
               if 3 <= years <= 11 and test(household["members"][n - 1])]
    if not numbers:
        raise NotApplicable("no child")
    member = household["members"][rng.choice(numbers) - 1]
    cutoff = school_entry_cutoff(ctx)
    born = date(cutoff.year - int(ctx.values["education.compulsory_age_min"]), cutoff.month,
                cutoff.day) + timedelta(days=1)
    member["birth_date"] = born.isoformat()
    member["id_number"] = ctx.ids.allocate(born, member["sex"] == "male")
    member["schooling"] = schooling
    member.pop("grade", None)
    member.pop("dropout_reason", None)
    member["benefits"] = [b for b in member.get("benefits") or [] if b != "living_subsidy"]
    return member


@near("EDU001")
def six_after_the_cutoff(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A child who turned six the day after the school-entry cut-off, at home and not yet
    enrolled: six on the reference date, but enrolling next autumn (EDU001 must not fire)."""
    six_the_day_after_the_cutoff(household, rng, ctx, "not_student")
    return []


NEAR = (six_after_the_cutoff,)
