"""Household composition: who lives together, their ages, health, labour capacity and schooling.

Everything here is *consistent by construction*: relations match sex, labour capacity matches age
and health, schooling matches age, so that a clean household raises no finding.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.identity import IdAllocator, phone_number
from planner.generate.names import ethnicity, person_name

Member = dict[str, Any]

SIZE_WEIGHTS = {1: 5, 2: 13, 3: 20, 4: 26, 5: 18, 6: 10, 7: 5, 8: 3}
MALE_RELATIONS = frozenset({"son", "son_in_law", "grandson", "father", "grandfather", "brother"})
FEMALE_RELATIONS = frozenset(
    {"daughter", "daughter_in_law", "granddaughter", "mother", "grandmother", "sister"}
)
DISABILITY_CATEGORIES = (
    "physical",
    "visual",
    "hearing",
    "speech",
    "intellectual",
    "mental",
    "multiple",
)
DISABILITY_WEIGHTS = (45, 12, 12, 4, 12, 10, 5)


def birth_date_for_age(rng: random.Random, age: int, when: date) -> date:
    """A birth date giving exactly ``age`` completed years on ``when``."""
    latest = _same_day(when, when.year - age)
    earliest = _same_day(when, when.year - age - 1) + timedelta(days=1)
    return date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def _same_day(when: date, year: int) -> date:
    try:
        return when.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 2, 28)


def compose(
    rng: random.Random, head: tuple[bool, int] | None = None
) -> list[tuple[str, bool, int]]:
    """(relation, male, age) of each member, head first; sizes 1–8, mostly 3–5.

    ``head`` fixes the head's sex and age (a person who already exists elsewhere).
    """
    size = rng.choices(list(SIZE_WEIGHTS), list(SIZE_WEIGHTS.values()))[0]
    if size == 1:
        male = rng.random() < 0.6
        return [("head", *(head or (male, rng.randint(35, 72))))]
    head_male, head_age = head or (rng.random() < 0.86, rng.randint(28, 72))
    people: list[tuple[str, bool, int]] = [("head", head_male, head_age)]
    if rng.random() < 0.92:
        gap = rng.randint(0, 5)
        spouse_age = head_age - gap if head_male else head_age + gap
        people.append(("spouse", not head_male, max(20, min(spouse_age, 88))))
    if head_age <= 50:
        if len(people) < size and rng.random() < 0.35 and head_age + 24 <= 88:
            parent_age = min(88, head_age + rng.randint(24, 32))
            parent_male = rng.random() < 0.4
            people.append(("father" if parent_male else "mother", parent_male, parent_age))
        oldest_child = head_age - 21
        while len(people) < size and oldest_child >= 0:
            child_age = rng.randint(max(0, oldest_child - 8), oldest_child)
            oldest_child = child_age - 1
            male = rng.random() < 0.52
            people.append(("son" if male else "daughter", male, child_age))
    else:
        child_age = rng.randint(max(18, head_age - 34), head_age - 22)
        if len(people) < size:
            male = rng.random() < 0.7
            people.append(("son" if male else "daughter", male, child_age))
            if len(people) < size and rng.random() < 0.85:
                in_law_age = max(18, child_age + rng.randint(-4, 2))
                relation = "daughter_in_law" if male else "son_in_law"
                people.append((relation, not male, in_law_age))
            oldest = child_age - 21
            while len(people) < size and oldest >= 0:
                age = rng.randint(max(0, oldest - 8), oldest)
                oldest = age - 1
                grand_male = rng.random() < 0.52
                people.append(("grandson" if grand_male else "granddaughter", grand_male, age))
        younger = child_age - 2
        while len(people) < size and younger >= 12:
            age = rng.randint(max(12, younger - 6), younger)
            younger = age - 1
            male = rng.random() < 0.52
            people.append(("son" if male else "daughter", male, age))
    return people


def _health(rng: random.Random, age: int) -> str:
    if age < 16:
        risk = (0.01, 0.0, 0.005)
    elif age < 40:
        risk = (0.03, 0.01, 0.01)
    elif age < 60:
        risk = (0.10, 0.02, 0.03)
    else:
        risk = (0.25, 0.04, 0.06)
    draw = rng.random()
    for state, p in zip(("chronic_illness", "serious_illness", "disabled"), risk, strict=True):
        if draw < p:
            return state
        draw -= p
    return "healthy"


def _schooling(rng: random.Random, age: int) -> tuple[str, int | None]:
    if age <= 2:
        return "not_student", None
    if age <= 5:
        return ("preschool", None) if rng.random() < 0.8 else ("not_student", None)
    if age <= 11:
        return "primary", age - 5
    if age <= 14:
        return "junior_secondary", age - 11
    if age == 15:
        if rng.random() < 0.3:
            return "junior_secondary", 3
        return rng.choice(("senior_secondary", "senior_secondary", "secondary_vocational")), 1
    if age <= 18:
        draw = rng.random()
        grade = min(3, age - 14)
        if draw < 0.5:
            return "senior_secondary", grade
        if draw < 0.75:
            return "secondary_vocational", grade
        return "not_student", None
    if age <= 22:
        draw = rng.random()
        if draw < 0.1:
            return "undergraduate", min(4, age - 18)
        if draw < 0.2:
            return "higher_vocational", min(3, age - 18)
    return "not_student", None


def _education(rng: random.Random, age: int) -> str:
    if age <= 22:
        return rng.choices(
            ("junior_secondary", "senior_secondary", "secondary_vocational"), (70, 18, 12)
        )[0]
    if age <= 45:
        return rng.choices(
            ("primary", "junior_secondary", "senior_secondary", "secondary_vocational", "college"),
            (25, 50, 14, 6, 5),
        )[0]
    if age <= 60:
        return rng.choices(
            ("illiterate", "primary", "junior_secondary", "senior_secondary"), (15, 45, 35, 5)
        )[0]
    return rng.choices(("illiterate", "primary", "junior_secondary"), (50, 45, 5))[0]


def _labour(
    rng: random.Random, age: int, health: str, grade: int | None, category: str | None
) -> str:
    if age < 16:
        return "none"
    if health == "healthy":
        if age <= 60:
            return "skilled" if rng.random() < 0.15 else "normal"
        if age <= 65:
            return "normal" if rng.random() < 0.4 else "weak"
        return "weak" if rng.random() < 0.5 else "none"
    if health == "chronic_illness":
        return "weak" if age <= 70 else rng.choice(("weak", "none"))
    if health == "serious_illness":
        return "weak" if rng.random() < 0.3 else "lost"
    if category == "physical" and grade is not None and grade <= 2:
        return "lost"
    return "weak" if rng.random() < 0.5 else "lost"


def build_members(
    rng: random.Random,
    people: list[tuple[str, bool, int]],
    when: date,
    ids: IdAllocator,
    phone_key: int,
    registered_poor: bool,
    dibao: bool,
) -> list[Member]:
    """Full member records for a composition, consistent with each other and with ``when``."""
    head_male = people[0][1]
    family_name = person_name(rng, head_male)[0]
    spouse_name = person_name(rng, not head_male)[0]
    father_name = family_name if head_male else spouse_name
    ethnic = ethnicity(rng)
    members: list[Member] = []
    for number, (relation, male, age) in enumerate(people, start=1):
        if relation in (
            "head",
            "son",
            "daughter",
            "grandson",
            "granddaughter",
            "father",
            "brother",
            "sister",
        ):
            surname = father_name if relation in ("son", "daughter") else family_name
        else:
            surname = None
        born = birth_date_for_age(rng, age, when)
        health = _health(rng, age)
        category = grade = None
        if health == "disabled":
            category = rng.choices(DISABILITY_CATEGORIES, DISABILITY_WEIGHTS)[0]
            grade = rng.randint(1, 4)
        schooling, school_grade = _schooling(rng, age)
        if health == "disabled" and 6 <= age <= 15 and category in ("intellectual", "multiple"):
            schooling, school_grade = "home_taught", None
        member: Member = {
            "id_number": ids.allocate(born, male),
            "name": person_name(rng, male, surname),
            "relation": relation,
            "sex": "male" if male else "female",
            "birth_date": born.isoformat(),
            "ethnicity": ethnic,
            "health": health,
        }
        if category is not None:
            member["disability_category"] = category
            member["disability_grade"] = grade
        student = schooling not in ("not_student", "dropped_out")
        member["labour_capacity"] = _labour(rng, age, health, grade, category)
        member["schooling"] = schooling
        if school_grade is not None:
            member["grade"] = school_grade
        if not student and age >= 16:
            member["education"] = _education(rng, age)
        member["medical_insurance"] = "resident"
        member["serious_illness_insurance"] = True
        if age >= 16 and not student:
            member["pension_insurance"] = "resident"
        member["benefits"] = _benefits(age, health, grade, schooling, registered_poor, dibao)
        if number == 1 or (age >= 18 and rng.random() < 0.3):
            member["phone"] = phone_number(phone_key * 8 + number - 1)
        member["employment"] = []
        member["public_welfare_posts"] = []
        members.append(member)
    return members


def students_without_labour(members: list[Member]) -> None:
    """Record every student (在校生) of 16 or more as 无劳动力, as the monitoring export does
    (fuping:rules/1111_07.py, EDU007); a student who lost labour capacity keeps 丧失劳动力."""
    for member in members:
        if member["schooling"] not in ("not_student", "dropped_out") and member[
            "labour_capacity"
        ] in ("normal", "skilled", "weak"):
            member["labour_capacity"] = "none"


def _benefits(
    age: int, health: str, grade: int | None, schooling: str, registered_poor: bool, dibao: bool
) -> list[str]:
    benefits = []
    if dibao:
        benefits.append("dibao")
    if age >= 60:
        benefits.append("pension")
    if health in ("chronic_illness", "serious_illness", "disabled"):
        benefits.append("family_doctor")
    if health == "serious_illness":
        benefits.append("medical_assistance")
    if health == "disabled":
        if dibao:
            benefits.append("disability_living_subsidy")
        if grade is not None and grade <= 2:
            benefits.append("severe_disability_care_subsidy")
    if registered_poor or dibao:
        if schooling in ("primary", "junior_secondary", "home_taught"):
            benefits.append("living_subsidy")
        elif schooling in (
            "senior_secondary",
            "secondary_vocational",
            "higher_vocational",
            "undergraduate",
        ):
            benefits.append("education_aid")
    return benefits
