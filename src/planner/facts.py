"""Derived facts: computed once per household for a reference date; rules read these.

Every fact that could not be computed because an input is unknown is ``None``, so the rules can tell
"not recorded" from "zero" or "false". Rules never recompute a fact: when a rule needs a new one,
it is added here, once, and every backend reads it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from planner.idnumber import IdCheck, check_id
from planner.model import (
    EducationLevel,
    Health,
    Household,
    HousingGrade,
    IncomeCategory,
    MeasureStatus,
    MedicalInsurance,
    Member,
    PlannedMeasure,
    Relation,
    SchoolingStage,
    Sex,
    WorkStatus,
)
from planner.model.vocab import Labelled
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
OPEN_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS})
# Education levels showing compulsory schooling is complete (a 15-year-old graduate is no dropout).
COMPULSORY_COMPLETED = frozenset(
    {
        EducationLevel.JUNIOR_SECONDARY,
        EducationLevel.SENIOR_SECONDARY,
        EducationLevel.SECONDARY_VOCATIONAL,
        EducationLevel.COLLEGE,
        EducationLevel.BACHELOR_OR_ABOVE,
    }
)
IMPLEMENTED_STATUSES = frozenset({MeasureStatus.IN_PROGRESS, MeasureStatus.DONE})


class BasicGuarantee(Labelled):
    """The 三保障 plus drinking water: what ``basic_guarantee_problems`` lists (domain.md §2)."""

    HOUSING = "housing"  # 住房安全有保障
    EDUCATION = "education"  # 义务教育有保障
    MEDICAL = "medical"  # 基本医疗有保障
    WATER = "water"  # 饮水安全

    @property
    def label_zh(self) -> str:
        return _GUARANTEE_ZH[self]


_GUARANTEE_ZH = {
    BasicGuarantee.HOUSING: "住房安全",
    BasicGuarantee.EDUCATION: "义务教育",
    BasicGuarantee.MEDICAL: "基本医疗",
    BasicGuarantee.WATER: "饮水安全",
}



class IdProblem(Labelled):
    """Why an ID number is invalid: the ``problem`` of :func:`planner.idnumber.check_id`."""

    PLACEHOLDER = "placeholder"
    OLD_15_DIGIT = "old_15_digit"
    LENGTH = "length"
    CHARACTERS = "characters"
    BIRTH_DATE = "birth_date"
    CHECK_DIGIT = "check_digit"

    @property
    def label_zh(self) -> str:
        return _ID_PROBLEM_ZH[self]


_ID_PROBLEM_ZH = {
    IdProblem.PLACEHOLDER: "占位号码（999999开头）",
    IdProblem.OLD_15_DIGIT: "15位旧号码未升级为18位",
    IdProblem.LENGTH: "位数不对",
    IdProblem.CHARACTERS: "含非法字符",
    IdProblem.BIRTH_DATE: "出生日期无效",
    IdProblem.CHECK_DIGIT: "校验码错误",
}


# Facts computed from parameters, and the parameters they read: a rule reading such a fact reads
# those parameters too (listed in its metadata and its explanations).
FACT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "household.poverty_line": ("income.poverty_line",),
    "household.exit_target": ("income.exit_target_default",),
    "household.housing_unsafe": ("housing.unsafe_grades",),
    "household.basic_guarantee_problems": (
        "housing.unsafe_grades", "education.compulsory_age_min", "education.compulsory_age_max",
        "water.litres_per_person_day_min", "water.fetch_minutes_max", "water.reliability_min",
    ),
    "household.basic_guarantee_secure": (
        "housing.unsafe_grades", "education.compulsory_age_min", "education.compulsory_age_max",
        "water.litres_per_person_day_min", "water.fetch_minutes_max", "water.reliability_min",
    ),
    "household.water_safe": (
        "water.litres_per_person_day_min", "water.fetch_minutes_max", "water.reliability_min",
    ),
    "household.school_age_children": (
        "education.compulsory_age_min", "education.compulsory_age_max",
    ),
    "household.monitoring_era": ("monitoring.start",),
    "member.compulsory_school_age": (
        "education.compulsory_age_min", "education.compulsory_age_max",
    ),
    "member.out_of_school": ("education.compulsory_age_min", "education.compulsory_age_max"),
    "member.working_age": ("labour.working_age_min", "labour.working_age_max"),
}


def age_on(birth: date | None, when: date) -> int | None:
    """Completed years on ``when``; ``None`` when the birth date is unknown."""
    if birth is None:
        return None
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def months_between(start: date | None, end: date | None) -> int | None:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    if start is None or end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    # A month is complete on the same day of the month, or on the last day of a shorter month
    # (31 March to 30 September is six months).
    end_of_month = end.day == calendar.monthrange(end.year, end.month)[1]
    return months - (end.day < start.day and not end_of_month)


def _latest_income_year(household: Household, when: date) -> int:
    """The income year of a record that does not say: its latest source year up to ``when``."""
    years = [s.year for s in household.income or () if s.year <= when.year]
    return max(years) if years else when.year


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
    id_problem: IdProblem | None
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
    # compulsory-school age, not enrolled and not exempted by the county committee (domain.md §2)
    out_of_school: bool | None
    # Codes addressed by active measures for this member or the whole household (set by derive).
    # Defaulted fields stay last.
    addressed_codes: frozenset[str] = frozenset()

    @property
    def subject(self) -> str:
        return f"m{self.number}"


@dataclass(slots=True)
class HouseholdFacts:
    """Facts about one household on ``reference_date``; ``members``: registered members only."""

    record: Household
    reference_date: date
    income_year: int
    poverty_line: float | None
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
    # |recorded 人均纯收入 − computed per-capita net income|; None when either is unknown
    per_capita_income_gap: float | None
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
    # active measures of the plan window (income year … reference year); new = none before it
    measures_this_year: frozenset[str]
    new_measures_this_year: frozenset[str]
    income_measures_this_year: int
    # measures of the income year in progress or done (their effects should show in the record)
    measures_implemented: frozenset[str]
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
    addressed_codes: frozenset[str]
    water_safe: bool | None
    basic_guarantee_problems: tuple[BasicGuarantee, ...]
    basic_guarantee_secure: bool | None
    monitoring_era: bool
    overdue_measures: tuple[int, ...]
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
    holds_post = any(
        (p.start is None or p.start <= when) and (p.end is None or p.end >= when)
        for p in member.public_welfare_posts
    )
    insurance = member.medical_insurance
    enrolled = None if schooling is None else schooling in ENROLLED_STAGES
    out_of_school: bool | None = None
    if compulsory_age is False or member.schooling_exemption:
        out_of_school = False
    elif compulsory_age and enrolled is not None:
        out_of_school = not enrolled and member.education not in COMPULSORY_COMPLETED
    return MemberFacts(
        number=number,
        record=member,
        age=age,
        id_check=id_check,
        id_valid=None if id_check is None else id_check.valid,
        id_problem=None if id_check is None or id_check.problem is None
        else IdProblem(id_check.problem),
        id_birth_mismatch=birth_mismatch,
        id_sex_mismatch=sex_mismatch,
        compulsory_school_age=compulsory_age,
        working_age=working_age,
        enrolled=enrolled,
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
        out_of_school=out_of_school,
    )


def derive(
    household: Household,
    when: date,
    params: ParamValues,
    income_raising: Iterable[str] = (),
    measure_addresses: Mapping[str, Iterable[str]] | None = None,
) -> HouseholdFacts:
    """Derive every fact of ``household`` on ``when`` under ``params``.

    ``income_raising`` is the set of measure ids that raise income (from the measure catalog).
    ``measure_addresses`` maps measure ids to the finding codes they address (the catalog's
    ``addresses``); it feeds ``addressed_codes`` of the household and of each member.
    """
    members = tuple(
        derive_member(i, m, when, params)
        for i, m in enumerate(household.members, start=1)
        if m.registered
    )
    size = len(members)
    income_year = household.income_year or _latest_income_year(household, when)

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
    # Income is known for the year when it is recorded for that year; an empty list is a
    # recorded zero, but sources of other years only say nothing about this one.
    income_known = household.income is not None and (
        not household.income or any(source.year == income_year for source in household.income)
    )
    gross = sum(by_category.values()) if income_known else None
    net = gross - costs if gross is not None else None
    per_capita = net / size if net is not None and size else None

    previous: float | None
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
    # The plan window runs from the income year to the reference year: in the monitoring era the
    # income assessed is last year's and this year's measures answer it.
    plan_years = range(income_year, max(income_year, when.year) + 1)
    this_year = frozenset(
        m.measure
        for m in active
        if m.year in plan_years
        or (m.year is None and m.start is not None and m.start.year in plan_years)
    )
    earlier = frozenset(
        m.measure
        for m in active
        if (m.year is not None and m.year < income_year)
        or (m.year is None and m.start and m.start.year < income_year)
    )
    new_this_year = this_year - earlier
    implemented = frozenset(
        m.measure
        for m in household.measures
        if m.status in IMPLEMENTED_STATUSES
        and (m.year == income_year or (m.year is None and m.start and m.start.year == income_year))
    )
    recorded_per_capita = household.recorded_per_capita_income
    income_gap = (
        abs(recorded_per_capita - per_capita)
        if recorded_per_capita is not None and per_capita is not None
        else None
    )
    addressed = _addressed_codes(active, members, measure_addresses or {})
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

    water_safe = _water_safe(household, params)
    problems, secure = _basic_guarantee(housing_unsafe, housing_secured, members, water_safe)

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
        poverty_line=params.on(date(income_year, 12, 31)).get("income.poverty_line"),
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
        per_capita_income_gap=income_gap,
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
        measures_implemented=implemented,
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
        addressed_codes=addressed,
        water_safe=water_safe,
        basic_guarantee_problems=problems,
        basic_guarantee_secure=secure,
        monitoring_era=when >= date.fromisoformat(str(params["monitoring.start"])),
        overdue_measures=tuple(
            i for i, m in enumerate(household.measures, start=1)
            if m.status in OPEN_STATUSES and m.due is not None and m.due < when
        ),
    )


def _addressed_codes(
    active: list[PlannedMeasure],
    members: tuple[MemberFacts, ...],
    measure_addresses: Mapping[str, Iterable[str]],
) -> frozenset[str]:
    """Codes addressed by the active measures; also sets each member's own plus household-wide."""
    by_beneficiary: dict[int | None, set[str]] = {}
    for measure in active:
        codes = measure_addresses.get(measure.measure)
        if codes:
            by_beneficiary.setdefault(measure.beneficiary, set()).update(codes)
    if not by_beneficiary:
        return frozenset()
    household_wide = by_beneficiary.get(None, set())
    for member in members:
        own = by_beneficiary.get(member.number, set())
        member.addressed_codes = frozenset(household_wide | own)
    return frozenset().union(*by_beneficiary.values())


