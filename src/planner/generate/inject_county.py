"""Injectors for the county checklist's insurance (MED003–006), education-stage (EDU003–004),
industry (IND) and exited-village (VIL003–009) problems.

The monitoring-era ones edit the monitoring record the generator wrote (identification date,
verification and assistance kept 2–14 days after it, as :mod:`planner.generate.household`
writes them). A village injector first fills every count of the 2023 village sheet with clean
values, so that only the planted problem is blank or inconsistent; the exited-village ones make
the village exited.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.edits import (
    addressed,
    ages,
    ensure_monitored,
    has_health_measure,
    identify,
    in_scope,
    record_no_out_of_pocket,
)
from planner.generate.household import (
    PREMIUM_SUBSIDY_ITEM,
    BuildContext,
    measure_record,
)
from planner.generate.problems import Expected, Injector, NotApplicable, injector

Household = dict[str, Any]
Record = dict[str, Any]
ILL = ("chronic_illness", "serious_illness")


def _month_day(ctx: BuildContext, name: str, year: int) -> date:
    return date.fromisoformat(f"{year}-{ctx.values[name]}")


def _open_monitoring(household: Household) -> dict[str, Any]:
    monitoring = household.get("monitoring")
    if monitoring is None or monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("not monitored with its risk open")
    return monitoring


def _monitoring_start(ctx: BuildContext) -> date:
    return date.fromisoformat(str(ctx.values["monitoring.start"]))


@injector("MED003", monitoring_era=True)
def premium_subsidy_missing(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household identified by this year's premium-subsidy cut-off whose health measures lack
    the subsidy."""
    _open_monitoring(household)
    year = ctx.when.year
    cutoff = _month_day(ctx, "insurance.premium_subsidy_cutoff", year)
    if ctx.when <= cutoff:
        raise NotApplicable("the cut-off has not passed")
    start = _month_day(ctx, "insurance.premium_subsidy_collection_start", year - 1)
    identify(household, ctx, max(start, _monitoring_start(ctx)), cutoff, rng)
    household["assistance"] = {"health": ["家庭医生签约服务"]}
    # A need (SUP004 comes with it unless the plan enrols the family).
    unaddressed = [] if addressed(household, "MED003") else [Expected("SUP004")]
    return [Expected("MED003"), *unaddressed]


