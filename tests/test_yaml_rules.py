"""YAML rules: load-time errors with file, line and reason; the condition language's semantics."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

import pytest

from planner import Household, check
from planner.registry import RegistryError, load_path, load_yaml_rules

ON = date(2020, 9, 30)

RULE = """\
rules:
  - code: TST100
    name: test-rule
    family: test
    message: {{zh: 测试, en: test}}
    when:
{when}
"""


def compile_when(when: str) -> list[Any]:
    text = RULE.format(when=textwrap.indent(textwrap.dedent(when), "      "))
    return load_yaml_rules(text, "district.yaml")


def error_of(text: str) -> str:
    with pytest.raises(RegistryError) as caught:
        load_yaml_rules(textwrap.dedent(text), "district.yaml")
    return caught.value.en  # the English line of the bilingual message


def when_error(when: str) -> str:
    with pytest.raises(RegistryError) as caught:
        compile_when(when)
    return caught.value.en


def codes(rules: list[Any], example_household: Any, name: str = "pre_exit_2808",
          **changes: Any) -> list[str]:
    record = Household.model_validate({**example_household(name), **changes})
    return check([record], rules=rules, reference_date=ON).codes()


# -- load-time errors --------------------------------------------------------------------------

def test_an_unknown_fact_names_file_line_and_fact():
    message = when_error("""\
        all:
          - {fact: household.status, eq: pre_exit}
          - {fact: household.per_capita_income, lt: 3000}
        """)
    assert message.startswith("district.yaml:9: rule TST100: unknown fact")
    assert "'household.per_capita_income'" in message


def test_an_unknown_operator_names_file_line_and_operator():
    message = when_error("""\
        all:
          - {fact: household.size, lessthan: 3}
        """)
    assert message.startswith("district.yaml:8: rule #1: when.all.0:")
    assert "unknown operator 'lessthan'" in message


def test_bad_indentation_is_reported_at_its_line():
    message = error_of("""\
        rules:
          - code: TST100
            name: test-rule
            family: test
           message: {zh: 测试, en: test}
        """)
    assert message.startswith("district.yaml:5: not valid YAML")


def test_a_condition_without_a_known_key_names_the_keys_it_got():
    message = when_error("""\
        all:
          - {fakt: household.size, lt: 3}
        """)
    assert message.startswith("district.yaml:8: rule #1: when.all.0: not a condition")
    assert "(got fakt, lt)" in message


def test_a_condition_that_is_a_string_hints_at_indentation():
    message = when_error("""\
        all:
          - household.size
        """)
    assert "district.yaml:8" in message and "check the indentation" in message


def test_an_unknown_parameter_is_rejected():
    message = when_error("{fact: household.per_capita_net_income, lt: {param: income.line}}")
    assert message == "district.yaml:7: rule TST100: unknown parameter 'income.line'"


def test_an_unknown_enum_value_is_rejected():
    message = when_error("{fact: household.status, eq: preexit}")
    assert message.startswith("district.yaml:7: rule TST100: 'preexit' is not one of poor,")


def test_ordering_a_non_number_is_rejected():
    message = when_error("{fact: household.status, lt: 3}")
    assert message == (
        "district.yaml:7: rule TST100: household.status holds a enum; lt needs a number or a date"
    )


def test_comparing_a_number_with_text_is_rejected():
    message = when_error("{fact: household.size, eq: four}")
    assert "household.size holds a number, it cannot be compared with 'four'" in message


def test_a_duplicate_key_is_rejected():
    message = error_of("""\
        - code: TST100
          name: test-rule
          family: test
          family: other
          message: {zh: 测试, en: test}
          when: {exists: household.phone}
        """)
    assert message == "district.yaml:4: key 'family' is given twice"


def test_a_missing_field_and_a_bad_code_are_rejected():
    assert "rule #1: message: Field required" in error_of("""\
        - {code: TST100, name: test-rule, family: test, when: {exists: household.phone}}
        """)
    assert "code: String should match pattern" in error_of("""\
        - {code: test100, name: test-rule, family: test, message: {zh: a, en: b},
           when: {exists: household.phone}}
        """)


def test_a_message_reading_an_unknown_fact_is_rejected():
    message = error_of("""\
        - code: TST100
          name: test-rule
          family: test
          message: {zh: "{household.nme}", en: x}
          when: {exists: household.phone}
        """)
    assert message.startswith("district.yaml:4: rule TST100: unknown fact 'household.nme'")


def test_a_member_fact_outside_a_quantifier_is_rejected():
    message = when_error("{fact: member.age, ge: 60}")
    assert "reads a member outside a member-scope rule" in message


def test_a_malformed_file_in_a_folder_names_that_file(tmp_path):
    (tmp_path / "good.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- {code: X1}\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"bad\.yaml:1: rule #1"):
        load_path(tmp_path)


# -- semantics ----------------------------------------------------------------------------------

def test_unknown_is_not_false(example_household):
    rules = compile_when("{fact: household.per_capita_net_income, lt: 3000}")
    negated = compile_when("not: {fact: household.per_capita_net_income, ge: 3000}")
    assert codes(rules, example_household) == ["TST100"]
    assert codes(rules, example_household, income=None) == []
    assert codes(negated, example_household, income=None) == []


def test_any_is_true_when_one_part_is_true_even_if_another_is_unknown(example_household):
    rules = compile_when("""\
        any:
          - {fact: household.per_capita_net_income, lt: 3000}
          - {fact: household.size, eq: 4}
        """)
    assert codes(rules, example_household, income=None) == ["TST100"]


def test_missing_and_exists_are_never_unknown(example_household):
    missing = compile_when("missing: household.income")
    assert codes(missing, example_household, income=None) == ["TST100"]
    assert codes(missing, example_household) == []


def test_member_quantifiers_and_their_evidence(example_household):
    rules = compile_when("any_member: {fact: member.age, ge: 70}")
    record = Household.model_validate(example_household("pre_exit_2808"))
    [finding] = check([record], rules=rules, reference_date=ON).findings
    assert finding.evidence["members"] == [4]
    every = compile_when("all_members: {fact: member.age, ge: 14}")
    assert codes(every, example_household) == ["TST100"]


def test_evidence_keeps_only_members_of_the_deciding_branch(example_household):
    rules = compile_when(
        "any: [{all: [{any_member: {fact: member.age, ge: 60}}, {fact: household.size, gt: 100}]},"
        " {fact: household.size, ge: 1}]"
    )
    record = Household.model_validate(example_household("pre_exit_2808"))
    [finding] = check([record], rules=rules, reference_date=ON).findings
    assert "members" not in finding.evidence  # the elderly mother matched a branch that failed
    negated = compile_when("not: {any_member: {fact: member.age, ge: 90}}")
    [finding] = check([record], rules=negated, reference_date=ON).findings
    assert "members" not in finding.evidence


def test_count_members_eq_is_unknown_when_unknown_members_could_change_it(example_household):
    rules = compile_when("{count_members: {fact: member.age, ge: 44}, eq: 2}")
    assert codes(rules, example_household) == ["TST100"]  # the head (45) and the mother (72)
    members = example_household("pre_exit_2808")["members"]
    # the wife: 43, now unknown (no birth date, and no ID number to take one from)
    members[1] = {**members[1], "birth_date": None, "id_number": None}
    assert codes(rules, example_household, members=members) == []  # 2 or 3: unknown
    at_least = compile_when("{count_members: {fact: member.age, ge: 44}, ge: 2}")
    assert codes(at_least, example_household, members=members) == ["TST100"]


def test_between_with_times_scales_both_bounds(example_household):
    rules = compile_when("{fact: household.per_capita_net_income, between: [1000, 1500], times: 2}")
    assert codes(rules, example_household) == ["TST100"]


def test_contains_coerces_to_the_element_type(example_household):
    rules = compile_when("{fact: household.causes, contains: lack_of_skills}")
    assert codes(rules, example_household) == ["TST100"]
    with pytest.raises(RegistryError, match="'lack_of_skill' is not one of"):
        compile_when("{fact: household.causes, contains: lack_of_skill}")


def test_parameters_compare_with_times(example_household):
    rules = compile_when("{fact: household.per_capita_net_income, lt: {param: income.poverty_line},"
                         " times: 0.5}")
    assert codes(rules, example_household) == []
    assert rules[0].parameters == ("income.poverty_line",)


def test_dict_fields_are_read_by_key(example_household):
    rules = compile_when("{fact: household.policy_awareness.credit, eq: false}")
    assert codes(rules, example_household) == ["TST100"]
    assert codes(rules, example_household, policy_awareness={}) == []


def test_a_district_parameter_file_may_add_parameters_that_yaml_rules_read(tmp_path):
    params = tmp_path / "district-params.yaml"
    params.write_text("district.pupil_allowance:\n  description: Pupil allowance of the county\n"
                      "  values: {2020-01-01: 500}\n", encoding="utf-8")
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(RULE.format(when="      {fact: household.size, gt: {param: "
                                           "district.pupil_allowance}}"), encoding="utf-8")
    from planner.params import load_parameters

    with pytest.raises(RegistryError, match="unknown parameter"):
        load_path(rules_file)
    [loaded] = load_path(rules_file, load_parameters(params))
    assert loaded.parameters == ("district.pupil_allowance",)
