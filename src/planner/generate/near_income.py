"""Near-threshold clean households of the income rules (see planner.generate.near)."""

from __future__ import annotations

import random

from planner.generate.economy import totals
from planner.generate.edits import (
    Household,
    add_new_income_measure,
    drop_income_measures_this_year,
    in_scope,
    make_pre_exit,
    rerecord,
    set_per_capita,
    transfer_share,
)
from planner.generate.household import BuildContext, measure_record
from planner.generate.inject_needs import near_line_limit
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable


def exact_per_capita(household: Household, ctx: BuildContext, target: int) -> None:
    """Per-capita net income exactly ``target`` yuan: earned income scaled to it, the rounding
    left over put on the year's first operating source; then the income is re-recorded."""
    year = ctx.when.year
    size = len(household["members"])
    if not set_per_capita(household, ctx, target):
        raise NotApplicable("no earned income to set")
    operating = [s for s in household["income"]
                 if s["year"] == year and s["category"] == "operating"]
    if not operating:
        raise NotApplicable("no operating income to adjust")
    gross, costs, _ = totals(household, year)
    operating[0]["amount"] = float(operating[0]["amount"] + target * size - (gross - costs))
    if operating[0]["amount"] <= 0:
        raise NotApplicable("operating income would be negative")


def _no_large_rigid_expenditure(household: Household) -> None:
    # MON001's sudden-hardship path (unmonitored households only) is not what these are near;
    # a monitored household keeps its spending (MED006 reads a 0 there).
    if household.get("monitoring") is None:
        household["compliant_out_of_pocket"] = 0.0


def _keep_development(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    # Last year's planting subsidy: no new income measure, but no protection-only plan (SUP006).
    household["measures"].append(
        measure_record("planting_subsidy", ctx.when, rng, year=ctx.when.year - 1))


def _not_transfer_heavy(household: Household, ctx: BuildContext) -> None:
    limit = float(ctx.values["income.transfer_share_max"]) - 0.05
    if transfer_share(household, ctx.when.year) > limit:
        raise NotApplicable("would be transfer-dependent (INC004)")


@near("INC001", registration_era=True)
def one_yuan_above_the_line(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pre-exit household one yuan per head above the poverty line of its income year, with a
    new income measure planned (INC002 stays quiet below the monitoring range)."""
    make_pre_exit(household, ctx)
    exact_per_capita(household, ctx, int(ctx.values["income.poverty_line"]) + 1)
    _not_transfer_heavy(household, ctx)
    rerecord(household, ctx, rng)
    drop_income_measures_this_year(household, ctx)
    if not add_new_income_measure(household, ctx, rng, rng.uniform(3000, 6000)):
        raise NotApplicable("nobody to take a new income measure")
    return []


@near("INC002")
def one_yuan_above_the_range(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A registered or monitored household one yuan per head above the higher of the poverty
    line and the monitoring range of the year, able to work, with no new income measure."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    if household["status"] == "poor" or household.get("monitoring") is not None:
        raise NotApplicable("a poor or monitored household (MON011 reads its measures)")
    line = float(ctx.values.get("income.poverty_line") or 0)
    threshold = float(ctx.values["monitoring.threshold"]) if ctx.monitoring_on else 0.0
    exact_per_capita(household, ctx, int(max(line, threshold)) + 1)
    _not_transfer_heavy(household, ctx)
    _no_large_rigid_expenditure(household)
    rerecord(household, ctx, rng)
    drop_income_measures_this_year(household, ctx)
    _keep_development(household, ctx, rng)
    return []


@near("INC003", registration_era=True)
def plan_lifts_one_yuan_above(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pre-exit household below the line (INC001) whose planned measure lifts its projected
    income to exactly one yuan per head above the line."""
    make_pre_exit(household, ctx)
    line = int(ctx.values["income.poverty_line"])
    exact_per_capita(household, ctx, int(line * rng.uniform(0.75, 0.9)))
    _not_transfer_heavy(household, ctx)
    rerecord(household, ctx, rng)
    drop_income_measures_this_year(household, ctx)
    gross, costs, _ = totals(household, ctx.when.year)
    gain = (line + 1) * len(household["members"]) - (gross - costs)
    if not add_new_income_measure(household, ctx, rng, gain):
        raise NotApplicable("nobody to take a new income measure")
    return [Expected("INC001")]


@near("INC004", registration_era=True)
def living_on_remittances(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pre-exit household near the line living mostly on remittances and support from its
    children (transfers, but no policy income), with a member of full labour."""
    if not any(m.get("labour_capacity") in ("normal", "skilled") for m in household["members"]):
        raise NotApplicable("nobody of full labour")
    make_pre_exit(household, ctx)
    year = ctx.when.year
    line, limit = near_line_limit(ctx)
    size = len(household["members"])
    target = rng.uniform(line * 1.1, limit * 0.9)
    share = rng.uniform(float(ctx.values["income.transfer_share_max"]) + 0.1, 0.85)
    _, _, transfer = totals(household, year)
    if not set_per_capita(household, ctx, target * (1 - share) + transfer / size):
        raise NotApplicable("no earned income to lower")
    gross, costs, transfer = totals(household, year)
    extra = (share * gross - transfer) / (1 - share)
    if extra <= 0 or not line * 1.02 <= (gross + extra - costs) / size < limit * 0.97:
        raise NotApplicable("the remittances needed leave the band near the line")
    # The policy transfers already there stay a small share: only the remittances are heavy.
    if transfer / (gross + extra) > float(ctx.values["income.transfer_share_max"]) - 0.1:
        raise NotApplicable("policy transfers alone would be heavy")
    half = float(round(extra / 2))
    household["income"] += [
        {"category": "transfer", "subtype": "remittance", "amount": half, "year": year},
        {"category": "transfer", "subtype": "family_support", "amount": float(round(extra)) - half,
         "year": year},
    ]
    rerecord(household, ctx, rng)
    drop_income_measures_this_year(household, ctx)
    if not add_new_income_measure(household, ctx, rng, rng.uniform(4000, 9000)):
        raise NotApplicable("nobody to take a new income measure")
    return []


@near("INC005")
def fell_to_the_near_line_limit(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Per-capita income fell by more than the tolerated share, to exactly the near-the-line
    limit (1.5 times the line of the year): a fall, not yet near the line."""
    _, limit = near_line_limit(ctx)
    exact_per_capita(household, ctx, int(limit))
    _not_transfer_heavy(household, ctx)
    _no_large_rigid_expenditure(household)
    rerecord(household, ctx, rng)
    drop = float(ctx.values["income.income_drop_share_max"])
    previous = int(limit) / (1 - rng.uniform(drop + 0.08, drop + 0.3))
    household["income_history"] = {str(ctx.when.year - 1): round(previous, 2)}
    return []


NEAR = (
    one_yuan_above_the_line,
    one_yuan_above_the_range,
    plan_lifts_one_yuan_above,
    living_on_remittances,
    fell_to_the_near_line_limit,
)
