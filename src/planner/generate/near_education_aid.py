"""Near-threshold clean households of the education-aid rule EDU002 (see planner.generate.near)."""

from __future__ import annotations

import random

from planner.generate.edits import Household, in_scope
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


@near("EDU002")
def day_pupil_without_living_subsidy(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A primary or junior-secondary day pupil of a registered or monitored household without
    the living subsidy, which nationally is for boarders (EDU002 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    if ctx.values.get("education.day_pupil_living_subsidy"):
        raise NotApplicable("day pupils are subsidised here")
    pupils = [n for n, m in enumerate(household["members"], start=1)
              if m.get("schooling") in ("primary", "junior_secondary")]
    if not pupils:
        raise NotApplicable("no pupil")
    member = household["members"][rng.choice(pupils) - 1]
    member["boarding"] = False
    member["benefits"] = [b for b in member.get("benefits") or [] if b != "living_subsidy"]
    return []


NEAR = (day_pupil_without_living_subsidy,)
