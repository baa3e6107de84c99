"""The columnar backend's facts of a batch row equal the Python backend's, value and type, and
whole runs give the same findings, down to the JSON text."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends.columnar.checker import ColumnarChecker
from planner.backends.columnar.rules import RulePlan, compile_rules
from planner.backends.python.engine import Checker
from planner.facts import HouseholdFacts, MemberFacts
from planner.model import Household
from planner.run import Run
from planner.selection import Selection

from .households import ON, district_households, generated


@pytest.fixture(scope="module")
def run() -> Run:
    return Run.build(reference_date=ON)


@pytest.fixture(scope="module")
def district() -> list[Household]:
    return district_households()


def _generated(count: int) -> list[Household]:
    return generated(count, 11, 0.3)


def _plan(run: Run, codes: list[str] | None = None) -> RulePlan:
    rules = [rule for rule in run.rules if codes is None or rule.code in codes]
    return compile_rules(rules, run.values, run.reference_date, run.catalog.income_raising_ids(),
                         {m.id: m.addresses for m in run.catalog.values()}, run.catalog)


def _differences(run: Run, plan: RulePlan, households: list[Household]) -> dict[str, Any]:
    fired = plan.fires(households)
    assert fired.facts is not None
    python = Checker(run)
    differences: dict[str, Any] = {}

    def compare(got: Any, want: Any, cls: type, prefix: str) -> None:
        for declared in dataclasses.fields(cls):
            if declared.name in ("members", "record"):
                continue
            a, b = getattr(got, declared.name), getattr(want, declared.name)
            if a != b or type(a) is not type(b):
                differences.setdefault(prefix + declared.name, []).append((a, b))

    for row, household in enumerate(households):
        got, want = fired.facts.household(row), python.facts(household)
        assert got.record is household and got.id == want.id
        compare(got, want, HouseholdFacts, "household.")
        assert [m.number for m in got.members] == [m.number for m in want.members]
        for a, b in zip(got.members, want.members, strict=True):
            assert a.record is b.record
            compare(a, b, MemberFacts, "member.")
    return differences


def test_a_rows_facts_equal_pythons_in_value_and_type_on_the_example_district(
        run: Run, district: list[Household]) -> None:
    assert _differences(run, _plan(run), district) == {}


def test_facts_no_rule_of_the_run_reads_come_from_every_fact_compiled_for_the_batch(
        run: Run) -> None:
    """Only HOU001's facts are compiled for the run: the rest (ints of empty sums, poverty lines
    by year, sets, enums, ID checks) are read from every fact compiled once for the batch."""
    plan = _plan(run, ["HOU001"])
    assert "household.production_costs" not in plan.plan.values
    assert _differences(run, plan, _generated(1_500)) == {}


def _json_lines(findings: list[Any]) -> list[str]:
    return [json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True) for f in findings]


def test_every_rule_on_the_example_district_gives_the_same_json_as_python(
        run: Run, district: list[Household]) -> None:
    python = _json_lines(list(Checker(run).iter_findings(district)))
    assert _json_lines(list(ColumnarChecker(run).iter_findings(district))) == python


def test_every_rule_on_20000_generated_households_gives_the_same_json_as_python() -> None:
    # no time budget: on a loaded machine a dataset rule's finish may run over it in one run only
    run = Run.build(reference_date=ON, rule_timeout=0)
    households = _generated(20_000)
    python = _json_lines(list(Checker(run).iter_findings(households)))
    assert len(python) > 5_000
    columnar = ColumnarChecker(run)
    assert _json_lines(list(columnar.iter_findings(households))) == python


def test_the_six_checks_read_facts_only_of_the_rows_that_fire(
        district: list[Household]) -> None:
    six = ["INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001"]
    run = Run.build(reference_date=ON, selection=[Selection(select=six)])
    python = _json_lines(list(Checker(run).iter_findings(district)))
    columnar = ColumnarChecker(run)
    assert _json_lines(list(columnar.iter_findings(district))) == python
    assert columnar.compiled.rows is not None
    assert columnar.compiled.rows._full is None  # every fact read was compiled for the run
