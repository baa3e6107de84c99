"""Injectors for data-quality problems (DQ): IDs, heads, sizes, incomes, ages, missing fields,
implausible values and contacts. DQ004 (one person in two households) and the shared-phone form
of DQ013 need two households: they are pair injectors.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from planner.facts import age_on
from planner.generate.economy import add_operating
from planner.generate.edits import ages, capable_members, in_scope, rerecord
from planner.generate.household import BuildContext, measure_record
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]
BuildSecond = Callable[[dict[str, Any] | None], Household]
PairResult = tuple[Household, list[Expected], list[Expected]]


@injector("DQ001")
def invalid_id_number(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member's ID number fails its check digit, lost a digit, or was never upgraded from 15."""
    number = rng.randrange(len(household["members"])) + 1
    member = household["members"][number - 1]
    valid = member["id_number"]
    kind = rng.choice(("check_digit", "check_digit", "length", "old_15_digit"))
    if kind == "old_15_digit" and valid[6:8] == "19":
        member["id_number"] = valid[:6] + valid[8:17]
    elif kind == "length":
        cut = rng.randrange(6, 17)
        member["id_number"] = valid[:cut] + valid[cut + 1 :]
    else:
        member["id_number"] = valid[:17] + rng.choice([c for c in "0123456789X" if c != valid[17]])
    return [Expected("DQ001", number)]


