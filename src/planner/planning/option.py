"""Options for a household's needs: one measure for one beneficiary, and the cheapest sets.

An option brings the prerequisites the household lacks; chosen, it becomes a draft item. The
cheapest compatible set of options whose gain closes an income gap is found by enumeration.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planner.measures import Measure


def base_id(key: str) -> str:
    """The measure id of an item key (``job_placement@m2`` → ``job_placement``)."""
    return key.split("@")[0].rstrip("+")


def item_key(measure_id: str, member: int | None) -> str:
    """``measure`` for a household measure, ``measure@m<N>`` for a member measure."""
    return measure_id if member is None else f"{measure_id}@m{member}"


@dataclass(slots=True)
class Requirement:
    """A prerequisite to add with an option; ``any_member``: any member holding it will do."""

    key: str
    measure: Measure
    member: int | None
    cost: float
    any_member: bool = False


@dataclass(slots=True)
class Option:
    """One measure for one beneficiary, with its closure against what the household already has."""

    measure: Measure
    member: int | None
    key: str
    gain: float
    cost: float
    requires: list[Requirement]
    works: frozenset[str]
    finish_days: int

    def ratio(self, extra_cost: float = 0.0) -> float:
        """Gain per yuan (infinite when free)."""
        cost = self.cost + extra_cost
        return math.inf if cost <= 0 else self.gain / cost


@dataclass(slots=True)
class Draft:
    """A chosen measure before scheduling: why it is here and what it waits for."""

    measure: Measure
    member: int | None
    key: str
    gain: float
    cost: float
    need: str | None = None
    why: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)


def cheapest_lifting(
    options: list[Option], gap: float, limit: int = 8, size: int = 3,
    work_costs: Mapping[str, float] | None = None,
) -> tuple[list[Option], float, float] | None:
    """The least-cost set of at most ``size`` options (among the ``limit`` best by gain per cost)
    whose gain closes ``gap``: (options, cost, gain), or ``None`` when none does.

    The cost counts the shared village works the options wait for (``work_costs`` by work key,
    each work once): a 2,500-yuan set that lifts the household beats a 1,000-yuan measure
    waiting for a 93,000-yuan road. The cost returned is that of the measures and their
    prerequisites only (the works are the allocation's, paid once for the whole village)."""
    costs = work_costs or {}

    def works_cost(works: Iterable[str]) -> float:
        return sum(float(costs.get(w, 0.0)) for w in set(works))

    ranked = sorted(options, key=lambda o: -o.ratio(works_cost(o.works)))[:limit]
    best: tuple[list[Option], float, float] | None = None
    best_total = math.inf
    for count in range(1, size + 1):
        for combo in itertools.combinations(ranked, count):
            if not _compatible(combo):
                continue
            gain = sum(o.gain for o in combo)
            if gain < gap:
                continue
            keys: dict[str, float] = {}
            for option in combo:
                keys[option.key] = option.cost
                for requirement in option.requires:
                    keys.setdefault(requirement.key, requirement.cost)
            cost = sum(keys.values())
            total = cost + works_cost(w for option in combo for w in option.works)
            if best is None or total < best_total:
                best, best_total = (list(combo), cost, gain), total
    return best


def _compatible(combo: Iterable[Option]) -> bool:
    groups: dict[str, set[int | None]] = {}
    per_measure: dict[str, int] = {}
    for option in combo:
        measure = option.measure
        per_measure[measure.id] = per_measure.get(measure.id, 0) + 1
        cap = measure.per_household_max
        if cap is not None and per_measure[measure.id] > cap:
            return False
        if measure.exclusive:
            holders = groups.setdefault(measure.exclusive, set())
            if None in holders or option.member in holders or (option.member is None and holders):
                return False
            holders.add(option.member)
    return True


__all__ = ["Draft", "Option", "Requirement", "base_id", "cheapest_lifting", "item_key"]
