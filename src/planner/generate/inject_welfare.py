"""Injectors for the county checklist: benefits against measures (BEN), public-welfare posts
(PST), work records (WRK) and disability (DIS). Each edits records the other rules do not read
in a way that matters to them (a spell's county, a post's start, a member's benefits), so that
only the planted code is found."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.economy import add_post
from planner.generate.edits import (
    adults,
    ages,
    ensure_monitored,
    has_protection_measure,
    make_disabled,
    open_risk,
    rerecord,
)
from planner.generate.household import BuildContext
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]
Spells = list[tuple[int, dict[str, Any]]]
SCHOOL_STAGES = ("primary", "junior_secondary", "senior_secondary", "secondary_vocational",
                 "home_taught")
CAN_WORK = ("normal", "skilled", "weak")
#: The answers of a complete current work record of the work-record export (是否已务工 是,
#: 务工企业名称, 所属行业, 就业渠道, 是否点对点输送 否): what WRK009 looks for.
COMPLETE_WORK_RECORD: dict[str, Any] = {
    "employed": True, "employer": "示范县建筑公司", "industry": "建筑业", "channel": "务工",
    "point_to_point": False,
}
SUBSIDIES = ("disability_living_subsidy", "severe_disability_care_subsidy")


def _spells(household: Household, test: Any = None) -> Spells:
    """(member number, spell) of every work record, those ``test`` accepts."""
    return [(number, spell)
            for number, member in enumerate(household["members"], start=1)
            for spell in member["employment"] if test is None or test(spell)]


def _choice(rng: random.Random, items: list[Any], what: str) -> Any:
    if not items:
        raise NotApplicable(f"no {what}")
    return rng.choice(items)


def _current(spell: dict[str, Any], when: date) -> bool:
    return "end" not in spell or date.fromisoformat(spell["end"]) >= when


def _monitored_open(household: Household) -> None:
    monitoring = household.get("monitoring")
    if monitoring is None or monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("not monitored with its risk open")


def _social_security(household: Household, *items: str) -> dict[str, list[str]]:
    """The export's 综合保障 column with ``items``, and the disability subsidies the members
    receive (the column lists every protection measure of the household)."""
    received = any(b in SUBSIDIES for m in household["members"] for b in m["benefits"] or ())
    return {"social_security": [*items, *(["残疾人两项补贴"] if received else [])]}


def _measure_ids(household: Household) -> set[str]:
    return {m["measure"] for m in household["measures"] if m["status"] != "cancelled"}


@injector("BEN001", monitoring_era=True)
def dibao_not_listed(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A member of a monitored household receives 低保, while the export's 综合保障 lists only
    temporary relief."""
    ensure_monitored(household, ctx, rng)
    _monitored_open(household)
    if "dibao" in _measure_ids(household) or household.get("assistance"):
        raise NotApplicable("dibao already listed")
    number = _choice(rng, [n for n, m in enumerate(household["members"], start=1)
                           if m["benefits"] is not None and "dibao" not in m["benefits"]],
                     "member with recorded benefits")
    household["members"][number - 1]["benefits"].append("dibao")
    household["assistance"] = _social_security(household, "临时救助")
    return [Expected("BEN001", number)]


@injector("BEN003", monitoring_era=True)
def dibao_listed_without_recipient(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """The export's 综合保障 of a monitored household lists 农村低保, and nobody receives it."""
    _monitored_open(household)
    members = household["members"]
    if household.get("assistance") or any(
        m.get("registered") is False or m["benefits"] is None or "dibao" in m["benefits"]
        for m in members
    ):
        raise NotApplicable("a recipient, a departed member or unknown benefits")
    household["assistance"] = _social_security(household, "农村低保")
    return [Expected("BEN003")]


@injector("BEN002", monitoring_era=True)
def tekun_not_listed(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """An ill, disabled, young or old member of a monitored household receives 特困供养, while
    the export's 综合保障 lists only temporary relief."""
    ensure_monitored(household, ctx, rng)
    _monitored_open(household)
    if "tekun_support" in _measure_ids(household) or household.get("assistance"):
        raise NotApplicable("tekun already listed")
    number = _choice(rng, [
        n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                            strict=True), start=1)
        if m["benefits"] is not None and (m["health"] != "healthy" or not 18 <= age <= 59)
    ], "member who may be 特困")
    household["members"][number - 1]["benefits"].append("tekun")
    household["assistance"] = _social_security(household, "临时救助")
    return [Expected("BEN002", number)]


