"""Near-threshold clean households of the support rules (see planner.generate.near)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from planner.backends.python.fact_helpers import post_held_on
from planner.generate.edits import Household, ages, planned
from planner.generate.household import BuildContext
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable
from planner.model.person import PublicWelfarePost


def _holds_post(member: dict[str, Any], when: date) -> bool:
    posts = [PublicWelfarePost.model_validate(p) for p in member.get("public_welfare_posts") or ()]
    return post_held_on(posts, when)


@near("SUP006")
def protection_plan_beside_a_post(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household whose plan holds only social protection while a member holds a
    public-welfare post recorded on the member: the post is development (SUP006 must not
    fire)."""
    if household.get("monitoring") is not None:
        raise NotApplicable("monitored: development measures are judged by MON011 too")
    if not any(_holds_post(member, ctx.when) for member in household["members"]):
        raise NotApplicable("nobody holds a public-welfare post")
    if household.get("category") == "dibao":
        kept = [m for m in household["measures"] if m["measure"] == "dibao"]
        household["measures"] = kept or [planned("dibao", ctx, rng)]
        return []
    candidates = [n for n, a in enumerate(ages(household, ctx), start=1) if 16 <= a <= 58]
    if not candidates:
        raise NotApplicable("nobody of pension-premium age")
    household["measures"] = [
        planned("pension_premium", ctx, rng, beneficiary=rng.choice(candidates))
    ]
    return []


NEAR = (protection_plan_beside_a_post,)
