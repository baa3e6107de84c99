"""Injectors for the monitored-household rules (MON006–MON020): the group against the status, the
identification, the elimination and the risks recorded.

All of them plant only in monitoring-era datasets (``after_registration``): the sudden-hardship
group, the post-elimination indicators and the export's risk labels are the 2021+ record, and a
code drawn in 2020 would change the recorded mix of the registration-era datasets (tests/golden),
as MON004/MON005 explain."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.edits import (
    ACTIVE,
    current_per_capita,
    ensure_monitored,
    identify,
    income_measure_ids,
    rerecord,
    set_per_capita,
)
from planner.generate.edits_labour import (
    monitor_without_labour,
    on_safety_net,
    put_on_dibao,
    without_labour,
)
from planner.generate.household import BuildContext
from planner.generate.problems import Expected, NotApplicable, injector
from planner.measures import default_catalog

Household = dict[str, Any]
INDICATORS = ("house_damaged_after_elimination", "water_damaged_after_elimination",
              "child_out_of_school_after_elimination")
# Whole months from identification to elimination always reach monitoring.elimination_months_min
# (6) with this many days; MON003 stays quiet.
ELIMINATION_DAYS_MIN = 200
# Identified this many days before the reference date: always more than
# support.development_measure_months_max (1) whole months.
DEVELOPMENT_DUE_DAYS = 75


def _monitored(household: Household, ctx: BuildContext, rng: random.Random) -> dict[str, Any]:
    """The household's open monitoring, enrolling an exited or ordinary household first."""
    ensure_monitored(household, ctx, rng)
    monitoring = household.get("monitoring")
    if monitoring is None or monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("not monitored with its risk open")
    return monitoring


def _healthy(household: Household) -> bool:
    return all(m["health"] == "healthy" for m in household["members"])


def _eliminate(
    household: Household, ctx: BuildContext, rng: random.Random, method: str = "assisted",
    days_min: int = ELIMINATION_DAYS_MIN, margin: int = 10,
) -> dict[str, Any]:
    """Mark the household's risk eliminated as the rules want it: identified at least six months
    before, income above the range, the post-elimination indicators filled with no problem.
    Elimination comes ``days_min`` days or more after identification, which lies at least
    ``days_min + margin`` days before the reference date."""
    monitoring = _monitored(household, ctx, rng)
    threshold = float(ctx.values["monitoring.threshold"])
    if current_per_capita(household, ctx) < threshold * 1.05:
        raise NotApplicable("income not clearly above the monitoring range")
    latest = ctx.when - timedelta(days=days_min + margin)
    if date.fromisoformat(monitoring["identified_on"]) > latest:
        start = date.fromisoformat(str(ctx.values["monitoring.start"]))
        identify(household, ctx, start, latest, rng)
    identified = date.fromisoformat(monitoring["identified_on"])
    eliminated = date.fromordinal(rng.randint(
        identified.toordinal() + days_min, ctx.when.toordinal() - 1))
    monitoring.update({"risk_eliminated": True, "eliminated_on": eliminated.isoformat(),
                       "elimination_method": method})
    monitoring.update({indicator: False for indicator in INDICATORS})
    return monitoring


def sudden_hardship_without_spending(
    household: Household, ctx: BuildContext, rng: random.Random
) -> dict[str, Any]:
    """Monitor a healthy household (zero spending is then no medical problem, MED006) as
    突发严重困难户 after an accident, 合规自付支出 recorded as 0; its monitoring record."""
    if not _healthy(household):
        raise NotApplicable("an ill or disabled member pays something out of pocket")
    monitoring = _monitored(household, ctx, rng)
    monitoring["group"] = "sudden_hardship"
    monitoring["risks"] = ["accident"]
    household["compliant_out_of_pocket"] = 0.0
    return monitoring


