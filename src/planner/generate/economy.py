"""Income, production costs and the assistance measures that go with them.

Income is built from what the members do (work spells, public-welfare posts, farming, pensions,
benefits), so the four categories, the members' records and the measures agree with each other.
A clean household is topped up until its per-capita net income clears ``floor`` and transfers stay
below ``transfer_share_max`` of gross income.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

Household = dict[str, Any]

PAY_BY_PLACE = {
    "in_township": (1800, 2600),
    "in_county": (2200, 3200),
    "in_province": (2800, 4200),
    "out_of_province": (3500, 5500),
}
PLACE_WEIGHTS = {"in_township": 10, "in_county": 25, "in_province": 35, "out_of_province": 30}
PENSION_PER_YEAR = 1320  # 城乡居民基础养老金, about 110 元 a month
COUNTY_BY_PLACE = {
    "in_township": None,
    "in_county": None,
    "in_province": "贵阳市观山湖区",
    "out_of_province": "浙江省宁波市",
}


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def add_work_spell(
    rng: random.Random,
    member: dict[str, Any],
    number: int,
    household: Household,
    when: date,
    county: str,
    place: str | None = None,
) -> float:
    """Give a member a work spell this year (ending by ``when``) and the wage income it earns."""
    place = place or rng.choices(list(PLACE_WEIGHTS), list(PLACE_WEIGHTS.values()))[0]
    low, high = PAY_BY_PLACE[place]
    pay = float(rng.randrange(low, high + 1, 100))
    first = rng.randint(1, min(3, when.month))
    months = rng.randint(min(5, when.month - first + 1), when.month - first + 1)
    last = first + months - 1
    spell: dict[str, Any] = {
        "start": date(when.year, first, 1).isoformat(),
        "place": place,
        "county": COUNTY_BY_PLACE[place] or county,
        "monthly_pay": pay,
        "months": months,
    }
    if last < when.month:
        spell["end"] = _month_end(when.year, last).isoformat()
    member["employment"].append(spell)
    amount = pay * months
    subtype = "local_work" if place in ("in_township", "in_county") else "migrant_work"
    household["income"].append(
        {
            "category": "wage",
            "subtype": subtype,
            "amount": amount,
            "year": when.year,
            "member": number,
        }
    )
    return amount


def add_post(
    rng: random.Random, member: dict[str, Any], number: int, household: Household, when: date
) -> float:
    """Give a member a public-welfare post (公益性岗位) held since early this year."""
    first = rng.randint(1, min(3, when.month))
    pay = float(rng.randrange(600, 901, 50))
    months = when.month - first + 1
    member["public_welfare_posts"].append(
        {
            "name": rng.choice(("护林员", "保洁员", "护路员", "水管员")),
            "start": date(when.year, first, 1).isoformat(),
            "monthly_pay": pay,
        }
    )
    amount = pay * months
    household["income"].append(
        {
            "category": "wage",
            "subtype": "public_welfare_post",
            "amount": amount,
            "year": when.year,
            "member": number,
        }
    )
    return amount


def add_operating(
    rng: random.Random, household: Household, year: int, amount: float, subtype: str
) -> None:
    """Operating income with its production costs (15–35 % of it)."""
    amount = float(round(amount))
    household["income"].append(
        {"category": "operating", "subtype": subtype, "amount": amount, "year": year}
    )
    cost = float(round(amount * rng.uniform(0.15, 0.35)))
    household["production_costs"].append({"amount": cost, "year": year})


def totals(household: Household, year: int) -> tuple[float, float, float]:
    """(gross income, production costs, transfer income) of ``year``."""
    gross = transfer = 0.0
    for source in household["income"]:
        if source["year"] == year:
            gross += source["amount"]
            if source["category"] == "transfer":
                transfer += source["amount"]
    costs = sum(c["amount"] for c in household["production_costs"] if c["year"] == year)
    return gross, costs, transfer


def per_capita(household: Household, year: int) -> float:
    """Per-capita net income of ``year`` over registered members (the official formula)."""
    gross, costs, _ = totals(household, year)
    size = sum(1 for m in household["members"] if m.get("registered", True))
    return (gross - costs) / size if size else 0.0


def record_income(household: Household, year: int, growth: float) -> None:
    """Fill the registered per-capita income and last year's figure (``growth`` since then)."""
    current = round(per_capita(household, year), 2)
    household["recorded_per_capita_income"] = current
    household["income_history"] = {str(year - 1): round(current / (1 + growth), 2)}


