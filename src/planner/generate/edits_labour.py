"""Edits that rebuild a household in which nobody can work (整户无劳动能力): its members' labour,
work, wages, measures, 低保 and monitoring together, so that the lack-of-labour codes (BEN006,
MON020, RSK007, RSK013) are the only problems planted."""

from __future__ import annotations

import random
from typing import Any

from planner.generate.edits import (
    ages,
    current_per_capita,
    ensure_monitored,
    rerecord,
)
from planner.generate.household import BuildContext, ill_monitored_spending, measure_record
from planner.generate.problems import NotApplicable
from planner.measures import default_catalog

Household = dict[str, Any]


def on_safety_net(household: Household) -> bool:
    """Whether a member receives 低保 or 特困供养."""
    return any(b in ("dibao", "tekun") for m in household["members"] for b in m["benefits"] or ())


def without_labour(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    """Rebuild the household as one in which nobody can work (整户无劳动能力): its one healthy
    member of working age out of school, if any, falls seriously ill; every registered member
    who could work gets labour capacity none (healthy) or lost (ill or disabled); their work
    spells, posts and wages go, and so do the measures that need labour (catalog eligibility
    ``labour: capable`` or ``full``); the income is re-registered. NotApplicable with more than
    one such healthy member."""
    members = household["members"]
    youngest = int(ctx.values["labour.working_age_min"])
    oldest = int(ctx.values["labour.healthy_capable_age_max"])
    registered = [
        (number, member, age)
        for number, (member, age) in enumerate(zip(members, ages(household, ctx), strict=True),
                                               start=1)
        if member.get("registered") is not False
    ]
    healthy = [member for _, member, age in registered
               if member["health"] == "healthy" and youngest <= age <= oldest
               and member["schooling"] in ("not_student", "dropped_out")]
    if len(healthy) > 1 or any(m["labour_capacity"] is None or m["benefits"] is None
                               for _, m, _ in registered):
        raise NotApplicable("more than one healthy adult, or unknown labour or benefits")
    for member in healthy:  # as the generator records a seriously ill member
        member["health"] = "serious_illness"
        member["benefits"] += [b for b in ("family_doctor", "medical_assistance")
                               if b not in member["benefits"]]
    workers = set()
    for number, member, _ in registered:
        if member["labour_capacity"] in ("normal", "skilled", "weak"):
            member["labour_capacity"] = "none" if member["health"] == "healthy" else "lost"
        if member["employment"] or member["public_welfare_posts"]:
            member["employment"], member["public_welfare_posts"] = [], []
            workers.add(number)
    household["income"] = [s for s in household["income"]
                           if not (s["category"] == "wage" and s.get("member") in workers)]
    catalog = default_catalog()
    household["measures"] = [
        m for m in household["measures"]
        if m["measure"] not in catalog
        or catalog[m["measure"]].eligibility.labour not in ("capable", "full")
    ]
    if current_per_capita(household, ctx) <= 0:
        raise NotApplicable("no income left without work")  # DQ012's implausible zero
    ill_monitored_spending(household)
    rerecord(household, ctx, rng)


def monitor_without_labour(
    household: Household, ctx: BuildContext, rng: random.Random
) -> dict[str, Any]:
    """Monitor the household (if it is not yet) with its risk open and 缺劳动力 among its risks;
    the unstable-work risk it may have had goes (with nobody able to work it is RSK007's)."""
    ensure_monitored(household, ctx, rng)
    monitoring = household.get("monitoring")
    if monitoring is None or monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("not monitored with its risk open")
    risks = [r for r in monitoring["risks"] if r not in ("unstable_employment", "lack_of_labour")]
    monitoring["risks"] = [*risks, "lack_of_labour"]
    return monitoring


def put_on_dibao(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    """Put the household on 低保 as the generator records a 低保 household: every member receives
    it (a disabled member the living subsidy too, with its money), the household's 低保 counted
    as transfer income and planned as a measure this year."""
    household["category"] = "dibao"
    year = ctx.when.year
    for number, member in enumerate(household["members"], start=1):
        if member["benefits"] is None or "dibao" in member["benefits"]:
            continue
        member["benefits"].insert(0, "dibao")
        if member["health"] == "disabled" and "disability_living_subsidy" not in member["benefits"]:
            member["benefits"].append("disability_living_subsidy")
            household["income"].append({"category": "transfer", "subtype": "disability_subsidy",
                                        "amount": 1200.0, "year": year, "member": number})
    monthly = rng.randrange(150, 261, 10)
    household["income"].append({"category": "transfer", "subtype": "dibao",
                                "amount": float(monthly * 12 * len(household["members"])),
                                "year": year})
    household["measures"].append(measure_record("dibao", ctx.when, rng, year=year))
    rerecord(household, ctx, rng)
