"""Rules judged once per work record or public-welfare post (``for_each: work_record | post``)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from planner import Household, check
from planner.backends.python.facts import derive, derive_posts, derive_work_records
from planner.params import default_parameters
from planner.registry import RegistryError

from .test_spec_language import error_of, rules_of

ON = date(2020, 9, 30)
LOW_PAY = """\
    for_each: work_record
    when:
      all:
        - {fact: work_record.active, eq: true}
        - {fact: work_record.annual_pay, lt: 12000}
    values: {pay: work_record.annual_pay, spell: work_record.number}
    evidence: {pay: work_record.annual_pay, spell: work_record.number}
"""
NO_POST_PAY = """\
    for_each: post
    when:
      all:
        - {fact: post.held, eq: true}
        - {missing: post.monthly_pay}
    evidence: {post: post.number, name: post.name}
"""


def _household(example_household: Any, members: dict[int, dict[str, Any]]) -> Household:
    data = example_household("pre_exit_2808")
    for number, changes in members.items():
        data["members"][number - 1].update(changes)
    return Household.model_validate(data)


def _findings(rules: list[Any], household: Household) -> list[tuple[int | None, dict[str, Any]]]:
    return [(f.member, f.evidence) for f in check([household], rules=rules,
                                                   reference_date=ON).findings]


def test_one_finding_per_matching_work_record_on_its_member(example_household):
    rules = rules_of(LOW_PAY, "scope: household\n")
    household = _household(example_household, {2: {"employment": [
        {"start": "2020-01-01", "monthly_pay": 3000, "months": 6},  # 18,000: fine
        {"start": "2019-01-01", "end": "2019-12-31", "monthly_pay": 100, "months": 2},  # 2019
        {"monthly_pay": 500, "months": 3},  # open spell, 1,500: low
        {"monthly_pay": 500},  # months unknown: unknown, no finding
    ]}})
    # member 1's spell (1,200 × 5 = 6,000 in 2020) and member 2's third spell
    assert _findings(rules, household) == [
        (1, {"pay": 6000.0, "spell": 1}), (2, {"pay": 1500.0, "spell": 3})]


def test_one_finding_per_post_held_without_a_recorded_pay(example_household):
    rules = rules_of(NO_POST_PAY, "scope: household\n")
    household = _household(example_household, {2: {"public_welfare_posts": [
        {"name": "护林员", "start": "2020-01-01"},
        {"name": "保洁员", "start": "2020-01-01", "monthly_pay": 500},
        {"name": "护路员", "start": "2019-01-01", "end": "2019-12-31"},  # not held on the date
    ]}, 4: {"public_welfare_posts": [{"name": "护林员"}]}})
    assert _findings(rules, household) == [
        (2, {"post": 1, "name": "护林员"}), (4, {"post": 1, "name": "护林员"})]


def test_unregistered_members_items_are_not_judged(example_household):
    rules = rules_of(NO_POST_PAY, "scope: household\n")
    household = _household(example_household, {
        4: {"registered": False, "public_welfare_posts": [{"name": "护林员"}]}})
    assert _findings(rules, household) == []


def test_item_facts_are_their_declarations(example_household):
    household = _household(example_household, {2: {
        "employment": [{"start": "2021-01-01", "monthly_pay": 100, "months": 12}],
        "public_welfare_posts": [{"name": "护林员", "end": "2020-09-29"}]}})
    params = default_parameters().at(ON)
    facts = derive(household, ON, params)
    (first, second) = derive_work_records(facts, params)
    assert (first.member, first.number, first.annual_pay, first.active) == (1, 1, 6000.0, True)
    assert (second.member, second.annual_pay, second.active) == (2, 1200.0, False)  # 2021
    (post,) = derive_posts(facts, params)
    assert (post.member, post.held, post.annual_pay) == (2, False, None)


@pytest.mark.parametrize(("body", "said"), [
    ("when: {fact: work_record.active, eq: true}\n",
     "reads a work record outside a rule with for_each: work_record"),
    ("for_each: post\nwhen: {fact: work_record.active, eq: true}\n",
     "reads a work record outside a rule with for_each: work_record"),
    ("for_each: work_record\nwhen: {fact: work_record.salary, gt: 1}\n",
     "work_record.salary"),
])
def test_item_facts_are_checked_when_the_rule_loads(body, said):
    assert said in error_of(body)


def test_for_each_item_needs_household_scope():
    with pytest.raises(RegistryError):
        rules_of("for_each: post\nwhen: {fact: post.held, eq: true}\n", "scope: member\n")


def test_planner_facts_lists_work_record_and_post_facts():
    done = subprocess.run([sys.executable, "-c", "from planner.cli import main; main()", "facts",
                           "--format", "json"], capture_output=True, text=True, check=True)
    facts = {f["name"]: f for f in json.loads(done.stdout)}
    assert facts["work_record.active"]["entity"] == "work_record"
    assert facts["work_record.active"]["helper"] == "covers_year" or \
        "covers_year" in (facts["work_record.active"]["formula"] or "")
    assert facts["post.held"]["entity"] == "post"
    assert facts["post.annual_pay"]["depends_on"] == []
