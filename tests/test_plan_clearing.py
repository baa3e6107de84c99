"""Plans that clear what they address (issue 14, item 3): a need is covered only when the
planned state clears its finding, checked on single households and, independently, on
generated ones (tests/plan_recheck.py)."""

from __future__ import annotations

from datetime import date

import planner
from planner.model import Household
from planner.planning import HouseholdPlan
from planner.testing import merge_patch

from .plan_recheck import generate_and_plan, recheck

WHEN = date(2020, 9, 30)


def plan_one(data: dict) -> HouseholdPlan:
    """Plan one household through the built-in rules, as ``planner plan`` does."""
    result = planner.plan([Household.model_validate(data)], reference_date=WHEN)
    return result.households[0]


def test_insurance_in_place_does_not_cover_an_ill_member_without_a_family_doctor(
        example_household):
    # Serious-illness insurance addresses MED002 in the catalog and is in place for member 2,
    # but MED002 fires with it: the plan must add what clears it, a family-doctor contract.
    data = example_household("med_uninsured")
    data["members"][1] = merge_patch(data["members"][1], {
        "medical_insurance": "resident", "serious_illness_insurance": True, "benefits": []})
    plan = plan_one(data)
    items = {item.key: item.why for item in plan.items}
    assert items.get("family_doctor@m2") == ["MED002", "SUP004"]
    assert [n.kind for n in plan.notes if n.code == "MED002"] == []


def test_generated_households_lose_no_finding_and_get_no_ineligible_item(tmp_path):
    households, findings, plans = generate_and_plan(tmp_path, 600, seed=3)
    result = recheck(households, findings, plans)
    assert result.with_measure > 40
    assert result.dropped == []


def test_a_person_registered_in_two_households_gets_a_data_correction_in_both(
        example_household):
    # DQ004 compares households (a dataset rule): planning one household at a time never saw it.
    first = example_household("med_uninsured")
    second = merge_patch(first, {"id": "522425-203-0099"})
    result = planner.plan([Household.model_validate(first), Household.model_validate(second)],
                          reference_date=WHEN)
    for plan in result.households:
        items = {item.key: item.why for item in plan.items}
        assert "DQ004" in items["data_correction"], plan.household
