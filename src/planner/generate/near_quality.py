"""Near-threshold clean households of the data-quality rules, and of the member rules for members
off the register (人员变更: see planner.generate.near)."""

from __future__ import annotations

import calendar
import random
from datetime import date
from typing import Any

from planner.facts import age_on
from planner.facts.required import HOUSEHOLD_KEYS, KEY_FIELDS, MEMBER_KEYS
from planner.generate.edits import (
    Household,
    ages,
    capable_members,
    in_scope,
    planned,
    rerecord,
    school_entry_cutoff,
)
from planner.generate.household import BuildContext, measure_record
from planner.generate.identity import id_number
from planner.generate.inject_quality import BuildSecond, PairResult, _stop_working
from planner.generate.members import birth_date_for_age
from planner.generate.names import person_name
from planner.generate.near import near
from planner.generate.problems import Expected, NotApplicable
from planner.idnumber import check_digit
from planner.model.vocab import DisabilityCategory

# Digit 19 of a 残疾人证号 by recorded category: 1 视力 … 7 多重 (domain.md §5).
_CARD_DIGIT = {category.value: str(n) for n, category in enumerate(DisabilityCategory, start=1)}
_EMPLOYMENT_MEASURES = ("job_placement", "workshop_job", "public_welfare_post", "forest_ranger")


