"""Where the time of a check goes (pytest-benchmark): validation, facts, rules.

The same 2,000 generated households (as JSON lines) go through three stages in one process:
validating the records (the baseline), validating and deriving facts, and the whole check with
every installed rule. The README reports the ratios of the last two to the baseline.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner import Checker, Household, Run

ON = date(2020, 9, 30)


@pytest.fixture(scope="module")
def lines(bench_dir: Path) -> list[str]:
    return (bench_dir / "households.jsonl").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Run.build(reference_date=ON))


def _validate(lines: list[str]) -> int:
    return sum(1 for line in lines if Household.model_validate_json(line))


def _facts(lines: list[str], checker: Checker) -> int:
    return sum(len(checker.facts(Household.model_validate_json(line)).members) for line in lines)


def _check(lines: list[str], checker: Checker) -> int:
    households = (Household.model_validate_json(line) for line in lines)
    return sum(1 for _ in checker.iter_findings(households))


def bench_validate_baseline(benchmark, lines: list[str]) -> None:
    """Validating the records only: what every run pays."""
    assert benchmark(_validate, lines) == 2_000


def bench_validate_and_derive_facts(benchmark, lines: list[str], checker: Checker) -> None:
    """Validation plus the derived facts of each household."""
    assert benchmark(_facts, lines, checker) > 2_000


def bench_full_check(benchmark, lines: list[str], checker: Checker) -> None:
    """Validation, facts and every installed rule (findings counted)."""
    assert benchmark(_check, lines, checker) >= 0
