"""Injectors for the need rules: income (INC), basic needs (BAS), schooling (EDU), health (MED),
housing (HOU), water (WAT) and policy awareness (POL).

Each injector also plans a measure addressing its need, so SUP004 (unaddressed need) stays
quiet, and enrols exited or ordinary households with a 三保障/water need in monitoring, so
MON001 (should be monitored) stays quiet. Needs whose own rule already requires "no addressing
measure" (EDU002, MED002) legitimately come with SUP004, and the manifest says so.
"""

from __future__ import annotations

import random
from typing import Any

from planner.generate.economy import totals
from planner.generate.edits import (
    add_new_income_measure,
    addressed,
    ages,
    current_per_capita,
    drop_income_measures_this_year,
    ensure_monitored,
    has_health_measure,
    in_scope,
    make_pre_exit,
    open_risk,
    planned,
    rerecord,
    school_entry_ages,
    set_per_capita,
    transfer_share,
)
from planner.generate.household import BuildContext, measure_record
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]
COMPULSORY = ("primary", "junior_secondary")
AID = ("living_subsidy", "education_aid")


def _line(ctx: BuildContext) -> float:
    return float(ctx.values["income.poverty_line"])


def _lower_income(
    household: Household, ctx: BuildContext, rng: random.Random, target: float
) -> None:
    if not set_per_capita(household, ctx, target):
        raise NotApplicable("no earned income to lower")
    limit = float(ctx.values.get("income.transfer_share_max") or 0.5) - 0.05
    if transfer_share(household, ctx.when.year) > limit:
        raise NotApplicable("lowering income would make it transfer-dependent (INC004)")
    rerecord(household, ctx, rng)


