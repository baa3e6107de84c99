"""Small edits injectors make to a clean household dict, each keeping the record consistent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.economy import per_capita, record_income, totals
from planner.generate.household import (
    HEALTH_BENEFITS,
    MEASURE_RESPONSIBLE,
    PROTECTION_BENEFITS,
    BuildContext,
    above_identification_ceiling,
    health_risk,
    ill_monitored_spending,
    member_ages,
    record_premium_subsidy,
)
from planner.generate.problems import NotApplicable
from planner.measures import default_catalog

Household = dict[str, Any]
REGISTERED = ("poor", "pre_exit", "exited", "returned")
ACTIVE = ("planned", "in_progress", "done")


def in_scope(household: Household) -> bool:
    """Registered or monitored: the households the need rules look at."""
    return household.get("status") in REGISTERED or household.get("monitoring") is not None


def ages(household: Household, ctx: BuildContext) -> list[int]:
    """Members' ages on the reference date."""
    return member_ages(household, ctx.when)


def school_entry_ages(household: Household, ctx: BuildContext) -> list[int]:
    """Members' ages on the last school-entry cut-off before the reference date
    (education.school_entry_cutoff): what compulsory-school age is judged by."""
    return member_ages(household, school_entry_cutoff(ctx))


def school_entry_cutoff(ctx: BuildContext) -> date:
    """The last school-entry cut-off (education.school_entry_cutoff) before the reference date."""
    month, day = (int(part) for part in str(ctx.values["education.school_entry_cutoff"]).split("-"))
    cutoff = date(ctx.when.year, month, day)
    return cutoff if cutoff < ctx.when else date(ctx.when.year - 1, month, day)


def income_measure_ids() -> frozenset[str]:
    """Catalog ids of income-raising measures (industry, employment, finance)."""
    return default_catalog().income_raising_ids()


def addressed(household: Household, code: str, member: int | None = None) -> bool:
    """Whether an active measure addresses ``code`` (for ``member``, or household-wide)."""
    catalog = default_catalog()
    for measure in household["measures"]:
        if measure["status"] not in ACTIVE or measure["measure"] not in catalog:
            continue
        if code not in catalog[measure["measure"]].addresses:
            continue
        beneficiary = measure.get("beneficiary")
        if member is None or beneficiary is None or beneficiary == member:
            return True
    return False




def has_measure(
    household: Household, code: str, columns: tuple[str, ...], benefits: tuple[str, ...] = ()
) -> bool:
    """Whether the household has the measure a risk rule (RSK008–RSK013, ``code``) looks for,
    read as planner.facts.risk reads it: an item in one of the export's ``columns``, an active
    measure addressing ``code``, or a member receiving one of ``benefits``."""
    assistance = household.get("assistance") or {}
    return (
        any(assistance.get(column) for column in columns)
        or addressed(household, code)
        or any(b in benefits for m in household["members"] for b in m.get("benefits") or ())
    )


def has_health_measure(household: Household) -> bool:
    """Whether RSK008 finds a health measure (健康帮扶, 社会帮扶, a family doctor …)."""
    return has_measure(household, "RSK008", ("health", "social_assistance"), HEALTH_BENEFITS)


def has_protection_measure(household: Household) -> bool:
    """Whether RSK009 finds a protection measure (综合保障, 社会帮扶, 低保, 特困, a disability
    subsidy)."""
    return has_measure(household, "RSK009", ("social_security", "social_assistance"),
                       PROTECTION_BENEFITS)


def open_risk(household: Household, risk: str) -> bool:
    """Whether the household is monitored with ``risk`` among its open risks."""
    monitoring = household.get("monitoring") or {}
    return monitoring.get("risk_eliminated") is False and risk in monitoring.get("risks", ())


def planned(
    measure: str,
    ctx: BuildContext,
    rng: random.Random,
    *,
    beneficiary: int | None = None,
    gain: float | None = None,
    status: str = "planned",
) -> dict[str, Any]:
    """A measure of the current year, planned (starting soon) or in progress, due at year end."""
    when = ctx.when
    if status == "planned":
        start = when + timedelta(days=rng.randint(5, 40))
    else:
        start = when - timedelta(days=rng.randint(20, 120))
    entry: dict[str, Any] = {
        "measure": measure,
        "status": status,
        "year": when.year,
        "start": start.isoformat(),
        "due": max(date(when.year, 12, 31), start + timedelta(days=30)).isoformat(),
        "responsible": MEASURE_RESPONSIBLE.get(measure, "乡镇人民政府"),
    }
    if beneficiary is not None:
        entry["beneficiary"] = beneficiary
    if gain:
        entry["expected_annual_gain"] = float(round(gain))
    return entry


