"""Near-threshold clean households of the education rules (see planner.generate.near)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from planner.generate.edits import Household, ages, in_scope, school_entry_cutoff
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


@near("EDU001")
def six_after_the_cutoff(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A child who turned six the day after the school-entry cut-off, at home and not yet
    enrolled: six on the reference date, but enrolling next autumn (EDU001 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    numbers = [n for n, years in enumerate(ages(household, ctx), start=1) if 3 <= years <= 11]
    if not numbers:
        raise NotApplicable("no child")
    number = rng.choice(numbers)
    member = household["members"][number - 1]
    cutoff = school_entry_cutoff(ctx)
    born = date(cutoff.year - int(ctx.values["education.compulsory_age_min"]), cutoff.month,
                cutoff.day) + timedelta(days=1)
    member["birth_date"] = born.isoformat()
    member["id_number"] = ctx.ids.allocate(born, member["sex"] == "male")
    member["schooling"] = "not_student"
    member.pop("grade", None)
    member.pop("dropout_reason", None)
    member["benefits"] = [b for b in member.get("benefits") or [] if b != "living_subsidy"]
    return []


NEAR = (six_after_the_cutoff,)
