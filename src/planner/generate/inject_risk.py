"""Injectors for the risk-type rules (RSK001–RSK013) and the household without labour or safety
net (BEN006), each on a monitored household whose risk is open.

A risk type is added to the risks the generator recorded (which its members bear out, with the
matching measure: planner.generate.household.health_risk). Where the planted risk would also
lack its matching measure by accident, a 社会帮扶 item or the measure column it needs is listed
in the export's measure columns, so that only the planted code (and the one that necessarily
comes with it: a safe house nothing was done to has no housing measure either) is found. The
lack-of-labour codes (RSK007, RSK013, BEN006) first rebuild the household so that nobody can
work (planner.generate.edits.without_labour).
"""

from __future__ import annotations

import random
from typing import Any

from planner.generate.edits import (
    HEALTH_BENEFITS,
    adults,
    ensure_monitored,
    has_health_measure,
    has_measure,
    has_protection_measure,
    make_disabled,
    record_no_out_of_pocket,
)
from planner.generate.edits_labour import (
    monitor_without_labour,
    on_safety_net,
    put_on_dibao,
    without_labour,
)
from planner.generate.household import EDUCATION_BENEFITS, BuildContext
from planner.generate.inject_needs import COMPULSORY
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]
ILL = ("chronic_illness", "serious_illness")
CAN_WORK = ("normal", "skilled", "weak")
VOCATIONAL = ("secondary_vocational", "higher_vocational")
STUDENTS = (*COMPULSORY, "senior_secondary", *VOCATIONAL)
# A 社会帮扶 item: what the export lists for donations; it counts as health, protection and
# education assistance alike (planner.facts.risk), and no rule asks a premise of it.
SOCIAL_ITEM = "爱心捐赠"


def _monitor(household: Household, ctx: BuildContext, rng: random.Random,
             risk: str) -> dict[str, Any]:
    """Monitor the household (if it is not yet) and add ``risk`` to its open risks."""
    ensure_monitored(household, ctx, rng)
    monitoring = household.get("monitoring")
    if monitoring is None or monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("not monitored with its risk open")
    if risk not in monitoring["risks"]:
        monitoring["risks"] = [*monitoring["risks"], risk]
    return monitoring


def _registered(household: Household) -> list[dict[str, Any]]:
    return [m for m in household["members"] if m.get("registered") is not False]


def _list(household: Household, column: str, item: str) -> None:
    """Add ``item`` to the export's measure column ``column``."""
    assistance = household.get("assistance") or {}
    assistance[column] = [*(assistance.get(column) or []), item]
    household["assistance"] = assistance


def _require(condition: bool, why: str) -> None:
    if not condition:
        raise NotApplicable(why)


def _housing_measure(household: Household) -> bool:
    return has_measure(household, "RSK011", ("housing", "relocation"))


def _water_measure(household: Household) -> bool:
    return has_measure(household, "RSK012", ("drinking_water",))


