"""The spec's scopes, item quantifier, keyed lookups, checks and values; lazy compilation."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

import pytest

from planner import Household, Village, check
from planner.backends.python import compile_rule
from planner.registry import RegistryError, load_yaml_rules

ON = date(2020, 9, 30)
MESSAGE = "message: {zh: 测试, en: test}"


def rules_of(body: str, head: str = "") -> list[Any]:
    text = ("rules:\n  - code: TST100\n    name: test-rule\n    family: test\n"
            + textwrap.indent(textwrap.dedent(head), "    ")
            + f"    {MESSAGE}\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return load_yaml_rules(text, "district.yaml")


def error_of(body: str, head: str = "") -> str:
    with pytest.raises(RegistryError) as caught:
        rules_of(body, head)
    return caught.value.en


def village_codes(rules: list[Any], **fields: Any) -> list[str]:
    village = Village.model_validate({"id": "V01", **fields})
    return check([], rules=rules, villages=[village], reference_date=ON).codes()


def household_findings(rules: list[Any], example_household: Any, **changes: Any) -> list[Any]:
    record = Household.model_validate({**example_household("pre_exit_2808"), **changes})
    return check([record], rules=rules, reference_date=ON).findings


# -- validation errors name the token ---------------------------------------------------------

def test_an_unknown_fact_in_a_village_rule_is_named_with_its_line():
    message = error_of("when: {fact: village.road_shar, lt: 1.0}\n", "scope: village\n")
    assert message.startswith("district.yaml:7: rule TST100: unknown fact 'village.road_shar'")


def test_a_village_rule_cannot_read_a_household_fact():
    message = error_of("when: {fact: household.size, gt: 1}\n", "scope: village\n")
    assert "fact 'household.size' reads a household outside a household-scope rule" in message


def test_a_lookup_with_an_unknown_key_fact_names_the_key():
    message = error_of(
        "when: {fact: member.age,"
        " lt: {param: education.education_min_age, key: member.educaton}}\n",
        "scope: member\n")
    assert "unknown fact 'member.educaton'" in message


def test_a_lookup_keyed_by_a_list_is_refused():
    message = error_of(
        "when: {fact: household.size, lt: {param: education.education_min_age,"
        " key: household.causes}}\n")
    assert "household.causes holds a collection; a parameter key needs one value" in message


def test_a_lookup_of_an_unknown_parameter_names_it():
    message = error_of(
        "when: {fact: member.age, lt: {param: education.min_ages, key: member.education}}\n",
        "scope: member\n")
    assert "unknown parameter 'education.min_ages'" in message


def test_a_measure_fact_needs_for_each_measure():
    message = error_of("when: {fact: measure.overdue, eq: true}\n")
    assert "reads a planned measure outside a rule with for_each: measure" in message


def test_a_message_reads_village_facts_through_values():
    with pytest.raises(RegistryError, match=r"message field \{village.road_share\}"):
        load_yaml_rules(textwrap.dedent("""\
            rules:
              - code: TST100
                name: test-rule
                family: test
                scope: village
                message: {zh: "{village.road_share}", en: test}
                when: {fact: village.road_share, lt: 1.0}
            """), "district.yaml")


def test_a_text_value_must_name_a_value_of_the_finding():
    message = error_of("""\
        when: {exists: household.size}
        values:
          size: household.size
          label: {text: "{sise} people"}
        """)
    assert "text '{sise} people' reads {sise}, which is not a value of the finding" in message


def test_a_rule_has_when_or_checks_not_both():
    message = error_of("""\
        when: {exists: household.size}
        checks: [{when: {exists: household.size}}]
        """)
    assert "either when (one condition) or checks" in message


# -- lazy compilation ---------------------------------------------------------------------------

def test_a_spec_rule_is_validated_not_compiled_and_compiles_once_when_run():
    [rule] = rules_of("when: {exists: household.size}\n")
    assert rule.function is None and rule.spec is not None
    assert compile_rule(rule) is compile_rule(rule)


# -- village scope, minus -----------------------------------------------------------------------

BEHIND = """\
when:
  fact: village.road_share
  lt: {fact: village.road_expected_share}
  minus: {param: projects.schedule_tolerance}
