"""The synthetic county: towns and villages with division codes, and each village's helpers and
data collectors."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.generate.identity import HELPER_PHONE_BASE, phone_number
from planner.generate.names import HELPER_ORGANISATIONS, person_name, town_name, village_name


@dataclass(frozen=True, slots=True)
class VillageSlot:
    """One administrative village: where households live and who helps them."""

    index: int
    town: str
    town_code: str
    name: str
    code: str  # 12-digit 统计用区划代码
    helpers: tuple[dict[str, Any], ...]
    #: The village's data collectors (信息采集人): village-level people who record households.
    collectors: tuple[str, ...] = ()

    def collector(self, index: int) -> str | None:
        """The collector of household number ``index`` (the village's collectors in turn)."""
        return self.collectors[index % len(self.collectors)] if self.collectors else None


@dataclass(frozen=True, slots=True)
class CountyLayout:
    """Province, city and county names, the county's division code, and its villages by town."""

    province: str
    city: str
    county: str
    county_code: str
    villages: tuple[VillageSlot, ...]
    towns: tuple[tuple[str, str], ...] = field(default=())  # (name, 3-digit code)

    def region(self, village: VillageSlot) -> dict[str, Any]:
        """The ``Region`` record of a village (and of its households)."""
        return {
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "town": village.town,
            "village": village.name,
            "division_code": village.code,
        }


def _town_codes(names: list[str]) -> list[str]:
    """3-digit town codes: towns (镇) 101–199 and townships (乡) 201–299, then 300 + position."""
    next_code = {"镇": 101, "乡": 201}
    codes = []
    for index, name in enumerate(names):
        kind = "镇" if name.endswith("镇") else "乡"
        code = next_code[kind]
        next_code[kind] += 1
        limit = 199 if kind == "镇" else 299
        codes.append(f"{code:03d}" if code <= limit else f"{300 + index:03d}")
    return codes


def _helpers(
    rng: random.Random, village_index: int, when: date, count: int
) -> tuple[dict[str, Any], ...]:
    helpers = []
    for k in range(count):
        male = rng.random() < 0.6
        assigned = date(rng.randint(when.year - 4, when.year - 1), rng.randint(1, 12), 1)
        helpers.append(
            {
                "name": person_name(rng, male),
                "phone": phone_number(HELPER_PHONE_BASE + village_index * 16 + k),
                "organisation": rng.choice(HELPER_ORGANISATIONS),
                "assigned_on": assigned.isoformat(),
            }
        )
    return tuple(helpers)


#: Data collectors per village: a few village-level people (村两委、村级信息员).
COLLECTORS_PER_VILLAGE = (1, 3)


def _collectors(seed: int, village_index: int) -> tuple[str, ...]:
    """A village's data collectors, drawn apart from the layout's other choices (so that adding
    them changed no helper, name or household of a county generated before)."""
    rng = random.Random(f"collectors/{seed}/{village_index}")
    return tuple(person_name(rng, rng.random() < 0.5)
                 for _ in range(rng.randint(*COLLECTORS_PER_VILLAGE)))


def county_layout(
    seed: int,
    when: date,
    towns: int,
    villages: int,
    *,
    province: str = "贵州省",
    city: str = "毕节市",
    county: str = "示范县",
    county_code: str = "522425",
    names: list[tuple[str, list[str]]] | None = None,
) -> CountyLayout:
    """A county of ``towns`` towns and ``villages`` villages spread over them in turn.

    ``names`` fixes the towns and their villages explicitly (the example district does this).
    """
    rng = random.Random(f"layout/{seed}")
    if names is None:
        town_names = [town_name(t) for t in range(towns)]
        per_town: list[list[str]] = [[] for _ in town_names]
        for v in range(villages):
            per_town[v % len(town_names)].append(village_name(v))
        names = list(zip(town_names, per_town, strict=True))
    codes = _town_codes([t for t, _ in names])
    slots = []
    index = 0
    for (town, village_names), town_code in zip(names, codes, strict=True):
        for k, name in enumerate(village_names):
            code = f"{county_code}{town_code}{201 + k:03d}"
            helpers = _helpers(rng, index, when, rng.randint(4, 8))
            slots.append(VillageSlot(index, town, town_code, name, code, helpers,
                                     _collectors(seed, index)))
            index += 1
    return CountyLayout(
        province,
        city,
        county,
        county_code,
        tuple(slots),
        tuple((t, c) for (t, _), c in zip(names, codes, strict=True)),
    )
