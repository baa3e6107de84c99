"""Registry-wide checks of every built-in rule, and the generated rules page.

Every rule has its doc sections, a Chinese and an English message, proposes only catalog
measures, and has ``tests/rules/CODE.yaml`` with at least one flagged and one clean case.
"""

from __future__ import annotations

import re

import pytest
import yaml

from planner.measures import default_catalog
from planner.rule import DOC_SECTIONS, Rule
from planner.rule_docs import REGENERATE, builtin_rules, rules_markdown

from .conftest import ROOT

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

RULES = list(builtin_rules())
CASES = ROOT / "tests" / "rules"


def _id(rule: Rule) -> str:
    return rule.code


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_doc_page_has_every_section(rule: Rule) -> None:
    sections = rule.doc_sections()
    missing = [name for name in DOC_SECTIONS if not sections.get(name)]
    assert not missing, f"{rule.code} ({rule.source}) lacks doc sections: {', '.join(missing)}"
    assert rule.summary and not rule.summary.startswith("#"), f"{rule.code} needs a summary line"


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_messages_in_chinese_and_english(rule: Rule) -> None:
    assert rule.message.zh.strip() and rule.message.en.strip()
    literal = re.sub(r"\{[^}]*\}", "", rule.message.zh)  # a message may be all fields
    assert not literal.strip() or any("\u4e00" <= ch <= "\u9fff" for ch in literal), (
        f"{rule.code}: the zh message has no Chinese text"
    )
    assert rule.message.zh != rule.message.en


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_proposed_measures_exist_in_the_catalog(rule: Rule) -> None:
    catalog = default_catalog()
    unknown = [m for m in rule.proposes if m not in catalog]
    assert not unknown, f"{rule.code} proposes unknown measures: {', '.join(unknown)}"


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_rule_case_file_has_flagged_and_clean_cases(rule: Rule) -> None:
    path = CASES / f"{rule.code}.yaml"
    assert path.exists(), f"{rule.code} has no case file {path.relative_to(ROOT)}"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = data.get("cases", [])
    flags = [any(str(key).split()[0] == rule.code for key in case.get("expect", []))
             for case in cases]
    assert any(flags), f"{path.name}: no case expects {rule.code}"
    assert not all(flags), f"{path.name}: no clean case (one where {rule.code} is not expected)"


def test_codes_follow_the_family_prefix_and_names_are_unique() -> None:
    by_family: dict[str, set[str]] = {}
    for rule in RULES:
        by_family.setdefault(rule.family, set()).add(rule.code.rstrip("0123456789"))
    mixed = {family: prefixes for family, prefixes in by_family.items() if len(prefixes) > 1}
    assert not mixed, f"families with several code prefixes: {mixed}"


def test_docs_rules_md_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(RULES), f"docs/rules.md is stale: run {REGENERATE}"


def test_rule_docs_say_what_each_rule_deliberately_does_not_flag() -> None:
    """Issue 14: the rules page lists a rule's near-threshold households (what it deliberately
    leaves alone), or why it has none."""
    from planner.generate.near import NO_NEAR_CASE, all_nears

    page = rules_markdown(RULES)
    sections = {s.split(" ", 1)[0]: s for s in page.split("\n## ")[1:]}
    edu001 = all_nears()["EDU001"][0].summary
    assert "**Deliberately not flagged**" in sections["EDU001"] and edu001 in sections["EDU001"]
    assert edu001 not in sections["EDU002"]
    assert f"**No near-threshold case:** {NO_NEAR_CASE['DQ003']}." in sections["DQ003"]
