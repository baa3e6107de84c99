"""Near-threshold clean households of the housing rules (see planner.generate.near)."""

from __future__ import annotations

import random

from planner.generate.edits import Household, in_scope
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


def _own_unsafe_house_lived_elsewhere(household: Household, rng: random.Random) -> None:
    """The household still owns a C or D house, unrenovated, but lives in a safe one (投亲靠友,
    with its children, a rented or public house)."""
    housing = household["housing"]
    housing["safety_grade"] = rng.choice(("C", "D"))
    housing["renovation"] = "none"
    housing["relocation"] = "none"
    housing["lives_in_safe_house"] = True


@near("HOU001")
def unsafe_house_not_lived_in(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A registered or monitored household that owns a C or D house nobody renovated but lives
    in a safe house: its housing is secured (HOU001 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    _own_unsafe_house_lived_elsewhere(household, rng)
    return []


@near("MON001", monitoring_era=True)
def unmonitored_owner_of_an_unsafe_house_lived_elsewhere(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited or ordinary household outside monitoring that owns a C or D house but lives in
    a safe one: no housing problem, so no reason to monitor it (MON001 must not fire)."""
    if household.get("status") not in ("exited", "general") or household.get("monitoring"):
        raise NotApplicable("monitored, or not exited or ordinary")
    _own_unsafe_house_lived_elsewhere(household, rng)
    return []


@near("HOU002")
def half_the_rooms_usable_in_a_small_house(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A registered or monitored household with exactly half its rooms usable and a small usable
    area per person (8–12 m², below any local minimum): the share is not below the minimum and
    no area minimum is sourced (HOU002 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    housing = household["housing"]
    rooms = rng.choice((2, 4, 6))
    housing["rooms_total"], housing["rooms_usable"] = rooms, rooms // 2
    housing["usable_area"] = float(len(household["members"]) * rng.randint(8, 12))
    housing["floor_area"] = max(housing.get("floor_area") or 0.0, housing["usable_area"])
    return []


@near("HOU002")
def crowded_house_not_lived_in(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household that owns a house with one usable room of three but lives in a safe one
    (HOU002 must not fire)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    housing = household["housing"]
    housing["rooms_total"] = max(3, housing["rooms_total"])
    housing["rooms_usable"] = 1
    housing["lives_in_safe_house"] = True
    return []


NEAR = (unsafe_house_not_lived_in, unmonitored_owner_of_an_unsafe_house_lived_elsewhere,
        half_the_rooms_usable_in_a_small_house, crowded_house_not_lived_in)