@injector("INC001", registration_era=True)
def income_below_line(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pre-exit household below the line, with a new measure planned that would lift it."""
    make_pre_exit(household, ctx)
    line = _line(ctx)
    _lower_income(household, ctx, rng, line * rng.uniform(0.6, 0.92))
    size = len(household["members"])
    gain = (line - current_per_capita(household, ctx)) * size + rng.uniform(500, 2000)
    if not add_new_income_measure(household, ctx, rng, gain):
        raise NotApplicable("nobody to take a new income measure")
    return [Expected("INC001")]


@injector("INC002")
def no_income_measure(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """The 2,808-yuan case: low income, able to work, no new income-raising measure this year."""
    threshold = ctx.values.get("monitoring.threshold") if ctx.monitoring_on else None
    if not ctx.registration_on and threshold is not None:
        # The monitoring era: no line and no registered poor; a monitored household within the
        # range (monitored, so MON001 stays quiet).
        ensure_monitored(household, ctx, rng)
        target = rng.uniform(float(threshold) * 0.6, float(threshold) * 0.95)
    elif threshold is not None and threshold > _line(ctx) * 1.15:
        line = _line(ctx)
        make_pre_exit(household, ctx)
        target = rng.uniform(line * 1.05, float(threshold) * 0.95)
    else:  # before monitoring: a registered poor household below the line (INC001 is for exits)
        line = _line(ctx)
        household["status"] = "poor"
        household.pop("monitoring", None)
        household.pop("exit_target", None)
        household["causes"] = household["causes"] or ["lack_of_funds"]
        target = line * rng.uniform(0.6, 0.92)
    _lower_income(household, ctx, rng, target)
    drop_income_measures_this_year(household, ctx)
    if not addressed(household, "INC002"):
        household["measures"].append(
            measure_record("planting_subsidy", ctx.when, rng, year=ctx.when.year - 1)
        )
    return [Expected("INC002")]


@injector("INC003", registration_era=True)
def exit_at_risk(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A pre-exit household whose planned measures will not lift it over the line by its exit
    (below the line now, so INC001 comes with it)."""
    make_pre_exit(household, ctx)
    line = _line(ctx)
    _lower_income(household, ctx, rng, line * rng.uniform(0.6, 0.85))
    size = len(household["members"])
    gain = (line - current_per_capita(household, ctx)) * size * rng.uniform(0.1, 0.5)
    if not add_new_income_measure(household, ctx, rng, gain):
        raise NotApplicable("nobody to take a new income measure")
    return [Expected("INC001"), Expected("INC003")]


def near_line_limit(ctx: BuildContext) -> tuple[float, float]:
    """The line of the year (the poverty line, else the monitoring range) and the near-the-line
    limit above it (income.near_line_ratio times it), as INC004 and INC005 read them."""
    line = ctx.values.get("income.poverty_line") or ctx.values["monitoring.threshold"]
    return float(line), float(line) * float(ctx.values["income.near_line_ratio"])


@injector("INC004", registration_era=True)
def transfer_dependent(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pre-exit household just above the line living mainly on policy transfers, with a member
    of full labour (a new income measure is planned, so INC002 stays quiet)."""
    if household["status"] not in ("pre_exit", "exited"):
        raise NotApplicable("INC004 concerns pre-exit and exited households")
    if not any(m.get("labour_capacity") in ("normal", "skilled") for m in household["members"]):
        raise NotApplicable("nobody of full labour")
    make_pre_exit(household, ctx)  # in range from 2020: not yet exited, so MON001 stays quiet
    year = ctx.when.year
    line, limit = near_line_limit(ctx)
    target = rng.uniform(line * 1.1, limit * 0.9)
    share = rng.uniform(float(ctx.values["income.transfer_share_max"]) + 0.08, 0.85)
    size = len(household["members"])
    # Earned income so that, with the policy transfer added, net income is the target.
    gross, costs, transfer = totals(household, year)
    if not set_per_capita(household, ctx, target * (1 - share) + transfer / size):
        raise NotApplicable("no earned income to lower")
    gross, costs, transfer = totals(household, year)
    extra = (share * gross - transfer) / (1 - share)
    if extra <= 0 or not line * 1.02 <= (gross + extra - costs) / size < limit * 0.97:
        raise NotApplicable("the policy income needed leaves the band near the line")
    household["income"].append(
        {"category": "transfer", "subtype": "eco_compensation", "amount": float(round(extra)),
         "year": year}
    )
    rerecord(household, ctx, rng)
    drop_income_measures_this_year(household, ctx)
    if not add_new_income_measure(household, ctx, rng, rng.uniform(4000, 9000)):
        raise NotApplicable("nobody to take a new income measure")
    return [Expected("INC004")]


@injector("INC005")
def income_drop(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """Per-capita income fell sharply since last year, to near the line (above the line and,
    where the band allows, above the monitoring range and its rigid expenditure)."""
    line, limit = near_line_limit(ctx)
    threshold = float(ctx.values["monitoring.threshold"]) if ctx.monitoring_on else 0.0
    size = len(household["members"])
    rigid = float(household.get("compliant_out_of_pocket") or 0) / size
    floor = max(line, threshold + rigid) * 1.05
    if floor >= limit * 0.95:
        # 2020: the band near the line lies in the monitoring range; a pre-exit household
        # (not yet exited, so MON001 stays quiet) with a new income measure (INC002 quiet).
        make_pre_exit(household, ctx)
        floor = line * 1.05
    if not set_per_capita(household, ctx, rng.uniform(floor, limit * 0.95)):
        raise NotApplicable("no earned income to lower")
    limit_share = float(ctx.values.get("income.transfer_share_max") or 0.5) - 0.05
    if transfer_share(household, ctx.when.year) > limit_share:
        raise NotApplicable("lowering income would make it transfer-dependent (INC004)")
    rerecord(household, ctx, rng)
    drop = float(ctx.values.get("income.income_drop_share_max") or 0.3)
    current = household["recorded_per_capita_income"]
    previous = current / (1 - rng.uniform(drop + 0.08, drop + 0.3))
    household["income_history"] = {str(ctx.when.year - 1): round(previous, 2)}
    drop_income_measures_this_year(household, ctx)
    candidates = [
        n
        for n, a in enumerate(ages(household, ctx), start=1)
        if 16 <= a <= 64
        and household["members"][n - 1]["labour_capacity"] in ("normal", "skilled", "weak")
        and household["members"][n - 1]["schooling"] == "not_student"
    ]
    if not candidates:
        raise NotApplicable("nobody for a workshop job")
    household["measures"].append(
        planned("workshop_job", ctx, rng, beneficiary=rng.choice(candidates),
                gain=rng.uniform(6000, 12000))
    )
    return [Expected("INC005")]


@injector("BAS001")
def basic_needs_unmet(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Food or clothing not secure (不愁吃、不愁穿), with 低保 planned."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    household["food_secure" if rng.random() < 0.6 else "clothing_secure"] = False
    if not addressed(household, "BAS001"):
        household["measures"].append(planned("dibao", ctx, rng))
    return [Expected("BAS001")]


def _pick(rng: random.Random, numbers: list[int], what: str) -> int:
    if not numbers:
        raise NotApplicable(f"no {what}")
    return rng.choice(numbers)


@injector("EDU001")
def out_of_school(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A compulsory-age pupil has dropped out (失学辍学); a return to school is planned."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    low, high = (
        ctx.values["education.compulsory_age_min"],
        ctx.values["education.compulsory_age_max"],
    )
    number = _pick(
        rng,
        [
            n
            for n, (m, a, entry) in enumerate(
                zip(household["members"], ages(household, ctx), school_entry_ages(household, ctx),
                    strict=True), start=1
            )
            if low <= entry and a <= min(high, 14) and m["schooling"] in COMPULSORY
        ],
        "pupil",
    )
    member = household["members"][number - 1]
    member["schooling"] = "dropped_out"
    member.pop("grade", None)
    member["dropout_reason"] = rng.choice(("厌学", "外出务工", "家庭困难"))
    member["benefits"] = [b for b in member["benefits"] if b not in AID]
    household["measures"].append(planned("dropout_return", ctx, rng, beneficiary=number))
    ensure_monitored(household, ctx, rng, "education")
    return [Expected("EDU001", number)]


@injector("EDU002")
def student_without_aid(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pupil or vocational student without the aid due (its own rule requires no addressing
    measure, so SUP004 comes with it)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    number = _pick(
        rng,
        [
            n
            for n, m in enumerate(household["members"], start=1)
            if m["schooling"] in (*COMPULSORY, "secondary_vocational", "higher_vocational")
        ],
        "student",
    )
    member = household["members"][number - 1]
    member["benefits"] = [b for b in member["benefits"] if b not in AID]
    if member["schooling"] in COMPULSORY:
        member["boarding"] = True  # the national living subsidy is for boarders
    return [Expected("EDU002", number), Expected("SUP004", number)]


@injector("MED001")
def uninsured_member(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A member without basic medical insurance; enrolment is planned."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    number = rng.randrange(len(household["members"])) + 1
    member = household["members"][number - 1]
    member["medical_insurance"] = "none"
    member["serious_illness_insurance"] = False
    # 医疗救助 is paid in the insurance's one-stop settlement: none without it (MED007).
    member["benefits"] = [b for b in member["benefits"] if b != "medical_assistance"]
    household["measures"].append(planned("insurance_enrolment", ctx, rng, beneficiary=number))
    ensure_monitored(household, ctx, rng, "medical")
    return [Expected("MED001", number)]


@injector("MED002")
def illness_without_support(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An ill member with neither a family doctor nor medical assistance (SUP004 comes with it)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    number = _pick(
        rng,
        [
            n
            for n, m in enumerate(household["members"], start=1)
            if m["health"] in ("chronic_illness", "serious_illness")
        ],
        "ill member",
    )
    member = household["members"][number - 1]
    member["benefits"] = [
        b for b in member["benefits"] if b not in ("family_doctor", "medical_assistance")
    ]
    # monitored for illness with no other health assistance left: RSK008 comes with it
    unassisted = open_risk(household, "illness") and not has_health_measure(household)
    return [Expected("MED002", number), Expected("SUP004", number),
            *([Expected("RSK008")] if unassisted else [])]


@injector("HOU001")
def unsafe_house(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A grade C or D house with no renovation done yet (renovation planned)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    housing = household["housing"]
    housing["safety_grade"] = rng.choice(("C", "D"))
    housing["renovation"] = rng.choice(("none", "planned"))
    housing["relocation"] = "none"
    household["measures"].append(planned("housing_renovation", ctx, rng))
    ensure_monitored(household, ctx, rng, "housing")
    return [Expected("HOU001")]


def cramp_housing(household: Household, rng: random.Random) -> None:
    """Leave one usable room of three or more, sometimes with little usable area as well."""
    housing = household["housing"]
    size = len(household["members"])
    # HOU002 judges rooms only (no sourced area minimum): both draws leave one room of three
    # or more, the second with a small usable area too (the draws kept as they were).
    if rng.random() >= 0.6:
        housing["usable_area"] = float(round(size * rng.uniform(6, 11)))
    housing["rooms_total"] = max(3, housing["rooms_total"])
    housing["rooms_usable"] = 1


@injector("HOU002")
def insufficient_living_space(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Too few usable rooms (one of three), an assessment planned (not yet done)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    cramp_housing(household, rng)
    household["measures"].append(planned("housing_assessment", ctx, rng))
    return [Expected("HOU002")]


@injector("WAT001")
def unsafe_water_quality(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Drinking water fails the quality test; a connection to a safe supply is planned."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    household["water"]["quality_safe"] = False
    household["measures"].append(planned("water_connection", ctx, rng))
    ensure_monitored(household, ctx, rng, "water")
    return [Expected("WAT001")]


def dry_water(household: Household, rng: random.Random, ctx: BuildContext) -> None:
    """Fail one water-access indicator: quantity, convenience or reliability."""
    water = household["water"]
    kind = rng.choice(("quantity", "convenience", "reliability"))
    if kind == "quantity":
        # below the minimum of the household's area kind, recorded half of the time (丰水地区
        # 35 L, 缺水地区 or unrecorded 20 L: household.water_litres_min)
        rich = rng.choice((True, False, None))
        water["water_rich_area"] = rich
        minimum = float(ctx.values["water.litres_per_person_day_min_water_rich" if rich
                                   else "water.litres_per_person_day_min"])
        water["litres_per_person_day"] = float(round(minimum * rng.uniform(0.5, 0.9)))
    elif kind == "convenience":
        water["piped_into_home"] = False
        water["fetch_minutes_round_trip"] = float(
            ctx.values["water.fetch_minutes_max"] + rng.randint(5, 30)
        )
    else:
        water["reliability"] = round(
            float(ctx.values["water.reliability_min"]) - rng.uniform(0.05, 0.2), 2
        )


@injector("WAT002")
def inadequate_water_access(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Too little water, too far to fetch, or too often cut; a connection is planned."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    dry_water(household, rng, ctx)
    household["measures"].append(planned("water_connection", ctx, rng))
    ensure_monitored(household, ctx, rng, "water")
    return [Expected("WAT002")]


@injector("POL001")
def policy_unaware(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A household with an ill member unaware of the health policy (or with a student, of the
    education policy)."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    ill = any(m["health"] in ("chronic_illness", "serious_illness") for m in household["members"])
    student = any(
        m["schooling"] not in ("not_student", "dropped_out") for m in household["members"]
    )
    if ill:
        household["policy_awareness"]["health"] = False
    elif student:
        household["policy_awareness"]["education"] = False
    else:
        raise NotApplicable("no ill member and no student")
    return [Expected("POL001")]


INJECTORS = (
    income_below_line,
    no_income_measure,
    exit_at_risk,
    transfer_dependent,
    income_drop,
    basic_needs_unmet,
    out_of_school,
    student_without_aid,
    uninsured_member,
    illness_without_support,
    unsafe_house,
    insufficient_living_space,
    unsafe_water_quality,
    inadequate_water_access,
    policy_unaware,
)
