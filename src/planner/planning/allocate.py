"""Budget allocation: fund the measure bundles that lift the most households above the line.

Each household below the line offers one or more bundles of new income measures that lift it
(from its plan, and the cheapest lifting set). A bundle may need a shared village work (a road
its industry measures wait for) whose cost is paid once for every household using it. Choose at
most one bundle per household so that the total stays within the budget, maximising the number of
households lifted and, among such choices, spending least.

The exact method is a mixed-integer programme solved by HiGHS (``scipy.optimize.milp``) in two
stages (most households, then least cost); the greedy method funds the cheapest lift per yuan,
village works together with the households they unlock. ``allocate_brute_force`` enumerates every
choice and exists to check the others on small cases.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from planner.planning.model import Bundle

Method = Literal["auto", "milp", "greedy"]
#: Above this many bundles, ``auto`` goes straight to the greedy method.
MILP_MAX_BUNDLES = 200_000
#: When the solver's answer fails the check, problems with at most this many choices are
#: enumerated (exact) before falling back to the greedy method.
BRUTE_FORCE_MAX_CHOICES = 50_000
#: How many times the MILP asks again for one household fewer when its answer is over budget.
_RETRIES = 3


@dataclass(slots=True)
class Allocation:
    """Which bundle each funded household gets, the works funded, and what it costs."""

    method: str
    budget: float
    spent: float
    lifted: int
    chosen: dict[str, str] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    works: list[str] = field(default_factory=list)
    candidates: int = 0
    optimal: bool = False
    greedy_lifted: int | None = None
    #: An upper bound on the households any allocation lifts (``lifted`` when ``optimal``).
    bound: int | None = None

    @property
    def gap(self) -> int | None:
        """How many households an optimal allocation may lift beyond this one (``bound`` minus
        ``lifted``; 0 when optimal, ``None`` without a bound)."""
        return None if self.bound is None else self.bound - self.lifted

    def quality(self) -> tuple[str, str] | None:
        """How far from optimal an allocation that is not proven optimal may be, in Chinese and
        English; ``None`` for an exact one."""
        if self.optimal:
            return None
        if self.bound is None:
            return (f"{self.method}：未证明最优，无上界",
                    f"{self.method}: not proven optimal, no bound")
        return (f"{self.method}：未证明最优，最多可达线 {self.bound} 户，差距不超过 {self.gap} 户",
                f"{self.method}: not proven optimal; at most {self.bound} households can be "
                f"lifted, a gap of at most {self.gap}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "method": self.method, "budget": self.budget, "spent": round(self.spent, 2),
            "lifted": self.lifted, "candidates": self.candidates, "optimal": self.optimal,
            "greedy_lifted": self.greedy_lifted, "bound": self.bound, "gap": self.gap,
            "works": list(self.works),
            "chosen": {h: {"bundle": name, "items": self.items.get(h, [])}
                       for h, name in sorted(self.chosen.items())},
        }


@dataclass(slots=True)
class _Problem:
    bundles: list[Bundle]
    households: list[str]
    works: list[str]
    work_costs: dict[str, float]

    @classmethod
    def of(cls, bundles: Iterable[Bundle], work_costs: Mapping[str, float]) -> _Problem:
        lifting = [b for b in bundles if b.lifts]
        households = sorted({b.household for b in lifting})
        works = sorted({w for b in lifting for w in b.requires})
        costs = {w: float(work_costs.get(w, 0.0)) for w in works}
        return cls(lifting, households, works, costs)

    def cost(self, chosen: Mapping[str, Bundle]) -> tuple[float, list[str]]:
        works = sorted({w for b in chosen.values() for w in b.requires})
        return sum(b.cost for b in chosen.values()) + sum(self.work_costs[w] for w in works), works

    def result(self, method: str, budget: float, chosen: Mapping[str, Bundle],
               optimal: bool) -> Allocation:
        spent, works = self.cost(chosen)
        return Allocation(method, budget, spent, len(chosen),
                          {h: b.name for h, b in chosen.items()},
                          {h: list(b.items) for h, b in chosen.items()}, works,
                          len(self.households), optimal, bound=len(chosen) if optimal else None)

    def cheapest(self) -> dict[str, Bundle]:
        """Each household's cheapest bundle (ties: the first offered)."""
        best: dict[str, Bundle] = {}
        for bundle in self.bundles:
            if bundle.household not in best or bundle.cost < best[bundle.household].cost:
                best[bundle.household] = bundle
        return best

    def free_works(self) -> bool:
        """Whether no bundle needs a work that costs anything."""
        return all(self.work_costs[w] <= 0 for w in self.works)


