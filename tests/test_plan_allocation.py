"""Budget allocation: the exact MILP equals brute force, greedy never beats it, on small cases."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.planning import (
    Bundle,
    allocate,
    allocate_brute_force,
    allocate_cheapest_first,
    allocate_greedy,
    allocate_milp,
    upper_bound,
)

from .conftest import EXAMPLES


def random_case(seed: int) -> tuple[list[Bundle], dict[str, float], float]:
    """Up to 6 households with 1–3 bundles each, some needing one or two shared village works."""
    rng = random.Random(seed)
    works = {f"road@V{i}": float(rng.choice([0, 2000, 5000, 12000]))
             for i in range(rng.randint(0, 3))}
    bundles = []
    for h in range(rng.randint(2, 6)):
        for b in range(rng.randint(1, 3)):
            requires = frozenset(w for w in works if rng.random() < 0.3)
            bundles.append(Bundle(
                household=f"H{h}", name=f"b{b}", items=(f"m{b}",),
                cost=float(rng.choice([0, 500, 1000, 1500, 3000, 4000, 8000])),
                gain=1.0, lifts=rng.random() < 0.85, requires=requires))
    total = sum(b.cost for b in bundles) + sum(works.values())
    budget = float(rng.randint(0, int(total * 0.8) + 1))
    return bundles, works, budget


@pytest.mark.parametrize("seed", range(60))
def test_exact_matches_brute_force_and_greedy_is_no_better(seed: int) -> None:
    bundles, works, budget = random_case(seed)
    brute = allocate_brute_force(bundles, budget, works)
    exact = allocate_milp(bundles, budget, works)
    greedy = allocate_greedy(bundles, budget, works)
    assert exact is not None
    assert exact.lifted == brute.lifted
    assert exact.spent == pytest.approx(brute.spent)
    assert exact.spent <= budget + 1e-6 and greedy.spent <= budget + 1e-6
    assert greedy.lifted <= exact.lifted
    for allocation in (exact, greedy):
        assert set(allocation.chosen) <= {b.household for b in bundles if b.lifts}
        needed = {w for b in bundles if allocation.chosen.get(b.household) == b.name
                  for w in b.requires}
        assert needed <= set(allocation.works)


def test_greedy_can_miss_what_the_exact_allocation_finds() -> None:
    # A road costing 6000 unlocks three households at 500 each; one household elsewhere costs
    # 2000. With 8000, greedy funds the best single lift per yuan first and can no longer afford
    # the road; the exact allocation funds the road and its three households.
    bundles = [Bundle("E", "plan", ("job",), 2000, 1, True)] + [
        Bundle(h, "plan", ("planting",), 500, 1, True, frozenset({"road@V1"})) for h in "BCD"]
    works = {"road@V1": 6000.0}
    exact = allocate_milp(bundles, 8000, works)
    greedy = allocate_greedy(bundles, 8000, works)
    brute = allocate_brute_force(bundles, 8000, works)
    assert exact is not None and exact.lifted == brute.lifted == 3
    assert exact.chosen == brute.chosen == {"B": "plan", "C": "plan", "D": "plan"}
    assert exact.works == ["road@V1"]
    assert greedy.lifted == 1 < exact.lifted
    assert allocate(bundles, 8000, works).method == "milp"


def test_greedy_funds_a_shared_work_with_the_households_it_unlocks() -> None:
    bundles = [Bundle(f"H{i}", "plan", ("planting",), 500, 1, True, frozenset({"road@V1"}))
               for i in range(5)] + [Bundle("X", "plan", ("job",), 2400, 1, True)]
    greedy = allocate_greedy(bundles, 5000, {"road@V1": 2500})
    assert greedy.lifted == 5 and greedy.works == ["road@V1"] and greedy.spent == 5000


def test_allocate_reports_method_and_the_greedy_comparison() -> None:
    bundles = [Bundle("A", "plan", ("x",), 100, 1, True), Bundle("B", "plan", ("y",), 200, 1, True),
               Bundle("C", "plan", ("z",), 50, 1, False)]
    result = allocate(bundles, 250)
    assert (result.method, result.optimal) == ("milp", True)
    assert (result.lifted, result.greedy_lifted) == (1, 1)
    assert result.chosen == {"A": "plan"} and result.candidates == 2
    assert allocate(bundles, 250, method="greedy").method == "greedy"
    assert allocate([], 1000).lifted == 0


def test_a_household_gets_at_most_one_bundle_and_the_cheaper_one_when_it_matters() -> None:
    bundles = [Bundle("A", "plan", ("job", "training"), 3000, 1, True),
               Bundle("A", "cheapest", ("workshop",), 1000, 1, True),
               Bundle("B", "plan", ("post",), 2000, 1, True)]
    result = allocate(bundles, 3000)
    assert result.chosen == {"A": "cheapest", "B": "plan"}
    assert result.items["A"] == ["workshop"]


def test_costs_ranging_from_cents_to_a_billion_never_give_a_wrong_optimum() -> None:
    costs = [("h0", 100), ("h0", 333.33), ("h1", 0.2), ("h1", 1e6), ("h2", 1e9 + 0.5),
             ("h2", 1e9 + 0.5), ("h3", 1e9 + 0.5), ("h3", 0), ("h3", 333.33)]
    bundles = [Bundle(h, f"b{i}", (f"i{i}",), c, 1.0, True) for i, (h, c) in enumerate(costs)]
    for budget in (1e9 + 0.5, 1e9, 2e6):
        brute = allocate_brute_force(bundles, budget)
        exact = allocate_milp(bundles, budget)
        if exact is not None:  # None: the check failed, and the caller falls back
            assert (exact.lifted, exact.spent) == (brute.lifted, pytest.approx(brute.spent))
        result = allocate(bundles, budget)
        assert (result.lifted, result.spent) == (brute.lifted, pytest.approx(brute.spent))
        assert result.optimal is True


def test_a_budget_one_yuan_short_is_never_overspent() -> None:
    rng = random.Random(0)
    bundles = [Bundle(f"H{i}", "plan", ("job",), rng.choice([800, 1500, 2300, 10000, 24800]),
                      1.0, True) for i in range(3000)]
    total = sum(b.cost for b in bundles)
    cheapest_first = sorted(b.cost for b in bundles)[:-1]
    result = allocate_milp(bundles, total - 1)
    assert result is not None and result.optimal
    assert result.spent <= total - 1
    assert (result.lifted, result.spent) == (2999, sum(cheapest_first))


def test_a_negative_budget_is_refused() -> None:
    bundles = [Bundle("A", "plan", ("x",), 100, 1, True)]
    for call in (allocate, allocate_milp):
        with pytest.raises(ValueError, match="≥ 0"):
            call(bundles, -1)


def _large_case(households: int, seed: int, works: bool = True
                ) -> tuple[list[Bundle], dict[str, float], float]:
    """Households of 250 per village, one or two bundles each, a third needing the village road."""
    rng = random.Random(seed)
    roads = {f"road@V{v}": float(rng.choice([20000, 50000, 120000]))
             for v in range(households // 250 + 1)} if works else {}
    bundles = []
    for h in range(households):
        needs = frozenset({f"road@V{h // 250}"}) if works and rng.random() < 0.3 else frozenset()
        bundles.append(Bundle(f"H{h:06d}", "plan", ("job",),
                              float(rng.choice([800, 1500, 2300, 4000, 10000])), 1.0, True, needs))
        if rng.random() < 0.5:
            bundles.append(Bundle(f"H{h:06d}", "cheapest", ("workshop",),
                                  float(rng.choice([600, 1200, 3000])), 1.0, True))
    return bundles, roads, sum(b.cost for b in bundles) / 6


@pytest.mark.parametrize("seed", range(40))
def test_cheapest_first_is_exact_when_works_cost_nothing(seed: int) -> None:
    bundles, works, budget = random_case(seed)
    free = dict.fromkeys(works, 0.0)
    brute = allocate_brute_force(bundles, budget, free)
    exact = allocate_cheapest_first(bundles, budget, free)
    assert exact is not None and exact.optimal and exact.gap == 0
    assert (exact.lifted, exact.spent) == (brute.lifted, pytest.approx(brute.spent))
    if any(cost > 0 for cost in works.values()) and any(
            b.requires and b.lifts for b in bundles):
        assert allocate_cheapest_first(bundles, budget, works) is None


@pytest.mark.parametrize("seed", range(40))
def test_the_upper_bound_is_never_below_the_optimum(seed: int) -> None:
    bundles, works, budget = random_case(seed)
    brute = allocate_brute_force(bundles, budget, works)
    assert upper_bound(bundles, budget, works) >= brute.lifted


def test_the_bound_holds_against_the_exact_solver_on_a_district() -> None:
    bundles, works, budget = _large_case(600, 3)
    exact = allocate_milp(bundles, budget, works)
    greedy = allocate_greedy(bundles, budget, works)
    assert exact is not None and exact.optimal and exact.gap == 0
    assert greedy.lifted <= exact.lifted <= upper_bound(bundles, budget, works)


def test_a_large_allocation_says_its_method_and_its_gap() -> None:
    # Above the MILP's size limit: the greedy method with a bound, the gap computed from it.
    bundles, works, budget = _large_case(20_000, 5)
    result = allocate(bundles, budget, works, milp_max_bundles=1000)
    assert result.method == "greedy (fallback)"
    assert result.bound is not None and result.gap is not None
    assert result.gap >= 0 and result.bound >= result.lifted == result.greedy_lifted
    assert result.spent <= budget + 1e-6
    # the bound is at most what fits with every road free
    free = allocate_cheapest_first(bundles, budget, dict.fromkeys(works, 0.0))
    assert free is not None and result.bound <= free.lifted
    assert result.to_dict()["gap"] == result.gap
    zh, en = result.quality() or ("", "")
    assert f"差距不超过 {result.gap} 户" in zh and f"a gap of at most {result.gap}" in en
    # without roads to pay for, the large case is solved exactly in O(n log n)
    exact = allocate(bundles, budget, {}, milp_max_bundles=1000)
    assert (exact.method, exact.optimal, exact.gap) == ("cheapest_first", True, 0)
    assert exact.quality() is None and exact.lifted >= result.lifted


def test_the_plan_command_reports_the_bound_of_a_greedy_allocation() -> None:
    # The greedy method's result comes with the bound: here it lifts both candidates, which the
    # bound proves optimal, so no notice about a gap is printed.
    result = CliRunner().invoke(cli, [
        "plan", str(EXAMPLES / "district"), "--date", "2020-09-30", "--budget", "30000",
        "--method", "greedy", "--output-format", "json"])
    assert result.exit_code == 0, result.output
    allocation = json.loads(result.stdout)["allocation"]
    assert (allocation["method"], allocation["lifted"], allocation["bound"], allocation["gap"],
            allocation["optimal"]) == ("greedy", 2, 2, 0, True)
    assert "budget allocation" not in result.stderr


def test_the_cheapest_lifting_set_counts_the_village_works_it_waits_for() -> None:
    """Issue 14: a 2,500-yuan pair of measures that lifts the household beats one 1,000-yuan
    measure waiting for a 93,000-yuan road; without the road's cost the road-bound one wins."""
    from planner.measures import default_catalog
    from planner.planning.option import Option, cheapest_lifting

    catalog = default_catalog()

    def option(measure: str, member: int | None, cost: float, gain: float,
               works: frozenset[str] = frozenset()) -> Option:
        key = measure if member is None else f"{measure}@m{member}"
        return Option(catalog[measure], member, key, gain, cost, [], works, 30)

    road_bound = option("cooperative_linkage", None, 1000, 6000, frozenset({"road_hardening@v1"}))
    job = option("job_placement", 1, 1500, 3500)
    post = option("public_welfare_post", 2, 1000, 3000)
    options = [road_bound, job, post]
    combo, cost, gain = cheapest_lifting(options, 5000,
                                         work_costs={"road_hardening@v1": 93000}) or ([], 0, 0)
    assert sorted(o.key for o in combo) == ["job_placement@m1", "public_welfare_post@m2"]
    assert (cost, gain) == (2500, 6500)
    ignored = cheapest_lifting(options, 5000)
    assert ignored is not None and [o.key for o in ignored[0]] == ["cooperative_linkage"]