@injector("MED004", monitoring_era=True)
def premium_subsidy_after_cutoff(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household identified after this year's cut-off with the premium subsidy recorded."""
    _open_monitoring(household)
    year = ctx.when.year
    cutoff = _month_day(ctx, "insurance.premium_subsidy_cutoff", year)
    next_start = _month_day(ctx, "insurance.premium_subsidy_collection_start", year)
    last = min(next_start, ctx.when) - timedelta(days=20)
    identify(household, ctx, max(cutoff + timedelta(days=1), _monitoring_start(ctx)), last, rng)
    household["assistance"] = {"health": [PREMIUM_SUBSIDY_ITEM]}
    return [Expected("MED004")]


@injector("MED005")
def serious_illness_insurance_missing(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member in the resident medical insurance recorded without serious-illness insurance."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    numbers = [n for n, m in enumerate(household["members"], start=1)
               if m.get("medical_insurance") == "resident"]
    if not numbers:
        raise NotApplicable("nobody in the resident scheme")
    number = rng.choice(numbers)
    household["members"][number - 1]["serious_illness_insurance"] = False
    unaddressed = [] if addressed(household, "MED005", number) else [Expected("SUP004", number)]
    return [Expected("MED005", number), *unaddressed]


@injector("MED006", monitoring_era=True)
def illness_without_out_of_pocket(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household monitored for illness, with an ill member and a health measure, that records
    zero eligible out-of-pocket spending."""
    # an illness risk with nobody ill, or without health assistance, is RSK001's or RSK008's
    if not any(m["health"] in ILL for m in household["members"]):
        raise NotApplicable("nobody ill")
    if not has_health_measure(household):
        raise NotApplicable("no health measure")
    ensure_monitored(household, ctx, rng, "illness")
    monitoring = _open_monitoring(household)
    if "illness" not in monitoring["risks"]:
        monitoring["risks"] = [*monitoring["risks"], "illness"]
    record_no_out_of_pocket(household)
    return [Expected("MED006")]


@injector("EDU003")
def healthy_child_in_preschool(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A healthy child one year past school entry still recorded in preschool (a younger
    healthy child of the household, made that age with an ID number to match)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    age = int(ctx.values["education.preschool_healthy_age_max"]) + 1
    numbers = [n for n, (m, years) in enumerate(zip(household["members"], ages(household, ctx),
                                                     strict=True), start=1)
               if 3 <= years <= 11 and m.get("health") == "healthy"]
    if not numbers:
        raise NotApplicable("no healthy child")
    number = rng.choice(numbers)
    member = household["members"][number - 1]
    when = ctx.when
    born = date(when.year - age - 1, when.month, min(when.day, 28)) + timedelta(
        days=rng.randint(1, 300))
    member["birth_date"] = born.isoformat()
    member["id_number"] = ctx.ids.allocate(born, member["sex"] == "male")
    member["schooling"] = "preschool"
    member.pop("grade", None)
    member["benefits"] = [b for b in member.get("benefits") or [] if b != "living_subsidy"]
    return [Expected("EDU003", number)]


@injector("EDU004")
def young_adult_primary_education(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A healthy young adult out of school whose completed education is primary school."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    low = int(ctx.values["education.low_education_age_min"])
    high = int(ctx.values["education.low_education_age_max"])
    numbers = [n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                                   strict=True), start=1)
               if low <= age <= high and m.get("schooling") == "not_student"
               and m.get("health") == "healthy"]
    if not numbers:
        raise NotApplicable("no young adult out of school")
    number = rng.choice(numbers)
    household["members"][number - 1]["education"] = "primary"
    return [Expected("EDU004", number)]


@injector("EDU005")
def student_with_education_level(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A secondary-school student recorded with a completed education level as well."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    numbers = [n for n, m in enumerate(household["members"], start=1)
               if m.get("schooling") in ("junior_secondary", "senior_secondary",
                                         "secondary_vocational")]
    if not numbers:
        raise NotApplicable("no secondary-school student")
    number = rng.choice(numbers)
    household["members"][number - 1]["education"] = "primary"
    return [Expected("EDU005", number)]


@injector("EDU006")
def adult_without_education(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An adult past the school-record ages with neither education nor schooling recorded."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    oldest = int(ctx.values["data_quality.schooling_record_age_max"])
    numbers = [n for n, years in enumerate(ages(household, ctx), start=1) if years > oldest]
    if not numbers:
        raise NotApplicable("no adult")
    number = rng.choice(numbers)
    member = household["members"][number - 1]
    member.pop("education", None)
    member.pop("schooling", None)
    return [Expected("EDU006", number)]


def operating_to_wage(household: Household, ctx: BuildContext,
                      keep: float = 0.0) -> list[Expected]:
    """Record the year's operating income as wage income but ``keep`` yuan of it (the totals
    stay); with nothing kept, a planting or livestock measure of the year then shows no
    operating income either (IND002)."""
    if not in_scope(household) or household.get("income") is None:
        raise NotApplicable("not registered or monitored, or no income")
    year = ctx.when.year
    operating = [item for item in household["income"]
                 if item["category"] == "operating" and item["year"] == year]
    if keep:
        largest = max(operating, key=lambda item: item["amount"], default=None)
        if largest is None or largest["amount"] <= keep:
            raise NotApplicable("too little operating income")
        household["income"].append({**largest, "amount": float(keep)})  # stays operating
        largest["amount"] -= keep
    for item in operating:
        item["category"], item["subtype"] = "wage", "local_work"
    if keep:
        return []
    implemented = any(
        m["measure"] in ("planting_subsidy", "livestock_subsidy")
        and m["status"] in ("in_progress", "done") and m.get("year") == year
        for m in household["measures"]
    )
    return [Expected("IND002")] if implemented else []


@injector("IND001")
def industry_assistance_without_income(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household without operating income whose 产业帮扶 column lists planting support."""
    also = operating_to_wage(household, ctx)
    household["assistance"] = {"industry": [rng.choice(("种植业", "养殖业"))]}
    return [Expected("IND001"), *also]


@injector("IND002")
def industry_measure_without_income(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household without operating income with a planting subsidy done this year."""
    operating_to_wage(household, ctx)
    household["measures"].append(
        measure_record("planting_subsidy", ctx.when, rng, year=ctx.when.year))
    return [Expected("IND002")]


# --- villages --------------------------------------------------------------------------------
def fill_village_sheet(village: Record) -> None:
    """Clean values for every count of the 2023 village sheet, from the village's size."""
    population = village["population"]
    households = village["households_total"]
    village.update({
        "collective_income": float(households * 200),
        "primary_schools": 1,
        "pension_insured_people": population // 2,
        "bus_service": True,
        "clinics": 1,
        "doctors": 1,
        "public_toilets": 2,
        "waste_points": 3,
        "culture_rooms": 1,
        "dibao_people": population // 20,
        "dibao_households": households // 20,
        "tekun_people": population // 100,
        "disabled_people": population // 30,
        "paved_road_to_town": True,
        "unsafe_water_households": 0,
        "dangerous_house_households": 0,
    })


def _exited_sheet(village: Record) -> None:
    # Village injectors cannot decline (generate_area calls them once per village drawn): a
    # village not exited is made one, which no other village rule reads.
    village["exited"] = True
    fill_village_sheet(village)


@injector("VIL003", "village")
def village_blank_field(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """An exited village whose sheet leaves a count blank."""
    _exited_sheet(village)
    village.pop(rng.choice(("doctors", "clinics", "culture_rooms", "tekun_people")))
    return [Expected("VIL003", subject=village["id"])]


def _exited_village_with(code: str, summary: str, values: Record) -> Injector:
    """The injector of ``code``: the village made exited, its sheet holding ``values``."""

    def inject(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
        _exited_sheet(village)
        village.update(values)
        return [Expected(code, subject=village["id"])]

    inject.__doc__ = summary
    return injector(code, "village")(inject)


# Problems of an exited village that are one value (or two that go together) of its sheet.
village_without_people, village_without_collective_income, village_without_paved_road = (
    _exited_village_with(code, summary, values) for code, summary, values in (
        ("VIL004", "An exited village recorded with no households.",
         {"households_total": 0, "dibao_households": 0}),
        ("VIL005", "An exited village without collective-economy income.",
         {"collective_income": 0.0}),
        ("VIL006", "An exited village without a paved road to the township.",
         {"paved_road_to_town": False}),
    )
)


@injector("VIL007", "village")
def village_problem_households(
    village: Record, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited village with more unsafe-water and dangerous-house households than households."""
    _exited_sheet(village)
    total = village["households_total"]
    village["unsafe_water_households"] = total // 2 + 1
    village["dangerous_house_households"] = total - total // 2 + rng.randint(1, 20)
    return [Expected("VIL007", subject=village["id"])]


@injector("VIL008", "village")
def village_without_doctor(
    village: Record, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited village without a clinic or without a licensed doctor."""
    _exited_sheet(village)
    village[rng.choice(("clinics", "doctors"))] = 0
    return [Expected("VIL008", subject=village["id"])]


@injector("VIL009", "village")
def village_counts_exceed(
    village: Record, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A village whose 低保 recipients outnumber its people."""
    fill_village_sheet(village)
    village["dibao_people"] = village["population"] + rng.randint(1, 200)
    return [Expected("VIL009", subject=village["id"])]


INJECTORS: tuple[Injector, ...] = (
    premium_subsidy_missing,
    premium_subsidy_after_cutoff,
    serious_illness_insurance_missing,
    illness_without_out_of_pocket,
    healthy_child_in_preschool,
    young_adult_primary_education,
    student_with_education_level,
    adult_without_education,
    industry_assistance_without_income,
    industry_measure_without_income,
    village_blank_field,
    village_without_people,
    village_without_collective_income,
    village_without_paved_road,
    village_problem_households,
    village_without_doctor,
    village_counts_exceed,
)
