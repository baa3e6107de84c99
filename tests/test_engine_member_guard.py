"""A member rule's household-only leading conditions, judged once per household on the Python
backend (issue 11 item 4): the findings are those of the whole condition judged per member."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any

from planner import Household, check
from planner.backends.python import compile_rule
from planner.backends.python.rules import MEMBER_SPLITS
from planner.registry import load_yaml_rules

ON = date(2020, 9, 30)


def member_rule(code: str, when: str) -> Any:
    text = (f"rules:\n  - code: {code}\n    name: test-rule-{code.lower()}\n    family: test\n"
            "    scope: member\n    message: {zh: 测试, en: test}\n"
            + textwrap.indent(textwrap.dedent(when), "    "))
    [rule] = load_yaml_rules(text, "district.yaml")
    return rule


# the household part first (split), then the member part
GUARDED = member_rule("TST100", """\
    when:
      all:
        - {fact: household.status, in: [poor, pre_exit]}
        - {fact: household.per_capita_net_income, gt: 0}
        - {fact: member.age, ge: 18}
    """)
# the same parts, the member part first: not split
UNGUARDED = member_rule("TST101", """\
    when:
      all:
        - {fact: member.age, ge: 18}
        - {fact: household.status, in: [poor, pre_exit]}
        - {fact: household.per_capita_net_income, gt: 0}
    """)
# read the member only
MEMBER_ONLY = member_rule("TST102", "when: {fact: member.age, ge: 18}\n")


def findings(example_household: Any, explain: bool = False, **changes: Any) -> list[tuple]:
    record = Household.model_validate({**example_household("pre_exit_2808"), **changes})
    found = check([record], rules=[GUARDED, UNGUARDED, MEMBER_ONLY], reference_date=ON,
                  explain=explain).findings
    return sorted((f.code, f.member) for f in found)


def test_only_the_rule_with_household_parts_first_is_split():
    assert compile_rule(GUARDED) in MEMBER_SPLITS
    assert compile_rule(UNGUARDED) not in MEMBER_SPLITS
    assert compile_rule(MEMBER_ONLY) not in MEMBER_SPLITS


def test_household_part_true_flags_the_adults_as_the_whole_condition_does(example_household):
    # members 1, 2 and 4 are adults on 2020-09-30, member 3 (born 2006) is not
    expected = [(code, m) for code in ("TST100", "TST101", "TST102") for m in (1, 2, 4)]
    assert findings(example_household) == expected
    assert findings(example_household, explain=True) == expected


def test_household_part_false_flags_no_member(example_household):
    expected = [("TST102", m) for m in (1, 2, 4)]
    assert findings(example_household, status="exited") == expected
    assert findings(example_household, status="exited", explain=True) == expected


def test_household_part_unknown_flags_no_member(example_household):
    # no income recorded: the per-capita income is unknown, so is the whole condition
    expected = [("TST102", m) for m in (1, 2, 4)]
    assert findings(example_household, income=[], income_year=None) == expected


def test_adult_members_alone_are_flagged_when_the_household_part_holds(example_household):
    members = example_household("pre_exit_2808")["members"]
    children = [{**m, "birth_date": "2010-01-01"} for m in members]
    assert findings(example_household, members=children) == []
    assert findings(example_household, status="exited", members=children) == []
