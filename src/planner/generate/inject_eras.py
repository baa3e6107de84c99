"""Injectors for the era rules: a record written for the registration era checked in the monitoring
era (MON004), a monitoring date from before the mechanism (MON005)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.edits import ensure_monitored
from planner.generate.household import BuildContext
from planner.generate.problems import Expected, NotApplicable, injector

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


# Only in monitoring-era datasets too: a new code drawn in 2020 would change the recorded mix of
# the registration-era datasets (tests/golden), and the problem is the same in any year.
@injector("MON005", after_registration=True)
def identified_before_monitoring(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household whose identification, verification and assistance are dated before
    the mechanism began (a year typed wrong): the steps keep their spacing, so MON002 is quiet."""
    ensure_monitored(household, ctx, rng)
    monitoring = household.get("monitoring")
    if monitoring is None:
        raise NotApplicable("only exited and ordinary households are monitored")
    start = date.fromisoformat(str(ctx.values["monitoring.start"]))
    identified = start - timedelta(days=rng.randint(1, 400))
    verified = identified + timedelta(days=rng.randint(2, 10))
    monitoring["identified_on"] = identified.isoformat()
    monitoring["verified_on"] = verified.isoformat()
    monitoring["assisted_on"] = (verified + timedelta(days=rng.randint(1, 4))).isoformat()
    return [Expected("MON005")]


INJECTORS = (registration_status, identified_before_monitoring)