@injector("RSK001", monitoring_era=True)
def illness_risk_nobody_ill(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因病 recorded for a household of members known not to be ill, with 合规自付支出 0 (MED006,
    the same county check, comes with it); health assistance listed (社会帮扶)."""
    members = _registered(household)
    _require(all(m["health"] is not None and m["health"] not in ILL for m in members),
             "an ill member or unknown health")
    _monitor(household, ctx, rng, "illness")
    record_no_out_of_pocket(household)
    if not has_health_measure(household):
        _list(household, "social_assistance", SOCIAL_ITEM)
    return [Expected("RSK001"), Expected("MED006")]


@injector("RSK002", monitoring_era=True)
def disability_risk_nobody_disabled(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因残 recorded for a household with no disabled member (protection listed: 社会帮扶)."""
    _require(all(m["health"] is not None and m["health"] != "disabled"
                 for m in _registered(household)), "a disabled member or unknown health")
    _monitor(household, ctx, rng, "disability")
    if not has_protection_measure(household):
        _list(household, "social_assistance", SOCIAL_ITEM)
    return [Expected("RSK002")]


@injector("RSK003", monitoring_era=True)
def lack_of_labour_risk_with_labour(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """缺劳动力 recorded for a household where more than the district share can work (an
    employment measure listed)."""
    members = _registered(household)
    _require(all(m["labour_capacity"] is not None for m in members), "unknown labour")
    share = sum(m["labour_capacity"] in CAN_WORK for m in members) / len(members)
    _require(share > float(ctx.values["labour.lack_of_labour_share_max"]), "little labour")
    _monitor(household, ctx, rng, "lack_of_labour")
    if not (has_measure(household, "RSK013", ("employment", "public_welfare_post"))
            or has_protection_measure(household)):
        _list(household, "employment", "务工就业补贴")
    return [Expected("RSK003")]


@injector("RSK004", monitoring_era=True)
def schooling_risk_no_student(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因学 recorded for a household with no student and no dropout (社会帮扶 listed, so that the
    education measure RSK010 asks for is there)."""
    _require(all(m["schooling"] == "not_student" for m in household["members"]), "a student")
    _monitor(household, ctx, rng, "schooling")
    if not has_measure(household, "RSK010",
                       ("compulsory_education", "education", "social_assistance"),
                       EDUCATION_BENEFITS):
        _list(household, "social_assistance", SOCIAL_ITEM)
    return [Expected("RSK004")]


@injector("RSK005", monitoring_era=True)
def housing_risk_safe_house(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """住房出现安全问题 recorded for a house of a safe grade that was neither renovated nor
    relocated, with no housing measure (so RSK011 comes with it)."""
    housing = household["housing"]
    _require(housing.get("safety_grade") in ("A", "B") and housing.get("relocation") != "done",
             "not a safe house in place")
    _require(not _housing_measure(household), "a housing measure")
    housing["renovation"] = "none"
    _monitor(household, ctx, rng, "housing")
    return [Expected("RSK005"), Expected("RSK011")]


@injector("RSK006", monitoring_era=True)
def water_risk_safe_water(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """饮水安全问题 recorded for a household whose water passes every indicator, with no water
    measure (so RSK012 comes with it)."""
    water = household["water"]
    _require(water.get("quality_safe") is True and None not in (
        water.get("litres_per_person_day"), water.get("reliability")), "water not known safe")
    _require(not _water_measure(household), "a water measure")
    _monitor(household, ctx, rng, "water")
    return [Expected("RSK006"), Expected("RSK012")]


@injector("RSK007", after_registration=True)
def employment_risk_nobody_can_work(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因务工就业不稳 recorded for a household where nobody can work, on 低保 or 特困供养 and
    marked 整户无劳动能力兜底保障户 (so that neither BEN006 nor MON020 comes with it)."""
    without_labour(household, ctx, rng)
    if not on_safety_net(household):
        put_on_dibao(household, ctx, rng)
    _monitor(household, ctx, rng, "unstable_employment")
    household["no_labour_safety_net"] = True
    return [Expected("RSK007")]


@injector("RSK008", monitoring_era=True)
def illness_risk_without_health_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因病 recorded for a household whose patient has recovered (nobody ill now, out-of-pocket
    spending recorded), and no health assistance: no family doctor, no medical assistance, no
    health measure."""
    members = _registered(household)
    _require(all(m["health"] is not None and m["health"] not in ILL for m in members),
             "an ill member or unknown health")
    for member in household["members"]:
        member["benefits"] = [b for b in member["benefits"] or () if b not in HEALTH_BENEFITS]
    _monitor(household, ctx, rng, "illness")
    # after monitoring: an identification in the premium-subsidy window lists the subsidy
    _require(not has_health_measure(household), "a health measure")
    if not household.get("compliant_out_of_pocket"):
        household["compliant_out_of_pocket"] = float(rng.randint(5, 30) * 100)
    return [Expected("RSK008")]


@injector("RSK009", monitoring_era=True)
def disability_risk_without_protection(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因残 recorded for a household with a disabled member and no protection: no 低保, 特困 or
    disability subsidy, nothing under 综合保障 or 社会帮扶 (where nobody is disabled, a healthy
    adult of limited labour is recorded with a grade 3–4 disability, which no subsidy is due
    for)."""
    _require(not has_protection_measure(household), "protected")
    if not any(m["health"] == "disabled" for m in _registered(household)):
        number = rng.choice(adults(household, ctx, lambda m: m["health"] == "healthy"
                                   and m["benefits"] is not None
                                   and m["labour_capacity"] in ("weak", "none", "lost"))
                            or [0])
        _require(number > 0, "no adult of limited labour")
        make_disabled(household["members"][number - 1],
                       rng.choice(("physical", "visual", "hearing")), rng.choice((3, 4)))
    _monitor(household, ctx, rng, "disability")
    return [Expected("RSK009")]


@injector("RSK010", monitoring_era=True)
def schooling_risk_without_education_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """因学 recorded for a household with a student and no education measure or benefit: the
    students' aid is not recorded (EDU002 and SUP004 come with it for each pupil and vocational
    student, whose aid is due)."""
    members = household["members"]
    _require(any(m["schooling"] in STUDENTS for m in _registered(household)), "no student")
    for member in members:
        member["benefits"] = [b for b in member["benefits"] or () if b not in EDUCATION_BENEFITS]
    _require(not has_measure(household, "RSK010",
                             ("compulsory_education", "education", "social_assistance"),
                             EDUCATION_BENEFITS), "an education measure")
    _monitor(household, ctx, rng, "schooling")
    due = [n for n, m in enumerate(members, start=1)
           if m["schooling"] in (*COMPULSORY, *VOCATIONAL)]
    for number in due:
        if members[number - 1]["schooling"] in COMPULSORY:
            members[number - 1]["boarding"] = True  # the national living subsidy is for boarders
    return [Expected("RSK010"), *(Expected(code, n) for n in due for code in ("EDU002", "SUP004"))]


@injector("RSK011", monitoring_era=True)
def housing_risk_without_housing_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """住房出现安全问题 recorded for a household whose house was renovated or who were relocated,
    and 住房安全保障 and 搬迁 list nothing."""
    housing = household["housing"]
    _require("done" in (housing.get("renovation"), housing.get("relocation")),
             "neither renovated nor relocated")
    _require(not _housing_measure(household), "a housing measure")
    _monitor(household, ctx, rng, "housing")
    return [Expected("RSK011")]


@injector("RSK012", monitoring_era=True)
def water_risk_without_water_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """饮水安全问题 recorded while the water quality is not yet tested (unknown), and 饮水安全保障
    lists nothing."""
    _require(not _water_measure(household), "a water measure")
    household["water"]["quality_safe"] = None
    _monitor(household, ctx, rng, "water")
    # the quality is a required field: DQ008 reports it blank
    return [Expected("RSK012"), Expected("DQ008")]


@injector("RSK013", after_registration=True)
def lack_of_labour_risk_without_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """缺劳动力 recorded for a household where nobody can work, without an employment or
    protection measure; with no 低保 or 特困供养 either, BEN006 comes with it."""
    _require(not (has_measure(household, "RSK013", ("employment", "public_welfare_post"))
                  or has_protection_measure(household)), "an employment or protection measure")
    without_labour(household, ctx, rng)
    monitor_without_labour(household, ctx, rng)
    return [Expected("RSK013"), Expected("BEN006")]


@injector("BEN006", after_registration=True)
def no_labour_no_safety_net(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A monitored household in which nobody can work and nobody receives 低保 or 特困供养 (its
    risk is the lack of labour, with a 社会帮扶 item listed as its measure)."""
    _require(not on_safety_net(household), "on the safety net")
    without_labour(household, ctx, rng)
    monitor_without_labour(household, ctx, rng)
    if not has_protection_measure(household):
        _list(household, "social_assistance", SOCIAL_ITEM)
    return [Expected("BEN006")]


INJECTORS = (
    illness_risk_nobody_ill, disability_risk_nobody_disabled, lack_of_labour_risk_with_labour,
    schooling_risk_no_student, housing_risk_safe_house, water_risk_safe_water,
    illness_risk_without_health_measure, disability_risk_without_protection,
    employment_risk_nobody_can_work, schooling_risk_without_education_measure,
    housing_risk_without_housing_measure, water_risk_without_water_measure,
    lack_of_labour_risk_without_measure, no_labour_no_safety_net,
)
