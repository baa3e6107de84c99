"""The per-household hot path (pytest-benchmark): the six checks of issue 11 from JSON lines.

The same 2,000 generated households as JSON lines, in one process: a plain Python loop over
orjson doing the six checks (:mod:`plain_six`, the yardstick), validation alone, and planner's
Python backend (validation, facts, the six rules, findings). Read the ratios to the plain loop,
not the seconds. Run: ``pytest benchmarks/bench_hot.py --benchmark-only``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner import Checker, Household, Run
from planner.selection import Selection

pytest.importorskip("orjson")

import plain_six

ON = date(2020, 9, 30)
SIX_CHECKS = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")


@pytest.fixture(scope="module")
def lines(bench_dir: Path) -> list[bytes]:
    return (bench_dir / "households.jsonl").read_bytes().splitlines()


@pytest.fixture(scope="module")
def six_checks() -> Checker:
    return Checker(Run.build(reference_date=ON, selection=[Selection(select=SIX_CHECKS)]))


def _plain(lines: list[bytes]) -> int:
    return sum(plain_six.check(line) for line in lines)


def _validate(lines: list[bytes]) -> int:
    return sum(1 for line in lines if Household.model_validate_json(line))


def _six(lines: list[bytes], checker: Checker) -> int:
    households = (Household.model_validate_json(line) for line in lines)
    return sum(1 for _ in checker.iter_findings(households))


@pytest.mark.benchmark(group="six checks, 2,000 households from JSON lines")
def bench_plain_loop_over_orjson(benchmark, lines: list[bytes]) -> None:
    """The yardstick: the six checks by hand over orjson."""
    assert benchmark(_plain, lines) > 0


@pytest.mark.benchmark(group="six checks, 2,000 households from JSON lines")
def bench_validation_alone(benchmark, lines: list[bytes]) -> None:
    """What every run pays: the records validated into the model."""
    assert benchmark(_validate, lines) == len(lines)


@pytest.mark.benchmark(group="six checks, 2,000 households from JSON lines")
def bench_planner_six_checks(benchmark, lines: list[bytes], six_checks: Checker) -> None:
    """planner's Python backend: validation, the facts the six read, the six rules."""
    assert benchmark(_six, lines, six_checks) > 0
