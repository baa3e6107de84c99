"""The checker: fault isolation (PLN001), waivers (PLN002/PLN003), explanations, counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from planner import Checker, FileWaiver, Hit, Household, RuleContext, Run, check, rule
from planner.model import Waiver
from planner.registry import RuleSet, load_rules, packaged_yaml_rules

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

ON = date(2020, 9, 30)
INCOME = packaged_yaml_rules("planner.rules", "income.yaml")
INC001 = next(r for r in INCOME if r.code == "INC001")


def household(example_household: Any, name: str = "pre_exit_2808", **changes: Any) -> Household:
    return Household.model_validate({**example_household(name), **changes})


@rule(code="TST001", name="always-raises", family="test",
      message={"zh": "不会出现", "en": "never shown"})
def always_raises(ctx: RuleContext) -> Iterator[Hit]:
    """Raises after yielding one hit."""
    yield Hit()
    raise RuntimeError("broken on purpose")


@rule(code="TST002", name="member-raises", family="test", scope="member",
      message={"zh": "不会出现", "en": "never shown"})
def member_raises(ctx: RuleContext) -> Iterator[Hit]:
    """Raises for the third member only."""
    assert ctx.member is not None
    if ctx.member.number == 3:
        raise KeyError("schooling")
    return iter(())


@rule(code="TST003", name="reads-params", family="test",
      message={"zh": "贫困线 {params[income.poverty_line]} 元",
               "en": "line {params[income.poverty_line]}"})
def reads_params(ctx: RuleContext) -> Iterator[Hit]:
    """Reads a parameter it does not declare, plus the one in its message."""
    if ctx.params["monitoring.threshold"] > 0:
        yield Hit(evidence={"checked": True},
                  trace=[{"condition": "threshold > 0", "result": True}])


class BrokenCount:
    """A dataset accumulator that fails on every household."""

    def add(self, facts: Any) -> None:
        raise ValueError("cannot count")

    def finish(self) -> list[Hit]:
        return [Hit(subject="all")]


@rule(code="TST004", name="broken-dataset", family="test", scope="dataset",
      message={"zh": "不会出现", "en": "never shown"})
def broken_dataset(ctx: RuleContext) -> BrokenCount:
    """A dataset rule whose accumulator raises."""
    return BrokenCount()


def test_a_raising_rule_becomes_pln001_and_the_other_rules_still_run(example_household):
    result = check([household(example_household)], rules=[always_raises, INC001],
                   reference_date=ON)
    assert result.codes() == ["INC001", "PLN001"]
    error = next(f for f in result.findings if f.code == "PLN001")
    assert error.subject == "522425-101-0001"
    assert error.evidence["rule"] == "TST001"
    assert error.evidence["error"] == "RuntimeError: broken on purpose"
    assert "TST001" in error.message_zh and "522425-101-0001" in error.message_zh
    assert result.stats.rule_errors == 1
    # the hit yielded before the exception is discarded, not reported half-done
    assert "TST001" not in result.codes()


def test_a_member_rule_error_names_the_member(example_household):
    result = check([household(example_household)], rules=[member_raises], reference_date=ON)
    [error] = result.findings
    assert (error.code, error.member, error.subject) == ("PLN001", 3, "522425-101-0001")
    assert error.message_en == "rule TST002 failed on 522425-101-0001 m3: KeyError: 'schooling'"


def test_the_run_goes_on_after_a_rule_error(example_household):
    households = [household(example_household, id=f"H{i}") for i in range(3)]
    result = check(households, rules=[always_raises, INC001], reference_date=ON)
    assert result.codes() == ["INC001"] * 3 + ["PLN001"] * 3
    assert result.stats.households == 3


def test_a_broken_dataset_accumulator_is_reported_once_and_dropped(example_household):
    households = [household(example_household, id=f"H{i}") for i in range(3)]
    result = check(households, rules=[broken_dataset, INC001], reference_date=ON)
    assert result.codes() == ["INC001", "INC001", "INC001", "PLN001"]
    error = next(f for f in result.findings if f.code == "PLN001")
    assert error.subject == "H0"


def test_an_expired_waiver_is_pln002_and_the_finding_is_not_waived(example_household):
    waiver = {"code": "INC001", "reason": "分红未到账", "approver": "河口镇",
              "expires": "2020-06-30"}
    result = check([household(example_household, waivers=[waiver])], rules=[INC001],
                   reference_date=ON)
    assert result.codes() == ["INC001", "PLN002"]
    finding = next(f for f in result.findings if f.code == "INC001")
    assert not finding.waived
    expired = next(f for f in result.findings if f.code == "PLN002")
    assert expired.message_zh == (
        "INC001 的豁免已于 2020-06-30 过期（审批人 河口镇），需重新审批或撤销"
    )


def test_a_waiver_in_force_is_reported_as_waived(example_household):
    waiver = {"code": "INC001", "reason": "分红未到账", "approver": "河口镇",
              "expires": "2020-12-31"}
    result = check([household(example_household, waivers=[waiver])], rules=[INC001],
                   reference_date=ON)
    assert result.codes() == []
    [finding] = result.findings
    assert finding.waived and finding.waiver is not None
    assert finding.waiver.reason == "分红未到账"
    assert (result.stats.findings, result.stats.waived) == (0, 1)


def test_a_file_waiver_for_another_member_does_not_cover_the_finding(example_household):
    waiver = Waiver(code="TST002", reason="x", approver="y", expires=date(2021, 1, 1), member=2)
    result = check([household(example_household)], rules=[member_raises], reference_date=ON,
                   waivers=[FileWaiver("522425-101-0001", waiver)])
    # PLN001 is about member 3: the waiver of member 2 matched nothing
    assert result.codes() == ["PLN001", "PLN003"]


def test_an_unused_waiver_is_pln003(example_household):
    waiver = {"code": "INC001", "reason": "x", "approver": "y", "expires": "2020-12-31"}
    record = household(example_household, waivers=[waiver], status="poor")
    result = check([record], rules=[INC001], reference_date=ON)
    assert result.codes() == ["PLN003"]
    assert result.findings[0].message_en == (
        "the waiver of INC001 is unused: no such finding for this household; remove it"
    )


def test_a_waiver_of_an_unselected_rule_is_not_judged(example_household):
    waiver = {"code": "HOU001", "reason": "x", "approver": "y", "expires": "2020-12-31"}
    result = check([household(example_household, waivers=[waiver])], reference_date=ON,
                   rules=load_rules(), select=["INC001"])
    assert result.codes() == ["INC001"]


def test_pln003_can_be_ignored_but_pln001_cannot(example_household):
    waiver = {"code": "INC001", "reason": "x", "approver": "y", "expires": "2020-12-31"}
    record = household(example_household, waivers=[waiver], status="poor")
    rules = RuleSet([*load_rules(entry_points=False), always_raises, INC001])
    result = check([record], rules=rules, reference_date=ON, ignore=["PLN"])
    assert result.codes() == ["PLN001"]


def test_explanations_record_conditions_values_and_parameters(example_household):
    result = check([household(example_household)], rules=[INC001], reference_date=ON,
                   explain=True)
    explanation = result.findings[0].explanation
    assert explanation is not None
    [top] = explanation["conditions"]
    assert (top["condition"], top["result"]) == ("all", True)
    era, status, income = top["conditions"]
    assert (era["fact"], era["value"]) == ("household.registration_era", True)
    assert (status["fact"], status["operator"], status["value"]) == ("household.status", "in",
                                                                     "pre_exit")
    # the line of the income year, a fact derived from income.poverty_line
    assert (income["against_fact"], income["value"], income["against"]) == (
        "household.poverty_line", 2808.0, 4000)
    assert explanation["values"]["household.per_capita_net_income"] == 2808.0
    line = explanation["parameters"]["income.poverty_line"]
    assert (line["value"], line["since"], line["source"]) == (4000, "2020-01-01",
                                                              "planner/params/income.yaml")


def test_explanations_of_python_rules_record_the_parameters_they_read(example_household):
    result = check([household(example_household)], rules=[reads_params], reference_date=ON,
                   explain=True)
    [finding] = result.findings
    assert finding.message_zh == "贫困线 4000 元"
    assert set(finding.parameters or {}) == {"income.poverty_line", "monitoring.threshold"}
    assert finding.trace == [{"condition": "threshold > 0", "result": True}]


def test_without_explain_nothing_is_traced(example_household):
    result = check([household(example_household)], rules=[INC001], reference_date=ON)
    assert result.findings[0].trace is None and result.findings[0].explanation is None


def test_counts_by_severity(example_household):
    checker = Checker(Run.build([INC001, always_raises], reference_date=ON))
    list(checker.iter_findings([household(example_household)]))
    assert checker.stats.by_severity == {"error": 2, "warning": 0, "info": 0}
    assert checker.stats.at_or_above("warning") == 2
    assert checker.stats.to_dict()["by_code"] == {"INC001": 1, "PLN001": 1}


def test_personal_values_in_messages_are_recorded_for_masking(example_household):
    @rule(code="TST005", name="names-head", family="test", scope="member",
          message={"zh": "{member.name}", "en": "{member.name}"})
    def names(ctx: RuleContext) -> Iterator[Hit]:
        """Names the member."""
        if ctx.member is not None and ctx.member.number == 1:
            yield Hit(member=1)

    [finding] = check([household(example_household)], rules=[names], reference_date=ON).findings
    assert finding.message_zh == "王建国"
    # Every personal value of the household, longest first: a rule may quote any of them.
    assert "王建国" in finding.personal and "刘志强" in finding.personal  # the helper too
    assert finding.personal[0] == "522425197503120018"


def test_rules_reading_findings_see_which_are_waived(example_household):
    @rule(code="TST006", name="counts-open", family="test", reads_findings=True,
          message={"zh": "未豁免 {values[open]} 个", "en": "{values[open]} open"})
    def counts_open(ctx: RuleContext) -> Iterator[Hit]:
        """Counts the unwaived findings before it."""
        yield Hit(values={"open": sum(1 for f in ctx.findings or [] if not f.waived)})

    waiver = {"code": "INC001", "reason": "x", "approver": "y", "expires": "2020-12-31"}
    result = check([household(example_household, waivers=[waiver])], reference_date=ON,
                   rules=[INC001, counts_open])
    assert [f.message_en for f in result.findings if f.code == "TST006"] == ["0 open"]
    assert result.codes() == ["TST006"]


def _twins(example_household: Any, waivers: list[dict[str, Any]]) -> list[Household]:
    """The 2,808 household and a copy under another id: every member is in two households."""
    first = household(example_household, waivers=waivers)
    second = household(example_household, id="522425-101-9999")
    return [first, second]


DQ004 = [r for r in load_rules() if r.code == "DQ004"]


def test_a_dataset_finding_is_waived_by_the_household_waiver(example_household):
    waiver = {"code": "DQ004", "reason": "户籍迁移待注销", "approver": "县乡村振兴局",
              "expires": "2020-12-31"}
    result = check(_twins(example_household, [waiver]), rules=DQ004, reference_date=ON)
    waived = [f for f in result.findings if f.waived]
    assert waived and {f.subject for f in waived} == {"522425-101-0001"}
    assert all(f.code == "DQ004" for f in result.findings)
    assert "522425-101-9999" in {f.subject for f in result.findings if not f.waived}


def test_an_unused_waiver_of_a_dataset_code_is_pln003_at_the_end(example_household):
    waiver = {"code": "DQ004", "reason": "x", "approver": "y", "expires": "2020-12-31"}
    record = household(example_household, waivers=[waiver])
    result = check([record], rules=DQ004, reference_date=ON)
    assert result.codes() == ["PLN003"]


def test_a_file_waiver_for_a_household_not_in_the_input_is_pln003(example_household):
    waiver = Waiver(code="INC001", reason="x", approver="y", expires=date(2021, 1, 1))
    result = check([household(example_household)], rules=[INC001], reference_date=ON,
                   waivers=[FileWaiver("522425-999-0000", waiver)])
    assert result.codes() == ["INC001", "PLN003"]
    unused = next(f for f in result.findings if f.code == "PLN003")
    assert unused.subject == "522425-999-0000"
    assert "the household is not in the input" in unused.message_en


@rule(code="TST009", name="quotes-a-name", family="test",
      message={"zh": "不会出现", "en": "never shown"})
def quotes_a_name(ctx: RuleContext) -> Iterator[Hit]:
    """Raises with a member's name and landline in the exception text."""
    assert ctx.household is not None
    head = ctx.household.members[0].record
    raise ValueError(f"bad record of {head.name} ({head.id_number})")


def test_a_rule_error_quoting_personal_data_is_masked_in_output(example_household):
    from planner.privacy import mask_finding

    [error] = check([household(example_household)], rules=[quotes_a_name],
                    reference_date=ON).findings
    assert error.code == "PLN001" and "王建国" in error.message_en  # the raw finding, in memory
    masked = mask_finding(error)
    assert "王建国" not in masked.message_en and "王建国" not in masked.message_zh
    assert "522425197503120018" not in masked.message_en
    assert "王建国" not in masked.evidence["error"]
