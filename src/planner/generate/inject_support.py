"""Injectors for support (SUP: helpers, visits, measures) and monitoring (MON) problems."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.facts.dates import plus_months
from planner.generate.economy import add_work_spell
from planner.generate.edits import (
    ages,
    ensure_monitored,
    in_scope,
    planned,
    rerecord,
    set_per_capita,
    transfer_share,
)
from planner.generate.household import BuildContext
from planner.generate.inject_needs import cramp_housing, dry_water
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]


@injector("SUP001")
def no_helper(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """No assigned helper (帮扶责任人) on record."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    household["helper"] = None
    return [Expected("SUP001")]


@injector("SUP002")
def no_recent_visit(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """The helper's last home visit is longer ago than the visit interval."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    interval = int(ctx.values["support.visit_interval_days"])
    last = ctx.when - timedelta(days=interval + rng.randint(10, 120))
    visits = [
        last - timedelta(days=k * rng.randint(30, 60)) for k in range(len(household["visits"]))
    ]
    household["visits"] = [
        {"on": d.isoformat(), "visitor": household["visits"][0]["visitor"]}
        for d in reversed(visits)
    ]
    return [Expected("SUP002")]


@injector("SUP003")
def measure_mismatch(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """Skills training planned for a member who cannot work (the helper's plan does not fit)."""
    unable = [
        n
        for n, m in enumerate(household["members"], start=1)
        if m["labour_capacity"] in ("none", "lost")
    ]
    if not unable:
        raise NotApplicable("everyone can work")
    number = rng.choice(unable)
    household["measures"].append(planned("skills_training", ctx, rng, beneficiary=number))
    return [Expected("SUP003", number)]


@injector("SUP004")
def unaddressed_need(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A need (cramped house or poor water access) with no measure planned for it."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    if rng.random() < 0.5:
        cramp_housing(household, rng)
        return [Expected("HOU002"), Expected("SUP004")]
    dry_water(household, rng, ctx)
    ensure_monitored(household, ctx, rng, "water")
    return [Expected("WAT002"), Expected("SUP004")]


@injector("SUP005")
def measure_overdue(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A policy briefing still in progress after its due date."""
    if not household["measures"]:
        raise NotApplicable("no plan")
    entry = planned("policy_briefing", ctx, rng, status="in_progress")
    start = ctx.when - timedelta(days=rng.randint(90, 200))
    entry["start"] = start.isoformat()
    entry["due"] = (ctx.when - timedelta(days=rng.randint(5, 60))).isoformat()
    household["measures"].append(entry)
    return [Expected("SUP005")]


def _development_due(household: Household, ctx: BuildContext) -> list[Expected]:
    """MON011 too when the household is monitored, open, past its deadline (the day after the
    allowed months from identification) and has a member able to work: a protection-only plan
    is no development."""
    monitoring = household.get("monitoring")
    if not monitoring or monitoring.get("risk_eliminated") or not monitoring.get("identified_on"):
        return []
    deadline = plus_months(date.fromisoformat(monitoring["identified_on"]),
                           int(ctx.values["support.development_measure_months_max"]))
    capable = any(m.get("labour_capacity") in ("normal", "skilled", "weak")
                  for m in household["members"] if m.get("registered", True))
    return [Expected("MON011")] if capable and deadline < ctx.when else []


@injector("SUP006")
def protection_only(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A household able to work whose plan holds only social protection."""
    if any(member.get("public_welfare_posts") for member in household["members"]):
        raise NotApplicable("a member holds a public-welfare post (development, not protection)")
    if household.get("category") == "dibao":
        kept = [m for m in household["measures"] if m["measure"] == "dibao"]
        household["measures"] = kept or [planned("dibao", ctx, rng)]
        return [Expected("SUP006"), *_development_due(household, ctx)]
    candidates = [n for n, a in enumerate(ages(household, ctx), start=1) if 16 <= a <= 58]
    if not candidates:
        raise NotApplicable("nobody of pension-premium age")
    household["measures"] = [
        planned("pension_premium", ctx, rng, beneficiary=rng.choice(candidates))
    ]
    return [Expected("SUP006"), *_development_due(household, ctx)]


def _span(item: dict[str, Any]) -> tuple[date | None, date | None]:
    start, end = item.get("start"), item.get("end")
    return (None if start is None else date.fromisoformat(str(start)),
            None if end is None else date.fromisoformat(str(end)))


def _idle(member: dict[str, Any], when: date) -> bool:
    """Whether a registered member able to work has no spell of work covering ``when``'s year
    and no public-welfare post held on ``when`` (what the facts ``member.can_work``,
    ``member.employed`` and ``member.holds_post`` say)."""
    if not member.get("registered", True) or member.get("labour_capacity") not in (
            "normal", "skilled", "weak"):
        return False
    year = when.year
    works = any((start is None or start.year <= year) and (end is None or end.year >= year)
                for start, end in map(_span, member.get("employment") or ()))
    posted = any((start is None or start <= when) and (end is None or end >= when)
                 for start, end in map(_span, member.get("public_welfare_posts") or ()))
    return not works and not posted


@injector("MON001", monitoring_era=True)
def should_be_monitored(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited household above the monitoring range with an ill member, whose large rigid
    expenditure (合规自付支出) takes it below the range (突发严重困难户), not monitored."""
    if not ctx.monitoring_on:
        raise NotApplicable("no monitoring before its start date")
    if not any(m.get("health") in ("chronic_illness", "serious_illness")
               for m in household["members"]):
        raise NotApplicable("nobody ill: no rigid medical expenditure")
    household["status"] = "exited"
    household.pop("monitoring", None)
    household.pop("exit_target", None)
    household["causes"] = household["causes"] or ["lack_of_funds"]
    # Nobody able to work stays idle (no work, no post): lowered below the range, such a member
    # would be a problem of its own (the example pack's EX001). A member out of school is given
    # a spell of work, whose wage the lowering below scales with the rest.
    for number, member in enumerate(household["members"], start=1):
        if _idle(member, ctx.when) and member.get("schooling") in (None, "not_student"):
            add_work_spell(rng, member, number, household, ctx.when,
                           household["region"]["county"])
    threshold = float(ctx.values["monitoring.threshold"])
    # Above the near-the-line limit where it lies above the range (2020: 1.5× the line is the
    # range), so that INC004 and INC005 stay out of it.
    line = ctx.values.get("income.poverty_line")
    floor = max(threshold, float(line or 0) * float(ctx.values["income.near_line_ratio"]))
    target = rng.uniform(floor * 1.05, floor * 1.4)
    if not set_per_capita(household, ctx, target):
        raise NotApplicable("no earned income to lower")
    if (
        transfer_share(household, ctx.when.year)
        > float(ctx.values["income.transfer_share_max"]) - 0.05
    ):
        raise NotApplicable("would be transfer-dependent")
    rerecord(household, ctx, rng)
    if any(_idle(member, ctx.when) for member in household["members"]):
        # below the range, an idle member able to work is a problem of its own (no job, no post:
        # the example pack's EX001), which this household must not carry unlabelled
        raise NotApplicable("a member able to work has neither work this year nor a post")
    size = len(household["members"])
    # large rigid expenditure: more than the share of a sharp fall (0.3) of income
    left = min(threshold * 0.95, target * rng.uniform(0.4, 0.65))
    household["compliant_out_of_pocket"] = float(round((target - left) * size))
    return [Expected("MON001")]


def _monitored(household: Household, ctx: BuildContext, rng: random.Random) -> dict[str, Any]:
    if household.get("monitoring") is None:
        if household["status"] not in ("exited", "general"):
            raise NotApplicable("only exited and ordinary households are monitored")
        ensure_monitored(household, ctx, rng)
    monitoring: dict[str, Any] = household["monitoring"]
    return monitoring


@injector("MON002", monitoring_era=True)
def identification_overdue(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Verification or first assistance came (or is still awaited) more than 15 days after the
    household was identified."""
    if not ctx.monitoring_on:
        raise NotApplicable("no monitoring before its start date")
    monitoring = _monitored(household, ctx, rng)
    limit = int(ctx.values["monitoring.identification_days_max"])
    identified = date.fromisoformat(monitoring["identified_on"])
    if (ctx.when - identified).days <= limit + 5:
        raise NotApplicable("identified too recently")
    late = identified + timedelta(
        days=rng.randint(limit + 1, min(limit + 40, (ctx.when - identified).days))
    )
    if rng.random() < 0.5:
        monitoring["verified_on"] = late.isoformat()
    else:
        monitoring["assisted_on"] = late.isoformat()
    if monitoring.get("assisted_on") and monitoring["assisted_on"] < monitoring["verified_on"]:
        monitoring["assisted_on"] = monitoring["verified_on"]
    return [Expected("MON002")]


@injector("MON003", monitoring_era=True)
def premature_elimination(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Risk marked eliminated less than six months after identification."""
    if not ctx.monitoring_on:
        raise NotApplicable("no monitoring before its start date")
    monitoring = _monitored(household, ctx, rng)
    identified = date.fromisoformat(monitoring["identified_on"])
    assisted = date.fromisoformat(monitoring["assisted_on"])
    if assisted >= ctx.when - timedelta(days=2):
        raise NotApplicable("assisted too recently")
    eliminated = date.fromordinal(
        rng.randint(
            assisted.toordinal() + 1, min(ctx.when.toordinal() - 1, identified.toordinal() + 150)
        )
    )
    monitoring["risk_eliminated"] = True
    monitoring["eliminated_on"] = eliminated.isoformat()
    monitoring["elimination_method"] = "assisted"
    # The post-elimination indicators filled, showing no problem: only MON003 is planted.
    for indicator in ("house_damaged_after_elimination", "water_damaged_after_elimination",
                      "child_out_of_school_after_elimination"):
        monitoring[indicator] = False
    return [Expected("MON003")]


INJECTORS = (
    no_helper,
    no_recent_visit,
    measure_mismatch,
    unaddressed_need,
    measure_overdue,
    protection_only,
    should_be_monitored,
    identification_overdue,
    premature_elimination,
)