def capable_members(household: Household, ctx: BuildContext, low: int, high: int) -> list[int]:
    """Numbers of members able to work (normal, skilled, weak) aged ``low``–``high``."""
    return [
        number
        for number, (member, age) in enumerate(
            zip(household["members"], ages(household, ctx), strict=True), start=1
        )
        if member.get("labour_capacity") in ("normal", "skilled", "weak")
        and low <= age <= high
        and member.get("schooling") == "not_student"
    ]


def add_new_income_measure(
    household: Household, ctx: BuildContext, rng: random.Random, gain: float
) -> bool:
    """Plan an income-raising measure new this year (a workshop job) with ``gain`` per year."""
    earlier = {m["measure"] for m in household["measures"] if (m.get("year") or 0) < ctx.when.year}
    # one year of margin: the measure starts a few weeks from now and ages are checked then
    for measure, low, high in (("workshop_job", 16, 64), ("public_welfare_post", 16, 68)):
        candidates = capable_members(household, ctx, low, high)
        if measure not in earlier and candidates:
            household["measures"].append(
                planned(measure, ctx, rng, beneficiary=rng.choice(candidates), gain=gain)
            )
            return True
    return False


def drop_income_measures_this_year(household: Household, ctx: BuildContext) -> None:
    """Remove the income-raising measures of the current year (the 2,808-yuan household's plan)."""
    raising = income_measure_ids()
    household["measures"] = [
        m
        for m in household["measures"]
        if not (m["measure"] in raising and m.get("year") == ctx.when.year)
    ]


def set_per_capita(household: Household, ctx: BuildContext, target: float) -> bool:
    """Scale earned income (wages with their pay, farming with its costs, property) so that the
    per-capita net income becomes ``target``; transfers stay. False when that cannot work."""
    year = ctx.when.year
    size = len(household["members"])
    gross, costs, transfer = totals(household, year)
    earned_net = gross - transfer - costs
    if earned_net <= 0:
        return False
    factor = (target * size - transfer) / earned_net
    if factor <= 0.05:
        return False
    scale_earnings(household, factor, year)
    return True


def scale_earnings(household: Household, factor: float, year: int) -> None:
    """Multiply earned income by ``factor``, keeping pay × months equal to the wage recorded."""
    for number, member in enumerate(household["members"], start=1):
        records = member["employment"] or member["public_welfare_posts"]
        wages = [
            s
            for s in household["income"]
            if s["category"] == "wage" and s.get("member") == number and s["year"] == year
        ]
        for source, record in zip(wages, records, strict=False):
            old_pay = record["monthly_pay"]
            record["monthly_pay"] = float(max(100, round(old_pay * factor)))
            source["amount"] = float(round(source["amount"] * record["monthly_pay"] / old_pay))
    for source in household["income"]:
        if source["year"] == year and source["category"] in ("operating", "property"):
            source["amount"] = float(round(source["amount"] * factor))
    for cost in household["production_costs"]:
        if cost["year"] == year:
            cost["amount"] = float(round(cost["amount"] * factor))


def transfer_share(household: Household, year: int) -> float:
    """Transfers as a share of gross income."""
    gross, _, transfer = totals(household, year)
    return transfer / gross if gross else 0.0


