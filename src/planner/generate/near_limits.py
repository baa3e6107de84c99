"""Near-threshold clean households built from one table: a recorded value set exactly to the
limit a rule allows (see planner.generate.near).

Many rules compare one recorded value with one parameter (a land area with its largest plausible
size, a fetching time with the longest allowed, days to verification with the deadline). Their
near households share one shape: take a clean household in the rule's scope, write the limit
itself into the field, expect nothing. :func:`at_limit` builds such a builder from a row of
:data:`LIMITS`; a row says which rule, where the value goes and which parameter gives it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.facts.dates import plus_months
from planner.generate.edits import (
    Household,
    adults,
    ages,
    has_measure,
    has_protection_measure,
    identify,
    in_scope,
    make_disabled,
    open_risk,
    planned,
    rerecord,
)
from planner.generate.household import BuildContext, premium_subsidy_window
from planner.generate.inject_county import _monitoring_start, _open_monitoring
from planner.generate.inject_monitoring import _eliminate, identified_under_the_income_check
from planner.generate.inject_risk import _list, _monitor, _registered
from planner.generate.inject_support import _monitored
from planner.generate.inject_welfare import SCHOOL_STAGES, SUBSIDIES
from planner.generate.near import near
from planner.generate.near_education import six_the_day_after_the_cutoff
from planner.generate.near_income import exact_per_capita
from planner.generate.problems import Expected, Injector, NotApplicable

Edit = Callable[[Household, BuildContext, random.Random], None]


@dataclass(frozen=True, slots=True)
class Limit:
    """One row: ``code`` stays quiet when ``edit`` writes the limit; ``doc`` says what it built.
    ``scope`` restricts the households (default: any); ``monitoring_era`` as for injectors."""

    code: str
    name: str
    doc: str
    edit: Edit
    scope: Callable[[Household], bool] | None = None
    monitoring_era: bool = False
    after_registration: bool = False


def set_to(path: str, param: str, key: str | None = None,
           also: dict[str, Any] | None = None) -> Edit:
    """An edit writing parameter ``param`` (its ``key`` entry for a mapping) at ``path``
    (``living.cultivated_mu``), with the fixed values of ``also`` beside it (same record)."""
    record, _, field = path.rpartition(".")

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        value = ctx.values[param]
        target: dict[str, Any] = household
        for part in record.split(".") if record else ():
            target = target.setdefault(part, {})
        target[field] = float(value[key] if key is not None else value)
        target.update(also or {})

    return edit


def _monitoring_steps_on_the_deadline(household: Household, ctx: BuildContext,
                                      rng: random.Random) -> None:
    monitoring = _monitored(household, ctx, rng)
    limit = int(ctx.values["monitoring.identification_days_max"])
    identified = date.fromisoformat(monitoring["identified_on"])
    if (ctx.when - identified).days < limit:
        raise NotApplicable("identified too recently")
    deadline = (identified + timedelta(days=limit)).isoformat()
    monitoring["verified_on"] = monitoring["assisted_on"] = deadline
    eliminated = monitoring.get("eliminated_on")
    if eliminated is not None and eliminated < deadline:
        raise NotApplicable("eliminated before the deadline")


def _last_visit_on_the_interval(household: Household, ctx: BuildContext,
                                rng: random.Random) -> None:
    visits = household.get("visits") or []
    if not visits:
        raise NotApplicable("no visit recorded")
    interval = int(ctx.values["support.visit_interval_days"])
    last = ctx.when - timedelta(days=interval)
    household["visits"] = [
        {**visit, "on": (last - timedelta(days=45 * k)).isoformat()}
        for k, visit in reversed(list(enumerate(reversed(visits))))
    ]


def _notice_of_the_least_days(household: Household, ctx: BuildContext,
                              rng: random.Random) -> None:
    monitoring = _monitored(household, ctx, rng)
    days = int(ctx.values["risk.notice_days_min"])
    start = date.fromisoformat(monitoring["identified_on"]) + timedelta(days=1)
    end = start + timedelta(days=days - 1)  # first and last day included
    if monitoring.get("verified_on") is None or end.isoformat() > monitoring["verified_on"]:
        raise NotApplicable("verified before the notice could end")
    monitoring["notice_start"], monitoring["notice_end"] = start.isoformat(), end.isoformat()


def _member(household: Household, ctx: BuildContext, rng: random.Random,
            test: Callable[[dict[str, Any], int], bool], what: str) -> dict[str, Any]:
    """A member ``test(member, age)`` accepts, or :class:`NotApplicable` naming ``what``."""
    members = [m for m, age in zip(household["members"], ages(household, ctx), strict=True)
               if test(m, age)]
    if not members:
        raise NotApplicable(f"no {what}")
    return rng.choice(members)


def _post_held_at(param: str, offset: int) -> Edit:
    """An edit giving a public-welfare post to an able member out of school aged exactly
    parameter ``param`` plus ``offset`` years."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        years = int(ctx.values[param]) + offset
        member = _member(household, ctx, rng, lambda m, age: (
            age == years and not m["public_welfare_posts"] and not m["employment"]
            and m["schooling"] in ("not_student", "dropped_out")
            and m["labour_capacity"] in ("normal", "skilled", "weak")),
            f"able member of {years} out of school")
        member["public_welfare_posts"].append(
            {"name": "护林员", "start": date(ctx.when.year, 1, 1).isoformat()})

    return edit


