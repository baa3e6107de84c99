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


NEAR = (unsafe_house_not_lived_in, unmonitored_owner_of_an_unsafe_house_lived_elsewhere)
