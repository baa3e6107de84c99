"""Injectors for three county checks: a phone shared across counties (WRK010), a student
recorded as labour (EDU007) and medical assistance without basic insurance (MED007). Each edits
only what its rule reads (MON020's, on a household rebuilt without labour, is in
inject_monitoring)."""

from __future__ import annotations

import random
from itertools import combinations
from typing import Any

from planner.generate.edits import ages
from planner.generate.household import BuildContext
from planner.generate.inject_needs import uninsured_member
from planner.generate.problems import Expected, NotApplicable, injector

Household = dict[str, Any]
ENROLLED = ("primary", "junior_secondary", "senior_secondary", "secondary_vocational",
            "higher_vocational", "undergraduate", "postgraduate", "home_taught")


def _exited_or_monitored(household: Household) -> None:
    if household.get("status") != "exited" and household.get("monitoring") is None:
        raise NotApplicable("neither exited nor monitored")


def _counties(member: dict[str, Any], year: int) -> set[str]:
    # The generator writes county names (never codes) and spells within the reference year.
    return {spell["county"] for spell in member["employment"]
            if spell.get("county") and spell["start"][:4] <= str(year)
            and ("end" not in spell or spell["end"][:4] >= str(year))}


def _apart(one: set[str], other: set[str]) -> bool:
    return all(a != b and not a.endswith(b) and not b.endswith(a) for a in one for b in other)


@injector("WRK010")
def phone_shared_across_counties(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """Two members working in different counties this year recorded with one phone number (the
    collector copied one member's phone onto the other)."""
    _exited_or_monitored(household)
    members = household["members"]
    pairs = [(a, b) for a, b in combinations(range(1, len(members) + 1), 2)
             if (members[a - 1].get("phone") or members[b - 1].get("phone"))
             and _counties(members[a - 1], ctx.when.year)
             and _counties(members[b - 1], ctx.when.year)
             and _apart(_counties(members[a - 1], ctx.when.year),
                        _counties(members[b - 1], ctx.when.year))]
    if not pairs:
        raise NotApplicable("no two members working in different counties")
    first, second = rng.choice(pairs)
    source, target = (first, second) if members[first - 1].get("phone") else (second, first)
    members[target - 1]["phone"] = members[source - 1]["phone"]
    return [Expected("WRK010")]


@injector("EDU007", after_registration=True)
def student_recorded_as_labour(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A student of 16 or more without work or a post recorded as ordinary labour."""
    _exited_or_monitored(household)
    if "lack_of_labour" in (household.get("monitoring") or {}).get("risks", ()):
        raise NotApplicable("a lack-of-labour risk is judged on the labour count")
    members = household["members"]
    students = [n for n, (m, age) in enumerate(zip(members, ages(household, ctx), strict=True),
                                               start=1)
                if m["schooling"] in ENROLLED and age >= 16 and m["labour_capacity"] == "none"
                and not m["employment"] and not m["public_welfare_posts"]]
    if not students:
        raise NotApplicable("no student of 16 or more")
    number = rng.choice(students)
    members[number - 1]["labour_capacity"] = "normal"
    return [Expected("EDU007", number)]


@injector("MED007")
def medical_assistance_without_insurance(
    household: Household, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """An exited member without basic medical insurance recorded as receiving medical
    assistance (with MED001's uninsured member: the gap is found too)."""
    if household.get("status") != "exited":
        raise NotApplicable("not exited")
    expected: list[Expected] = uninsured_member.function(household, rng, ctx)
    number = next(e.member for e in expected if e.code == "MED001" and e.member is not None)
    member = household["members"][number - 1]
    member["benefits"] = [*member["benefits"], "medical_assistance"]
    return [*expected, Expected("MED007", number)]


INJECTORS = (phone_shared_across_counties, student_recorded_as_labour,
             medical_assistance_without_insurance)