@injector("DQ002")
def id_mismatch(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A member's recorded birth date is a day off the one in their ID number."""
    number = rng.randrange(len(household["members"])) + 1
    member = household["members"][number - 1]
    born = date.fromisoformat(member["birth_date"])
    for shift in rng.sample((-1, 1), 2):
        moved = born + timedelta(days=shift)
        if age_on(moved, ctx.when) == age_on(born, ctx.when):
            member["birth_date"] = moved.isoformat()
            return [Expected("DQ002", number)]
    raise NotApplicable("the shift would change the age")


@injector("DQ003")
def household_head(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """No head of household, or two."""
    members = household["members"]
    spouses = [m for m in members if m["relation"] == "spouse"]
    if spouses and rng.random() < 0.5:
        spouses[0]["relation"] = "head"
    else:
        members[0]["relation"] = "son" if members[0]["sex"] == "male" else "daughter"
    return [Expected("DQ003")]


@injector("DQ004", "pair")
def duplicate_person(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """A grown child who set up a household of their own is still registered with the parents."""
    candidates = [
        n
        for n, (m, a) in enumerate(zip(first["members"], ages(first, ctx), strict=True), start=1)
        if n > 1
        and a >= 20
        and m["relation"] in ("son", "daughter", "son_in_law", "daughter_in_law")
    ]
    if not candidates:
        raise NotApplicable("no grown child")
    number = rng.choice(candidates)
    second = build_second(first["members"][number - 1])
    return second, [Expected("DQ004", number)], [Expected("DQ004", 1)]


@injector("DQ005")
def income_mismatch(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """The registered per-capita income differs from what the income records add up to."""
    tolerance = float(ctx.values["income.income_mismatch_tolerance"])
    delta = rng.uniform(tolerance + 50, tolerance + 900) * rng.choice((-1, 1))
    household["recorded_per_capita_income"] = round(
        household["recorded_per_capita_income"] + delta, 2
    )
    return [Expected("DQ005")]


@injector("DQ006")
def size_mismatch(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """The registered household size is not the number of registered members."""
    size = len(household["members"])
    household["recorded_size"] = size + 1 if size == 1 or rng.random() < 0.6 else size - 1
    return [Expected("DQ006")]


@injector("DQ007")
def schooling_age_implausible(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pupil recorded with a senior-secondary education, or a grown-up as an undergraduate."""
    member_ages = ages(household, ctx)
    minimum = ctx.values["education.education_min_age"]["senior_secondary"]
    stage_max = ctx.values["education.stage_ages"]["undergraduate"][1]
    pupils = [
        n
        for n, (m, a) in enumerate(zip(household["members"], member_ages, strict=True), start=1)
        if m["schooling"] in ("primary", "junior_secondary") and a < minimum
    ]
    if pupils:
        number = rng.choice(pupils)
        household["members"][number - 1]["education"] = "senior_secondary"
        return [Expected("DQ007", number), *_student_level(household, number)]
    adults = [
        n
        for n, (m, a) in enumerate(zip(household["members"], member_ages, strict=True), start=1)
        if m["schooling"] == "not_student" and a > stage_max
    ]
    if not adults:
        raise NotApplicable("no pupil and no grown-up")
    number = rng.choice(adults)
    member = household["members"][number - 1]
    member["schooling"] = "undergraduate"
    member["grade"] = 1
    # The monitoring export records a student as 无劳动力: a grown-up "student" who can work
    # and neither works nor holds a post is EDU007's too (exited or monitored households).
    judged = household["status"] == "exited" or household.get("monitoring") is not None
    student_labour = (not ctx.registration_on and judged and member["labour_capacity"]
                      in ("normal", "skilled", "weak")
                      and not member["employment"] and not member["public_welfare_posts"])
    return [Expected("DQ007", number), *_student_level(household, number),
            *([Expected("EDU007", number)] if student_labour else [])]


def _student_level(household: Household, number: int) -> list[Expected]:
    """A student now recorded with an education level as well: EDU005 in its scope."""
    if not in_scope(household) or household["members"][number - 1].get("education") is None:
        return []
    return [Expected("EDU005", number)]


MISSING_HOUSEHOLD = (
    ("housing", "safety_grade"),
    ("water", "quality_safe"),
    ("water", "reliability"),
    ("water", "litres_per_person_day"),
)


@injector("DQ008")
def missing_required(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A required value is not recorded: the housing grade, a water indicator, or a member's
    medical insurance or health."""
    if rng.random() < 0.5:
        part, key = rng.choice(MISSING_HOUSEHOLD)
        household[part][key] = None
        return [Expected("DQ008")]
    number = rng.randrange(len(household["members"])) + 1
    member = household["members"][number - 1]
    member[rng.choice(("medical_insurance", "health"))] = None
    return [Expected("DQ008", number)]


@injector("DQ009")
def labour_implausible(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A child recorded as an ordinary labourer, or a healthy idle adult as having no labour."""
    member_ages = ages(household, ctx)
    youngest_worker = int(ctx.values["labour.working_age_min"])
    children = [n for n, a in enumerate(member_ages, start=1) if 6 <= a < youngest_worker]
    if children:
        number = rng.choice(children)
        household["members"][number - 1]["labour_capacity"] = "normal"
        return [Expected("DQ009", number)]
    beneficiaries = {m.get("beneficiary") for m in household["measures"]}
    capable = capable_members(household, ctx, youngest_worker, 60)
    idle = [
        n
        for n in capable
        if household["members"][n - 1]["health"] == "healthy"
        and n not in beneficiaries
        and not household["members"][n - 1]["employment"]
        and not household["members"][n - 1]["public_welfare_posts"]
    ]
    if not idle or len(capable) < 2:
        raise NotApplicable("no child and no idle healthy adult")
    number = rng.choice(idle)
    household["members"][number - 1]["labour_capacity"] = "none"
    return [Expected("DQ009", number)]


@injector("DQ010")
def cause_inconsistent(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A cause the members contradict (因病 with everyone healthy, 因学 with no student…)."""
    members = household["members"]
    options = []
    if all(m["health"] == "healthy" for m in members):
        options.append("illness")
    if not any(m["health"] == "disabled" or m.get("disability_category") for m in members):
        options.append("disability")
    if all(m["schooling"] in ("not_student", "dropped_out") for m in members):
        options.append("schooling")
    capable = sum(m["labour_capacity"] in ("normal", "skilled", "weak") for m in members)
    if capable / len(members) > float(ctx.values["labour.lack_of_labour_share_max"]):
        options.append("lack_of_labour")
    options = [o for o in options if o not in household["causes"]]
    if not options:
        raise NotApplicable("no contradicting cause")
    household["causes"].append(rng.choice(options))
    return [Expected("DQ010")]


def _stop_working(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    """Nobody works any more: wages (and their measures) go, farming makes up the income."""
    lost = sum(s["amount"] for s in household["income"] if s["category"] == "wage")
    for member in household["members"]:
        member["employment"], member["public_welfare_posts"] = [], []
    household["income"] = [s for s in household["income"] if s["category"] != "wage"]
    household["measures"] = [
        m
        for m in household["measures"]
        if m["measure"] not in ("job_placement", "public_welfare_post")
    ]
    if lost:
        add_operating(rng, household, ctx.when.year, lost / 0.6, "livestock")
    if not household["measures"]:
        household["measures"].append(
            measure_record("planting_subsidy", ctx.when, rng, year=ctx.when.year - 1)
        )
    rerecord(household, ctx, rng)


@injector("DQ011")
def measure_fact_inconsistent(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A job placement recorded as done this year in a household where nobody works."""
    members = household["members"]
    if any(m["employment"] or m["public_welfare_posts"] for m in members):
        _stop_working(household, ctx, rng)
    capable = capable_members(household, ctx, 17, 59)
    if not capable or "job_placement" in {m["measure"] for m in household["measures"]}:
        raise NotApplicable("nobody to place")
    household["measures"].append(
        measure_record("job_placement", ctx.when, rng, beneficiary=rng.choice(capable))
    )
    return [Expected("DQ011")]


@injector("DQ012")
def value_out_of_range(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A land area or road distance typed without its decimal point."""
    living = household["living"]
    limits = ctx.values["data_quality.land_mu_max"]
    choice = rng.choice(("cultivated_mu", "forest_mu", "distance"))
    if choice == "distance":
        maximum = float(ctx.values["data_quality.distance_to_main_road_km_max"])
        living["distance_to_main_road_km"] = round(maximum * rng.uniform(1.2, 4), 1)
    else:
        living[choice] = float(round(limits[choice] * rng.uniform(1.2, 5)))
    return [Expected("DQ012")]


@injector("DQ013")
def invalid_contact(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """The household phone lost a digit."""
    phone = household["phone"]
    cut = rng.randrange(3, len(phone))
    household["phone"] = phone[:cut] + phone[cut + 1 :]
    return [Expected("DQ013")]


@injector("DQ013", "pair")
def shared_contact(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """Two households registered with the same contact phone."""
    second = build_second(None)
    second["phone"] = first["phone"]
    return second, [Expected("DQ013")], [Expected("DQ013")]


INJECTORS = (
    invalid_id_number,
    id_mismatch,
    household_head,
    duplicate_person,
    income_mismatch,
    size_mismatch,
    schooling_age_implausible,
    missing_required,
    labour_implausible,
    cause_inconsistent,
    measure_fact_inconsistent,
    value_out_of_range,
    invalid_contact,
    shared_contact,
)
