"""A clean synthetic household: a complete, consistent record that no built-in rule flags.

The base generator is deliberately conservative: every household has someone able to work, income
above the monitoring range with transfers a minority, a safe house and safe water, insurance for
everyone, aid for every student, a helper who visited recently, and measures that fit the people
they are for. Problems are added afterwards by the injectors, one code at a time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.facts import ACTIVE_STATUSES, age_on
from planner.facts.risk import BENEFIT_KINDS
from planner.generate.config import GeneratorConfig
from planner.generate.economy import build_income, per_capita, record_income
from planner.generate.identity import IdAllocator, phone_number
from planner.generate.layout import CountyLayout, VillageSlot, county_layout
from planner.generate.members import build_members, compose, students_without_labour
from planner.measures import default_catalog
from planner.params import ParamValues, default_parameters

Household = dict[str, Any]

STATUS_WEIGHTS = {"exited": 70, "pre_exit": 15, "poor": 3, "general": 12}
# After the registration era (monitoring.registration_end) a household is 脱贫户 or 一般户 only.
MONITORING_ERA_STATUS_WEIGHTS = {"exited": 80, "general": 20}
# The share of households of each status monitored in each group, in the monitoring era: a
# 脱贫不稳定户 is always an exited household, a 边缘易致贫户 a general one, a 突发严重困难户 either.
MONITORING_ERA_GROUPS = {
    "exited": (("unstable_exited", 0.06), ("sudden_hardship", 0.02)),
    "general": (("marginal", 0.30), ("sudden_hardship", 0.03)),
}
MEASURE_RESPONSIBLE = {
    "planting_subsidy": "县农业农村局",
    "livestock_subsidy": "县农业农村局",
    "skills_training": "县人力资源和社会保障局",
    "job_placement": "县人力资源和社会保障局",
    "public_welfare_post": "乡镇人民政府",
    "cooperative_linkage": "乡镇人民政府",
    "dibao": "县民政局",
}


@dataclass(slots=True)
class BuildContext:
    """Everything the builders share for one dataset: dates, parameters, layout, ID allocator."""

    config: GeneratorConfig
    when: date
    values: ParamValues
    layout: CountyLayout
    ids: IdAllocator
    floor: float
    transfer_share_max: float
    monitoring_on: bool
    registration_on: bool = True  # on or before monitoring.registration_end

    @classmethod
    def create(cls, config: GeneratorConfig) -> BuildContext:
        """The context of ``config``: its parameters in force and its county."""
        when = config.when
        values = (config.parameters or default_parameters()).at(when)
        line = float(values.get("income.poverty_line") or 0)
        threshold = values.get("monitoring.threshold")
        floor = max(line, float(threshold or 0)) * 1.08 + 200
        layout = county_layout(
            config.seed,
            when,
            config.town_count,
            config.village_count,
            province=config.province,
            city=config.city,
            county=config.county,
            county_code=config.county_code,
            names=None
            if config.town_villages is None
            else [(town, list(villages)) for town, villages in config.town_villages],
        )
        overflow = tuple(f"{int(config.county_code) + k:06d}" for k in range(1, 10))
        start = values.get("monitoring.start")
        monitoring_on = threshold is not None and (
            start is None or date.fromisoformat(str(start)) <= when
        )
        end = values.get("monitoring.registration_end")
        registration_on = end is None or when <= date.fromisoformat(str(end))
        return cls(
            config,
            when,
            values,
            layout,
            IdAllocator(config.county_code, overflow, config.reserved_ids),
            floor,
            min(0.4, float(values.get("income.transfer_share_max") or 0.5) - 0.1),
            monitoring_on,
            registration_on,
        )


def household_id(slot: VillageSlot, index: int) -> str:
    """户编号: county-town-village code, then a dataset-wide sequence number."""
    return f"{slot.code[:6]}-{slot.code[6:]}-{index + 1:07d}"


def member_ages(household: Household, when: date) -> list[int]:
    """Completed ages of the members on ``when`` (members always have a birth date here)."""
    return [age_on(date.fromisoformat(m["birth_date"]), when) or 0 for m in household["members"]]


def measure_record(
    measure: str,
    when: date,
    rng: random.Random,
    *,
    beneficiary: int | None = None,
    year: int | None = None,
    done: bool = True,
    gain: float | None = None,
) -> dict[str, Any]:
    """A measure of ``year`` already done (or in progress, due at year end) on ``when``."""
    year = year or when.year
    start = date(year, rng.randint(1, 3 if year == when.year else 6), 1)
    entry: dict[str, Any] = {
        "measure": measure,
        "status": "done" if done else "in_progress",
        "year": year,
        "start": start.isoformat(),
    }
    if done:
        completed = start + timedelta(days=rng.randint(20, 120))
        entry["due"] = (completed + timedelta(days=rng.randint(0, 30))).isoformat()
        entry["completed"] = min(completed, when - timedelta(days=1)).isoformat()
    else:
        entry["due"] = date(when.year, 12, 31).isoformat()
    entry["responsible"] = MEASURE_RESPONSIBLE.get(measure, "乡镇人民政府")
    if beneficiary is not None:
        entry["beneficiary"] = beneficiary
    if gain:
        entry["expected_annual_gain"] = float(round(gain))
    return entry


def _measures(
    rng: random.Random, household: Household, ages: list[int], when: date, dibao: bool
) -> list[dict[str, Any]]:
    measures: list[dict[str, Any]] = []
    members = household["members"]
    for number, (member, age) in enumerate(zip(members, ages, strict=True), start=1):
        for spell in member["employment"]:
            if (
                spell["place"] in ("in_province", "out_of_province")
                and age <= 60
                and rng.random() < 0.7
            ):
                measures.append(
                    measure_record(
                        "skills_training", when, rng, beneficiary=number, year=when.year - 1
                    )
                )
                measures.append(
                    measure_record(
                        "job_placement",
                        when,
                        rng,
                        beneficiary=number,
                        gain=spell["monthly_pay"] * spell["months"],
                    )
                )
        if member["public_welfare_posts"]:
            measures.append(
                measure_record(
                    "public_welfare_post",
                    when,
                    rng,
                    beneficiary=number,
                    gain=member["public_welfare_posts"][0]["monthly_pay"] * 12,
                )
            )
    subtypes = {s["subtype"] for s in household["income"]}
    if "planting" in subtypes and rng.random() < 0.6:
        measures.append(
            measure_record(
                "planting_subsidy", when, rng, year=rng.choice((when.year - 1, when.year))
            )
        )
    if "dividend" in subtypes:
        measures.append(measure_record("cooperative_linkage", when, rng, year=when.year - 1))
    if dibao:
        measures.append(measure_record("dibao", when, rng, year=when.year))
    if not any(
        m["measure"]
        in ("planting_subsidy", "job_placement", "public_welfare_post", "cooperative_linkage")
        for m in measures
    ):
        measures.append(measure_record("planting_subsidy", when, rng, year=when.year - 1))
    return measures


def _housing(rng: random.Random, size: int) -> dict[str, Any]:
    rooms = max(2, min(6, size + rng.randint(-1, 1)))
    relocated = rng.random() < 0.06
    area = float(round(size * (rng.uniform(20, 25) if relocated else rng.uniform(22, 40))))
    return {
        "safety_grade": "A" if relocated or rng.random() < 0.35 else "B",
        "rooms_total": rooms,
        "rooms_usable": rooms,
        "floor_area": area,
        "usable_area": area,
        "renovation": "done" if not relocated and rng.random() < 0.15 else "none",
        "relocation": "done" if relocated else "none",
    }


def _water(rng: random.Random) -> dict[str, Any]:
    piped = rng.random() < 0.85
    return {
        "quality_safe": True,
        "litres_per_person_day": float(rng.randrange(40, 81, 5)),
        "fetch_minutes_round_trip": 0.0 if piped else float(rng.randrange(5, 16)),
        "piped_into_home": piped,
        "reliability": round(rng.uniform(0.93, 0.99), 2),
    }


def _living(rng: random.Random) -> dict[str, Any]:
    return {
        "electricity": True,
        "sanitary_toilet": rng.random() < 0.8,
        "entry_road": rng.choices(("cement", "asphalt", "gravel"), (70, 10, 20))[0],
        "distance_to_main_road_km": round(rng.uniform(0, 3), 1),
        "cultivated_mu": round(rng.uniform(0.5, 8), 1),
        "forest_mu": round(rng.uniform(0, 20), 1),
        "grassland_mu": 0.0,
        "water_surface_mu": 0.0,
        "cooperative_member": rng.random() < 0.4,
    }


def _visits(
    rng: random.Random, when: date, helper: dict[str, Any], interval: int
) -> list[dict[str, Any]]:
    last = when - timedelta(days=rng.randint(5, max(6, min(60, interval - 10))))
    visits = [last]
    for _ in range(rng.randint(1, 4)):
        visits.append(visits[-1] - timedelta(days=rng.randint(30, 80)))
    return [{"on": d.isoformat(), "visitor": helper["name"]} for d in reversed(visits)]


def _causes(rng: random.Random, members: list[dict[str, Any]]) -> list[str]:
    causes = []
    if any(m["health"] in ("chronic_illness", "serious_illness") for m in members):
        causes.append("illness")
    if any(m["health"] == "disabled" for m in members):
        causes.append("disability")
    if any(
        m["schooling"]
        in ("senior_secondary", "secondary_vocational", "higher_vocational", "undergraduate")
        for m in members
    ):
        causes.append("schooling")
    rng.shuffle(causes)
    generic = ["lack_of_skills", "lack_of_funds", "poor_transport", "lack_of_land"]
    causes = [*causes[:1], rng.choice(generic)]
    if rng.random() < 0.3:
        extra = rng.choice(generic)
        if extra not in causes:
            causes.append(extra)
    return causes


#: Benefits that are kinds of assistance received, as the risk rules count them.
HEALTH_BENEFITS, PROTECTION_BENEFITS, EDUCATION_BENEFITS = (
    tuple(sorted(BENEFIT_KINDS[f"{kind}_BENEFITS"]))
    for kind in ("HEALTH", "PROTECTION", "EDUCATION")
)


def health_risk(members: list[dict[str, Any]]) -> str:
    """The risk type (RiskType value) a clean household's members bear out, with its matching
    assistance in place: illness for an ill member (who has a family doctor), disability for a
    disabled member on a protection benefit, else unstable work."""
    if any(m.get("health") in ("chronic_illness", "serious_illness") for m in members):
        return "illness"
    if any(m.get("health") == "disabled" and set(PROTECTION_BENEFITS) & set(m.get("benefits") or ())
           for m in members):
        return "disability"
    return "unstable_employment"


def _monitoring(
    rng: random.Random, when: date, values: ParamValues, members: list[dict[str, Any]], group: str
) -> dict[str, Any]:
    start = date.fromisoformat(str(values.get("monitoring.start") or f"{when.year}-01-01"))
    latest = max(start, when - timedelta(days=40))
    identified = date.fromordinal(rng.randint(start.toordinal(), latest.toordinal()))
    verified = identified + timedelta(days=rng.randint(2, 10))
    assisted = verified + timedelta(days=rng.randint(1, 4))
    risks = [health_risk(members)]
    return {
        "group": group,
        "identified_on": identified.isoformat(),
        "verified_on": verified.isoformat(),
        "assisted_on": assisted.isoformat(),
        "risks": risks,
        "risk_eliminated": False,
    }


def above_identification_ceiling(
    household: dict[str, Any], values: ParamValues, identified: date, year: int
) -> bool:
    """Whether identifying ``household`` on ``identified`` as 脱贫不稳定户 or 边缘易致贫户 would
    be MON009's problem: identified since risk.identification_income_check_from with a
    per-capita income above risk.identification_income_max (domain.md §1.3)."""
    check_from = values.get("risk.identification_income_check_from")
    ceiling = values.get("risk.identification_income_max")
    return (
        check_from is not None
        and ceiling is not None
        and identified >= date.fromisoformat(str(check_from))
        and per_capita(household, year) > float(ceiling)
    )


def build_household(
    ctx: BuildContext, index: int, rng: random.Random, head: dict[str, Any] | None = None
) -> Household:
    """The clean household number ``index`` (0-based).

    ``head`` is an existing person (a member record) who heads this household: their identity
    (ID number, name, sex, birth date) is reused, everything else is generated around them.
    """
    when = ctx.when
    slot = ctx.layout.villages[rng.randrange(len(ctx.layout.villages))]
    weights = STATUS_WEIGHTS if ctx.registration_on else MONITORING_ERA_STATUS_WEIGHTS
    status = rng.choices(list(weights), list(weights.values()))[0]
    dibao = status != "general" and rng.random() < 0.12
    fixed = None
    if head is not None:
        fixed = (head["sex"] == "male", age_on(date.fromisoformat(head["birth_date"]), when) or 0)
    while True:
        members = build_members(rng, compose(rng, fixed), when, ctx.ids, index, True, dibao)
        if not ctx.registration_on:
            students_without_labour(members)
        if any(m["labour_capacity"] in ("normal", "skilled") for m in members):
            break
    if head is not None:
        members[0].update({key: head[key] for key in ("id_number", "name", "sex", "birth_date")})
    household: Household = {
        "id": household_id(slot, index),
        "region": ctx.layout.region(slot),
        "status": status,
        "category": "dibao" if dibao else "general",
        "causes": [] if status == "general" else _causes(rng, members),
        "members": members,
        "recorded_size": len(members),
        "income_year": when.year,
        "living": _living(rng),
    }
    ages = member_ages(household, when)
    build_income(
        rng,
        household,
        ages,
        when,
        ctx.layout.county,
        floor=ctx.floor,
        transfer_share_max=ctx.transfer_share_max,
        dibao=dibao,
    )
    record_income(household, when.year, rng.uniform(0.03, 0.18))
    household["compliant_out_of_pocket"] = float(rng.randrange(0, 3001, 100))
    household["housing"] = _housing(rng, len(members))
    household["water"] = _water(rng)
    household["food_secure"] = True
    household["clothing_secure"] = True
    household["phone"] = members[0].get("phone") or phone_number(index * 8)
    household["measures"] = _measures(rng, household, ages, when, dibao)
    if not ctx.registration_on:
        industry_shows_income(household, when.year)
    helper = rng.choice(slot.helpers)
    household["helper"] = dict(helper)
    household["collector"] = slot.collector(index)
    household["visits"] = _visits(
        rng, when, helper, int(ctx.values.get("support.visit_interval_days") or 90)
    )
    household["policy_awareness"] = {
        "health": True,
        "education": True,
        "housing": True,
        "credit": True,
    }
    if status == "pre_exit":
        household["exit_target"] = date(when.year, rng.choice((11, 12)), 30).isoformat()
    if not ctx.registration_on:
        _monitoring_era(ctx, rng, household)
    elif ctx.monitoring_on and (
        status == "general" or (status == "exited" and rng.random() < 0.06)
    ):
        group = "marginal" if status == "general" else "unstable_exited"
        household["monitoring"] = _monitoring(rng, when, ctx.values, members, group)
    if household.get("monitoring"):
        ill_monitored_spending(household)
        record_premium_subsidy(household, ctx)
    return household


def _monitoring_era(ctx: BuildContext, rng: random.Random, household: Household) -> None:
    """The monitoring era's fields: the group by status (MONITORING_ERA_GROUPS), the rigid
    expenditure that makes a 突发严重困难户 (its income stays above the range, domain.md §1.3),
    and 整户无劳动能力兜底 (never: every clean household has someone able to work)."""
    household["no_labour_safety_net"] = False
    draw = rng.random()
    for group, share in MONITORING_ERA_GROUPS[household["status"]]:
        if draw >= share:
            draw -= share
            continue
        members = household["members"]
        monitoring = _monitoring(rng, ctx.when, ctx.values, members, group)
        if group != "sudden_hardship" and above_identification_ceiling(
            household, ctx.values, date.fromisoformat(monitoring["identified_on"]), ctx.when.year
        ):
            return  # too well off to be identified in this group: not monitored
        if group == "sudden_hardship":
            ill = any(m["health"] != "healthy" for m in members)
            monitoring["risks"] = ["illness" if ill else "accident"]
            household["compliant_out_of_pocket"] = float(rng.randrange(20_000, 60_001, 500))
        household["monitoring"] = monitoring
        return


def industry_shows_income(household: dict[str, Any], year: int) -> None:
    """A household whose plan holds an active industry measure (产业帮扶: planting, a
    cooperative's linkage …) earns some operating income from it, as IND001 asks of the export's
    产业帮扶 column (which lists every active measure): planting income on the household's land
    where it has none. No draw, so the rest of the household is generated as before; the
    registered income is recorded again at the same growth."""
    catalog = default_catalog()
    active = {status.value for status in ACTIVE_STATUSES}
    industry = any(m["status"] in active and m["measure"] in set(catalog)
                   and catalog[m["measure"]].family == "industry" for m in household["measures"])
    operating = sum(i["amount"] for i in household["income"]
                    if i["category"] == "operating" and i["year"] == year)
    if not industry or operating > 0:
        return
    amount = float(round(household["living"]["cultivated_mu"] * 600 + 500))
    household["income"].append(
        {"category": "operating", "subtype": "planting", "amount": amount, "year": year})
    household["production_costs"].append({"amount": float(round(amount * 0.2)), "year": year})
    last = household["income_history"][str(year - 1)]
    growth = household["recorded_per_capita_income"] / last - 1 if last else 0.0
    record_income(household, year, growth)


#: The item of 健康帮扶 that records the resident medical-insurance premium subsidy.
PREMIUM_SUBSIDY_ITEM = "城乡居民基本医疗保险个人缴费补贴"


def premium_subsidy_window(ctx: BuildContext) -> tuple[date, date] | None:
    """The identification dates subsidised for the reference year's premium: from
    insurance.premium_subsidy_collection_start of the year before to
    insurance.premium_subsidy_cutoff of the year (MED003, MED004); None without them."""
    start = ctx.values.get("insurance.premium_subsidy_collection_start")
    cutoff = ctx.values.get("insurance.premium_subsidy_cutoff")
    if start is None or cutoff is None:
        return None
    year = ctx.when.year
    return (date.fromisoformat(f"{year - 1}-{start}"), date.fromisoformat(f"{year}-{cutoff}"))


def record_premium_subsidy(household: dict[str, Any], ctx: BuildContext) -> None:
    """A monitored household with its risk open, identified within the premium-subsidy window,
    has the subsidy under 健康帮扶, as the county records it (MED003 flags its absence); one
    identified outside it has not (MED004 flags a subsidy after the cut-off). Called again when
    an edit moves the identification. Monitoring era only: the registration-era datasets keep
    their records."""
    monitoring = household.get("monitoring") or {}
    window = premium_subsidy_window(ctx)
    if ctx.registration_on or window is None or monitoring.get("risk_eliminated") is not False \
            or not monitoring.get("identified_on"):
        return
    assistance = household.get("assistance") or {}
    health = [item for item in assistance.get("health") or () if item != PREMIUM_SUBSIDY_ITEM]
    if window[0] <= date.fromisoformat(monitoring["identified_on"]) <= window[1]:
        health.append(PREMIUM_SUBSIDY_ITEM)
    if health or assistance.get("health") is not None:
        assistance["health"] = health or None
        household["assistance"] = assistance


def ill_monitored_spending(household: dict[str, Any]) -> None:
    """A monitored household with an ill or disabled member pays something out of pocket
    (MED006 flags zero). No draw: the rest of the household is generated as before."""
    ill = any(m["health"] != "healthy" for m in household["members"])
    if ill and household.get("compliant_out_of_pocket") == 0:
        household["compliant_out_of_pocket"] = 100.0