values:
  share: village.road_share
evidence:
  share: {fact: village.road_share, round: 2}
  due: village.road_due
"""


def test_minus_offsets_the_right_hand_side_true_false_unknown():
    rules = rules_of(BEHIND, "scope: village\n")
    schedule = {"road_km_planned": 10, "road_start": "2020-03-01", "road_due": "2020-10-31"}
    assert village_codes(rules, road_km_hardened=3, **schedule) == ["TST100"]  # 30% < 87%-10%
    assert village_codes(rules, road_km_hardened=8, **schedule) == []  # 80% ≥ 77%
    assert village_codes(rules, **schedule) == []  # unknown progress


def test_keyed_evidence_is_the_whole_evidence_in_order():
    rules = rules_of(BEHIND, "scope: village\n")
    village = Village.model_validate({"id": "V01", "road_km_planned": 3, "road_km_hardened": 1,
                                      "road_start": "2020-03-01", "road_due": "2020-10-31"})
    [finding] = check([], rules=rules, villages=[village], reference_date=ON).findings
    assert finding.subject == "V01"
    assert list(finding.evidence.items()) == [("share", 0.33), ("due", "2020-10-31")]


# -- keyed lookups ------------------------------------------------------------------------------

def test_a_keyed_lookup_true_false_unknown(example_household):
    rules = rules_of(
        "when: {fact: member.age,"
        " lt: {param: education.education_min_age, key: member.education}}\n",
        "scope: member\n")
    household = example_household("pre_exit_2808")
    members = household["members"]

    def flagged(education: str | None) -> list[int | None]:
        changed = [{**members[0], "education": education}, *members[1:]]
        findings = household_findings(rules, example_household, members=changed)
        return [f.member for f in findings if f.member == 1]

    assert flagged("bachelor_or_above") == []  # an adult: 19 or older is plausible
    young = {**members[0], "birth_date": "2012-01-01", "education": "senior_secondary"}
    findings = household_findings(rules, example_household, members=[young, *members[1:]])
    assert [f.member for f in findings] == [1]  # 8 < 15
    assert flagged("primary") == []  # not in the mapping: unknown, no finding
    assert flagged(None) == []  # no key: unknown


# -- for_each measure ---------------------------------------------------------------------------

OVERDUE = """\
for_each: measure
when: {fact: measure.overdue, eq: true}
values:
  label: measure.label_en
evidence:
  measure: measure.id
"""


def test_for_each_measure_yields_one_finding_per_matched_measure(example_household):
    rules = rules_of(OVERDUE)
    measures = [
        {"measure": "job_placement", "status": "planned", "beneficiary": 1, "due": "2020-06-30"},
        {"measure": "water_connection", "status": "planned", "due": "2020-11-30"},
        {"measure": "housing_renovation", "status": "in_progress", "due": "2020-08-31"},
        {"measure": "planting_subsidy", "status": "planned", "beneficiary": 9,
         "due": "2020-01-31"},
    ]
    findings = household_findings(rules, example_household, measures=measures)
    assert [(f.evidence["measure"], f.member) for f in findings] == [
        ("job_placement", 1), ("housing_renovation", None), ("planting_subsidy", None)]


def test_for_each_measure_false_and_unknown(example_household):
    rules = rules_of(OVERDUE)
    no_due = [{"measure": "job_placement", "status": "planned", "beneficiary": 1}]
    done = [{"measure": "job_placement", "status": "done", "due": "2020-06-30"}]
    assert household_findings(rules, example_household, measures=no_due) == []
    assert household_findings(rules, example_household, measures=done) == []


# -- checks and text values ---------------------------------------------------------------------

def test_checks_yield_one_finding_per_check_that_holds(example_household):
    rules = rules_of("""\
        checks:
          - when: {fact: household.size, ge: 1}
            values: {size: household.size, text: {text: "{size} people"}}
            evidence: {field: {text: size}, said: {text: "{size} people"}}
          - when: {fact: household.size, ge: 100}
            evidence: {field: {text: huge}}
          - when: {missing: household.income}
            evidence: {field: {text: income}}
        """)
    findings = household_findings(rules, example_household)
    assert [f.evidence for f in findings] == [{"field": "size", "said": "4 people"}]
    findings = household_findings(rules, example_household, income=None)
    assert [f.evidence["field"] for f in findings] == ["size", "income"]


# -- measure quantifiers and lists of measures --------------------------------------------------

PROTECTION_ONLY = """\
when:
  all:
    - any_measure: {fact: measure.active, eq: true}
    - all_measures:
        any:
          - {fact: measure.active, eq: false}
          - {fact: measure.protection, eq: true}
