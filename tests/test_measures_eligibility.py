"""Eligibility of households and members for measures, with reasons; measures already in place."""

from __future__ import annotations

from datetime import date

import pytest

from planner.backends.python.facts import derive
from planner.measures import default_catalog
from planner.measures.eligibility import eligibility, eligible_members, in_place
from planner.model import Household
from planner.params import default_parameters
from planner.testing import merge_patch

WHEN = date(2020, 9, 30)


@pytest.fixture
def facts_of(example_household):
    def build(name: str, patch: dict | None = None):
        data = example_household(name)
        if patch:
            data = merge_patch(data, patch)
        household = Household.model_validate(data)
        return derive(household, WHEN, default_parameters().at(WHEN),
                      default_catalog().income_raising_ids())

    return build


def test_training_is_refused_to_someone_who_cannot_work(facts_of) -> None:
    facts = facts_of("no_labour")
    verdict = eligibility(default_catalog()["skills_training"], facts, facts.members[0])
    assert verdict.eligible is False
    assert verdict.reason == "labour"
    assert verdict.en == "member 1 has no labour capacity"
    assert verdict.zh == "成员1无劳动能力"


def test_a_household_measure_for_the_capable_names_the_member_who_qualifies(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    verdict = eligibility(default_catalog()["microcredit"], facts)
    assert verdict.eligible is True
    assert verdict.member == 1


def test_a_household_where_nobody_can_work_gets_no_microcredit(facts_of) -> None:
    verdict = eligibility(default_catalog()["microcredit"], facts_of("no_labour"))
    assert verdict.eligible is False
    assert "no member qualifies" in verdict.en


def test_ages_are_checked_with_the_reason(facts_of) -> None:
    facts = facts_of("pre_exit_2808")
    grandmother = facts.members[3]
    verdict = eligibility(default_catalog()["job_placement"], facts, grandmother)
    assert verdict.eligible is False  # labour is checked first
    catalog = default_catalog()
    text = ("measures:\n  - id: elder_care\n    label: {zh: 养老, en: Elder care}\n"
            "    family: social_protection\n    beneficiary: member\n"
            "    eligibility: {age_min: labour.working_age_max}\n"
            "    responsible: {zh: 民政局, en: Civil affairs}\n    reference: test\n")
    from planner.measures import load_catalog

    elder_care = load_catalog(text)["elder_care"]
    assert eligibility(elder_care, facts, grandmother).eligible is True
    head = eligibility(elder_care, facts, facts.members[0])
    assert (head.eligible, head.reason) == (False, "age")
    assert head.en == "member 1 is 45, outside ages 65–"
    assert catalog["job_placement"].eligibility.age_max == 60


def test_an_unknown_labour_capacity_gives_an_unknown_verdict(facts_of) -> None:
    facts = facts_of("pre_exit_2808", {"members": {1: {"labour_capacity": None}}})
    verdict = eligibility(default_catalog()["skills_training"], facts, facts.members[0])
    assert verdict.eligible is None
    assert verdict.en == "member 1: labour capacity not recorded"


def test_required_member_facts_are_checked(facts_of) -> None:
    facts = facts_of("no_labour")
    catalog = default_catalog()
    assert eligibility(catalog["disability_subsidy"], facts, facts.members[1]).eligible is True
    refused = eligibility(catalog["disability_subsidy"], facts, facts.members[0])
    assert (refused.eligible, refused.reason) == (False, "requires:disabled")
    assert eligible_members(catalog["medical_assistance"], facts) == [facts.members[0]]


def test_household_status_limits_a_measure(facts_of) -> None:
    facts = facts_of("no_labour", {"status": None})
    verdict = eligibility(default_catalog()["dibao"], facts)
    assert (verdict.eligible, verdict.reason) == (None, "status")


def test_protection_for_households_where_nobody_works(facts_of) -> None:
    catalog = default_catalog()
    tekun = catalog["tekun_support"]
    facts = facts_of("no_labour")
    assert eligibility(tekun, facts, facts.members[0]).eligible is True
    capable = facts_of("pre_exit_2808")
    assert eligibility(tekun, capable, capable.members[0]).eligible is False


def test_measures_in_place_are_recognised_from_benefits_categories_and_facts(facts_of) -> None:
    catalog = default_catalog()
    one_room = facts_of("one_room_unsafe_water")
    assert in_place(catalog["dibao"], one_room)  # category dibao
    assert in_place(catalog["family_doctor"], one_room, one_room.members[1])
    assert not in_place(catalog["family_doctor"], one_room, one_room.members[0])
    assert in_place(catalog["insurance_enrolment"], one_room, one_room.members[0])
    assert not in_place(catalog["housing_renovation"], one_room)
    renovated = facts_of("one_room_unsafe_water", {"housing": {"renovation": "done"}})
    assert in_place(catalog["housing_renovation"], renovated)
    no_labour = facts_of("no_labour")
    assert in_place(catalog["disability_care_subsidy"], no_labour, no_labour.members[1])
    assert in_place(catalog["assign_helper"], no_labour)


def test_microcredit_ages_follow_the_dated_parameters(facts_of) -> None:
    facts = facts_of("pre_exit_2808", {"members": {1: {"birth_date": "1954-03-12",
                                                        "id_number": None}}})
    microcredit = default_catalog()["microcredit"]
    verdict = eligibility(microcredit, facts, facts.members[0])
    assert (verdict.eligible, verdict.en) == (False, "member 1 is 66, outside ages 18–65")
    district = default_parameters().with_values({"support.microcredit_age_max": 70}).at(WHEN)
    assert eligibility(microcredit, facts, facts.members[0], district).eligible is True


def test_tekun_support_is_only_for_someone_without_a_legal_supporter(facts_of) -> None:
    """特困 (issue 14): a member who cannot work but has a legal supporter able to support them
    (法定赡养人/抚养人) is not eligible when the planner applies the domain conditions; one
    recorded without, or not recorded (the field is optional), stays eligible."""
    tekun = default_catalog()["tekun_support"]
    for supporter, eligible in ((True, False), (False, True), (None, True)):
        facts = facts_of("no_labour", {"members": {1: {"legal_supporter": supporter}}})
        verdict = eligibility(tekun, facts, facts.members[0], domain=True)
        assert verdict.eligible is eligible, supporter
        if not eligible:
            assert verdict.reason == "legal_supporter" and "法定赡养" in verdict.zh
    facts = facts_of("no_labour", {"members": {1: {"legal_supporter": True}}})
    assert eligibility(tekun, facts, facts.members[0]).eligible is True  # catalog basics only


@pytest.mark.parametrize(("patch", "eligible"), [
    ({}, True),  # registered poor, 低保, grade C
    ({"status": "general", "category": None, "monitoring": None,
      "members": {1: {"benefits": []}, 2: {"benefits": []}}}, False),  # an ordinary household
    ({"status": "general", "monitoring": None}, True),  # ordinary, but a 低保 household
    ({"housing": {"safety_grade": "B"}}, False),  # a safe house
])
def test_renovation_and_relocation_go_to_cd_houses_of_the_priority_groups(
        facts_of, patch, eligible) -> None:
    """Renovation and relocation (issue 14; domain.md §2 住房安全): a C or D house of a household
    of the priority groups (registered poor, monitored, 低保, 特困)."""
    catalog = default_catalog()
    facts = facts_of("one_room_unsafe_water", patch)
    for measure in ("housing_renovation", "relocation"):
        assert eligibility(catalog[measure], facts, domain=True).eligible is eligible, measure
