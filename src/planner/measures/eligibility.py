"""Eligibility: can this household or member receive a measure, and if not, why (in zh and en).

Pure functions over :class:`~planner.facts.HouseholdFacts` and :class:`~planner.facts.MemberFacts`,
used by the planner and by rules that check measures against facts (e.g. a training planned for
someone who cannot work). Unknown facts give an *unknown* verdict (``eligible is None``), never a
silent yes or no: missing is not zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.facts import HouseholdFacts, MemberFacts, age_on
from planner.measures.measure import Measure, parameter_names
from planner.model import LabourCapacity

#: Chinese and English names of the member facts an eligibility may require.
FACT_LABELS = {
    "disabled": ("残疾人", "disabled"),
    "ill": ("患有慢性病或大病", "chronically or seriously ill"),
    "vocational_student": ("中职或高职在校生", "a vocational student"),
    "compulsory_student": ("义务教育在校生", "a compulsory-school pupil"),
    "enrolled": ("在校生", "enrolled in school"),
    "can_work": ("有劳动能力", "able to work"),
    "employed": ("在务工", "working"),
    "working_age": ("劳动年龄人口", "of working age"),
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a measure fits: ``eligible`` is True, False or None (a needed fact is unknown).

    ``reason`` is a stable key (``labour``, ``age``, ``status``, ``requires:disabled``,
    ``disability_grade``); ``zh``/``en`` explain it; ``member`` is the member it concerns (for a
    household measure that needs an applicant, the first member who qualifies).
    """

    eligible: bool | None
    reason: str = ""
    zh: str = ""
    en: str = ""
    member: int | None = None

    def __bool__(self) -> bool:
        return self.eligible is True

    def text(self, language: str = "zh") -> str:
        """The explanation in ``language``."""
        return self.zh if language == "zh" else self.en