def _work_from_the_sixteenth_birthday(household: Household, ctx: BuildContext,
                                      rng: random.Random) -> None:
    youngest = int(ctx.values["work.start_age_min"])
    member = _member(household, ctx, rng, lambda m, age: (
        age >= youngest + 4 and bool(m.get("birth_date"))
        and not m["birth_date"].endswith("02-29")), "adult with a birth date")
    born = date.fromisoformat(member["birth_date"])
    start = date(born.year + youngest, born.month, born.day)
    member["employment"].append(
        {"start": start.isoformat(), "end": (start + timedelta(days=60)).isoformat(),
         "place": "in_county", "county": household["region"].get("county") or "示范县"})


def _pay_at(param: str) -> Edit:
    """An edit recording parameter ``param`` as the monthly pay of a paid spell of work."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        spells = [spell for m in household["members"] for spell in m["employment"]
                  if "monthly_pay" in spell]
        if not spells:
            raise NotApplicable("no paid spell")
        rng.choice(spells)["monthly_pay"] = float(ctx.values[param])

    return edit


def _primary_education_past_the_band(household: Household, ctx: BuildContext,
                                     rng: random.Random) -> None:
    past = int(ctx.values["education.low_education_age_max"]) + 1
    member = _member(household, ctx, rng, lambda m, age: (
        age == past and m.get("schooling") == "not_student" and m.get("health") == "healthy"),
        "healthy member just past the band out of school")
    member["education"] = "primary"


def _id_check_x_in_lower_case(household: Household, ctx: BuildContext,
                              rng: random.Random) -> None:
    members = [m for m in household["members"] if str(m.get("id_number") or "").endswith("X")]
    if not members:
        raise NotApplicable("no ID number ending in X")
    member = rng.choice(members)
    member["id_number"] = member["id_number"][:17] + "x"


def _tekun_just_past_working_age(household: Household, ctx: BuildContext,
                                 rng: random.Random) -> None:
    if household.get("monitoring") is not None:
        raise NotApplicable("monitored")  # BEN002 judges a monitored household's listing
    past = int(ctx.values["benefits.tekun_healthy_age_max"]) + 1
    member = _member(household, ctx, rng, lambda m, age: (
        age == past and m["health"] == "healthy" and m["schooling"] == "not_student"
        and m["benefits"] is not None and "tekun" not in m["benefits"]),
        "healthy member just past working age")
    member["benefits"].append("tekun")


def _disability_grade_just_below_severe(labour: tuple[str, ...],
                                        categories: tuple[str, ...]) -> Edit:
    """An edit recording a healthy adult (18–80, out of school) whose labour capacity is one of
    ``labour`` as disabled of a category of ``categories``, one grade milder than
    labour.severe_disability_grade_max (3), with no disability subsidy."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        if open_risk(household, "disability") and not has_protection_measure(household):
            raise NotApplicable("a disability risk with no protection (RSK009)")
        number = rng.choice(adults(household, ctx, lambda m: (
            m["benefits"] is not None and m["health"] == "healthy"
            and m["labour_capacity"] in labour)) or [0])
        if not number:
            raise NotApplicable("no healthy adult of that labour")
        member = household["members"][number - 1]
        grade = int(ctx.values["labour.severe_disability_grade_max"]) + 1
        make_disabled(member, rng.choice(categories), grade)
        member["benefits"] = [b for b in member["benefits"] if b not in SUBSIDIES]

    return edit


