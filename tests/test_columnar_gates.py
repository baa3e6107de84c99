"""A Python-bodied rule with a gate (DQ008): the columnar backend judges the gate column-wise and
runs the body only where it holds, so a run builds no household where nothing fires; the
findings stay the Python backend's."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends import checker
from planner.backends.columnar.checker import ColumnarChecker
from planner.backends.columnar.rules import compile_rules
from planner.backends.python.engine import Checker
from planner.generate import GeneratorConfig, generate_households
from planner.io import open_dataset, typedparquet, write_households
from planner.io.typedparquet import unbuilt_rows
from planner.model import Household
from planner.params import default_parameters
from planner.run import Run
from planner.selection import Selection

#: Compiled rules of every era, with the gated DQ008.
SELECTED = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001", "DQ008")


def _generated(when: date, count: int) -> list[Household]:
    config = GeneratorConfig(households=count, seed=31, year=when.year, reference_date=when,
                             problem_share=0.4, weights={"DQ008": 20})
    return [Household.model_validate(item.household) for item in generate_households(config)]


def _findings(run: Run, backend: str, households: list[Household]) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in checker(run, backend).iter_findings(households)]


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
def test_the_gate_fires_exactly_where_the_body_finds_something(when: date) -> None:
    households = _generated(when, 800)
    run = Run.build(reference_date=when, selection=[Selection(select=("DQ008",))])
    plan = compile_rules(run.rules, run.values, when, run.catalog.income_raising_ids(),
                         {measure.id: measure.addresses for measure in run.catalog.values()},
                         run.catalog)
    assert [rule.code for rule, _ in plan.household] == ["DQ008"]
    fired = plan.fires(households).households("DQ008")
    python = Checker(run)
    found = [bool(python.check_household(household)) for household in households]
    assert 20 < sum(found) < len(households)
    assert fired == found
    assert _findings(run, "columnar", households) == _findings(run, "python", households)


def test_a_run_builds_only_the_households_where_a_rule_fires(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    when = date(2020, 9, 30)
    path = tmp_path / "households.parquet"
    households = _generated(when, 1_200)
    write_households(households, path)
    built: list[int] = []
    build_many = typedparquet.TypedBatch.build_many

    def counting(self: typedparquet.TypedBatch, indices: list[int]) -> list[Any]:
        built.append(len(indices))
        return build_many(self, indices)

    monkeypatch.setattr(typedparquet.TypedBatch, "build_many", counting)
    run = Run.build(reference_date=when, selection=[Selection(select=SELECTED)])
    columnar = ColumnarChecker(run)
    assert not columnar._python_only
    with unbuilt_rows():
        found = [f.to_dict() for f in columnar.iter_findings(open_dataset(path).sourced())]
    python = [f.to_dict() for f in Checker(run).iter_findings(open_dataset(path).sourced())]
    assert found == python
    # a household is built where a finding is (DQ008's among them), and nowhere else
    with_findings = {finding["subject"] for finding in found}
    assert sum(built) == len(with_findings) < len(households) // 2
    assert any(finding["code"] == "DQ008" for finding in found)


def test_a_gate_that_cannot_be_judged_leaves_the_rule_to_python() -> None:
    # An unknown key is DQ008's error (PLN001), reported by the body as in the Python backend.
    parameters = default_parameters().with_values(
        {"data_quality.required_fields": ["status", "no_such_field"]})
    when = date(2020, 9, 30)
    run = Run.build(parameters=parameters, reference_date=when,
                    selection=[Selection(select=("DQ008",))])
    columnar = ColumnarChecker(run)
    assert "DQ008" in columnar.compiled.unsupported
    assert columnar.compiled.unsupported["DQ008"].startswith("its gate: ")
    households = _generated(when, 30)
    found = _findings(run, "columnar", households)
    assert found == _findings(run, "python", households)
    assert {finding["code"] for finding in found} == {"PLN001"}