def identified_under_the_income_check(
    household: Household, ctx: BuildContext, rng: random.Random
) -> float:
    """Monitor the household as 脱贫不稳定户 or 边缘易致贫户 identified on or after
    risk.identification_income_check_from (at least 40 days before the reference date), the
    identification income MON009 checks; risk.identification_income_max, the ceiling."""
    check_from = ctx.values.get("risk.identification_income_check_from")
    ceiling = ctx.values.get("risk.identification_income_max")
    if check_from is None or ceiling is None:
        raise NotApplicable("no identification income check")
    monitoring = _monitored(household, ctx, rng)
    if monitoring["group"] == "sudden_hardship":
        raise NotApplicable("a sudden-hardship household may be above the range")
    identify(household, ctx, date.fromisoformat(str(check_from)),
             ctx.when - timedelta(days=40), rng)
    return float(ceiling)


def drop_development_measures(household: Household) -> None:
    """Remove the plan's industry, employment and finance measures (MON011's development
    measures); :class:`NotApplicable` when what is left is protection only (SUP006)."""
    raising = income_measure_ids()
    household["measures"] = [m for m in household["measures"] if m["measure"] not in raising]
    catalog = default_catalog()
    active = [m["measure"] for m in household["measures"] if m["status"] in ACTIVE]
    if active and all(catalog[m].protection for m in active if m in catalog):
        raise NotApplicable("a protection-only plan (SUP006)")


