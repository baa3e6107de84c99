"""A Python-bodied rule with a gate (DQ008): the columnar backend judges the gate column-wise and
runs the body only where it holds, so a run builds no household where nothing fires; the
findings stay the Python backend's."""

from __future__ import annotations

from collections.abc import Iterator
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
from planner.io import open_dataset, write_households
from planner.io.typedparquet import unbuilt_rows
from planner.model import Household
from planner.params import default_parameters
from planner.rule import Hit, RuleContext, rule
from planner.run import Run
from planner.selection import Selection

#: Compiled rules of every era, with the gated DQ008.
SELECTED = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001", "DQ008")


def _generated(when: date, count: int, weights: dict[str, float] | None = None
               ) -> list[Household]:
    config = GeneratorConfig(households=count, seed=31, year=when.year, reference_date=when,
                             problem_share=0.4, weights=weights or {"DQ008": 20})
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
        tmp_path: Path, households_built: list[int]) -> None:
    when = date(2020, 9, 30)
    path = tmp_path / "households.parquet"
    households = _generated(when, 1_200)
    write_households(households, path)
    built = households_built
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


def _out_of_range(when: date, count: int) -> list[Household]:
    """Generated households with DQ012's injected land areas and road distances, and by hand
    each other value it bounds: a pay on a work record and on a post, ages below 0 and above
    the bound, a wage income of a few yuan, a net income of nothing."""
    config = GeneratorConfig(households=count, seed=37, year=when.year, reference_date=when,
                             problem_share=0.3, weights={"DQ012": 10})
    rows = [item.household for item in generate_households(config)]
    working = [row for row in rows if any(m.get("employment") for m in row["members"])]
    next(m for m in working[0]["members"] if m.get("employment"))["employment"][0][
        "monthly_pay"] = 45_000.0
    posts = [row for row in rows if row is not working[0]
             and any(m.get("public_welfare_posts") for m in row["members"])]
    next(m for m in posts[0]["members"] if m.get("public_welfare_posts"))[
        "public_welfare_posts"][0]["monthly_pay"] = 31_000.0
    rows[5]["members"][0]["birth_date"] = "1890-01-01"
    rows[6]["members"][-1]["birth_date"] = f"{when.year + 1}-01-01"
    wage = next(item for item in rows[7]["income"] if item["category"] == "wage")
    wage["amount"] = 40.0
    for item in rows[7]["income"]:
        if item["category"] == "wage" and item is not wage:
            item["amount"] = 0.0
    for item in rows[8]["income"]:
        item["amount"] = 0.0
    return [Household.model_validate(row) for row in rows]


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
def test_dq012s_gate_fires_exactly_where_its_body_finds_something(when: date) -> None:
    households = _out_of_range(when, 600)
    run = Run.build(reference_date=when, selection=[Selection(select=("DQ012",))])
    plan = compile_rules(run.rules, run.values, when, run.catalog.income_raising_ids(),
                         {measure.id: measure.addresses for measure in run.catalog.values()},
                         run.catalog)
    assert plan.unsupported == {}
    assert [rule.code for rule, _ in plan.household] == ["DQ012"]
    fired = plan.fires(households).households("DQ012")
    python = Checker(run)
    found = [python.check_household(household) for household in households]
    assert fired == [bool(findings) for findings in found]
    fields = [{finding.evidence["field"] for finding in findings} for findings in found]
    # the post's pay is the only value out of range in its household
    assert {"monthly_pay"} in fields
    fields = set().union(*fields)
    assert fields >= {"monthly_pay", "age", "income_wage", "per_capita_net_income",
                      "living.distance_to_main_road_km"}
    assert _findings(run, "columnar", households) == _findings(run, "python", households)


def test_sup004_runs_only_where_a_need_rule_fires_and_finds_what_python_finds(
        tmp_path: Path, households_built: list[int]) -> None:
    when = date(2020, 9, 30)
    path = tmp_path / "households.parquet"
    households = _generated(when, 1_200, {"DQ008": 10, "SUP004": 10})
    write_households(households, path)
    built = households_built
    run = Run.build(reference_date=when,
                    selection=[Selection(select=(*SELECTED, "HOU002", "WAT002", "SUP004"))])
    columnar = ColumnarChecker(run)
    assert columnar.after_gated == {"SUP004"}
    assert not columnar._python_only
    with unbuilt_rows():
        found = [f.to_dict() for f in columnar.iter_findings(open_dataset(path).sourced())]
    python = [f.to_dict() for f in Checker(run).iter_findings(open_dataset(path).sourced())]
    assert found == python
    assert {"SUP004", "INC001", "DQ008"} <= {finding["code"] for finding in found}
    assert sum(built) == len({finding["subject"] for finding in found}) < len(households) // 2
    # a need rule left to Python (a local rule of the housing family, a Python body): SUP004
    # runs on every household, as before
    installed = {rule.code: rule for rule in Run.build(reference_date=when).rules}
    run = Run.build([installed["HOU001"], installed["SUP004"], _local_housing_need],
                    reference_date=when)
    columnar = ColumnarChecker(run)
    assert columnar.after_gated == set()
    assert columnar._python_only
    found = [f.to_dict() for f in columnar.iter_findings(households)]
    assert found == [f.to_dict() for f in Checker(run).iter_findings(households)]
    assert any(f["code"] == "SUP004" and f["evidence"]["need"] == "TST981" for f in found)


@rule(code="TST981", name="local-housing-need", family="housing",
      message={"zh": "本地住房需求", "en": "a local housing need"})
def _local_housing_need(ctx: RuleContext) -> Iterator[Hit]:
    """A local need rule of the tests: every household whose id ends in 7."""
    if ctx.household is not None and ctx.household.id.endswith("7"):
        yield Hit()