def _exactly_the_labour_share(household: Household, ctx: BuildContext) -> None:
    """:class:`NotApplicable` unless exactly labour.lack_of_labour_share_max of the registered
    members can work (normal, skilled or weak labour), every member's labour known."""
    members = _registered(household)
    if any(m["labour_capacity"] is None for m in members):
        raise NotApplicable("unknown labour")
    able = sum(m["labour_capacity"] in ("normal", "skilled", "weak") for m in members)
    if able != len(members) * float(ctx.values["labour.lack_of_labour_share_max"]):
        raise NotApplicable("not exactly the share of members able to work")


def _lack_of_labour_cause_at_the_share(household: Household, ctx: BuildContext,
                                       rng: random.Random) -> None:
    _exactly_the_labour_share(household, ctx)
    if "lack_of_labour" not in household["causes"]:
        household["causes"].append("lack_of_labour")


def _recorded_income_within_the_tolerance(household: Household, ctx: BuildContext,
                                          rng: random.Random) -> None:
    # the clean record is the computed income to the fen (gap at most 0.005 yuan)
    gap = float(ctx.values["income.income_mismatch_tolerance"]) - 0.01
    household["recorded_per_capita_income"] = round(
        household["recorded_per_capita_income"] + rng.choice((-1, 1)) * gap, 2)


def _no_labour_at(param: str, offset: int, test: Callable[[dict[str, Any]], bool],
                  what: str) -> Edit:
    """An edit recording as 无劳动力 a member aged exactly parameter ``param`` plus ``offset``
    years, neither working nor holding a post, whom ``test`` accepts (``what`` names them),
    someone else in the household able to work."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        years = int(ctx.values[param]) + offset
        member = _member(household, ctx, rng, lambda m, age: (
            age == years and not m["employment"] and not m["public_welfare_posts"]
            and test(m)), what)
        if not any(m is not member and m["labour_capacity"] in ("normal", "skilled")
                   for m in household["members"]):
            raise NotApplicable("nobody else can work")
        member["labour_capacity"] = "none"

    return edit


def _schooling_blank_past_the_record_age(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    past = int(ctx.values["data_quality.schooling_record_age_max"]) + 1
    member = _member(household, ctx, rng, lambda m, age: (
        age == past and m.get("education") is not None and m.get("schooling") == "not_student"),
        "member just past the school-record ages with an education")
    member.pop("schooling", None)


def _next_spell_the_day_after(household: Household, ctx: BuildContext,
                              rng: random.Random) -> None:
    spells = [(m, spell) for m in household["members"] for spell in m["employment"]
              if spell.get("start") and spell.get("end")
              and date.fromisoformat(spell["end"]) + timedelta(days=31) < ctx.when]
    if not spells:
        raise NotApplicable("no spell ended a month ago")
    member, spell = rng.choice(spells)
    start = date.fromisoformat(spell["end"]) + timedelta(days=1)
    later = [s for s in member["employment"] if s is not spell and s.get("start")
             and start <= date.fromisoformat(s["start"]) <= start + timedelta(days=30)]
    if later:
        raise NotApplicable("another spell starts then")
    member["employment"].append(
        {**{k: v for k, v in spell.items() if k in ("place", "county")},
         "start": start.isoformat(), "end": (start + timedelta(days=29)).isoformat()})


def _identified_at_the_income_ceiling(household: Household, ctx: BuildContext,
                                      rng: random.Random) -> None:
    ceiling = identified_under_the_income_check(household, ctx, rng)
    exact_per_capita(household, ctx, int(ceiling))
    rerecord(household, ctx, rng)


def _lack_of_labour_at_the_share(household: Household, ctx: BuildContext,
                                  rng: random.Random) -> None:
    _exactly_the_labour_share(household, ctx)
    _monitor(household, ctx, rng, "lack_of_labour")
    if not (has_measure(household, "RSK013", ("employment", "public_welfare_post"))
            or has_protection_measure(household)):
        _list(household, "employment", "务工就业补贴")


def _preschool_at_the_oldest_healthy_age(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    member = six_the_day_after_the_cutoff(household, rng, ctx, "preschool",
                                          lambda m: m["health"] == "healthy")
    member["education"] = None
    if ages(household, ctx)[household["members"].index(member)] != int(
            ctx.values["education.preschool_healthy_age_max"]):
        raise NotApplicable("the district's entry age is not the preschool limit")


def _identified_around_the_cutoff(days_after: int) -> Edit:
    """An edit identifying a monitored household (risk open) ``days_after`` days after this
    year's insurance.premium_subsidy_cutoff, its premium subsidy recorded as the county does
    (planner.generate.household.record_premium_subsidy: listed within the window only)."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        _open_monitoring(household)
        window = premium_subsidy_window(ctx)
        if window is None:
            raise NotApplicable("no premium-subsidy window")
        day = window[1] + timedelta(days=days_after)
        if day < _monitoring_start(ctx) or day + timedelta(days=15) >= ctx.when:
            raise NotApplicable("the day is outside monitoring or too recent")
        identify(household, ctx, day, day, rng)

    return edit


