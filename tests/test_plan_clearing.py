"""Plans that clear what they address (issue 14, item 3): a need is covered only when the
planned state clears its finding, checked on single households and, independently, on
generated ones (tests/plan_recheck.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

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
    assert result.ineligible == []


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


def _member(data: dict, number: int, **values) -> dict:
    data["members"][number - 1] = merge_patch(data["members"][number - 1], values)
    return data


def test_no_renovation_or_relocation_for_a_safe_house_however_few_rooms_are_usable(
        example_household):
    data = example_household("one_room_unsafe_water")
    data["housing"]["safety_grade"] = "B"
    plan = plan_one(data)
    assert not {"housing_renovation", "relocation"} & {item.measure for item in plan.items}
    facts = Household.model_validate(data)
    catalog = planner.measures.default_catalog()
    from planner.backends.python.facts import derive
    from planner.measures.eligibility import eligibility
    from planner.params import default_parameters

    derived = derive(facts, WHEN, default_parameters().at(WHEN), catalog.income_raising_ids())
    verdict = eligibility(catalog["housing_renovation"], derived, None, domain=True)
    assert (verdict.eligible, verdict.reason) == (False, "housing_grade")
    assert verdict.en == "the house is grade B; the measure is for grade C/D houses only"
    assert verdict.zh == "住房为B级，本措施仅面向C/D级危房"
    # judging a renovation already recorded (SUP003) keeps the catalog's basic conditions
    assert eligibility(catalog["housing_renovation"], derived, None).eligible is True


def test_idle_members_get_one_placement_and_pupils_weak_or_ill_members_none(example_household):
    from planner.backends.python.facts import derive
    from planner.measures.eligibility import eligibility
    from planner.params import default_parameters

    data = example_household("med_uninsured")
    _member(data, 1, labour_capacity="weak")
    _member(data, 3, schooling="senior_secondary", grade=2)
    catalog = planner.measures.default_catalog()
    facts = derive(Household.model_validate(data), WHEN, default_parameters().at(WHEN),
                   catalog.income_raising_ids())
    placement = catalog["job_placement"]
    weak = eligibility(placement, facts, facts.members[0], domain=True)
    assert (weak.eligible, weak.reason) == (False, "labour")
    assert weak.en == "member 1 is weak labour (the measure needs ordinary or skilled labour)"
    assert eligibility(catalog["workshop_job"], facts, facts.members[0], domain=True)
    pupil = eligibility(placement, facts, facts.members[2], domain=True)
    assert (pupil.eligible, pupil.reason) == (False, "excludes:schooling=senior_secondary")
    assert pupil.zh == "成员3为普通高中，不适用本措施"
    _member(data, 3, schooling="not_student", health="serious_illness")
    facts = derive(Household.model_validate(data), WHEN, default_parameters().at(WHEN),
                   catalog.income_raising_ids())
    ill = eligibility(catalog["public_welfare_post"], facts, facts.members[2], domain=True)
    assert (ill.eligible, ill.reason) == (False, "excludes:health=serious_illness")


def test_from_2021_the_budget_and_summary_count_lifts_over_the_monitoring_threshold(
        example_household):
    # 5,200 yuan per head in 2021: above the old 4,000 line, below the 6,000 threshold. The
    # poverty line's series ends with 2020, so the budget had no line to lift anyone over.
    household = Household.model_validate(example_household("mon_unstable_exited"))
    result = planner.plan([household], reference_date=date(2021, 9, 30), budget=100_000)
    plan = result.households[0]
    assert (plan.income.poverty_line, plan.income.per_capita) == (None, 5200.0)
    assert [b.name for b in plan.bundles] == ["plan"]
    assert (result.stats.below_line, result.stats.lifted_by_plan) == (1, 1)
    assert result.allocation is not None
    assert (result.allocation.lifted, result.allocation.spent) == (1, 1000.0)


ONE_JOB_IN_TIME = Path(__file__).parent / "data" / "plans" / "one_job_in_time.json"


def test_no_cannot_take_effect_note_when_a_proposed_job_is_in_time_and_recorded_units_kept():
    # A generated pre-exit household (exit target 2020-11-30): a workshop job proposed for
    # member 2 starts on the reference date and is in place by the target; the job recorded
    # for member 3 is due on 31 December. Its unit, recorded as another bureau, stays.
    data = json.loads(ONE_JOB_IN_TIME.read_text(encoding="utf-8"))
    data["measures"][2]["responsible"] = "县工业和信息化局"
    plan = plan_one(data)
    gaining = {item.key: item.late for item in plan.items if item.gain > 0}
    assert gaining == {"workshop_job@m2": False, "workshop_job@m3": True}
    assert [n.kind for n in plan.notes] == ["late"]
    kept = next(item for item in plan.items if item.key == "workshop_job@m3")
    assert (kept.responsible_zh, kept.responsible_en) == ("县工业和信息化局", "县工业和信息化局")
    proposed = next(item for item in plan.items if item.key == "workshop_job@m2")
    assert (proposed.responsible_zh, proposed.responsible_en) == ("乡镇人民政府",
                                                                  "Township government")


def test_the_re_check_runs_only_the_rules_raising_the_needs_it_looks_up(example_household):
    # Issue 11: the projected household is checked again for the needs it must clear, by the
    # rules raising them, not by every household and member rule.
    from planner.planning.district import DistrictPlanner
    from planner.planning.needs import need_key, need_name

    data = example_household("med_uninsured")
    data["members"][1] = merge_patch(data["members"][1], {
        "medical_insurance": "resident", "serious_illness_insurance": True, "benefits": []})
    household = Household.model_validate(data)
    district = DistrictPlanner(reference_date=WHEN)
    assert district._rechecker is not None
    every = district._rechecker.check_household(household)
    names = frozenset({"MED002"})
    found = district._recheck(household, names)
    assert [f.code for f in found] == ["MED002"]
    assert [(f.code, f.member, f.message_en) for f in found] == [
        (f.code, f.member, f.message_en) for f in every if need_name(need_key(f)) in names]
    assert len({f.code for f in every}) > 1  # the others were not run again
    assert [r.code for r in district._rechecks[names].rules] == ["MED002"]
    assert district._recheck(household, names) == found  # the same checker, reused
    assert list(district._rechecks) == [names]