def _water_safe(household: Household, params: ParamValues) -> bool | None:
    """饮水安全 by its four indicators: a known failure is unsafe; all known and passing is safe."""
    water = household.water
    checks: list[bool | None] = [
        water.quality_safe,
        None
        if water.litres_per_person_day is None
        else water.litres_per_person_day >= params["water.litres_per_person_day_min"],
        True
        if water.piped_into_home
        else (
            None
            if water.fetch_minutes_round_trip is None
            else water.fetch_minutes_round_trip <= params["water.fetch_minutes_max"]
        ),
        None if water.reliability is None else water.reliability >= params["water.reliability_min"],
    ]
    if False in checks:
        return False
    return None if None in checks else True


def _basic_guarantee(
    housing_unsafe: bool | None,
    housing_secured: bool,
    members: tuple[MemberFacts, ...],
    water_safe: bool | None,
) -> tuple[tuple[BasicGuarantee, ...], bool | None]:
    """The 三保障 and water problems known to exist, and whether all four are known secure.

    Housing: unsafe grade (housing.unsafe_grades) with neither renovation nor relocation done.
    Education: a member of compulsory-school age not enrolled and not exempted (``out_of_school``).
    Medical: a member without basic medical insurance. Water: ``water_safe`` is false.
    """
    states: dict[BasicGuarantee, bool | None] = {
        BasicGuarantee.HOUSING: False if housing_secured else housing_unsafe,
        BasicGuarantee.EDUCATION: _any_known(m.out_of_school for m in members),
        BasicGuarantee.MEDICAL: _any_known(
            None if m.basic_medical_insured is None else not m.basic_medical_insured
            for m in members
        ),
        BasicGuarantee.WATER: None if water_safe is None else not water_safe,
    }
    problems = tuple(name for name, problem in states.items() if problem)
    if problems:
        return problems, False
    return (), None if None in states.values() else True


def _any_known(values: Iterable[bool | None]) -> bool | None:
    """Kleene ``any``: true if one is true, unknown if none is true but one is unknown."""
    unknown = False
    for value in values:
        if value:
            return True
        unknown = unknown or value is None
    return None if unknown else False
