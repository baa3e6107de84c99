"""Planning speed (pytest-benchmark): 1,000 generated households, and the budget allocation.

Run with ``pytest benchmarks/bench_plan.py -o python_files='bench_*.py' -o
python_functions='bench_*'``. Facts and findings are computed once outside the timed part of
``bench_plan_households`` so that it measures the planner alone; ``bench_district_plan`` times the
whole ``planner.plan`` run (checker included). ``bench_allocation_at_scale`` allocates over the
bundles of 200,000 synthetic households above the MILP's size limit: the greedy method with its
upper bound (linear relaxation), and the exact cheapest-first method when works cost nothing.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from conftest import base_households
from planner.backends.python.engine import Checker
from planner.measures import default_catalog
from planner.model import Household
from planner.params import default_parameters
from planner.planning import (
    Bundle,
    allocate,
    allocate_greedy,
    allocate_milp,
    plan,
    plan_household,
)
from planner.run import Run

WHEN = date(2020, 9, 30)
COUNT = 1_000


@pytest.fixture(scope="module")
def households() -> list[Household]:
    return [Household.model_validate(data) for data in base_households(COUNT)]


@pytest.fixture(scope="module")
def checked(households: list[Household]) -> list[tuple]:
    checker = Checker(Run.build(reference_date=WHEN))
    pairs = []
    for household in households:
        facts = checker.facts(household)
        pairs.append((facts, checker.check_household(household, facts)))
    return pairs


def bench_plan_households(benchmark, checked: list[tuple]) -> None:
    """``plan_household`` for 1,000 households whose facts and findings are ready."""
    catalog, values = default_catalog(), default_parameters().at(WHEN)

    def run() -> int:
        return sum(len(plan_household(f, found, catalog, values, start=WHEN).items)
                   for f, found in checked)

    assert benchmark(run) > 0


def bench_district_plan(benchmark, households: list[Household]) -> None:
    """``planner.plan`` over 1,000 households: checker, plans, summary and a budget."""
    result = benchmark(lambda: plan(households, reference_date=WHEN, budget=500_000))
    assert result.stats.households == len(households)


@pytest.mark.parametrize("method", ["milp", "greedy"])
def bench_allocation(benchmark, households: list[Household], method: str) -> None:
    """Allocating a budget over the bundles of 1,000 households, exact and greedy."""
    district = plan(households, reference_date=WHEN)
    bundles = [b for p in district.households for b in p.bundles]
    works = {w.key: w.cost for w in district.works}
    budget = sum(b.cost for b in bundles) / 3
    solve = allocate_milp if method == "milp" else allocate_greedy
    assert benchmark(lambda: solve(bundles, budget, works)) is not None


def _candidates(households: int) -> tuple[list[Bundle], dict[str, float], float]:
    """250 households a village, one or two bundles each, a third needing the village road."""
    rng = random.Random(0)
    roads = {f"road@V{v}": float(rng.choice([20000, 50000, 120000]))
             for v in range(households // 250 + 1)}
    bundles = []
    for h in range(households):
        needs = frozenset({f"road@V{h // 250}"}) if rng.random() < 0.3 else frozenset()
        bundles.append(Bundle(f"H{h:07d}", "plan", ("job",),
                              float(rng.choice([800, 1500, 2300, 4000, 10000])), 1.0, True, needs))
        if rng.random() < 0.5:
            bundles.append(Bundle(f"H{h:07d}", "cheapest", ("workshop",),
                                  float(rng.choice([600, 1200, 3000])), 1.0, True))
    return bundles, roads, sum(b.cost for b in bundles) / 6


@pytest.mark.parametrize("roads", ["paid", "free"])
def bench_allocation_at_scale(benchmark, roads: str) -> None:
    """200,000 candidate households (about 300,000 bundles): greedy with its bound when roads
    cost money, cheapest first (exact) when they do not."""
    bundles, works, budget = _candidates(200_000)
    if roads == "free":
        works = dict.fromkeys(works, 0.0)
    result = benchmark.pedantic(lambda: allocate(bundles, budget, works), rounds=1, iterations=1)
    assert result.gap is not None and result.gap >= 0
    if roads == "free":
        assert result.method == "cheapest_first"
    else:
        assert result.method == "greedy (fallback)" and result.bound >= result.lifted
