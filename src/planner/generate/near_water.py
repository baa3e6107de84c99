"""Near-threshold clean households of the drinking-water rules (see planner.generate.near)."""

from __future__ import annotations

import random

from planner.generate.edits import Household, in_scope
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


@near("WAT002")
def little_water_in_a_water_scarce_area(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A registered or monitored household in a water-scarce area (缺水地区) with 20–34 L per
    person and day: at or above its area's minimum, below the water-rich one (WAT002 must not
    fire; domain.md §2 饮水安全 (b))."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    scarce = float(ctx.values["water.litres_per_person_day_min"])
    rich = float(ctx.values["water.litres_per_person_day_min_water_rich"])
    if rich <= scarce + 1:
        raise NotApplicable("no gap between the two minimums")
    water = household["water"]
    water["water_rich_area"] = False
    water["litres_per_person_day"] = float(rng.randint(int(scarce + 0.999), int(rich - 0.001)))
    return []


@near("WAT002")
def enough_water_in_a_water_rich_area(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A registered or monitored household in a water-rich area (丰水地区) with exactly its
    minimum (35 L) or a little more (WAT002 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    rich = float(ctx.values["water.litres_per_person_day_min_water_rich"])
    water = household["water"]
    water["water_rich_area"] = True
    water["litres_per_person_day"] = float(rng.randint(int(rich + 0.999), int(rich) + 3))
    return []


NEAR = (little_water_in_a_water_scarce_area, enough_water_in_a_water_rich_area)
