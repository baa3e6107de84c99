"""Derived facts: computed once per household for a reference date; rules read these.

Every fact that could not be computed because an input is unknown is ``None``, so the rules can tell
"not recorded" from "zero" or "false". Rules never recompute a fact: when a rule needs a new one,
it is added here, once, and every backend reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from planner.idnumber import IdCheck, check_id
from planner.model import (
    Health,
    Household,
    HousingGrade,
    IncomeCategory,
    MeasureStatus,
    MedicalInsurance,
    Member,
    Relation,
    SchoolingStage,
    Sex,
    WorkStatus,
)
from planner.params import ParamValues

ENROLLED_STAGES = frozenset(
    {
        SchoolingStage.PRESCHOOL,
        SchoolingStage.PRIMARY,
        SchoolingStage.JUNIOR_SECONDARY,
        SchoolingStage.SENIOR_SECONDARY,
        SchoolingStage.SECONDARY_VOCATIONAL,
        SchoolingStage.HIGHER_VOCATIONAL,
        SchoolingStage.UNDERGRADUATE,
        SchoolingStage.POSTGRADUATE,
        SchoolingStage.HOME_TAUGHT,
    }
)
VOCATIONAL_STAGES = frozenset(
    {SchoolingStage.SECONDARY_VOCATIONAL, SchoolingStage.HIGHER_VOCATIONAL}
)
COMPULSORY_STAGES = frozenset({SchoolingStage.PRIMARY, SchoolingStage.JUNIOR_SECONDARY})
ACTIVE_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE})


def age_on(birth: date | None, when: date) -> int | None:
    """Completed years on ``when``; ``None`` when the birth date is unknown."""
    if birth is None:
        return None
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def months_between(start: date | None, end: date | None) -> int | None:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    if start is None or end is None:
        return None
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


@dataclass(slots=True)
class MemberFacts:
    """Facts about one member; ``number`` is 1-based within the household's member list."""

    number: int
    record: Member
    age: int | None
    id_check: IdCheck | None
    id_valid: bool | None
    id_problem: str | None
    id_birth_mismatch: bool | None
    id_sex_mismatch: bool | None
    compulsory_school_age: bool | None
    working_age: bool | None
    enrolled: bool | None
    compulsory_student: bool
    vocational_student: bool
    can_work: bool | None
    ill: bool | None
    disabled: bool | None
    basic_medical_insured: bool | None
    employed: bool
    holds_post: bool
    benefits: frozenset[str] | None

    @property
    def subject(self) -> str:
        return f"m{self.number}"


@dataclass(slots=True)
class HouseholdFacts:
    """Facts about one household on ``reference_date``; ``members`` holds registered members only."""

    record: Household
    reference_date: date
    income_year: int
    members: tuple[MemberFacts, ...]
    size: int
    income_known: bool
    income_wage: float | None
    income_operating: float | None
    income_property: float | None
    income_transfer: float | None
    gross_income: float | None
    production_costs: float
    net_income: float | None
    per_capita_net_income: float | None
    wage_share: float | None
    operating_share: float | None
    property_share: float | None
    transfer_share: float | None
    previous_per_capita_income: float | None
    per_capita_change_share: float | None
    heads: int
    head_spouse_same_sex: bool | None
    members_can_work: int
    labour_unknown: int
    labour_share: float | None
    any_can_work: bool | None
    school_age_children: int
    ill_members: int
    disabled_members: int
    students: int
    vocational_students: int
    members_working: int
    active_measures: frozenset[str]
    measures_this_year: frozenset[str]
    new_measures_this_year: frozenset[str]
    income_measures_this_year: int
    planned_annual_gain: float
    projected_per_capita_income: float | None
    exit_target: date
    housing_unsafe: bool | None
    housing_secured: bool
    usable_room_share: float | None
    usable_area_per_person: float | None
    has_helper: bool
    last_visit: date | None
    days_since_visit: int | None
    in_monitoring: bool
    risk_eliminated: bool | None
    days_to_verification: int | None
    days_to_assistance: int | None
    months_to_elimination: int | None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.record.id