def allocate_greedy(bundles: Iterable[Bundle], budget: float,
                    work_costs: Mapping[str, float] | None = None) -> Allocation:
    """Fund, step by step, what lifts the most households per yuan: one household's cheapest
    bundle (with any unfunded works it needs), or an unfunded work together with the cheapest
    households it unlocks. Bundles and works wait in two heaps whose entries are checked when they
    come to the top, so a step costs O(log n) plus redoing the groups of the works it touches:
    about O(n log n) for n bundles, a million in seconds."""
    problem = _Problem.of(bundles, work_costs or {})
    by_household: dict[str, list[Bundle]] = {}
    by_work: dict[str, list[Bundle]] = {w: [] for w in problem.works}
    for bundle in problem.bundles:
        by_household.setdefault(bundle.household, []).append(bundle)
        for work in bundle.requires:
            by_work[work].append(bundle)
    order = {work: index for index, work in enumerate(problem.works)}
    chosen: dict[str, Bundle] = {}
    funded: set[str] = set()
    left = budget

    def marginal(bundle: Bundle) -> float:
        return bundle.cost + sum(problem.work_costs[w] for w in bundle.requires if w not in funded)

    heap = [(marginal(b), index, b) for index, b in enumerate(problem.bundles)]
    heapq.heapify(heap)
    #: The current group of each unfunded work (``None``: none fits) and its heap entries:
    #: (-rate, -count, work order, version); an entry of an older version is stale.
    groups: dict[str, tuple[float, float, list[Bundle]] | None] = {}
    versions: dict[str, int] = dict.fromkeys(problem.works, 0)
    group_heap: list[tuple[float, int, int, int]] = []

    def group(work: str) -> tuple[float, float, list[Bundle]] | None:
        cheapest: dict[str, Bundle] = {}
        for bundle in by_work[work]:
            if bundle.household in chosen or not set(bundle.requires) - funded <= {work}:
                continue
            if bundle.household not in cheapest or bundle.cost < cheapest[bundle.household].cost:
                cheapest[bundle.household] = bundle
        picks = sorted(cheapest.values(), key=lambda b: (b.cost, b.household))
        best: tuple[float, float, list[Bundle]] | None = None
        total = problem.work_costs[work]
        for count, bundle in enumerate(picks, start=1):
            total += bundle.cost
            if total > left + 1e-9:
                break
            rate = math.inf if total <= 0 else count / total
            if best is None or (rate, count) > (best[0], len(best[2])):
                best = (rate, total, picks[:count])
        return best

    def regroup(work: str) -> None:
        versions[work] += 1
        found = groups[work] = group(work)
        if found is not None:
            heapq.heappush(group_heap, (-found[0], -len(found[2]), order[work], versions[work]))

    for work in problem.works:
        regroup(work)

    def best_group() -> tuple[float, float, list[Bundle]] | None:
        # A group's rate only falls as the budget left shrinks, so an entry at the top whose
        # group still fits beats every other (ties: the work first in order, as before).
        while group_heap:
            _, _, index, version = group_heap[0]
            work = problem.works[index]
            found = groups.get(work)
            if work in funded or version != versions[work] or found is None:
                heapq.heappop(group_heap)
                continue
            if found[1] > left + 1e-9:
                heapq.heappop(group_heap)
                regroup(work)
                continue
            return found
        return None

    while True:
        single: tuple[float, Bundle] | None = None
        while heap:
            cost, index, bundle = heap[0]
            if bundle.household in chosen:
                heapq.heappop(heap)
                continue
            current = marginal(bundle)
            if current != cost:
                heapq.heapreplace(heap, (current, index, bundle))
                continue
            if cost <= left + 1e-9:
                single = (cost, bundle)
            break
        top = best_group()
        single_rate = None if single is None else (math.inf if single[0] <= 0 else 1 / single[0])
        if single is None and top is None:
            break
        if top is not None and (single_rate is None or top[0] > single_rate):
            _, cost, picks = top
        else:
            assert single is not None
            cost, picks = single[0], [single[1]]
        dirty: set[str] = set()
        for bundle in picks:
            chosen[bundle.household] = bundle
            for other in by_household[bundle.household]:
                dirty.update(other.requires)
            for work in bundle.requires:
                if work not in funded:
                    funded.add(work)
                    for related in by_work[work]:
                        dirty.update(related.requires)
        left -= cost
        for work in sorted(dirty - funded, key=order.__getitem__):
            regroup(work)
    return problem.result("greedy", budget, chosen, optimal=False)


