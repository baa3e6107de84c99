"""Near-threshold clean households of the data-quality rules (see planner.generate.near)."""

from __future__ import annotations

import random
from typing import Any

from planner.generate.edits import Household
from planner.generate.household import BuildContext
from planner.generate.inject_quality import BuildSecond, PairResult
from planner.generate.near import near


@near("DQ013", "pair")
def split_household_sharing_the_phone(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """Two households of one family (分户): the second, the parents split from their son's (or a
    brother split from a brother's) in the same village, recorded with ``split_from`` and giving
    the first's phone (DQ013 must not fire)."""
    second = build_second(None)
    second["phone"] = first["phone"]
    second["split_from"] = first["id"]
    region: dict[str, Any] = dict(first.get("region") or {})
    if region:
        second["region"] = region
    return second, [], []


NEAR = (split_household_sharing_the_phone,)