def _measure_due_on_the_reference_date(household: Household, ctx: BuildContext,
                                       rng: random.Random) -> None:
    if not household["measures"]:
        raise NotApplicable("no plan")
    entry = planned("policy_briefing", ctx, rng, status="in_progress")
    entry["start"] = (ctx.when - timedelta(days=rng.randint(90, 200))).isoformat()
    entry["due"] = ctx.when.isoformat()
    household["measures"].append(entry)


def _work_in_a_county_level_city(household: Household, ctx: BuildContext,
                                 rng: random.Random) -> None:
    spells = [s for m in household["members"] for s in m["employment"] if s.get("county")]
    if not spells:
        raise NotApplicable("no spell with a county")
    # county-level cities (县级市) of Guizhou, GB/T 2260: they end in 市 like a prefecture
    rng.choice(spells)["county"] = rng.choice(("仁怀市", "清镇市", "兴义市", "盘州市"))


def _work_in_the_township_without_county(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    spells = [s for m in household["members"] for s in m["employment"]
              if s.get("place") == "in_township"]
    if not spells:
        raise NotApplicable("no spell in the township")
    rng.choice(spells).pop("county", None)


def _employee_insured_without_serious_illness(household: Household, ctx: BuildContext,
                                              rng: random.Random) -> None:
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    member = _member(household, ctx, rng, lambda m, age: (
        m.get("medical_insurance") == "resident"
        and m.get("labour_capacity") in ("normal", "skilled")), "insured member who can work")
    member["medical_insurance"] = "employee"
    member["serious_illness_insurance"] = False


def _eliminated_after_the_least_months(household: Household, ctx: BuildContext,
                                       rng: random.Random) -> None:
    # 185 days: more than any six months (184), so the day found lies before the reference date
    monitoring = _eliminate(household, ctx, rng, days_min=185, margin=1)
    identified = date.fromisoformat(monitoring["identified_on"])
    months = int(ctx.values["monitoring.elimination_months_min"])
    monitoring["eliminated_on"] = plus_months(identified, months).isoformat()


def _education_at_its_youngest(level: str) -> Edit:
    """An edit recording completed education ``level`` for a member out of school aged exactly
    its education.education_min_age."""

    def edit(household: Household, ctx: BuildContext, rng: random.Random) -> None:
        youngest = int(ctx.values["education.education_min_age"][level])
        member = _member(household, ctx, rng, lambda m, age: (
            age == youngest and m.get("schooling") == "not_student"
            and m.get("education") is not None), f"member of {youngest} out of school")
        member["education"] = level

    return edit


def _junior_secondary_at_its_youngest(household: Household, ctx: BuildContext,
                                      rng: random.Random) -> None:
    youngest = int(ctx.values["education.stage_ages"]["junior_secondary"][0])
    member = _member(household, ctx, rng, lambda m, age: (
        age == youngest and m.get("schooling") in ("primary", "junior_secondary")),
        f"pupil of {youngest}")
    member["schooling"], member["grade"] = "junior_secondary", 1


def at_limit(row: Limit) -> Injector:
    """The near builder of a row of :data:`LIMITS`."""

    def build(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
        if row.scope is not None and not row.scope(household):
            raise NotApplicable("not in the rule's scope")
        row.edit(household, ctx, rng)
        return []

    build.__name__ = build.__qualname__ = row.name
    build.__doc__ = row.doc
    return near(row.code, monitoring_era=row.monitoring_era,
                after_registration=row.after_registration)(build)


LIMITS: tuple[Limit, ...] = (
    Limit("DQ012", "cultivated_land_at_the_plausible_maximum",
          "Cultivated land of exactly the largest plausible area (data_quality.land_mu_max: "
          "100 亩): within the range (DQ012 must not fire).",
          set_to("living.cultivated_mu", "data_quality.land_mu_max", "cultivated_mu")),
    Limit("DQ012", "forest_at_the_plausible_maximum",
          "Forest of exactly the largest plausible area (data_quality.land_mu_max: 200 亩).",
          set_to("living.forest_mu", "data_quality.land_mu_max", "forest_mu")),
    Limit("DQ012", "main_road_at_the_plausible_distance",
          "A home exactly the largest plausible distance from the village main road "
          "(data_quality.distance_to_main_road_km_max: 50 km, 5 km from 2023).",
          set_to("living.distance_to_main_road_km", "data_quality.distance_to_main_road_km_max")),
    Limit("WAT002", "water_fetched_in_the_longest_allowed_time",
          "A registered or monitored household, water not piped, fetched in exactly "
          "water.fetch_minutes_max (20 min) round trip (WAT002 must not fire).",
          set_to("water.fetch_minutes_round_trip", "water.fetch_minutes_max",
                 also={"piped_into_home": False}), in_scope),
    Limit("WAT002", "water_supplied_at_the_least_reliability",
          "A registered or monitored household supplied on exactly water.reliability_min (90%) "
          "of days.", set_to("water.reliability", "water.reliability_min"), in_scope),
    Limit("MON002", "monitoring_steps_on_the_deadline",
          "A monitored household verified and first assisted exactly "
          "monitoring.identification_days_max (15) days after identification (MON002 must not "
          "fire).", _monitoring_steps_on_the_deadline, monitoring_era=True),
)

LIMITS += (
    Limit("SUP002", "last_visit_on_the_interval",
          "A registered or monitored household last visited exactly "
          "support.visit_interval_days before the reference date (SUP002 must not fire).",
          _last_visit_on_the_interval, in_scope),
    Limit("MON010", "identification_notice_of_the_least_days",
          "A monitored household whose identification notice ran exactly risk.notice_days_min "
          "(5) days, first and last included, before its verification (MON010 must not fire).",
          _notice_of_the_least_days, after_registration=True),
)

LIMITS += (
    Limit("PST001", "post_held_at_the_oldest_age",
          "A public-welfare post held by a member able to work aged exactly "
          "posts.holder_age_limit - 1 (69): under the limit (PST001 must not fire; domain.md "
          "§6.2).", _post_held_at("posts.holder_age_limit", -1)),
    Limit("PST001", "post_held_at_the_youngest_age",
          "A public-welfare post held by a member out of school able to work aged exactly "
          "posts.holder_age_min (16) (PST001 must not fire; domain.md §6.2).",
          _post_held_at("posts.holder_age_min", 0)),
    Limit("WRK004", "work_from_the_sixteenth_birthday",
          "A short spell of work long ago, started on an adult member's work.start_age_min "
          "(16th) birthday (WRK004 must not fire; domain.md §4.3).",
          _work_from_the_sixteenth_birthday),
    Limit("DQ001", "id_check_x_in_lower_case",
          "A member's valid ID number ending in X written with a lower-case x, as typed "
          "(GB 11643-1999 check character; DQ001 must not fire; domain.md §5).",
          _id_check_x_in_lower_case),
    Limit("WRK005", "pay_at_the_least_plausible",
          "A paid spell of work recorded with exactly work.monthly_pay_min (100 yuan) a month "
          "(WRK005 must not fire; fuping 5_16_001).", _pay_at("work.monthly_pay_min")),
    Limit("DQ012", "pay_at_the_plausible_maximum",
          "A paid spell of work recorded with exactly data_quality.monthly_pay_max (30,000 yuan) "
          "a month (DQ012 must not fire; fuping 5_16_001, 5_16_002).",
          _pay_at("data_quality.monthly_pay_max")),
    Limit("EDU004", "primary_education_past_the_band",
          "A healthy member out of school aged exactly education.low_education_age_max + 1 "
          "(23) whose completed education is primary school: past the band (EDU004 must not "
          "fire).", _primary_education_past_the_band, in_scope),
    Limit("MON003", "eliminated_after_the_least_months",
          "A monitored household whose risk was eliminated exactly "
          "monitoring.elimination_months_min (6) whole months after identification, the same "
          "day of the month or the last of a shorter one (MON003 must not fire; domain.md §1.3).",
          _eliminated_after_the_least_months, monitoring_era=True),
    Limit("BEN005", "tekun_just_past_working_age",
          "A healthy member out of school aged exactly benefits.tekun_healthy_age_max + 1 (60) "
          "receiving 特困供养, in a household not monitored (BEN005 must not fire; fuping "
          "5_15_018).", _tekun_just_past_working_age),
    Limit("DIS002", "disability_grade_just_below_severe",
          "A blind, intellectual, mental or multiple disability of grade "
          "labour.severe_disability_grade_max + 1 (3) on a member recorded as able to work "
          "(DIS002 must not fire; domain.md §4.3, §5).",
          _disability_grade_just_below_severe(("normal", "skilled"),
                                              ("visual", "intellectual", "mental", "multiple"))),
    Limit("DIS003", "disability_grade_just_below_severe_no_subsidy",
          "A physical, visual or hearing disability of grade "
          "labour.severe_disability_grade_max + 1 (3) on a member of limited labour, no "
          "disability subsidy recorded (DIS003 must not fire; fuping 5_16_008).",
          _disability_grade_just_below_severe(("weak", "none", "lost"),
                                              ("physical", "visual", "hearing"))),
    Limit("RSK003", "lack_of_labour_at_the_share",
          "缺劳动力 recorded for a monitored household where exactly "
          "labour.lack_of_labour_share_max (half) of the registered members can work, an "
          "employment measure listed (RSK003 must not fire; fuping 5_11_029).",
          _lack_of_labour_at_the_share, monitoring_era=True),
    Limit("EDU003", "preschool_at_the_oldest_healthy_age",
          "A healthy child still in preschool aged exactly education.preschool_healthy_age_max "
          "(6), born the day after the school-entry cut-off (EDU003 must not fire; 义务教育法 "
          "Art. 11).", _preschool_at_the_oldest_healthy_age),
    Limit("MED004", "identified_on_the_premium_cutoff",
          "A monitored household identified on insurance.premium_subsidy_cutoff itself (31 "
          "March) with the premium subsidy recorded: the last day still subsidised (MED004 must "
          "not fire; fuping 1111_06, 1111_13).", _identified_around_the_cutoff(0),
          monitoring_era=True),
    Limit("MED003", "identified_the_day_after_the_premium_cutoff",
          "A monitored household identified the day after insurance.premium_subsidy_cutoff, no "
          "premium subsidy recorded: outside the window (MED003 must not fire; fuping "
          "1111_09).", _identified_around_the_cutoff(1), monitoring_era=True),
    Limit("SUP005", "measure_due_on_the_reference_date",
          "A policy briefing still in progress whose due date is the reference date itself: due "
          "today, not yet overdue (SUP005 must not fire; domain.md §6.3).",
          _measure_due_on_the_reference_date),
    Limit("WRK002", "work_in_a_county_level_city",
          "A spell of work whose county is a county-level city (仁怀市): ending in 市, which "
          "work.non_county_suffixes leaves out (WRK002 must not fire; fuping 4_12_001).",
          _work_in_a_county_level_city),
    Limit("WRK001", "work_in_the_township_without_county",
          "A spell of work in the home township recorded without its county: only work "
          "outside the township must name one (WRK001 must not fire; fuping 4_12_001).",
          _work_in_the_township_without_county),
    Limit("MED005", "employee_insured_without_serious_illness",
          "A member of a registered or monitored household in the employees' medical insurance "
          "(城镇职工基本医疗保险) with no resident serious-illness insurance, which only the "
          "resident scheme adds (MED005 must not fire; domain.md §2).",
          _employee_insured_without_serious_illness),
    Limit("DQ010", "lack_of_labour_cause_at_the_share",
          "缺劳动力 among the causes of a household where exactly "
          "labour.lack_of_labour_share_max (half) of the registered members can work (DQ010 "
          "must not fire; domain.md §4.3).", _lack_of_labour_cause_at_the_share),
    Limit("DQ005", "recorded_income_within_the_tolerance",
          "A recorded per-capita income 0.01 yuan inside income.income_mismatch_tolerance (1 "
          "yuan) of what the income records add up to (DQ005 must not fire).",
          _recorded_income_within_the_tolerance),
    Limit("DQ009", "no_labour_just_past_capable_age",
          "A healthy member aged exactly labour.healthy_capable_age_max + 1 (61), neither "
          "working nor holding a post, recorded as 无劳动力, someone else able to work (DQ009 "
          "must not fire; domain.md §4.3).",
          _no_labour_at("labour.healthy_capable_age_max", 1, lambda m: (
              m["health"] == "healthy" and m.get("registered") is not False
              and m["labour_capacity"] in ("normal", "skilled", "weak")), "healthy member of 61")),
    Limit("MED001", "insured_in_the_employee_scheme",
          "A member of a registered or monitored household insured in the employees' scheme "
          "(城镇职工基本医疗保险) instead of the resident one: basic medical insurance all the "
          "same (MED001 must not fire; domain.md §2).",
          _employee_insured_without_serious_illness),
    Limit("EDU006", "schooling_blank_past_the_record_age",
          "A member aged exactly data_quality.schooling_record_age_max + 1 (24), out of school, "
          "whose 在校生状况 is blank but whose 文化程度 is recorded: one of the two is enough "
          "(EDU006 must not fire).", _schooling_blank_past_the_record_age, in_scope),
    Limit("WRK003", "next_spell_the_day_after",
          "A second spell of work starting the day after a member's earlier spell ended: one "
          "spell at a time (WRK003 must not fire).", _next_spell_the_day_after),
    Limit("EDU007", "pupil_of_sixteen_without_labour",
          "A pupil aged exactly labour.working_age_min (16), neither working nor holding a "
          "post, recorded as 无劳动力 as the export records students (EDU007 must not fire).",
          _no_labour_at("labour.working_age_min", 0, lambda m: m["schooling"] in SCHOOL_STAGES,
                        "pupil of 16"), monitoring_era=True),
    Limit("MON009", "identified_at_the_income_ceiling",
          "A 脱贫不稳定户 or 边缘易致贫户 identified since risk.identification_income_check_from "
          "(2023) with exactly risk.identification_income_max (20,000 yuan) per head (MON009 "
          "must not fire).", _identified_at_the_income_ceiling, after_registration=True),
    Limit("DQ007", "college_at_its_youngest",
          "A member out of school aged exactly education.education_min_age for 大专 (18) who "
          "completed college (DQ007 must not fire; domain.md §4.3 demography).",
          _education_at_its_youngest("college")),
    Limit("DQ007", "bachelor_at_its_youngest",
          "A member out of school aged exactly education.education_min_age for 本科及以上 (19) "
          "with a bachelor's degree (DQ007 must not fire; domain.md §4.3 demography).",
          _education_at_its_youngest("bachelor_or_above")),
    Limit("DQ007", "junior_secondary_at_its_youngest",
          "A pupil aged exactly the youngest age of education.stage_ages for 初中 (11; 12 from "
          "2021) in its first grade (DQ007 must not fire; fuping 5_17_003).",
          _junior_secondary_at_its_youngest),
)

NEAR = tuple(at_limit(row) for row in LIMITS)