def _params(household: HouseholdFacts, params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if params is not None:
        return params
    from planner.params import default_parameters

    return default_parameters().at(household.reference_date)


def _number(value: int | str | None, params: Mapping[str, Any]) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(params[value])


#: Chinese names of the member record fields an eligibility may exclude values of.
_FIELD_ZH = {"schooling": "在校情况", "health": "健康状况"}


def _value_label(recorded: Any, value: str) -> tuple[str, str]:
    """The Chinese and English label of an excluded record value (the enum's own labels)."""
    if recorded is not None and hasattr(recorded, "label_zh"):
        member = type(recorded)(value)
        return member.label_zh, value.replace("_", " ")
    return value, value.replace("_", " ")


def _who(member: MemberFacts) -> tuple[str, str]:
    return f"成员{member.number}", f"member {member.number}"


def member_verdict(
    measure: Measure,
    member: MemberFacts,
    household: HouseholdFacts,
    params: Mapping[str, Any] | None = None,
    on: date | None = None,
    given: bool = False,
    *,
    domain: bool = False,
) -> Verdict:
    """Whether ``member`` meets the member conditions of ``measure`` (labour, ages, facts); the
    ages are judged on ``on`` (a measure already ``given``: the day it was, unknown without
    it), else on the reference date; with ``domain`` also its domain conditions (``labour:
    full``, ``excludes``)."""
    rules = measure.eligibility
    values = _params(household, params)
    zh_who, en_who = _who(member)
    number = member.number
    if rules.labour != "any":
        if member.can_work is None:
            return Verdict(None, "labour", f"{zh_who}劳动能力未登记",
                           f"{en_who}: labour capacity not recorded", number)
        if rules.labour in ("capable", "full") and not member.can_work:
            return Verdict(False, "labour", f"{zh_who}无劳动能力",
                           f"{en_who} has no labour capacity", number)
        if (domain and rules.labour == "full"
                and member.record.labour_capacity is LabourCapacity.WEAK):
            return Verdict(False, "labour", f"{zh_who}为弱劳动力（本措施需普通或技能劳动力）",
                           f"{en_who} is weak labour (the measure needs ordinary or skilled "
                           "labour)", number)
        if rules.labour == "incapable" and member.can_work:
            return Verdict(False, "labour", f"{zh_who}有劳动能力（本措施面向无劳动能力者）",
                           f"{en_who} can work (the measure is for those who cannot)", number)
    low, high = _number(rules.age_min, values), _number(rules.age_max, values)
    if low is not None or high is not None:
        span = f"{low if low is not None else ''}–{high if high is not None else ''}"
        if on is not None:
            age = age_on(member.birth_date, on) if member.birth_date is not None else None
        else:
            age = None if given else member.age
        if age is None:
            return Verdict(None, "age", f"{zh_who}出生日期或措施实施日期未登记",
                           f"{en_who}: birth date or date the measure was given not recorded",
                           number)
        if (low is not None and age < low) or (high is not None and age > high):
            when_zh = "" if on is None else f"{on.isoformat()}实施时"
            when_en = "" if on is None else f" when given on {on.isoformat()}"
            return Verdict(False, "age", f"{zh_who}{when_zh}{age}岁，不在{span}岁范围内",
                           f"{en_who} was {age}{when_en}, outside ages {span}" if on else
                           f"{en_who} is {age}, outside ages {span}", number)
    for fact in rules.requires:
        value = getattr(member, fact, None)
        zh_fact, en_fact = FACT_LABELS.get(fact, (fact, fact.replace("_", " ")))
        if value is None:
            return Verdict(None, f"requires:{fact}", f"{zh_who}是否{zh_fact}未登记",
                           f"{en_who}: whether {en_fact} is not recorded", number)
        if not value:
            return Verdict(False, f"requires:{fact}", f"{zh_who}不是{zh_fact}",
                           f"{en_who} is not {en_fact}", number)
    for entry in rules.excludes if domain else ():
        field, _, value = entry.partition("=")
        recorded = getattr(member.record, field, None)
        zh_value, en_value = _value_label(recorded, value)
        if recorded is None:
            return Verdict(None, f"excludes:{entry}",
                           f"{zh_who}{_FIELD_ZH.get(field, field)}未登记",
                           f"{en_who}: {field.replace('_', ' ')} not recorded", number)
        if str(getattr(recorded, "value", recorded)) == value:
            return Verdict(False, f"excludes:{entry}", f"{zh_who}为{zh_value}，不适用本措施",
                           f"{en_who} is {en_value}: the measure does not apply", number)
    if domain and rules.without_legal_supporter and member.record.legal_supporter:
        return Verdict(False, "legal_supporter",
                       f"{zh_who}有法定赡养、抚养或扶养义务人，不属特困人员",
                       f"{en_who} has a legal supporter (法定赡养人/抚养人): not a person in "
                       "extreme difficulty", number)
    grade_max = _number(rules.disability_grade_max, values)
    if grade_max is not None:
        grade = member.disability_grade
        if grade is None:
            return Verdict(None, "disability_grade", f"{zh_who}残疾等级未登记",
                           f"{en_who}: disability grade not recorded", number)
        if grade > grade_max:
            return Verdict(False, "disability_grade",
                           f"{zh_who}残疾等级{grade}级，需1–{grade_max}级",
                           f"{en_who} has disability grade {grade}; grades 1–{grade_max} qualify",
                           number)
    return Verdict(True, member=number)


def household_verdict(
    measure: Measure, household: HouseholdFacts, params: Mapping[str, Any] | None = None,
    *, domain: bool = False,
) -> Verdict:
    """Whether ``household`` meets the household conditions of ``measure`` (statuses, and for
    ``labour: incapable`` household measures: nobody can work); with ``domain`` also its domain
    conditions (``housing_grades``)."""
    rules = measure.eligibility
    if rules.statuses is not None:
        status = household.record.status
        ok = (status is not None and status.value in rules.statuses) or (
            "monitored" in rules.statuses and household.in_monitoring
        )
        if not ok:
            if status is None and not household.in_monitoring:
                return Verdict(None, "status", "户类型未登记", "household status not recorded")
            label = status.label_zh if status is not None else "未登记"
            return Verdict(False, "status", f"户类型“{label}”不在适用范围",
                           f"household status {status.value if status else 'unknown'} is not "
                           f"one of {', '.join(rules.statuses)}")
    if domain and rules.housing_grades is not None:
        grade = household.record.housing.safety_grade
        allowed = "/".join(rules.housing_grades)
        if grade is None:
            return Verdict(None, "housing_grade", "住房安全等级未鉴定或未登记",
                           "house safety grade not assessed or not recorded")
        if grade.value not in rules.housing_grades:
            return Verdict(False, "housing_grade",
                           f"住房为{grade.value}级，本措施仅面向{allowed}级危房",
                           f"the house is grade {grade.value}; the measure is for grade "
                           f"{allowed} houses only")
    if domain and rules.groups is not None and not _in_groups(household, rules.groups):
        return Verdict(False, "group",
                       "不属于本措施的重点对象（建档立卡户、监测户、低保户、特困户等）",
                       "not one of the measure's priority groups (registered poor, monitored, "
                       f"dibao, tekun …: {', '.join(rules.groups)})")
    if measure.beneficiary == "household" and rules.labour == "incapable":
        if household.any_can_work is None:
            return Verdict(None, "labour", "家庭成员劳动能力未全部登记",
                           "labour capacity of some members not recorded")
        if household.any_can_work:
            return Verdict(False, "labour", "家中有劳动力（本措施面向整户无劳动能力家庭）",
                           "someone in the household can work (the measure is for households "
                           "where nobody can)")
    return Verdict(True)


def _in_groups(household: HouseholdFacts, groups: list[str]) -> bool:
    """Whether the household is in one of ``groups``: a status, ``monitored``,
    ``category:<c>`` or ``benefit:<b>`` (a member receives it)."""
    status, category = household.record.status, household.record.category
    for group in groups:
        kind, _, value = group.partition(":")
        if not value:
            if (status is not None and status.value == group) or (
                    group == "monitored" and household.in_monitoring):
                return True
        elif (kind == "category" and category is not None and category.value == value) or (
                kind == "benefit" and any(m.benefits is not None and value in m.benefits
                                          for m in household.members)):
            return True
    return False


def eligibility(
    measure: Measure,
    household: HouseholdFacts,
    member: MemberFacts | None = None,
    params: Mapping[str, Any] | None = None,
    on: date | None = None,
    given: bool = False,
    *,
    domain: bool = False,
) -> Verdict:
    """The verdict for ``measure`` given to ``member`` (member measures) or to ``household``;
    for a measure already ``given`` ages are judged on ``on``, the day it was (unknown
    without it), else on the reference date.

    For a household measure whose conditions read a member (a borrower aged 18–65 who can work),
    the household qualifies when one member does; that member is named in the verdict. Village
    works are never eligible for a household.

    ``domain`` adds the domain conditions (``labour: full``, ``excludes``, ``housing_grades``):
    the planner applies them to the measures it proposes. Judging measures already recorded
    (SUP003, the plan's cancellations) stays with the catalog's basic conditions.
    """
    if measure.beneficiary == "village":
        return Verdict(False, "beneficiary", "村级工程，不面向农户",
                       "a village work, not for a household")
    verdict = household_verdict(measure, household, params, domain=domain)
    if not verdict:
        return verdict
    if member is not None:
        return member_verdict(measure, member, household, params, on, given, domain=domain)
    if measure.beneficiary == "member" or measure.eligibility.member_bound:
        if not household.members:
            return Verdict(None, "members", "家庭成员未登记", "no registered members")
        verdicts = [member_verdict(measure, m, household, params, on, given, domain=domain)
                    for m in household.members]
        for candidate in verdicts:
            if candidate:
                return candidate
        unknown = next((v for v in verdicts if v.eligible is None), None)
        first = unknown if unknown is not None else verdicts[0]  # unknown stays unknown
        return Verdict(first.eligible, first.reason, f"无符合条件的成员（{first.zh}）",
                       f"no member qualifies ({first.en})")
    return verdict


def eligible_members(
    measure: Measure, household: HouseholdFacts, params: Mapping[str, Any] | None = None
) -> list[MemberFacts]:
    """Members who qualify for ``measure`` (household conditions included), in member order."""
    if not household_verdict(measure, household, params):
        return []
    return [m for m in household.members if member_verdict(measure, m, household, params)]


def _truthy(target: Any, path: str) -> bool:
    name, _, expected = path.partition("=")
    first, *rest = name.split(".")
    value = getattr(target, first, None)
    if value is None:
        value = getattr(getattr(target, "record", None), first, None)
    for part in rest:
        value = getattr(value, part, None) if value is not None else None
    if expected:
        return value is not None and str(getattr(value, "value", value)) == expected
    return bool(value)


def in_place(
    measure: Measure, household: HouseholdFacts, member: MemberFacts | None = None
) -> bool:
    """Whether the facts show ``measure`` already in place (``in_place`` entries of the catalog):
    ``benefit:dibao`` (the member, or for a household measure any member, receives it),
    ``category:dibao`` (the household category), or a fact or record field that is true
    (``basic_medical_insured``, ``housing_secured``, ``serious_illness_insurance``,
    ``housing.renovation=done``)."""
    for entry in measure.in_place:
        kind, _, value = entry.partition(":")
        if kind == "benefit" and value:
            holders = [member] if member is not None else list(household.members)
            if any(h.benefits is not None and value in h.benefits for h in holders):
                return True
        elif kind == "category" and value:
            category = household.record.category
            if category is not None and category.value == value:
                return True
        elif _truthy(member if member is not None else household, entry):
            return True
    return False


__all__ = [
    "FACT_LABELS",
    "Verdict",
    "eligibility",
    "eligible_members",
    "household_verdict",
    "in_place",
    "member_verdict",
    "parameter_names",
]
