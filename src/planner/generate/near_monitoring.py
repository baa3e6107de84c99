"""Near-threshold clean households of the monitoring rules (see planner.generate.near)."""

from __future__ import annotations

import random

from planner.generate.edits import (
    Household,
    add_new_income_measure,
    planned,
    rerecord,
    set_per_capita,
    transfer_share,
)
from planner.generate.household import BuildContext
from planner.generate.inject_needs import dry_water
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


def _unmonitored_exited(household: Household, ctx: BuildContext, rng: random.Random,
                        target: float, status: str = "exited") -> None:
    if not ctx.monitoring_on:
        raise NotApplicable("no monitoring before its start date")
    household["status"] = status
    household.pop("monitoring", None)
    household.pop("exit_target", None)
    household["causes"] = household["causes"] or ["lack_of_funds"]
    household["compliant_out_of_pocket"] = 0.0
    if not set_per_capita(household, ctx, target):
        raise NotApplicable("no earned income to set")
    limit = float(ctx.values["income.transfer_share_max"]) - 0.05
    if transfer_share(household, ctx.when.year) > limit:
        raise NotApplicable("would be transfer-dependent (INC004)")
    rerecord(household, ctx, rng)


@near("MON001", monitoring_era=True)
def in_range_without_a_risk(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An ordinary household (一般农户) within the monitoring range, above the line, with no
    三保障 or water problem and no rigid expenditure: not a 边缘易致贫户, so not a monitoring object
    (an exited one would be: its fall into the range is the risk). A new income measure is
    planned, so INC002 stays quiet."""
    threshold = float(ctx.values["monitoring.threshold"])
    line = float(ctx.values.get("income.poverty_line") or threshold * 0.6 / 1.05)
    _unmonitored_exited(household, ctx, rng, rng.uniform(line * 1.05, threshold * 0.95),
                        status="general")
    if not add_new_income_measure(household, ctx, rng, rng.uniform(4000, 9000)):
        raise NotApplicable("nobody to take a new income measure")
    return []


@near("MON001", monitoring_era=True)
def water_problem_above_the_range(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited household just above the monitoring range (and the band near the line) whose
    water access fails, with a connection planned: WAT002, but not a monitoring object."""
    threshold = float(ctx.values["monitoring.threshold"])
    line = float(ctx.values.get("income.poverty_line") or 0)
    floor = max(threshold, line * float(ctx.values["income.near_line_ratio"]))
    _unmonitored_exited(household, ctx, rng, rng.uniform(floor * 1.02, floor * 1.1))
    dry_water(household, rng, ctx)
    household["measures"].append(planned("water_connection", ctx, rng))
    return [Expected("WAT002")]


NEAR = (in_range_without_a_risk, water_problem_above_the_range)
