"""Near-threshold clean households of the health and disability rules (DIS001, MED002, MED006,
MED007; see planner.generate.near), rows of the shared table of planner.generate.near_limits.

Each row writes what keeps a member just inside the rule: the disability card said by its
number alone, the family-doctor contract answered by the household's 健康帮扶 column alone,
medical assistance beside the contract it lacks, a chronic patient paying nothing out of pocket
in a household monitored for another risk, medical assistance in the employees' scheme."""

from __future__ import annotations

import random
from typing import Any

from planner.generate.edits import Household, in_scope
from planner.generate.household import BuildContext
from planner.generate.inject_support import _monitored
from planner.generate.near_limits import Limit, _member, at_limit
from planner.generate.problems import NotApplicable
from planner.model.vocab import DisabilityCategory

Member = dict[str, Any]
_ILL = ("chronic_illness", "serious_illness")
_CARD_DIGITS = {category.value: str(digit)
                for digit, category in enumerate(DisabilityCategory, start=1)}


def _card_number_only(household: Household, ctx: BuildContext, rng: random.Random) -> None:
    members = [m for m in household["members"] if m["health"] == "disabled"
               and m.get("disability_category") and m.get("disability_grade")
               and len(m.get("id_number") or "") == 18]
    if not members:
        raise NotApplicable("no disabled member with a card")
    member = rng.choice(members)
    category, grade = member.pop("disability_category"), member.pop("disability_grade")
    member["id_number"] += _CARD_DIGITS[category] + str(grade)
    member["id_type"] = "身份证"


def _ill_member(household: Household, rng: random.Random, health: tuple[str, ...]) -> Member:
    """An ill member (``health``) of a registered or monitored household."""
    if not in_scope(household):
        raise NotApplicable("not registered or monitored")
    members = [m for m in household["members"]
               if m["health"] in health and m["benefits"] is not None]
    if not members:
        raise NotApplicable("no ill member")
    return rng.choice(members)


def _contract_in_the_health_column(household: Household, ctx: BuildContext,
                                   rng: random.Random) -> None:
    member = _ill_member(household, rng, _ILL)
    member["benefits"] = [b for b in member["benefits"]
                          if b not in ("family_doctor", "medical_assistance")]
    assistance = household.get("assistance") or {}
    assistance["health"] = [*(assistance.get("health") or ()), "家庭医生签约服务"]
    household["assistance"] = assistance


def _medical_assistance_without_contract(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    member = _ill_member(household, rng, _ILL)
    member["benefits"] = [b for b in member["benefits"] if b != "family_doctor"]
    if "medical_assistance" not in member["benefits"]:
        member["benefits"].append("medical_assistance")


def _chronic_patient_paying_nothing(household: Household, ctx: BuildContext,
                                    rng: random.Random) -> None:
    health = {m["health"] for m in household["members"]}
    if "serious_illness" in health or "chronic_illness" not in health:
        raise NotApplicable("no chronic patient, or a seriously ill member")
    if not any(m["labour_capacity"] in ("normal", "skilled", "weak")
               for m in household["members"] if m.get("registered") is not False):
        raise NotApplicable("nobody can work: unstable work cannot be the risk (RSK007)")
    monitoring = _monitored(household, ctx, rng)
    if monitoring.get("risk_eliminated") is not False:
        raise NotApplicable("the risk is eliminated")
    if monitoring.get("group") == "sudden_hardship":
        raise NotApplicable("a sudden-hardship household needs rigid expenditure (MON)")
    monitoring["risks"] = ["unstable_employment"]
    household["compliant_out_of_pocket"] = 0.0


def _medical_assistance_in_the_employee_scheme(household: Household, ctx: BuildContext,
                                               rng: random.Random) -> None:
    if household.get("status") != "exited":
        raise NotApplicable("not exited")
    member = _member(household, ctx, rng, lambda m, age: (
        m.get("medical_insurance") == "resident" and m["benefits"] is not None
        and m.get("labour_capacity") in ("normal", "skilled")), "insured member who can work")
    # the employees' scheme has no resident serious-illness insurance (MED005)
    member.update(medical_insurance="employee", serious_illness_insurance=False)
    if "medical_assistance" not in member["benefits"]:
        member["benefits"].append("medical_assistance")


ROWS = (
    Limit("DIS001", "disability_card_number_only",
          "A disabled member whose 20-digit 残疾人证号 (the 18-digit ID, the category digit, the "
          "grade digit) is the recorded ID number, with 证件类型 身份证 and no category or "
          "grade recorded: the number alone says the card (DIS001 must not fire; domain.md §5; "
          "fuping 4_12_003).", _card_number_only),
    Limit("MED002", "family_doctor_in_the_health_column",
          "A chronically or seriously ill member of a registered or monitored household with "
          "neither 家庭医生签约 nor 医疗救助 among the member's benefits, the household's "
          "健康帮扶 column listing 家庭医生签约服务: the export's answer for every member "
          "(MED002 must not fire; fuping 5_18_001). The column is the monitoring export's: "
          "after registration only (a registration-era record lists no premium subsidy there, "
          "MED003).", _contract_in_the_health_column, after_registration=True),
    Limit("MED002", "medical_assistance_without_family_doctor",
          "A chronically or seriously ill member of a registered or monitored household "
          "receiving 医疗救助 without a family-doctor contract: one of the two is support "
          "(MED002 must not fire; domain.md §2 基本医疗有保障).",
          _medical_assistance_without_contract),
    Limit("MED006", "chronic_patient_paying_nothing",
          "A household monitored, its risk open, for unstable work (因务工就业不稳), not "
          "illness, with a chronically ill member, nobody seriously ill, someone able to work, "
          "and 合规自付支出 recorded as 0: a "
          "chronic patient covered by outpatient reimbursement may pay nothing (MED006 must "
          "not fire; fuping 5_15_020).", _chronic_patient_paying_nothing,
          monitoring_era=True),
    Limit("MED007", "medical_assistance_in_the_employee_scheme",
          "A member of an exited household insured in the employees' scheme (城镇职工基本医疗"
          "保险), not the resident one, receiving 医疗救助: basic medical insurance all the "
          "same, though the county check asks about each scheme apart (MED007 must not fire; "
          "fuping 3_01_007).", _medical_assistance_in_the_employee_scheme),
)

NEAR = tuple(at_limit(row) for row in ROWS)