def allocate_cheapest_first(bundles: Iterable[Bundle], budget: float,
                            work_costs: Mapping[str, float] | None = None) -> Allocation | None:
    """The exact allocation when no bundle needs a work that costs anything, in O(n log n): each
    household's cheapest bundle, households taken cheapest first while the budget lasts. No
    choice lifts more (any k households cost at least their k cheapest bundles) or spends less
    for as many. ``None`` when some bundle needs a work with a cost."""
    _check_budget(budget)
    problem = _Problem.of(bundles, work_costs or {})
    if not problem.free_works():
        return None
    chosen: dict[str, Bundle] = {}
    spent = 0.0
    for bundle in sorted(problem.cheapest().values(), key=lambda b: (b.cost, b.household)):
        if spent + bundle.cost > budget + 1e-6:
            break
        spent += bundle.cost
        chosen[bundle.household] = bundle
    return problem.result("cheapest_first", budget, chosen, optimal=True)


def upper_bound(bundles: Iterable[Bundle], budget: float,
                work_costs: Mapping[str, float] | None = None) -> int:
    """An upper bound on the households any allocation within ``budget`` lifts: the most
    households whose cheapest bundles fit the budget with every village work free (dropping the
    works' costs only lets more fit), tightened by the linear relaxation of the MILP when scipy
    solves it (:func:`lp_bound`)."""
    problem = _Problem.of(bundles, work_costs or {})
    count, spent = 0, 0.0
    for cost in sorted(b.cost for b in problem.cheapest().values()):
        if spent + cost > budget + 1e-6:
            break
        spent, count = spent + cost, count + 1
    relaxed = lp_bound(problem, budget)
    return count if relaxed is None else min(count, relaxed)