def derive_member(
    number: int, member: Member, when: date, params: ParamValues
) -> MemberFacts:
    """Facts for one member on ``when``."""
    age = age_on(member.birth_date, when)
    id_check = check_id(member.id_number) if member.id_number else None
    birth_mismatch = sex_mismatch = None
    if id_check is not None and id_check.birth_date is not None:
        if member.birth_date is not None:
            birth_mismatch = member.birth_date != id_check.birth_date
        if member.sex is not None and id_check.male is not None:
            sex_mismatch = (member.sex is Sex.MALE) != id_check.male
    schooling = member.schooling
    compulsory_age = working_age = None
    if age is not None:
        compulsory_age = (
            params["education.compulsory_age_min"] <= age <= params["education.compulsory_age_max"]
        )
        working_age = params["labour.working_age_min"] <= age <= params["labour.working_age_max"]
    health = member.health
    year = when.year
    employed = any(
        (e.start is None or e.start.year <= year) and (e.end is None or e.end.year >= year)
        for e in member.employment
    )
    holds_post = any(p.end is None or p.end >= when for p in member.public_welfare_posts)
    insurance = member.medical_insurance
    return MemberFacts(
        number=number,
        record=member,
        age=age,
        id_check=id_check,
        id_valid=None if id_check is None else id_check.valid,
        id_problem=None if id_check is None else id_check.problem,
        id_birth_mismatch=birth_mismatch,
        id_sex_mismatch=sex_mismatch,
        compulsory_school_age=compulsory_age,
        working_age=working_age,
        enrolled=None if schooling is None else schooling in ENROLLED_STAGES,
        compulsory_student=schooling in COMPULSORY_STAGES,
        vocational_student=schooling in VOCATIONAL_STAGES,
        can_work=None if member.labour_capacity is None else member.labour_capacity.can_work,
        ill=None
        if health is None
        else health in (Health.CHRONIC_ILLNESS, Health.SERIOUS_ILLNESS),
        disabled=None if health is None else health is Health.DISABLED,
        basic_medical_insured=None if insurance is None else insurance is not MedicalInsurance.NONE,
        employed=employed,
        holds_post=holds_post,
        benefits=None if member.benefits is None else frozenset(b.value for b in member.benefits),
    )


