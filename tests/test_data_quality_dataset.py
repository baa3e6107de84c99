"""Dataset forms of the spec (duplicates by key, grouped rates) on small inputs, run end to end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from planner import Household, Project, check
from planner.backends.python import compile_rule
from planner.backends.python.dataset import compile_dataset
from planner.backends.python.facts import derive
from planner.params import default_parameters
from planner.registry import RegistryError, load_yaml_rules
from planner.rule import Hit, Message, Rule, RuleContext
from planner.testing import merge_patch

ON = date(2020, 9, 30)
HEAD_ID = "522425197503120018"  # the head of pre_exit_2808

SAME_PERSON = """
- code: TST401
  name: same-person
  family: test
  scope: dataset
  message:
    zh: "第{values[member]}名成员与{values[others_zh]}相同"
    en: "member {values[member]} as {values[others_en]}"
  duplicates:
    key: id_number
    places:
      - fact: member.id_number
        label: {zh: "第{member}名成员", en: "member {member}"}
        unless: {fact: member.age, lt: 3}
    place_name: member
    shown: 2
    shared: {evidence: {id_number: key, also_in: also_in}}
"""

SAME_PHONE = """
- code: TST402
  name: same-phone
  family: test
  scope: dataset
  message: {zh: "{values[place_zh]}{values[says_zh]}", en: "{values[place_en]} {values[says_en]}"}
  duplicates:
    key: phone
    places:
      - {fact: household.phone, label: {zh: 户电话, en: the household phone}, field: phone}
      - fact: member.phone
        label: {zh: "第{member}名成员电话", en: "the phone of member {member}"}
        field: "members[{member}].phone"
      - {fact: household.helper.phone, label: {zh: 帮扶人电话, en: the helper's phone},
         field: helper.phone, place: -1, compare: false}
    valid: {param: data_quality.phone_patterns}
    more_than: 1
    once_per_household: true
    invalid:
      evidence: {field: field, problem: outcome, phone: value}
      says: {zh: 无效, en: is invalid}
    shared:
      evidence: {field: field, problem: outcome, also_in: also_in}
      says: {zh: "与{others_zh}相同", en: "is the same as {others_en}"}
"""

RATE = """
- code: TST403
  name: town-rate
  family: test
  scope: dataset
  message:
    zh: "{values[town]} {values[rate]:.1%} {values[wan]:.1f} 万元"
    en: "{values[town]}: {values[numerator]} of {values[denominator]}, {values[rate]:.1%}"
  rate:
    group_by: {county: project.region.county, town: project.region.town}
    among: {exists: project.disbursement_rate}
    numerator: {sum: project.funds_disbursed}
    denominator: {sum: project.funds_allocated}
    below: {param: projects.disbursement_benchmark}
    evidence: {projects: counted, projects_unknown: uncounted, rate: rate, benchmark: benchmark}
    scaled: {wan: {of: denominator, divided_by: 10000}}
"""


def _household(example_household: Any, name: str, patch: dict[str, Any] | None = None) -> Household:
    return Household.model_validate(merge_patch(example_household(name), patch or {}))


def _run(rule_text: str, households: tuple[Household, ...] | list[Household] = (),
         projects: tuple[Project, ...] | list[Project] = ()) -> list[tuple[Any, ...]]:
    """Findings of one YAML rule: subject, member, evidence and both messages."""
    result = check(households, rules=load_yaml_rules(rule_text), reference_date=ON,
                   projects=projects, rule_timeout=None)
    return [(f.subject, f.member, f.evidence, f.message_zh, f.message_en)
            for f in result.findings if f.code.startswith("TST")]


# --- duplicates by key ------------------------------------------------------------------------
def test_no_duplicate_gives_no_finding(example_household) -> None:
    households = [_household(example_household, "pre_exit_2808"),
                  _household(example_household, "no_labour")]
    assert _run(SAME_PERSON, households) == []


def test_two_places_each_name_the_other(example_household) -> None:
    households = [_household(example_household, "pre_exit_2808"),
                  _household(example_household, "no_labour",
                             {"members": {2: {"id_number": HEAD_ID}}})]
    assert _run(SAME_PERSON, households) == [
        ("522425-101-0001", 1,
         {"id_number": HEAD_ID, "also_in": [{"household": "522425-203-0003", "member": 2}]},
         "第1名成员与户 522425-203-0003 第2名成员相同",
         "member 1 as member 2 of household 522425-203-0003"),
        ("522425-203-0003", 2,
         {"id_number": HEAD_ID, "also_in": [{"household": "522425-101-0001", "member": 1}]},
         "第2名成员与户 522425-101-0001 第1名成员相同",
         "member 2 as member 1 of household 522425-101-0001"),
    ]


def test_three_places_beyond_those_shown_are_counted(example_household) -> None:
    """Four places, two shown: each finding names two others and counts the third."""
    households = [
        _household(example_household, "pre_exit_2808",
                   {"members": {2: {"id_number": "522425750312001"}}}),  # 15 digits, same person
        _household(example_household, "no_labour", {"members": {2: {"id_number": HEAD_ID}}}),
        _household(example_household, "one_room_unsafe_water",
                   {"members": {1: {"id_number": HEAD_ID.lower()}}}),
    ]
    found = _run(SAME_PERSON, households)
    assert [(s, m) for s, m, *_ in found] == [
        ("522425-101-0001", 1), ("522425-101-0001", 2), ("522425-203-0003", 2),
        ("522425-102-0002", 1),
    ]
    assert found[0][3] == "第1名成员与本户第2名成员、户 522425-203-0003 第2名成员等共 3 处相同"
    assert found[0][4] == ("member 1 as member 2 of this household, member 2 of household"
                           " 522425-203-0003 and 1 more")
    assert [len(e["also_in"]) for _, _, e, *_ in found] == [3, 3, 3, 3]


def test_a_filtered_out_member_is_not_compared(example_household) -> None:
    """``unless`` (here: younger than 3) leaves the member out of the comparison."""
    households = [_household(example_household, "pre_exit_2808"),
                  _household(example_household, "no_labour",
                             {"members": {2: {"id_number": HEAD_ID, "birth_date": "2019-01-01"}}})]
    assert _run(SAME_PERSON, households) == []


@pytest.mark.parametrize("number", [None, "", "52242519750312001", "52242519750312001A"])
def test_unknown_or_unreadable_values_are_not_compared(example_household, number) -> None:
    households = [
        _household(example_household, "pre_exit_2808", {"members": {2: {"id_number": number}}}),
        _household(example_household, "no_labour", {"members": {2: {"id_number": number}}}),
    ]
    assert _run(SAME_PERSON, households) == []


def test_invalid_values_come_first_then_shared_ones_once_per_household(example_household) -> None:
    households = [
        _household(example_household, "pre_exit_2808", {"phone": "1388571000"}),  # ten digits
        # the household's own number on its member counts once; the helper's is never compared
        _household(example_household, "no_labour",
                   {"phone": "138 8571 0001", "helper": {"phone": "13885710001"}}),
    ]
    found = _run(SAME_PHONE, households)
    assert found == [
        ("522425-101-0001", None, {"field": "phone", "problem": "invalid", "phone": "1388571000"},
         "户电话无效", "the household phone is invalid"),
        ("522425-101-0001", 1,
         {"field": "members[1].phone", "problem": "shared",
          "also_in": [{"household": "522425-203-0003", "place": 0}]},
         "第1名成员电话与户 522425-203-0003 户电话相同",
         "the phone of member 1 is the same as the household phone of household 522425-203-0003"),
        ("522425-203-0003", None,
         {"field": "phone", "problem": "shared",
          "also_in": [{"household": "522425-101-0001", "place": 1}]},
         "户电话与户 522425-101-0001 第1名成员电话相同",
         "the household phone is the same as the phone of member 1 of household 522425-101-0001"),
    ]


def test_invalid_values_are_kept_without_findings_until_the_end(example_household) -> None:
    """Memory: the accumulator holds compact entries, never a finding, until ``finish``."""
    values = default_parameters().at(ON)
    (rule,) = load_yaml_rules(SAME_PHONE)
    accumulator = compile_rule(rule)(RuleContext(values, ON))
    for index in range(3):
        data = merge_patch(example_household("pre_exit_2808"), {
            "id": f"H{index}", "phone": f"138857100{index}",  # ten digits: invalid
            "members": {2: {"phone": "12885710002"}},  # starts 12: invalid
        })
        accumulator.add(derive(Household.model_validate(data), ON, values))
    assert not any(isinstance(item, Hit) for item in _contents(accumulator))
    assert len(accumulator.invalid_values) == 6
    assert accumulator.seen.keys.typecode == "q"  # compared numbers are 64-bit integers
    invalid = [(h.household, h.member, h.evidence) for h in accumulator.finish()
               if h.evidence["problem"] == "invalid"]
    assert invalid == [
        (household, member, {"field": field, "problem": "invalid", "phone": phone})
        for index in range(3) for household in [f"H{index}"]
        for member, field, phone in [(None, "phone", f"138857100{index}"),
                                     (2, "members[2].phone", "12885710002")]
    ]


def _contents(value: Any, depth: int = 0) -> list[Any]:
    """Everything reachable from ``value`` through attributes and containers (a few levels)."""
    found = [value]
    if depth > 3:
        return found
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set):
        children = list(value)
    elif hasattr(value, "__dict__"):
        children = list(vars(value).values())
    elif hasattr(value, "__slots__"):
        children = [getattr(value, name, None) for name in value.__slots__]
    else:
        children = []
    for child in children:
        found.extend(_contents(child, depth + 1))
    return found


# --- grouped rate against a benchmark ---------------------------------------------------------
def _project(pid: str, town: str | None, allocated: float | None, disbursed: float | None,
             county: str | None = "示范县") -> Project:
    return Project.model_validate({"id": pid, "region": {"county": county, "town": town},
                                   "funds_allocated": allocated, "funds_disbursed": disbursed})


def test_a_group_below_the_benchmark_is_flagged_with_its_counts() -> None:
    projects = [_project("P1", "河口镇", 100000.0, 45000.0),
                _project("P2", "河口镇", 100000.0, 45000.0),
                _project("P3", "河口镇", None, 1000.0)]  # unknown: not counted
    assert _run(RATE, projects=projects) == [
        ("河口镇", None,
         {"county": "示范县", "town": "河口镇", "projects": 2, "projects_unknown": 1, "rate": 0.45,
          "benchmark": 0.8848},
         "河口镇 45.0% 20.0 万元", "河口镇: 90000.0 of 200000.0, 45.0%"),
    ]


def test_a_group_exactly_at_the_benchmark_is_not_flagged() -> None:
    projects = [_project("P1", "河口镇", 10000.0, 8848.0)]
    assert _run(RATE, projects=projects) == []


def test_groups_with_nothing_counted_or_no_town_are_not_rated_and_order_is_by_key() -> None:
    """Groups come in the order of their keys as text, as PRJ001/PRJ002 always listed towns:
    ``('甲县', '河口镇')`` before ``(None, '白沙镇')``."""
    projects = [_project("P1", "青山乡", 100.0, 10.0), _project("P2", None, 100.0, 0.0),
                _project("P3", "河口镇", None, None), _project("P4", "白沙镇", 100.0, 0.0, None),
                _project("P5", "河口镇", 100.0, 0.0, county="甲县")]
    assert [(s, e["county"]) for s, _, e, *_ in _run(RATE, projects=projects)] == [
        ("河口镇", "甲县"), ("青山乡", "示范县"), ("白沙镇", None)]


def test_count_rate_counts_the_yes_facts() -> None:
    """PRJ001: projects due are counted, the completed ones are the numerator."""
    due, done = {"planned_completion": "2020-06-30"}, {"completed_on": "2020-06-20"}
    projects = [Project.model_validate({"id": f"P{i}", "region": {"town": "河口镇"}, **due,
                                        **(done if i < 2 else {})}) for i in range(3)]
    projects.append(Project.model_validate({"id": "P9", "region": {"town": "河口镇"},
                                            "planned_completion": "2021-01-01"}))
    result = check([], params=default_parameters(), reference_date=ON, projects=projects,
                   select=["PRJ001"])
    (finding,) = [f for f in result.findings if f.code == "PRJ001"]
    assert finding.evidence == {"county": None, "town": "河口镇", "projects_due": 3,
                                "projects_completed": 2, "completion_rate": 0.6667,
                                "benchmark": 0.8791}
    assert finding.message_en == ("河口镇: project completion rate 66.7% (2 of 3 projects due by"
                                  " the check date are complete), below 87.91%")


# --- the forms are checked when loaded --------------------------------------------------------
@pytest.mark.parametrize(("change", "reason"), [
    (("among: {exists: project.disbursement_rate}", "among: {exists: project.budget}"),
     "unknown fact 'project.budget'"),
    (("numerator: {sum: project.funds_disbursed}", "numerator: {sum: project.region.town}"),
     "is not a number fact"),
    (("among: {exists: project.disbursement_rate}", "among: {holds: project.funds_allocated}"),
     "is not a yes/no fact"),
    (("below: {param: projects.disbursement_benchmark}", "below: {param: projects.nothing}"),
     "unknown parameter 'projects.nothing'"),
    (("  rate:", "  when: {exists: household.phone}\n  rate:"), "no when"),
])
def test_a_malformed_rate_form_is_a_load_error_naming_it(change, reason) -> None:
    with pytest.raises(RegistryError) as raised:
        load_yaml_rules(RATE.replace(*change), "rates.yaml")
    assert reason in raised.value.en and "rates.yaml:" in raised.value.en


@pytest.mark.parametrize(("change", "reason"), [
    (("fact: member.id_number", "fact: member.id_numbr"), "unknown fact 'member.id_numbr'"),
    (("key: id_number", "key: name"), "key"),
    (("scope: dataset", "scope: household"), "has a when condition and no dataset form"),
    (('"第{member}名成员"', '"第{number}名成员"'), "{number} in '第{number}名成员': only member"),
    (("{zh: \"第{member}", "{zh: \"第{member"), "malformed template"),
])
def test_a_malformed_duplicates_form_is_a_load_error_naming_it(change, reason) -> None:
    with pytest.raises(RegistryError) as raised:
        load_yaml_rules(SAME_PERSON.replace(*change), "dup.yaml")
    assert reason in raised.value.en


def test_says_names_only_the_other_places() -> None:
    with pytest.raises(RegistryError, match="only others_en can be filled in"):
        load_yaml_rules(SAME_PHONE.replace("is the same as {others_en}", "is {values[x]}"))


def test_valid_needs_invalid() -> None:
    text = SAME_PHONE.replace("""    invalid:
      evidence: {field: field, problem: outcome, phone: value}
      says: {zh: 无效, en: is invalid}
""", "")
    with pytest.raises(RegistryError, match="valid and invalid go together"):
        load_yaml_rules(text)


def test_compile_dataset_reports_the_parameters_read() -> None:
    (rule,) = load_yaml_rules(SAME_PHONE)
    assert rule.spec is not None
    assert compile_dataset(rule.spec).parameters == ["data_quality.phone_patterns"]
    (rate,) = load_yaml_rules(RATE)
    assert rate.parameters == ("projects.disbursement_benchmark",)


def test_duplicate_keys_cost_about_16_bytes_an_occurrence(example_household) -> None:
    """DQ004 streams a province: each compared ID number is a 64-bit key, not a string."""
    import tracemalloc

    values = default_parameters().at(ON)
    base = example_household("pre_exit_2808")
    numbers = [{m: {"id_number": f"52242519{i:07d}{m:02d}X"} for m in (1, 2, 3, 4)}
               for i in range(2_000)]
    facts = [derive(Household.model_validate(merge_patch(base, {"id": f"H{i}", "members": m})),
                    ON, values) for i, m in enumerate(numbers)]
    (rule,) = load_yaml_rules(SAME_PERSON)
    accumulator = compile_rule(rule)(RuleContext(values, ON))
    accumulator.add(facts[0])  # first use: readers warm, arrays allocated
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for household in facts[1:]:
            accumulator.add(household)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(accumulator.seen.keys) == 8_000
    # 16 bytes of arrays plus a share of the household list; a string key alone costs ~67
    assert grown / 8_000 < 24


# --- what a dataset rule reads (issue 11: the plan's dataset pass derives only that) -----------
def test_a_dataset_form_names_the_facts_it_reads() -> None:
    from planner.backends.python.fact_reads import dataset_rule_facts, dataset_rules_facts
    from planner.run import Run

    (same_person,) = load_yaml_rules(SAME_PERSON)
    assert dataset_rule_facts(same_person) == {"member.record", "member.age"}
    shipped = {r.code: dataset_rule_facts(r) for r in Run.build(reference_date=ON).rules
               if r.scope == "dataset"}
    assert shipped == {"DQ004": {"member.record", "member.id_problem"},
                       "DQ013": {"household.record", "member.record"},
                       "PRJ001": frozenset(), "PRJ002": frozenset()}
    bodied = Rule(code="TST499", name="bodied", family="test", scope="dataset",
                  severity="warning", message=Message(zh="甲", en="a"),
                  function=lambda ctx: iter(()))
    assert dataset_rule_facts(bodied) is None
    assert dataset_rules_facts([same_person, bodied]) is None


def test_a_checker_of_dataset_rules_derives_their_facts_only_and_finds_the_same(
        example_household) -> None:
    from planner.backends.python.engine import Checker
    from planner.run import Run

    class EveryFact(Checker):
        """The checker as it was: every fact derived for the dataset rules."""

        def __init__(self, run: Run) -> None:
            super().__init__(run)
            self._derive_read = derive

    households = [
        _household(example_household, "pre_exit_2808",
                   {"members": {2: {"id_number": "522425750312001"}}}),
        _household(example_household, "no_labour", {"members": {2: {"id_number": HEAD_ID}}}),
    ]
    run = Run.build(rules=[*load_yaml_rules(SAME_PERSON)], reference_date=ON)
    checker = Checker(run)
    facts = checker.rule_facts(households[0])
    assert facts.members[0].age is not None  # read by the form's ``unless``
    assert facts.per_capita_net_income is None  # read by no dataset rule: not derived
    found = [(f.code, f.subject, f.member, f.evidence, f.message_zh)
             for f in checker.iter_findings(households)]
    assert [(code, subject, member) for code, subject, member, *_ in found] == [
        ("TST401", "522425-101-0001", 1), ("TST401", "522425-101-0001", 2),
        ("TST401", "522425-203-0003", 2)]
    assert found == [(f.code, f.subject, f.member, f.evidence, f.message_zh)
                     for f in EveryFact(run).iter_findings(households)]


def test_dq008_judges_exactly_the_keys_the_core_lists() -> None:
    """planner.facts.required names DQ008's keys for the generator (which may not import a rule
    pack); the rule judges each of them and no other."""
    from planner.facts.required import HOUSEHOLD_KEYS, MEMBER_KEYS
    from planner.rules.data_quality import HOUSEHOLD_FIELDS, MEMBER_FIELDS

    assert tuple(HOUSEHOLD_FIELDS) == HOUSEHOLD_KEYS
    assert tuple(MEMBER_FIELDS) == MEMBER_KEYS
