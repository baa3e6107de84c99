"""The columnar backend against the Python backend (pytest-benchmark, one run, same households).

20,000 generated households (the 2,000 of :func:`conftest.base_households` repeated with new
ids), validated once before timing: what is timed is the check itself, findings streamed and
counted. Two selections: the six checks of issue 11 (income below the line, pre-exit with no
income measure, unsafe house, child out of school, member uninsured, unsafe water) and every
built-in rule. Run: ``pytest benchmarks/bench_columnar.py --benchmark-only``; read the ratio
python ÷ columnar of each pair, not the seconds (the machine the numbers come from is shared).
Where the columnar run's time goes: ``python benchmarks/bench_columnar.py [six|every] [N]``
prints its CPU time beside the Python backend's and the functions it spends most in (cProfile).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import base_households, repeated_lines
from planner.backends import checker
from planner.model import Household
from planner.run import Run
from planner.selection import Selection

pytest.importorskip("polars")

ON = date(2020, 9, 30)
SIZE = 20_000
SIX_CHECKS = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")


@pytest.fixture(scope="module")
def households() -> list[Household]:
    return [Household.model_validate(json.loads(line))
            for line in repeated_lines(base_households(), SIZE)]


@pytest.fixture(scope="module")
def six_checks() -> Run:
    return Run.build(reference_date=ON, selection=[Selection(select=SIX_CHECKS)])


@pytest.fixture(scope="module")
def every_rule() -> Run:
    return Run.build(reference_date=ON)


def _check(run: Run, backend: str, households: list[Household]) -> int:
    return sum(1 for _ in checker(run, backend).iter_findings(households))


def _timed(benchmark, run: Run, backend: str, households: list[Household], rounds: int) -> int:
    # Few rounds: a round of the Python backend over 20,000 households takes many seconds.
    result: int = benchmark.pedantic(_check, args=(run, backend, households), rounds=rounds,
                                     iterations=1, warmup_rounds=0)
    return result


@pytest.mark.benchmark(group="six checks, 20,000 households")
@pytest.mark.parametrize("backend", ["python", "columnar"])
def bench_six_checks(benchmark, backend: str, six_checks: Run,
                     households: list[Household]) -> None:
    """The six checks of issue 11."""
    assert _timed(benchmark, six_checks, backend, households, rounds=3) > 0


@pytest.mark.benchmark(group="every built-in rule, 20,000 households")
@pytest.mark.parametrize("backend", ["python", "columnar"])
def bench_every_rule(benchmark, backend: str, every_rule: Run,
                     households: list[Household]) -> None:
    """Every built-in rule (the columnar backend runs what it does not compile through Python)."""
    assert _timed(benchmark, every_rule, backend, households, rounds=1) > 0


def profile(selection: str = "six", size: int = SIZE, top: int = 25) -> None:
    """CPU seconds of both backends on ``size`` households, then the columnar run's profile."""
    import cProfile
    import pstats
    import time

    households = [Household.model_validate(json.loads(line))
                  for line in repeated_lines(base_households(), size)]
    # no rule time budget: a shared machine can push a dataset rule's finish over it
    run = (Run.build(reference_date=ON, selection=[Selection(select=SIX_CHECKS)], rule_timeout=0)
           if selection == "six" else Run.build(reference_date=ON, rule_timeout=0))
    seconds = {}
    for backend in ("python", "columnar"):
        start = time.process_time()
        found = _check(run, backend, households)
        seconds[backend] = time.process_time() - start
        print(f"{selection} {backend:9} {seconds[backend]:8.2f} s CPU  {found} findings")
    print(f"python ÷ columnar: {seconds['python'] / seconds['columnar']:.2f}")
    profiler = cProfile.Profile()
    profiler.runcall(_check, run, "columnar", households)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    import sys

    profile(*(sys.argv[1:2] or ["six"]), *(int(n) for n in sys.argv[2:3]))
