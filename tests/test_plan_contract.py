"""The typed contract between findings and plans: a third-party pack feeds the planner.

The planner reads a finding's ``kind``, ``need``, ``measure``, ``refers_to``, ``member`` and
``proposes`` (and the catalog), never a code, family name or evidence key. A pack with its own
codes (XYZ…) and families, written here as real rule files, is planned exactly as the built-in
INC/SUP rules are.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from planner.backends.python.engine import Checker
from planner.engine_rules import ENGINE_RULES
from planner.measures import default_catalog
from planner.model import Household
from planner.params import default_parameters
from planner.planning import HouseholdPlan, plan_household
from planner.planning.needs import IncomeNeed, Need, household_needs
from planner.registry import RegistryError, RuleSet, entry_point_rules, load_path
from planner.run import Run
from planner.testing import merge_patch

WHEN = date(2020, 9, 30)
BUILTIN_PACKS = ("income", "basic_needs", "education", "health", "housing", "water",
                 "data_quality", "support", "policy", "monitoring", "village", "project")
# A job for the 72-year-old mother, who cannot work, with a gain that would close the gap.
UNFIT_JOB = {"measures": [{"measure": "job_placement", "status": "planned", "year": 2020,
                           "beneficiary": 4, "expected_annual_gain": 24000}]}

NEED_YAML = """\
rules:
  - code: XYZ001
    name: earnings-below-line
    family: earnings
    kind: need
    need: income
    severity: error
    message: {zh: "收入低于贫困线", en: "income below the poverty line"}
    when:
      all:
        - {fact: household.status, in: [pre_exit, exited]}
        - {fact: household.per_capita_net_income, lt: {fact: household.poverty_line}}
    proposes: [job_placement, public_welfare_post, livestock_subsidy, microcredit, dibao]