@injector("MON006", after_registration=True)
def unstable_exited_never_registered(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An ordinary household (never registered) monitored as 脱贫不稳定户, not 边缘易致贫户."""
    if household["status"] != "general":
        raise NotApplicable("registered household")
    _monitored(household, ctx, rng)["group"] = "unstable_exited"
    return [Expected("MON006")]


@injector("MON007", after_registration=True)
def marginal_household_registered(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited household monitored as 边缘易致贫户 instead of 脱贫不稳定户."""
    if household["status"] != "exited":
        raise NotApplicable("not an exited household")
    _monitored(household, ctx, rng)["group"] = "marginal"
    return [Expected("MON007")]


@injector("MON008", after_registration=True)
def sudden_hardship_without_hardship(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A healthy household monitored as 突发严重困难户 after an accident, with no rigid expenditure
    recorded and income up on last year (healthy: zero spending is no medical problem)."""
    sudden_hardship_without_spending(household, ctx, rng)
    return [Expected("MON008")]


@injector("MON009", after_registration=True)
def identified_far_above_range(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A 脱贫不稳定户 or 边缘易致贫户 identified since the income check began (2023) with more
    than 20,000 yuan per head (the income scaled up, as if annual income were typed per head)."""
    ceiling = identified_under_the_income_check(household, ctx, rng)
    if not set_per_capita(household, ctx, ceiling * rng.uniform(1.1, 1.5)):
        raise NotApplicable("no earned income to scale")
    rerecord(household, ctx, rng)
    return [Expected("MON009")]


@injector("MON010", after_registration=True)
def identification_notice_too_short(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """The village notice of a monitored household's identification posted for one to four days,
    between the lead and the verification."""
    monitoring = _monitored(household, ctx, rng)
    start = date.fromisoformat(monitoring["identified_on"]) + timedelta(days=1)
    end = min(start + timedelta(days=rng.randint(0, 3)),
              date.fromisoformat(monitoring["verified_on"]))
    monitoring["notice_start"] = start.isoformat()
    monitoring["notice_end"] = end.isoformat()
    return [Expected("MON010")]


@injector("MON011", after_registration=True)
def no_development_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household with labour, identified two months or more ago, whose plan holds no
    development measure (its industry, employment and finance measures dropped; what is left is
    not protection only, so SUP006 stays quiet)."""
    monitoring = _monitored(household, ctx, rng)
    latest = ctx.when - timedelta(days=DEVELOPMENT_DUE_DAYS)
    if date.fromisoformat(monitoring["identified_on"]) > latest:
        identify(household, ctx, date.fromisoformat(str(ctx.values["monitoring.start"])), latest,
                 rng)
    drop_development_measures(household)
    return [Expected("MON011")]


@injector("MON020", after_registration=True)
def safety_net_household_not_marked(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household in which nobody can work, on 低保 (or 特困供养), whose risk is the
    lack of labour, not marked 整户无劳动能力兜底保障户."""
    without_labour(household, ctx, rng)
    if not on_safety_net(household):
        put_on_dibao(household, ctx, rng)
    monitor_without_labour(household, ctx, rng)
    household["no_labour_safety_net"] = False
    return [Expected("MON020")]


@injector("MON012", after_registration=True)
def safety_net_household_eliminated(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household recorded as 整户无劳动能力兜底保障户 whose risk is marked eliminated."""
    _eliminate(household, ctx, rng)
    household["no_labour_safety_net"] = True
    return [Expected("MON012")]


@injector("MON013", after_registration=True)
def sudden_hardship_eliminated_unresolved(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A 突发严重困难户 naturally eliminated while its rigid expenditure still takes its income,
    per head, below the monitoring range."""
    monitoring = _eliminate(household, ctx, rng, "natural")
    ill = not _healthy(household)
    monitoring["group"] = "sudden_hardship"
    monitoring["risks"] = ["illness" if ill else "accident"]
    threshold = float(ctx.values["monitoring.threshold"])
    size = len(household["members"])
    # Income left after the expenditure: 30-80 % of the range per head.
    left = threshold * rng.uniform(0.3, 0.8)
    spending = (current_per_capita(household, ctx) - left) * size
    household["compliant_out_of_pocket"] = float(round(spending, -2))
    return [Expected("MON013")]


@injector("MON014", after_registration=True)
def problem_after_elimination(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An eliminated household whose post-elimination indicators record a damaged house, a
    damaged water facility or a child out of school."""
    monitoring = _eliminate(household, ctx, rng)
    monitoring[rng.choice(INDICATORS)] = True
    return [Expected("MON014")]


@injector("MON015", after_registration=True)
def elimination_indicators_blank(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An eliminated household with one or all of the post-elimination indicators left blank."""
    monitoring = _eliminate(household, ctx, rng)
    for indicator in rng.choice([[i] for i in INDICATORS] + [list(INDICATORS)]):
        monitoring.pop(indicator)
    return [Expected("MON015")]


@injector("MON016", after_registration=True)
def other_risk_without_note(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household with the risk 其他 added and no note saying what it is."""
    monitoring = _monitored(household, ctx, rng)
    if (household.get("assistance") or {}).get("notes"):
        raise NotApplicable("a note is recorded")
    monitoring["risks"].append("其他")
    monitoring.pop("risk_note", None)
    return [Expected("MON016")]


@injector("MON017", after_registration=True)
def natural_disaster_without_subitem(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household with the risk 因自然灾害 added and no sub-item (which disaster)."""
    monitoring = _monitored(household, ctx, rng)
    monitoring["risks"].append(rng.choice(("因自然灾害", "natural_disaster", "因灾")))
    monitoring.pop("disaster_subitem", None)
    return [Expected("MON017")]


@injector("MON018", after_registration=True)
def unrecognised_risk(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household with a risk written in no form of the export's list (a typo, two
    risks in one cell)."""
    monitoring = _monitored(household, ctx, rng)
    monitoring["risks"].append(rng.choice(("因病了", "因灾; 房屋受损", "务工不稳定", "缺资金")))
    return [Expected("MON018")]


@injector("MON019", after_registration=True)
def monitored_without_risk(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household with no risk recorded (the cells empty or blank)."""
    monitoring = _monitored(household, ctx, rng)
    monitoring["risks"] = rng.choice(([], [""], [" ", ""]))
    return [Expected("MON019")]


INJECTORS = (
    unstable_exited_never_registered,
    marginal_household_registered,
    sudden_hardship_without_hardship,
    identified_far_above_range,
    identification_notice_too_short,
    no_development_measure,
    safety_net_household_eliminated,
    sudden_hardship_eliminated_unresolved,
    problem_after_elimination,
    elimination_indicators_blank,
    other_risk_without_note,
    natural_disaster_without_subitem,
    unrecognised_risk,
    monitored_without_risk,
    safety_net_household_not_marked,
)