def lp_bound(problem: _Problem, budget: float, time_limit: float = 120.0) -> int | None:
    """The optimum of the MILP's linear relaxation (bundles and works funded in fractions),
    rounded down (with a margin for the solver's tolerance): no allocation lifts more. ``None``
    when scipy is missing or the solver stops without an optimum."""
    try:
        import numpy as np
        from scipy.optimize import linprog
        from scipy.sparse import coo_matrix
    except ImportError:  # pragma: no cover - scipy is a dependency; kept for slim installs
        return None
    n_bundles, n_works = len(problem.bundles), len(problem.works)
    if n_bundles == 0:
        return 0
    household_index = {h: i for i, h in enumerate(problem.households)}
    work_index = {w: i for i, w in enumerate(problem.works)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for j, bundle in enumerate(problem.bundles):
        rows.append(household_index[bundle.household])
        cols.append(j)
        vals.append(1.0)
    row = len(problem.households)
    for j, bundle in enumerate(problem.bundles):
        for work in bundle.requires:  # x_bundle - y_work <= 0
            rows.extend((row, row))
            cols.extend((j, n_bundles + work_index[work]))
            vals.extend((1.0, -1.0))
            row += 1
    scale = budget if budget > 0 else 1.0
    costs = [b.cost for b in problem.bundles] + [problem.work_costs[w] for w in problem.works]
    for j, cost in enumerate(costs):
        if cost:
            rows.append(row)
            cols.append(j)
            vals.append(cost / scale)
    matrix = coo_matrix((vals, (rows, cols)), shape=(row + 1, n_bundles + n_works)).tocsr()
    upper = np.zeros(row + 1)
    upper[: len(problem.households)] = 1
    upper[row] = budget / scale
    objective = np.concatenate([-np.ones(n_bundles), np.zeros(n_works)])
    # the interior-point method: 7 s where the simplex took 16 on 150,000 bundles
    result = linprog(objective, A_ub=matrix, b_ub=upper, bounds=(0, 1), method="highs-ipm",
                     options={"time_limit": time_limit})
    if result.status != 0 or result.fun is None:
        return None
    # a margin for the solver's tolerance, relative to the optimum: it can only raise the bound
    return math.floor(-result.fun * (1 + 1e-9) + 1e-6)


def allocate_milp(bundles: Iterable[Bundle], budget: float,
                  work_costs: Mapping[str, float] | None = None,
                  time_limit: float = 60.0) -> Allocation | None:
    """The exact allocation by mixed-integer programming (HiGHS), or ``None`` when the solver
    stops without an optimal solution (time limit), is unavailable, or gives a solution that
    fails the check in Python (two bundles for a household, a needed work unfunded, fewer
    households than it claims or than the greedy method lifts, or still over budget after a few
    retries with one household fewer): costs ranging over many orders of magnitude can defeat
    the solver's tolerances. The budget row is scaled to the budget, and bundles or works that
    alone cost more than the budget are left out first."""
    _check_budget(budget)
    problem = _Problem.of(bundles, work_costs or {})
    return _milp(problem, budget, time_limit, allocate_greedy(problem.bundles, budget,
                                                              problem.work_costs).lifted)


def _milp(problem: _Problem, budget: float, time_limit: float,
          lower_bound: int) -> Allocation | None:
    try:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import lil_matrix
    except ImportError:  # pragma: no cover - scipy is a dependency; kept for slim installs
        return None
    tolerance = 1e-6  # yuan, as the brute force and the greedy method allow
    # what alone exceeds the budget can never be chosen: leaving it out narrows the cost range
    works = [w for w in problem.works if problem.work_costs[w] <= budget + tolerance]
    affordable = [b for b in problem.bundles if b.cost + sum(
        problem.work_costs[w] for w in b.requires) <= budget + tolerance]
    works = sorted({w for b in affordable for w in b.requires})
    households = sorted({b.household for b in affordable})
    n_bundles, n_works = len(affordable), len(works)
    if n_bundles == 0:
        return problem.result("milp", budget, {}, optimal=True) if lower_bound == 0 else None
    scale = budget if budget > 0 else 1.0
    size = n_bundles + n_works
    work_index = {w: n_bundles + i for i, w in enumerate(works)}
    household_index = {h: i for i, h in enumerate(households)}
    requirements = sum(len(b.requires) for b in affordable)
    rows = len(households) + requirements + 1
    matrix = lil_matrix((rows + 1, size))
    upper = np.zeros(rows + 1)
    lower = np.full(rows + 1, -np.inf)
    for j, bundle in enumerate(affordable):
        matrix[household_index[bundle.household], j] = 1
    upper[: len(households)] = 1
    row = len(households)
    for j, bundle in enumerate(affordable):
        for work in bundle.requires:
            matrix[row, j] = 1
            matrix[row, work_index[work]] = -1
            row += 1
    costs = np.array([b.cost for b in affordable] + [problem.work_costs[w] for w in works])
    matrix[row, :] = costs / scale
    upper[row] = budget / scale + 1e-9
    count_row = row + 1
    options = {"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True}
    integrality = np.ones(size)
    bounds = Bounds(0, 1)

    def solve(objective: Any, minimum_count: float | None) -> Any:
        low, high = lower.copy(), upper.copy()
        if minimum_count is None:
            matrix[count_row, :] = 0
            high[count_row] = np.inf
        else:
            matrix[count_row, :n_bundles] = -1
            high[count_row] = -minimum_count
        constraint = LinearConstraint(matrix.tocsr(), low, high)
        try:
            return milp(objective, constraints=constraint, integrality=integrality,
                        bounds=bounds, options=options)
        except ValueError:  # HiGHS can fail outright on badly scaled rows
            return None

    first = solve(np.concatenate([-np.ones(n_bundles), np.zeros(n_works)]), None)
    if first is None or first.status != 0 or first.x is None:
        return None
    best_count = round(-first.fun)
    # The solver's tolerances can admit a choice a little over the budget: check each answer
    # exactly and, when the cheapest way to lift ``count`` households does not fit, ask for one
    # household fewer (the cheapest for ``count`` not fitting means no choice of ``count`` fits).
    for count in range(best_count, max(lower_bound, best_count - _RETRIES) - 1, -1):
        if count <= 0:
            return problem.result("milp", budget, {}, optimal=True)
        second = solve(costs, count)
        if second is None or second.status != 0 or second.x is None:
            return None
        picked = [affordable[j] for j in range(n_bundles) if second.x[j] > 0.5]
        chosen = {bundle.household: bundle for bundle in picked}
        funded = {works[i] for i in range(n_works) if second.x[n_bundles + i] > 0.5}
        spent, needed = problem.cost(chosen)
        if len(chosen) != len(picked) or not set(needed) <= funded or len(chosen) < count:
            return None
        if spent <= budget + tolerance:
            return problem.result("milp", budget, chosen, optimal=True)
    return None


def _check_budget(budget: float) -> None:
    if not budget >= 0:
        raise ValueError(f"预算不能为负数 / the budget must be ≥ 0 yuan, not {budget}")


def allocate_brute_force(bundles: Iterable[Bundle], budget: float,
                         work_costs: Mapping[str, float] | None = None) -> Allocation:
    """Every choice enumerated (for tests and tiny cases: the work grows as the product of the
    households' bundle counts)."""
    problem = _Problem.of(bundles, work_costs or {})
    by_household = [[None, *[b for b in problem.bundles if b.household == h]]
                    for h in problem.households]
    best: tuple[int, float, dict[str, Bundle]] = (0, 0.0, {})
    for choice in itertools.product(*by_household):
        chosen = {b.household: b for b in choice if b is not None}
        cost, _ = problem.cost(chosen)
        if cost > budget + 1e-6:
            continue
        if (len(chosen), -cost) > (best[0], -best[1]):
            best = (len(chosen), cost, chosen)
    return problem.result("brute_force", budget, best[2], optimal=True)


def _choices(bundles: list[Bundle]) -> int:
    """How many choices the brute force would enumerate (the product of 1 + bundles per
    household), stopping once it passes the limit."""
    per_household: dict[str, int] = {}
    for bundle in bundles:
        if bundle.lifts:
            per_household[bundle.household] = per_household.get(bundle.household, 1) + 1
    total = 1
    for count in per_household.values():
        total *= count
        if total > BRUTE_FORCE_MAX_CHOICES:
            break
    return total


def allocate(bundles: Iterable[Bundle], budget: float,
             work_costs: Mapping[str, float] | None = None, *, method: Method = "auto",
             time_limit: float = 60.0, milp_max_bundles: int = MILP_MAX_BUNDLES) -> Allocation:
    """Allocate ``budget`` (元, ``ValueError`` when negative): the exact MILP (``auto`` and
    ``milp``), falling back to the greedy method (``method`` "greedy (fallback)") when the solver
    gives no optimum, its solution fails the check, or the problem is very large (a small problem
    is enumerated instead, ``method`` "brute_force"); ``greedy`` only.

    Above ``milp_max_bundles`` bundles (:data:`MILP_MAX_BUNDLES`) ``auto`` is exact in
    O(n log n) when no bundle needs a work that costs anything (``method`` "cheapest_first");
    otherwise the greedy result comes with an upper bound on the households any allocation
    lifts (:func:`upper_bound`), so that :attr:`Allocation.gap` says how far from optimal it
    can be. An exact result has ``bound == lifted`` and a gap of 0.
    The greedy result is always computed and reported (``greedy_lifted``) for comparison."""
    _check_budget(budget)
    bundles = list(bundles)
    greedy = allocate_greedy(bundles, budget, work_costs)
    if method == "greedy":
        greedy.greedy_lifted = greedy.lifted
        greedy.bound = max(greedy.lifted, upper_bound(bundles, budget, work_costs))
        greedy.optimal = greedy.bound == greedy.lifted
        return greedy
    exact = None
    if method == "milp" or len(bundles) <= milp_max_bundles:
        exact = _milp(_Problem.of(bundles, work_costs or {}), budget, time_limit, greedy.lifted)
    else:
        exact = allocate_cheapest_first(bundles, budget, work_costs)
    if exact is None and _choices(bundles) <= BRUTE_FORCE_MAX_CHOICES:
        exact = allocate_brute_force(bundles, budget, work_costs)
    if exact is None or exact.lifted < greedy.lifted:
        greedy.greedy_lifted = greedy.lifted
        greedy.method = "greedy (fallback)"
        greedy.bound = max(greedy.lifted, upper_bound(bundles, budget, work_costs))
        greedy.optimal = greedy.bound == greedy.lifted
        return greedy
    exact.greedy_lifted = greedy.lifted
    return exact