def build_income(
    rng: random.Random,
    household: Household,
    ages: list[int],
    when: date,
    county: str,
    *,
    floor: float,
    transfer_share_max: float,
    dibao: bool,
) -> None:
    """All income of a clean household for the year of ``when``, topped up to clear ``floor``."""
    year = when.year
    members = household["members"]
    household["income"] = []
    household["production_costs"] = []
    for number, (member, age) in enumerate(zip(members, ages, strict=True), start=1):
        capable = member["labour_capacity"] in ("normal", "skilled")
        student = member["schooling"] not in ("not_student", "dropped_out")
        if capable and not student and 18 <= age <= 55 and rng.random() < 0.6:
            add_work_spell(rng, member, number, household, when, county)
        elif (
            member["labour_capacity"] in ("normal", "skilled", "weak")
            and not student
            and 30 <= age <= 65
            and rng.random() < 0.1
        ):
            add_post(rng, member, number, household, when)
        if age >= 60:
            household["income"].append(
                {
                    "category": "transfer",
                    "subtype": "pension",
                    "amount": float(PENSION_PER_YEAR),
                    "year": year,
                    "member": number,
                }
            )
    cultivated = household["living"]["cultivated_mu"]
    if rng.random() < 0.85:
        add_operating(rng, household, year, cultivated * rng.uniform(600, 1400) + 500, "planting")
    if rng.random() < 0.35:
        add_operating(rng, household, year, rng.uniform(2000, 12000), "livestock")
    if rng.random() < 0.4:
        household["income"].append(
            {
                "category": "property",
                "subtype": "dividend",
                "amount": float(rng.randrange(200, 1201, 50)),
                "year": year,
            }
        )
    if rng.random() < 0.5:
        household["income"].append(
            {
                "category": "transfer",
                "subtype": "eco_compensation",
                "amount": float(rng.randrange(100, 601, 20)),
                "year": year,
            }
        )
    if dibao:
        monthly = rng.randrange(150, 261, 10)
        household["income"].append(
            {
                "category": "transfer",
                "subtype": "dibao",
                "amount": float(monthly * 12 * len(members)),
                "year": year,
            }
        )
    for number, member in enumerate(members, start=1):
        benefits = member["benefits"]
        for benefit, subtype in (
            ("disability_living_subsidy", "disability_subsidy"),
            ("severe_disability_care_subsidy", "disability_care_subsidy"),
        ):
            if benefit in benefits:
                household["income"].append(
                    {
                        "category": "transfer",
                        "subtype": subtype,
                        "amount": 1200.0,
                        "year": year,
                        "member": number,
                    }
                )
    _top_up(rng, household, ages, when, county, floor, transfer_share_max)


def _top_up(
    rng: random.Random,
    household: Household,
    ages: list[int],
    when: date,
    county: str,
    floor: float,
    transfer_share_max: float,
) -> None:
    year = when.year
    size = len(household["members"])
    for _ in range(6):
        gross, costs, transfer = totals(household, year)
        short = floor * size - (gross - costs)
        transfer_heavy = gross and transfer / gross > transfer_share_max
        if short <= 0 and not transfer_heavy:
            return
        idle = [
            (n, m)
            for n, (m, age) in enumerate(zip(household["members"], ages, strict=True), start=1)
            if m["labour_capacity"] in ("normal", "skilled")
            and 18 <= age <= 55
            and m["schooling"] == "not_student"
            and not m["employment"]
            and not m["public_welfare_posts"]
        ]
        if idle and short > 6000:
            number, member = idle[0]
            add_work_spell(rng, member, number, household, when, county, "out_of_province")
            continue
        needed = max(short, transfer / max(transfer_share_max - 0.05, 0.05) - gross, 0)
        add_operating(rng, household, year, needed / 0.6 + rng.uniform(500, 3000), "livestock")
