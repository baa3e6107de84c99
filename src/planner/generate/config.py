"""Settings of one generated dataset: size, seed, year, problem mix and the county's shape."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from planner.params import ParameterSet

HOUSEHOLDS_PER_VILLAGE = 250
VILLAGES_PER_TOWN = 12


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    """What to generate. Same config (and seed) → byte-identical output.

    ``problem_share`` is the share of households (and villages, projects, towns) that receive an
    injected problem; ``near_share`` the share of the others built just on the safe side of one
    rule's threshold (the precision corpus, :mod:`planner.generate.near`); ``weights`` gives the
    relative frequency of each code among the problems (codes left out keep weight 1; weight 0
    disables a code). ``towns``/``villages`` default to a county sized
    for ``households``; ``town_villages`` names them explicitly (town, its villages). ID numbers in
    ``reserved_ids`` (people already on file, e.g. named example households) are never issued.
    """

    households: int
    seed: int = 0
    year: int = 2020
    reference_date: date | None = None
    problem_share: float = 0.1
    weights: Mapping[str, float] = field(default_factory=dict)
    towns: int | None = None
    villages: int | None = None
    county_code: str = "522425"
    province: str = "贵州省"
    city: str = "毕节市"
    county: str = "示范县"
    parameters: ParameterSet | None = None
    town_villages: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    reserved_ids: frozenset[str] = frozenset()
    near_share: float = 0.0

    def __post_init__(self) -> None:
        if self.households < 0:
            raise ValueError("households must be 0 or more / 户数不能为负")
        if not 0 <= self.problem_share <= 1:
            raise ValueError("problem_share must be between 0 and 1 / 问题户比例须在 0 到 1 之间")
        if not 0 <= self.near_share <= 1:
            raise ValueError("near_share must be between 0 and 1 / 临界户比例须在 0 到 1 之间")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("problem weights must not be negative / 问题权重不能为负")
        if len(self.county_code) != 6 or not self.county_code.isdigit():
            raise ValueError("county_code must be 6 digits / 县级区划代码须为 6 位数字")

    @property
    def when(self) -> date:
        """The reference date: given, else 30 September of ``year`` (the supervision's date)."""
        return self.reference_date or date(self.year, 9, 30)

    @property
    def village_count(self) -> int:
        if self.town_villages is not None:
            return sum(len(villages) for _, villages in self.town_villages)
        if self.villages is not None:
            return max(1, self.villages)
        return max(1, math.ceil(self.households / HOUSEHOLDS_PER_VILLAGE))

    @property
    def town_count(self) -> int:
        if self.town_villages is not None:
            return len(self.town_villages)
        if self.towns is not None:
            return max(1, min(self.towns, self.village_count))
        return max(1, math.ceil(self.village_count / VILLAGES_PER_TOWN))