values:
  labels: {items: measure.label_en, where: {fact: measure.active, eq: true}, by: measure.id}
evidence:
  labels: {items: measure.label_en, where: {fact: measure.active, eq: true}, by: measure.id}
  plan: {items: measure.id}
"""


def test_measure_quantifiers_true_false_unknown(example_household):
    rules = rules_of(PROTECTION_ONLY)
    dibao = {"measure": "dibao", "status": "planned"}
    job = {"measure": "job_placement", "status": "planned", "beneficiary": 1}
    unknown = {"measure": "not_in_the_catalog", "status": "planned"}
    cancelled = {"measure": "job_placement", "status": "cancelled"}
    [finding] = household_findings(rules, example_household, measures=[dibao, cancelled, dibao])
    assert finding.evidence == {"labels": ["Rural minimum living guarantee (低保)"],
                                "plan": ["dibao", "job_placement", "dibao"]}
    assert household_findings(rules, example_household, measures=[dibao, job]) == []
    assert household_findings(rules, example_household, measures=[dibao, unknown]) == []
    assert household_findings(rules, example_household, measures=[cancelled]) == []


def test_a_measure_quantifier_cannot_be_nested_in_a_member_condition():
    message = error_of("when: {any_member: {any_measure: {fact: measure.active, eq: true}}}\n")
    assert "measure quantifiers read a household's plan: household scope only" in message


# -- checks reported together -------------------------------------------------------------------

TOGETHER = """\
checks:
  - when: {fact: project.started, eq: true}
    values: {what: {text: started}}
  - when: {fact: project.completed, eq: true}
    values: {what: {text: completed}}
  - when: {fact: project.notice_days, lt: 10}
    values: {days: project.notice_days, what: {text: "{days} days"}}
report: together
values:
  all: {matched: what, join: " + "}
evidence:
  what: {matched: what}
"""


def test_checks_reported_together_make_one_finding_listing_what_held():
    from planner import Project

    rules = rules_of(TOGETHER, "scope: project\n")

    def findings(**fields: Any) -> list[Any]:
        project = Project.model_validate({"id": "P01", **fields})
        return check([], rules=rules, projects=[project], reference_date=ON).findings

    [finding] = findings(started_on="2020-04-01", notice_days=5)
    assert finding.evidence == {"what": ["started", "5 days"]}
    assert findings(started_on="2020-12-01") == []  # false
    assert findings() == []  # not started, unknown notice days: nothing held


def test_a_matched_value_needs_checks_reported_together():
    message = error_of("""\
        when: {exists: household.size}
        values: {all: {matched: what}}
        """)
    assert "matched: what needs report: together" in message


def test_measure_eligibility_facts_true_false_unknown(example_household):
    rules = rules_of("""\
        for_each: measure
        when: {fact: measure.eligible, eq: false}
        values: {why: measure.ineligibility_en}
        evidence: {measure: measure.id, reason: measure.ineligibility}
        """)
    household = example_household("pre_exit_2808")
    members = household["members"]
    unable = [*members[:1], {**members[1], "labour_capacity": "none"}, *members[2:]]
    training = [{"measure": "skills_training", "status": "planned", "beneficiary": 2},
                {"measure": "not_in_the_catalog", "status": "planned"}]
    findings = household_findings(rules, example_household, members=unable, measures=training)
    assert [(f.evidence, f.member) for f in findings] == [
        ({"measure": "skills_training", "reason": "labour"}, 2)]  # the unknown id: no verdict
    able = [*members[:1], {**members[1], "labour_capacity": "normal",
                           "birth_date": "1990-01-01"}, *members[2:]]
    assert household_findings(rules, example_household, members=able, measures=training) == []