"""

MISMATCH_AND_META_PY = '''\
"""A third-party pack: a mismatch rule and a meta rule."""

from planner import Hit, rule


@rule(code="XYZ002", name="unfit-for-work", family="fitness", severity="error",
      kind="mismatch", message={"zh": "措施与对象不符", "en": "the measure does not fit"})
def unfit_for_work(ctx):
    """A work measure planned for a member who cannot work."""
    household = ctx.household
    for planned in household.record.measures:
        member = next((m for m in household.members if m.number == planned.beneficiary), None)
        if member is not None and member.can_work is False:
            yield Hit(member=member.number, measure=planned.measure)


@rule(code="XYZ003", name="need-audited", family="audit", kind="meta", reads_findings=True,
      message={"zh": "已审核", "en": "audited"})
def need_audited(ctx):
    """Points at every earnings finding of the household."""
    for finding in ctx.findings:
        if finding.code == "XYZ001":
            yield Hit(refers_to=finding.code, evidence={"about": finding.code})


RULES = (unfit_for_work, need_audited)
'''


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    folder: Path = tmp_path_factory.mktemp("xyz_pack")
    (folder / "earnings.yaml").write_text(NEED_YAML, encoding="utf-8")
    (folder / "fitness.py").write_text(MISMATCH_AND_META_PY, encoding="utf-8")
    return Checker(Run.build(RuleSet(load_path(folder)), default_parameters(), WHEN))


@pytest.fixture(scope="module")
def builtin() -> Checker:
    return Checker(Run.build(RuleSet(entry_point_rules(BUILTIN_PACKS)), default_parameters(), WHEN))


def plan(checker: Checker, data: dict) -> HouseholdPlan:
    household = Household.model_validate(data)
    facts = checker.facts(household)
    findings = checker.check_household(household, facts)
    return plan_household(facts, findings, default_catalog(), default_parameters(), start=WHEN)


def needs(checker: Checker, data: dict) -> tuple[IncomeNeed | None, list[Need], list[str]]:
    household = Household.model_validate(data)
    facts = checker.facts(household)
    findings = checker.check_household(household, facts)
    values = default_parameters().at(WHEN)
    return household_needs(facts, findings, values, default_catalog())


def test_the_pack_declares_its_kinds_and_needs(third_party: Checker) -> None:
    kinds = {r.code: (r.kind, r.need) for r in third_party.rules}
    assert kinds == {"XYZ001": ("need", "income"), "XYZ002": ("mismatch", None),
                     "XYZ003": ("meta", None)}


def test_a_third_party_pack_drives_the_planner_like_the_builtin_rules(
        example_household, third_party: Checker, builtin: Checker) -> None:
    data = merge_patch(example_household("pre_exit_2808"), UNFIT_JOB)
    ours, theirs = plan(builtin, data), plan(third_party, data)
    for result in (ours, theirs):
        assert [c.key for c in result.to_cancel] == ["job_placement@m4"]
        assert [i.key for i in result.items] == [
            "skills_training@m2", "credit_rating", "job_placement@m2", "microcredit"]
        assert result.income.planned_gain == 0
    assert theirs.to_cancel[0].why == ["XYZ002"]
    assert theirs.to_cancel[0].reason_en.endswith("member 4 has no labour capacity")
    assert theirs.unplanned == []
    income, other, unplanned = needs(third_party, data)
    assert income is not None and income.codes == ["XYZ001", "XYZ003"]
    assert (other, unplanned) == ([], [])
    assert theirs.item("job_placement@m2").why == ["XYZ001", "XYZ003"]
    assert ours.to_cancel[0].why == ["SUP003"]


def test_a_family_named_income_is_no_income_need_without_declaring_it(
        example_household, tmp_path: Path) -> None:
    text = NEED_YAML.replace("family: earnings", "family: income").replace(
        "    need: income\n", "").replace("proposes: [job_placement, public_welfare_post, "
                                         "livestock_subsidy, microcredit, dibao]", "proposes: []")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    rules = RuleSet(load_path(tmp_path / "rules.yaml"))
    checker = Checker(Run.build(rules, default_parameters(), WHEN))
    data = example_household("pre_exit_2808")
    assert plan(checker, data).unplanned == ["XYZ001"]
    income, _, _ = needs(checker, data)
    assert income is not None and "XYZ001" not in income.codes


def test_a_meta_finding_about_nothing_is_not_a_need(example_household) -> None:
    from planner.finding import Finding

    data = example_household("one_room_unsafe_water")
    household = Household.model_validate(data)
    checker = Checker(Run.build(RuleSet(()), default_parameters(), WHEN))
    facts = checker.facts(household)
    run_note = Finding(code="XYZ009", name="run-note", family="housing", severity="error",
                       subject=household.id, subject_kind="household", message_zh="运行",
                       message_en="run", kind="meta", proposes=("housing_assessment",))
    result = plan_household(facts, [run_note], default_catalog(), default_parameters(),
                            start=WHEN)
    assert result.unplanned == [] and "housing_assessment" not in result.measures()


def test_only_a_need_rule_names_a_need(tmp_path: Path) -> None:
    text = NEED_YAML.replace("kind: need", "kind: meta")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match="only a need rule names a need"):
        load_path(tmp_path / "rules.yaml")


def test_an_unknown_kind_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(NEED_YAML.replace("kind: need", "kind: wish"),
                                         encoding="utf-8")
    with pytest.raises(RegistryError, match=r"rules\.yaml:5: rule #1: kind"):
        load_path(tmp_path / "rules.yaml")


def test_every_builtin_rule_declares_what_it_is_to_the_planner(builtin: Checker) -> None:
    kinds = {r.code: (r.kind, r.need) for r in builtin.rules}
    assert {c for c, (k, _) in kinds.items() if k == "data_quality"} == {
        c for c in kinds if c.startswith("DQ")}
    assert {c for c, (_, n) in kinds.items() if n == "income"} == {
        c for c in kinds if c.startswith("INC")}
    assert kinds["SUP003"] == ("mismatch", None) and kinds["SUP004"] == ("meta", None)


def test_a_failing_rule_is_reported_as_meta_and_is_no_need(example_household,
                                                            tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(textwrap.dedent('''\
        """A pack whose rule fails."""
        from planner import rule


        @rule(code="XYZ004", name="always-fails", family="fitness",
              message={"zh": "失败", "en": "fails"}, proposes=("home_visit",))
        def always_fails(ctx):
            """Fails on every household."""
            raise RuntimeError("broken")


        RULES = (always_fails,)
        '''), encoding="utf-8")
    rules = RuleSet(load_path(tmp_path / "broken.py"))
    checker = Checker(Run.build(rules, default_parameters(), WHEN))
    data = example_household("one_room_unsafe_water")
    household = Household.model_validate(data)
    [failure] = checker.check_household(household)
    assert (failure.code, failure.kind, failure.refers_to) == ("PLN001", "meta", None)
    result = plan(checker, data)
    assert result.unplanned == [] and "home_visit" not in result.measures()
    assert all(r.kind == "meta" for r in ENGINE_RULES)