@injector("BEN004", monitoring_era=True)
def tekun_listed_without_recipient(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """The export's 综合保障 of a monitored household lists 特困供养, and nobody receives it."""
    _monitored_open(household)
    if household.get("assistance") or household.get("tekun_support_amount") or any(
        m.get("registered") is False or m["benefits"] is None or "tekun" in m["benefits"]
        for m in household["members"]
    ):
        raise NotApplicable("a recipient, a departed member or unknown benefits")
    household["assistance"] = _social_security(household, "特困供养")
    return [Expected("BEN004")]


@injector("BEN005")
def healthy_adult_tekun(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A healthy member of working age, out of school, recorded as receiving 特困供养 (in a
    household not monitored, so that BEN002 does not judge its listing)."""
    if household.get("monitoring") is not None:
        raise NotApplicable("monitored")
    number = _choice(rng, [
        n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                            strict=True), start=1)
        if m["health"] == "healthy" and 18 <= age <= 59 and m["schooling"] == "not_student"
        and m["benefits"] is not None
    ], "healthy adult out of school")
    household["members"][number - 1]["benefits"].append("tekun")
    return [Expected("BEN005", number)]


@injector("PST001")
def post_holder_age(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A public-welfare post held by a member aged 70 or more, recorded as able to do light work
    (someone else in the household can work too, so that only the post is new)."""
    members = household["members"]
    number = _choice(rng, [
        n for n, (m, age) in enumerate(zip(members, ages(household, ctx), strict=True), start=1)
        if age >= 70 and not m["public_welfare_posts"] and not m["employment"]
        and m["labour_capacity"] is not None
    ], "member of 70 or more")
    member = members[number - 1]
    if member["labour_capacity"] not in CAN_WORK:
        if not any(m["labour_capacity"] in CAN_WORK for m in members):
            raise NotApplicable("nobody can work")
        member["labour_capacity"] = "weak"
    member["public_welfare_posts"].append(
        {"name": "护林员", "start": date(ctx.when.year, 1, 1).isoformat()})
    return [Expected("PST001", number)]


@injector("PST002")
def post_record_incomplete(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A public-welfare post recorded with its name only: no start date, no months."""
    number = _choice(rng, [
        n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                            strict=True), start=1)
        if 16 <= age < 70 and m["labour_capacity"] in CAN_WORK
    ], "member who can work")
    posts = household["members"][number - 1]["public_welfare_posts"]
    if posts:
        posts[0].pop("start", None)
        posts[0].pop("months", None)
    else:
        posts.append({"name": "保洁员"})
    return [Expected("PST002", number)]


def dated_post_holder(household: Household, rng: random.Random, ctx: BuildContext) -> int:
    """The number of a member whose first public-welfare post has a start date; a household
    with none first gives a post to an able adult out of school (18–59, not working), its pay
    counted in the income (:func:`planner.generate.economy.add_post`)."""
    members = household["members"]
    dated = [n for n, m in enumerate(members, start=1)
             if m["public_welfare_posts"] and m["public_welfare_posts"][0].get("start")]
    if not dated:
        able = [n for n, (m, age) in enumerate(zip(members, ages(household, ctx), strict=True),
                                               start=1)
                if 18 <= age <= 59 and m["labour_capacity"] in ("normal", "skilled")
                and m["schooling"] == "not_student" and not m["employment"]]
        first_holder = _choice(rng, able, "adult able to hold a post")
        add_post(rng, members[first_holder - 1], first_holder, household, ctx.when)
        rerecord(household, ctx, rng)
        dated = [first_holder]
    return int(_choice(rng, dated, "dated post"))


@injector("PST003")
def posts_held_at_once(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A second public-welfare post recorded for a holder, running at the same time (a
    household with no dated post first gets one, held by an able adult, its pay counted)."""
    number = dated_post_holder(household, rng, ctx)
    posts = household["members"][number - 1]["public_welfare_posts"]
    first = date.fromisoformat(posts[0]["start"])
    later = min(ctx.when, first + timedelta(days=rng.randint(0, 40)))
    name = "保洁员" if posts[0].get("name") != "保洁员" else "护路员"
    posts.append({"name": name, "start": later.isoformat()})
    return [Expected("PST003", number)]


@injector("WRK001")
def work_county_blank(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A spell of work outside the township recorded without its county."""
    number, spell = _choice(rng, _spells(household, lambda s: s.get("place") != "in_township"
                                         and s.get("place") is not None), "spell away")
    spell.pop("county", None)
    return [Expected("WRK001", number)]


@injector("WRK002")
def work_county_not_county_level(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A spell of work whose county names only a province."""
    number, spell = _choice(rng, _spells(household), "spell")
    spell["county"] = rng.choice(("广东省", "浙江省", "福建", "贵州省"))
    return [Expected("WRK002", number)]


@injector("WRK003")
def work_spells_overlap(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A second spell recorded for a worker, starting before the first one ended."""
    number, spell = _choice(rng, _spells(household, lambda s: "start" in s), "dated spell")
    first = date.fromisoformat(spell["start"])
    later = min(ctx.when, first + timedelta(days=rng.randint(5, 30)))
    household["members"][number - 1]["employment"].append(
        {"start": later.isoformat(), "place": spell["place"], "county": spell["county"]})
    return [Expected("WRK003", number)]


@injector("WRK004")
def work_before_16(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A short spell of work long ago, started when an adult member was 15."""
    number = _choice(rng, [
        n for n, (m, age) in enumerate(zip(household["members"], ages(household, ctx),
                                            strict=True), start=1)
        if age >= 20 and m.get("birth_date")
    ], "adult with a birth date")
    born = date.fromisoformat(household["members"][number - 1]["birth_date"])
    start = date(born.year + 15, 7, 1)
    if (start.month, start.day) < (born.month, born.day):  # still 14: start at 15 and a half
        start = date(born.year + 16, 1, 1)
        if (start.month, start.day) >= (born.month, born.day):
            raise NotApplicable("no date at 15")
    household["members"][number - 1]["employment"].append(
        {"start": start.isoformat(), "end": (start + timedelta(days=60)).isoformat(),
         "place": "in_county", "county": household["region"].get("county") or "示范县"})
    return [Expected("WRK004", number)]


@injector("WRK005")
def work_pay_too_low(household: Household, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A spell of this year recorded with a monthly pay below 100 yuan (a daily wage)."""
    number, spell = _choice(rng, _spells(household, lambda s: "monthly_pay" in s), "paid spell")
    spell["monthly_pay"] = float(rng.choice((30, 50, 80)))
    return [Expected("WRK005", number)]


@injector("WRK006")
def pupil_with_work_record(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A pupil of 16 or more who can work with a short spell of work this year, started after
    the 16th birthday (where the household has no such pupil, a school leaver of 17 to the
    era's oldest senior-secondary age, education.stage_ages, is recorded back at school)."""
    members = household["members"]
    oldest = ctx.values["education.stage_ages"]["senior_secondary"][1]
    candidates = [
        (n, m["schooling"] in SCHOOL_STAGES)
        for n, (m, age) in enumerate(zip(members, ages(household, ctx), strict=True), start=1)
        if m["labour_capacity"] in CAN_WORK and not m["employment"] and m.get("birth_date")
        and not m["public_welfare_posts"]
        and ((m["schooling"] in SCHOOL_STAGES and age >= 16)
             or (m["schooling"] == "not_student" and 17 <= age <= oldest))
    ]
    pupils = [n for n, pupil in candidates if pupil]
    number = _choice(rng, pupils or [n for n, _ in candidates], "pupil or school leaver")
    if number not in pupils:  # a school leaver recorded back at (vocational) school
        member = members[number - 1]
        member["education"] = None  # students leave 文化程度 blank (EDU005)
        member["schooling"] = "senior_secondary"
    born = date.fromisoformat(members[number - 1]["birth_date"])
    sixteen = date(born.year + 16, born.month, 28 if born.month == 2 else born.day)
    start = max(date(ctx.when.year, 1, 1), sixteen + timedelta(days=1))
    if start > ctx.when:
        raise NotApplicable("16 too recently")
    members[number - 1]["employment"].append(
        {"start": start.isoformat(), "end": min(ctx.when, start + timedelta(days=20)).isoformat(),
         "place": "in_township"})
    return [Expected("WRK006", number)]


@injector("WRK007")
def not_working_but_open(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A spell answered 是否已务工 = 否 whose end is blank."""
    number, spell = _choice(rng, _spells(household), "spell")
    spell["employed"] = False
    spell.pop("end", None)
    return [Expected("WRK007", number)]


@injector("WRK008")
def out_of_county_local_channel(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A spell outside the county recorded with the channel 帮扶车间 or 公益性岗位."""
    number, spell = _choice(rng, _spells(
        household, lambda s: s.get("place") in ("in_province", "out_of_province")),
        "spell outside the county")
    spell["channel"] = rng.choice(("帮扶车间", "公益性岗位"))
    return [Expected("WRK008", number)]


@injector("WRK009")
def current_work_incomplete(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Current work answered 是否已务工 = 是, with the employer, industry or channel blank."""
    number, spell = _choice(rng, _spells(
        household, lambda s: _current(s, ctx.when) and "monthly_pay" in s), "current paid spell")
    spell.update(COMPLETE_WORK_RECORD)
    spell.pop(rng.choice(("employer", "industry", "channel")))
    return [Expected("WRK009", number)]


@injector("DIS001")
def disabled_without_card(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member recorded as disabled with an identity card only: no disability category or
    grade (a member whose labour is limited already, so that nothing else changes)."""
    number = _choice(rng, adults(household, ctx, lambda m: m["benefits"] is not None
                                 and m["labour_capacity"] in ("weak", "none", "lost")),
                     "adult of limited labour")
    member = household["members"][number - 1]
    make_disabled(member, None, None)
    member["id_type"] = "身份证"
    return [Expected("DIS001", number)]


@injector("DIS002")
def severe_disability_capable(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A grade 1–2 blind, intellectual, mental or multiple disability recorded as ordinary
    labour, on a member recorded as able to work already."""
    number = _choice(rng, adults(household, ctx, lambda m: m["benefits"] is not None
                                 and m["labour_capacity"] in ("normal", "skilled")),
                     "adult who can work")
    member = household["members"][number - 1]
    make_disabled(member, rng.choice(("visual", "intellectual", "mental", "multiple")),
                   rng.choice((1, 2)))
    member["labour_capacity"] = "normal"
    return [Expected("DIS002", number)]


@injector("DIS003")
def severe_disability_no_subsidy(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A grade 1–2 disabled member of limited labour whose disability subsidies are not
    recorded."""
    if _measure_ids(household) & {"disability_subsidy", "disability_care_subsidy"}:
        raise NotApplicable("a subsidy measure")
    number = _choice(rng, adults(household, ctx, lambda m: m["benefits"] is not None
                                 and m["labour_capacity"] in ("weak", "none", "lost")),
                     "adult of limited labour")
    member = household["members"][number - 1]
    make_disabled(member, rng.choice(("physical", "visual", "hearing")), rng.choice((1, 2)))
    member["benefits"] = [b for b in member["benefits"] if b not in SUBSIDIES]
    # monitored for disability with no other protection left: RSK009 comes with it
    unprotected = open_risk(household, "disability") and not has_protection_measure(household)
    return [Expected("DIS003", number), *([Expected("RSK009")] if unprotected else [])]


INJECTORS = (
    dibao_not_listed,
    dibao_listed_without_recipient,
    tekun_not_listed,
    tekun_listed_without_recipient,
    healthy_adult_tekun,
    post_holder_age,
    post_record_incomplete,
    posts_held_at_once,
    work_county_blank,
    work_county_not_county_level,
    work_spells_overlap,
    work_before_16,
    work_pay_too_low,
    pupil_with_work_record,
    not_working_but_open,
    out_of_county_local_channel,
    current_work_incomplete,
    disabled_without_card,
    severe_disability_capable,
    severe_disability_no_subsidy,
)