def rerecord(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    """Re-register the per-capita income (and a modest rise since last year) after an edit."""
    record_income(household, ctx.when.year, rng.uniform(0.03, 0.12))


def ensure_monitored(
    household: Household, ctx: BuildContext, rng: random.Random, risk: str = "income"
) -> None:
    """Enrol an exited or ordinary household in monitoring, so that a 三保障 or water need does
    not also raise MON001 (should-be-monitored)."""
    if not ctx.monitoring_on or household.get("monitoring") is not None:
        return
    if household.get("status") not in ("exited", "returned", "general"):
        return
    start = date.fromisoformat(str(ctx.values.get("monitoring.start") or f"{ctx.when.year}-01-01"))
    latest = max(start, ctx.when - timedelta(days=40))
    identified = date.fromordinal(rng.randint(start.toordinal(), latest.toordinal()))
    if above_identification_ceiling(household, ctx.values, identified, ctx.when.year):
        # identified with income far above the range is MON009's problem, not this one's
        raise NotApplicable("income above the identification ceiling")
    household["monitoring"] = {
        "group": "marginal" if household["status"] == "general" else "unstable_exited",
        "identified_on": identified.isoformat(),
        "verified_on": (identified + timedelta(days=rng.randint(2, 10))).isoformat(),
        "assisted_on": (identified + timedelta(days=rng.randint(11, 14))).isoformat(),
        "risks": [_RISK_TYPES.get(risk) or health_risk(household.get("members") or [])],
        "risk_eliminated": False,
    }
    ill_monitored_spending(household)
    record_premium_subsidy(household, ctx)


def identify(
    household: Household, ctx: BuildContext, first: date, last: date, rng: random.Random
) -> dict[str, Any]:
    """Move the household's identification into ``first``–``last``, verification and assistance
    with it; its monitoring record."""
    if first > last:
        raise NotApplicable("no identification date fits")
    monitoring: dict[str, Any] = household["monitoring"]
    identified = date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))
    if monitoring["group"] != "sudden_hardship" and above_identification_ceiling(
        household, ctx.values, identified, ctx.when.year
    ):
        # identified with income far above the range is MON009's problem, not this one's
        raise NotApplicable("income above the identification ceiling")
    monitoring["identified_on"] = identified.isoformat()
    monitoring["verified_on"] = (identified + timedelta(days=rng.randint(2, 10))).isoformat()
    monitoring["assisted_on"] = (identified + timedelta(days=rng.randint(11, 14))).isoformat()
    record_premium_subsidy(household, ctx)
    return monitoring


# The need a household is enrolled for, as the risk type the export records (RiskType values):
# a schooling need is a schooling risk; for the others the risk its members' health bears out,
# so that the injected need is the only problem planted (a housing or water risk would also
# raise the risk-to-measure rules RSK011/RSK012).
_RISK_TYPES = {"education": "schooling"}


def record_no_out_of_pocket(household: Household) -> None:
    """Record 合规自付支出 0 on a monitored household; a sudden-hardship household spending
    nothing (and whose income did not fall) would be MON008's problem, so it is refused."""
    if (household.get("monitoring") or {}).get("group") == "sudden_hardship":
        raise NotApplicable("sudden hardship")
    household["compliant_out_of_pocket"] = 0.0


def make_pre_exit(household: Household, ctx: BuildContext) -> None:
    """Turn the household into one scheduled to exit this year (not subject to monitoring)."""
    household["status"] = "pre_exit"
    household.pop("monitoring", None)
    household["exit_target"] = date(ctx.when.year, 11, 30).isoformat()
    if not household.get("causes"):
        household["causes"] = ["lack_of_funds"]


def current_per_capita(household: Household, ctx: BuildContext) -> float:
    """Per-capita net income of the current year."""
    return per_capita(household, ctx.when.year)


def adults(household: Household, ctx: BuildContext, test: Any) -> list[int]:
    """Numbers of members aged 18–80, out of school (or dropped out), that ``test`` accepts."""
    return [n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                                strict=True), start=1)
            if 18 <= age <= 80 and m["schooling"] in ("not_student", "dropped_out") and test(m)]


def make_disabled(member: dict[str, Any], category: str | None, grade: int | None) -> None:
    """Record ``member`` as disabled (with a card of ``category`` and ``grade``, or none)."""
    # As the generator records a disabled member: a family doctor, the care subsidy from grade 2
    member["health"] = "disabled"
    member.pop("disability_category", None)
    member.pop("disability_grade", None)
    if category is not None:
        member["disability_category"], member["disability_grade"] = category, grade
    benefits = member["benefits"]
    if "family_doctor" not in benefits:
        benefits.append("family_doctor")
    if "medical_assistance" in benefits:
        benefits.remove("medical_assistance")
    if grade is not None and grade <= 2 and "severe_disability_care_subsidy" not in benefits:
        benefits.append("severe_disability_care_subsidy")
