"""Injectors for the era rules (MON004): a record written for the registration era, checked in the
monitoring era."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from planner.generate.household import BuildContext
from planner.generate.problems import Expected, injector

Household = dict[str, Any]


@injector("MON004", after_registration=True)
def registration_status(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household still recorded as poor or pre-exit after the registration era (its monitoring
    group dropped with it: a group on a registration-era status is another problem)."""
    status = rng.choice(("poor", "pre_exit"))
    household["status"] = status
    household.pop("monitoring", None)
    household["causes"] = household["causes"] or ["lack_of_funds"]
    if status == "pre_exit":
        household["exit_target"] = date(ctx.when.year, 11, 30).isoformat()
    return [Expected("MON004")]


INJECTORS = (registration_status,)
