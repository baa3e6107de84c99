"""The columnar backend in every era: the poverty line and the monitoring range read by each
household's income year compile, so INC001–INC003 run columnar after 2020 too, with the Python
backend's findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends import checker
from planner.backends.columnar.checker import ColumnarChecker
from planner.backends.columnar.rules import compile_rules
from planner.generate import GeneratorConfig, generate_households
from planner.model import Household
from planner.run import Run
from planner.selection import Selection

INCOME_LINE = ("INC001", "INC002", "INC003")
ERAS = (date(2020, 9, 30), date(2021, 9, 30), date(2023, 9, 30))


def _generated(when: date, count: int = 1_500) -> list[Household]:
    """Generated households of ``when``'s era; every fifth one's income is of an earlier year
    (2019, 2020 or 2022), so the income year is a column with lines found and ended."""
    config = GeneratorConfig(households=count, seed=23, year=when.year, reference_date=when,
                             problem_share=0.4)
    households = []
    for number, item in enumerate(generate_households(config)):
        record = item.household
        if number % 5 == 0:
            record = {**record, "income_year": (2019, 2020, 2022)[number % 3]}
        households.append(Household.model_validate(record))
    return households


def _findings(run: Run, backend: str, households: list[Household]) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in checker(run, backend).iter_findings(households)]


@pytest.mark.parametrize("when", ERAS)
def test_the_income_line_rules_compile_in_every_era(when: date) -> None:
    run = Run.build(reference_date=when)
    plan = compile_rules(run.rules, run.values, when, run.catalog.income_raising_ids(),
                         {measure.id: measure.addresses for measure in run.catalog.values()},
                         run.catalog)
    assert not set(INCOME_LINE) & set(plan.unsupported), plan.unsupported
    assert set(INCOME_LINE) <= {rule.code for rule, _ in plan.household}


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
def test_a_whole_run_gives_the_python_findings_in_both_eras(when: date) -> None:
    households = _generated(when)
    run = Run.build(reference_date=when)
    python = _findings(run, "python", households)
    assert _findings(run, "columnar", households) == python
    codes = {finding["code"] for finding in python}
    assert codes & {"INC001", "INC002", "INC003", "MON001", "MON002"}, codes


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
def test_the_income_line_rules_alone_judge_no_household_in_python(when: date) -> None:
    # Compiled, they build no household where nothing fires: their findings are Python's.
    households = _generated(when, 600)
    run = Run.build(reference_date=when, selection=[Selection(select=INCOME_LINE)])
    columnar = ColumnarChecker(run, batch_size=250)
    assert not columnar._python_only
    python = _findings(run, "python", households)
    assert [f.to_dict() for f in columnar.iter_findings(households)] == python