@near("DQ002")
def id_ending_in_x_agreeing(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member's ID number re-issued with the same address code, birth date and sex but a
    sequence whose check character is X: the sex is digit 17, not the last character, and the
    record agrees with the number (DQ002 must not fire; GB 11643-1999, domain.md §5)."""
    member = rng.choice(household["members"])
    old = member["id_number"]
    male = member["sex"] == "male"
    born = date.fromisoformat(member["birth_date"])
    # From the top of the sequences (the allocator hands them out from 001 up): no collision.
    sequences = [s for s in range(999 if male else 998, 500, -2)
                 if check_digit(f"{old[:6]}{born:%Y%m%d}{s:03d}") == "X"]
    member["id_number"] = id_number(old[:6], born, rng.choice(sequences))
    return []


@near("DQ002")
def disability_card_number_agreeing(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A disabled member whose ID number is written as the 20-digit 残疾人证号 (the ID number,
    the category digit and the grade digit) agreeing with the recorded category and grade
    (DQ002 must not fire; domain.md §5)."""
    members = [m for m in household["members"]
               if m.get("disability_category") in _CARD_DIGIT and m.get("disability_grade")
               and len(m["id_number"]) == 18]
    if not members:
        raise NotApplicable("no member with a recorded disability category and grade")
    member = rng.choice(members)
    member["id_number"] += _CARD_DIGIT[member["disability_category"]] + str(
        member["disability_grade"])
    return []


@near("DQ002")
def born_on_a_leap_day(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member born in a leap year recorded, and numbered, as born on 29 February, a day most
    years lack: the record agrees with digits 7–14 (DQ002 must not fire; domain.md §5). Only a
    member born later in that year whose age on the reference date and on the school-entry
    cut-off stays the same is moved (earlier: no spell of work starts before a later 16th
    birthday)."""
    cutoff = school_entry_cutoff(ctx)
    members = []
    for member in household["members"]:
        born = date.fromisoformat(member["birth_date"])
        if calendar.isleap(born.year) and born > (leap := date(born.year, 2, 29)) and all(
                age_on(born, day) == age_on(leap, day) for day in (ctx.when, cutoff)):
            members.append((member, leap))
    if not members:
        raise NotApplicable("no member born later in a leap year of the same age")
    member, leap = rng.choice(members)
    member["birth_date"] = leap.isoformat()
    member["id_number"] = ctx.ids.allocate(leap, member["sex"] == "male")
    return []


@near("DQ002")
def birth_date_and_sex_left_to_the_id_number(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A member whose 出生日期 and 性别 cells are blank, the valid ID number saying both: nothing
    to compare, and nothing missing (DQ002 and DQ008 must not fire; domain.md §5)."""
    member = rng.choice(household["members"])
    member["birth_date"] = member["sex"] = None
    return []


@near("DQ004", "pair")
def namesake_born_the_same_day(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """Two people of the same name, sex and birth date in two households of one village, each
    with their own ID number (differing only in the sequence and check digits): namesakes, not
    one person registered twice (DQ004 compares ID numbers; it must not fire)."""
    second = build_second(None)
    pairs = [(a, b) for a, age_a in zip(first["members"], ages(first, ctx), strict=True)
             for b, age_b in zip(second["members"], ages(second, ctx), strict=True)
             if age_a == age_b >= 25 and a["sex"] == b["sex"] and not b["employment"]]
    if not pairs:
        raise NotApplicable("no two adults of one sex and age")
    person, namesake = rng.choice(pairs)
    born = date.fromisoformat(person["birth_date"])
    if age_on(born, ctx.when) != age_on(date.fromisoformat(namesake["birth_date"]), ctx.when):
        raise NotApplicable("the birth date would change the age")
    namesake["name"], namesake["birth_date"] = person["name"], person["birth_date"]
    namesake["id_number"] = ctx.ids.allocate(born, person["sex"] == "male")
    region: dict[str, Any] = dict(first.get("region") or {})
    if region:
        second["region"] = region
    return second, [], []


@near("DQ004", "pair")
def moved_out_child_kept_on_file(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """A grown child who set up a household of their own and is its head, kept on file in the
    parents' household as moved out (人员变更 迁出, ``registered: false``, not counted in its size
    or income): one registration, not two (DQ004 compares registered members only; it must not
    fire).
    The child is healthy, out of school, neither works nor is named by a measure: the parents'
    income records, causes and risks stay theirs."""
    named = {m.get("beneficiary") for m in first["measures"]}
    candidates = [
        n for n, (m, age) in enumerate(zip(first["members"], ages(first, ctx), strict=True),
                                       start=1)
        if n > 1 and age >= 20 and n not in named and not m["employment"]
        and not m["public_welfare_posts"] and m["health"] == "healthy"
        and m["schooling"] == "not_student"
        and m["relation"] in ("son", "daughter", "son_in_law", "daughter_in_law")]
    if not candidates:
        raise NotApplicable("no grown child out of work")
    child = first["members"][rng.choice(candidates) - 1]
    second = build_second(child)
    child["registered"], child["change"] = False, "moved_out"
    first["recorded_size"] = sum(m.get("registered", True) for m in first["members"])
    rerecord(first, ctx, rng)
    return second, [], []


def _blank(record: dict[str, Any], path: str) -> None:
    """Set the value at dotted ``path`` of ``record`` to None (a missing part stays missing)."""
    *parts, field = path.split(".")
    for part in parts:
        record = record.get(part) or {}
    if field in record:
        record[field] = None


@near("DQ008")
def only_the_required_fields(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A household recorded with exactly the fields data_quality.required_fields asks for: every
    other key DQ008 knows left blank, labour capacity blank outside the working ages
    (labour.working_age_min–labour.working_age_max, 16–65) and 在校生状况 blank outside the
    school-record ages (education.compulsory_age_min–data_quality.schooling_record_age_max,
    6–23) where 文化程度 is recorded (EDU006 asks for one of the two). DQ008 must not fire
    (domain.md §4.3 missing key fields)."""
    required = set(ctx.values["data_quality.required_fields"])
    for key in HOUSEHOLD_KEYS:
        if key not in required and key not in KEY_FIELDS:
            _blank(household, key)
    youngest, oldest = (int(ctx.values[f"labour.working_age_{e}"]) for e in ("min", "max"))
    first_school = int(ctx.values["education.compulsory_age_min"])
    last_school = int(ctx.values["data_quality.schooling_record_age_max"])
    for member, age in zip(household["members"], ages(household, ctx), strict=True):
        for key in MEMBER_KEYS:
            if key not in required:
                member.pop(key.removeprefix("member."), None)
        if not youngest <= age <= oldest:
            member.pop("labour_capacity", None)
        if age < first_school or (age > last_school and member.get("education")):
            member.pop("schooling", None)
            member.pop("grade", None)
    return []


@near("DQ011")
def job_placement_planned_nobody_working(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A job placement only planned for this year in a household where nobody works yet:
    planned measures imply nothing (DQ011 reads measures in progress or done; domain.md §6.3)."""
    if any(m["employment"] or m["public_welfare_posts"] for m in household["members"]):
        _stop_working(household, ctx, rng)
    capable = capable_members(household, ctx, 17, 59)
    if not capable or {m["measure"] for m in household["measures"]} & set(_EMPLOYMENT_MEASURES):
        raise NotApplicable("nobody to place, or an employment measure left")
    household["measures"].append(
        planned("job_placement", ctx, rng, beneficiary=rng.choice(capable)))
    return []


@near("DQ011")
def job_placement_done_for_the_one_worker(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A job placement done this year for the one member who works, in a household with wage
    income: one worker is enough (DQ011 fires when nobody works; domain.md §6.3)."""
    year = str(ctx.when.year)
    workers = [n for n, m in enumerate(household["members"], start=1)
               if m["public_welfare_posts"] or any(
                   s["start"][:4] <= year and (s.get("end") or year)[:4] >= year
                   for s in m["employment"])]
    wage = sum(s["amount"] for s in household["income"]
               if s["category"] == "wage" and s["year"] == ctx.when.year)
    if len(workers) != 1 or any(m["employment"] for n, m in
                                enumerate(household["members"], start=1) if n not in workers):
        raise NotApplicable("not exactly one member working")
    if wage <= 0 or "job_placement" in {m["measure"] for m in household["measures"]}:
        raise NotApplicable("no wage income, or a job placement already recorded")
    if workers[0] not in capable_members(household, ctx, 17, 59):
        raise NotApplicable("the worker is not of an age and labour to be placed (SUP003)")
    household["measures"].append(
        measure_record("job_placement", ctx.when, rng, beneficiary=workers[0]))
    return []


@near("DQ013", "pair")
def split_household_sharing_the_phone(
    first: Household, build_second: BuildSecond, rng: random.Random, ctx: BuildContext
) -> PairResult:
    """Two households of one family (分户): the second, the parents split from their son's (or a
    brother split from a brother's) in the same village, recorded with ``split_from`` and giving
    the first's phone (DQ013 must not fire)."""
    second = build_second(None)
    second["phone"] = first["phone"]
    second["split_from"] = first["id"]
    region: dict[str, Any] = dict(first.get("region") or {})
    if region:
        second["region"] = region
    return second, [], []


def _departed(household: Household, ctx: BuildContext, rng: random.Random, relation: str,
              age: int, change: str, **fields: Any) -> dict[str, Any]:
    """Append a member of ``age`` on the reference date kept on file after ``change`` (a
    departure of 人员变更: off the register, ``registered: false``), with ``fields``; the
    registered members, their numbers, the size and the income stay as they were."""
    male = relation in ("son", "grandson", "brother")
    born = birth_date_for_age(rng, age, ctx.when)
    surname = household["members"][0]["name"][0] if household["members"][0].get("name") else None
    member: dict[str, Any] = {
        "id_number": ctx.ids.allocate(born, male), "name": person_name(rng, male, surname),
        "relation": relation, "sex": "male" if male else "female",
        "birth_date": born.isoformat(), "change": change, "registered": False,
        "health": "healthy", "employment": [], "public_welfare_posts": [], "benefits": [],
        **fields,
    }
    household["members"].append(member)
    return member


def _head_age(household: Household, ctx: BuildContext, least: int) -> int:
    heads = [age for m, age in zip(household["members"], ages(household, ctx), strict=True)
             if m["relation"] == "head" and m.get("registered", True)]
    if not in_scope(household) or not heads or heads[0] < least:
        raise NotApplicable(f"not registered or monitored, or no head of {least} or more")
    return heads[0]


@near("EDU001")
def child_recorded_dead_out_of_school(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A child of compulsory-school age (10–13) kept on file with 人员变更 死亡 and 在校生状况
    非在校生: off the register (``registered: false``), no pupil to bring back (EDU001 reads
    registered members only; it must not fire). domain.md §4.2 人员变更."""
    head = _head_age(household, ctx, 30)
    _departed(household, ctx, rng, "grandson" if head >= 55 else "son", rng.randint(10, 13),
              "death", schooling="not_student", labour_capacity="none",
              medical_insurance="resident", serious_illness_insurance=True)
    return []


@near("MED001")
def daughter_married_out_uninsured_here(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A grown daughter kept on file with 人员变更 婚出, insured in her husband's household and so
    recorded here without basic medical insurance: off the register (``registered: false``),
    nobody here left uninsured (MED001 reads registered members only; it must not fire).
    domain.md §4.2 人员变更, §2 基本医疗有保障."""
    head = _head_age(household, ctx, 42)
    _departed(household, ctx, rng, "daughter", rng.randint(20, min(28, head - 20)),
              "married_out", schooling="not_student", education="junior_secondary",
              labour_capacity="normal", medical_insurance="none",
              serious_illness_insurance=False, pension_insurance="none")
    return []


NEAR = (
    split_household_sharing_the_phone,
    id_ending_in_x_agreeing,
    disability_card_number_agreeing,
    born_on_a_leap_day,
    birth_date_and_sex_left_to_the_id_number,
    namesake_born_the_same_day,
    moved_out_child_kept_on_file,
    only_the_required_fields,
    job_placement_planned_nobody_working,
    job_placement_done_for_the_one_worker,
    child_recorded_dead_out_of_school,
    daughter_married_out_uninsured_here,
)