def derive(
    household: Household,
    when: date,
    params: ParamValues,
    income_raising: Iterable[str] = (),
) -> HouseholdFacts:
    """Derive every fact of ``household`` on ``when`` under ``params``.

    ``income_raising`` is the set of measure ids that raise income (from the measure catalog).
    """
    members = tuple(
        derive_member(i, m, when, params)
        for i, m in enumerate(household.members, start=1)
        if m.registered
    )
    size = len(members)
    income_year = household.income_year or when.year

    by_category: dict[IncomeCategory, float] = dict.fromkeys(IncomeCategory, 0.0)
    previous_gross = 0.0
    previous_seen = False
    if household.income is not None:
        for source in household.income:
            if source.year == income_year:
                by_category[source.category] += source.amount
            elif source.year == income_year - 1:
                previous_gross += source.amount
                previous_seen = True
    costs = sum(c.amount for c in household.production_costs if c.year == income_year)
    previous_costs = sum(c.amount for c in household.production_costs if c.year == income_year - 1)
    income_known = household.income is not None
    gross = sum(by_category.values()) if income_known else None
    net = gross - costs if gross is not None else None
    per_capita = net / size if net is not None and size else None

    if previous_seen and size:
        previous = (previous_gross - previous_costs) / size
    else:
        previous = household.income_history.get(income_year - 1)
    change = (
        (per_capita - previous) / previous
        if per_capita is not None and previous is not None and previous > 0
        else None
    )

    heads = [m for m in members if m.record.relation is Relation.HEAD]
    spouses = [m for m in members if m.record.relation is Relation.SPOUSE]
    same_sex = None
    if len(heads) == 1 and len(spouses) == 1:
        head_sex, spouse_sex = heads[0].record.sex, spouses[0].record.sex
        if head_sex is not None and spouse_sex is not None:
            same_sex = head_sex == spouse_sex
    can_work = sum(1 for m in members if m.can_work)
    labour_unknown = sum(1 for m in members if m.can_work is None)
    any_can_work: bool | None = True if can_work else (None if labour_unknown else False)

    income_raising = frozenset(income_raising)
    active = [m for m in household.measures if m.status in ACTIVE_STATUSES]
    active_ids = frozenset(m.measure for m in active)
    this_year = frozenset(
        m.measure
        for m in active
        if m.year == income_year or (m.year is None and m.start and m.start.year == income_year)
    )
    earlier = frozenset(
        m.measure
        for m in household.measures
        if (m.year is not None and m.year < income_year)
        or (m.year is None and m.start and m.start.year < income_year)
    )
    new_this_year = this_year - earlier
    planned_gain = sum(
        m.expected_annual_gain or 0.0
        for m in active
        if m.status is not MeasureStatus.DONE and m.expected_annual_gain
    )
    projected = per_capita + planned_gain / size if per_capita is not None and size else None

    exit_target = household.exit_target
    if exit_target is None:
        month, day = (int(x) for x in str(params["income.exit_target_default"]).split("-"))
        exit_target = date(when.year, month, day)

    housing = household.housing
    grade = housing.safety_grade
    unsafe_grades = params["housing.unsafe_grades"]
    housing_unsafe = (
        None if grade is None or grade is HousingGrade.UNASSESSED else grade.value in unsafe_grades
    )
    housing_secured = WorkStatus.DONE in (housing.renovation, housing.relocation)
    room_share = (
        housing.rooms_usable / housing.rooms_total
        if housing.rooms_usable is not None and housing.rooms_total
        else None
    )
    area_per_person = (
        housing.usable_area / size if housing.usable_area is not None and size else None
    )

    visits = [v.on for v in household.visits if v.on <= when]
    last_visit = max(visits) if visits else None

    monitoring = household.monitoring
    days_to_verification = days_to_assistance = months_to_elimination = None
    if monitoring is not None and monitoring.identified_on is not None:
        verified = monitoring.verified_on
        assisted = monitoring.assisted_on
        days_to_verification = (verified or when).toordinal() - monitoring.identified_on.toordinal()
        days_to_assistance = (assisted or when).toordinal() - monitoring.identified_on.toordinal()
        months_to_elimination = months_between(monitoring.identified_on, monitoring.eliminated_on)

    return HouseholdFacts(
        record=household,
        reference_date=when,
        income_year=income_year,
        members=members,
        size=size,
        income_known=income_known,
        income_wage=by_category[IncomeCategory.WAGE] if income_known else None,
        income_operating=by_category[IncomeCategory.OPERATING] if income_known else None,
        income_property=by_category[IncomeCategory.PROPERTY] if income_known else None,
        income_transfer=by_category[IncomeCategory.TRANSFER] if income_known else None,
        gross_income=gross,
        production_costs=costs,
        net_income=net,
        per_capita_net_income=per_capita,
        wage_share=_share(by_category[IncomeCategory.WAGE], gross),
        operating_share=_share(by_category[IncomeCategory.OPERATING], gross),
        property_share=_share(by_category[IncomeCategory.PROPERTY], gross),
        transfer_share=_share(by_category[IncomeCategory.TRANSFER], gross),
        previous_per_capita_income=previous,
        per_capita_change_share=change,
        heads=len(heads),
        head_spouse_same_sex=same_sex,
        members_can_work=can_work,
        labour_unknown=labour_unknown,
        labour_share=can_work / size if size else None,
        any_can_work=any_can_work,
        school_age_children=sum(1 for m in members if m.compulsory_school_age),
        ill_members=sum(1 for m in members if m.ill),
        disabled_members=sum(1 for m in members if m.disabled),
        students=sum(1 for m in members if m.enrolled),
        vocational_students=sum(1 for m in members if m.vocational_student),
        members_working=sum(1 for m in members if m.employed or m.holds_post),
        active_measures=active_ids,
        measures_this_year=this_year,
        new_measures_this_year=new_this_year,
        income_measures_this_year=len(new_this_year & income_raising),
        planned_annual_gain=planned_gain,
        projected_per_capita_income=projected,
        exit_target=exit_target,
        housing_unsafe=housing_unsafe,
        housing_secured=housing_secured,
        usable_room_share=room_share,
        usable_area_per_person=area_per_person,
        has_helper=household.helper is not None and bool(household.helper.name),
        last_visit=last_visit,
        days_since_visit=None if last_visit is None else (when - last_visit).days,
        in_monitoring=monitoring is not None,
        risk_eliminated=None if monitoring is None else monitoring.risk_eliminated,
        days_to_verification=days_to_verification,
        days_to_assistance=days_to_assistance,
        months_to_elimination=months_to_elimination,
    )
