"""Clean villages (road and water works on schedule) and projects (done, paid, announced)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.generate.layout import CountyLayout, VillageSlot

Record = dict[str, Any]
PROJECT_KINDS = (
    ("产业", "industry", "县农业农村局", "{village}精品水果种植基地"),
    ("产业", "industry", "县农业农村局", "{village}肉牛养殖小区"),
    ("基础设施", "infrastructure", "县交通运输局", "{village}通组路硬化"),
    ("饮水", "water", "县水务局", "{village}集中供水管网延伸"),
    ("住房", "housing", "县住房和城乡建设局", "{village}农村危房改造"),
    ("就业", "employment", "县人力资源和社会保障局", "{village}扶贫车间"),
    ("教育", "education", "县教育局", "{village}小学改扩建"),
)


def _day(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), max(first, last).toordinal()))


def clean_village(
    layout: CountyLayout, slot: VillageSlot, rng: random.Random, when: date
) -> Record:
    """A village whose road and water works are done, or ahead of their linear schedule."""
    households = rng.randint(150, 700)
    planned = float(rng.randint(3, 15))
    village: Record = {
        "id": slot.code,
        "region": layout.region(slot),
        "exited": rng.random() < 0.9,
        "households_total": households,
        "population": int(households * rng.uniform(3.4, 4.2)),
        "road_km_planned": planned,
    }
    if rng.random() < 0.6:  # finished works
        village["road_start"] = date(when.year - 2, rng.randint(3, 9), 1).isoformat()
        village["road_due"] = date(when.year - 1, rng.randint(6, 12), 1).isoformat()
        village["road_km_hardened"] = planned
    else:
        start = date(when.year - 1, rng.randint(3, 12), 1)
        due = date(when.year + 1, rng.randint(1, 6), 1)
        expected = (when - start).days / (due - start).days
        village["road_start"], village["road_due"] = start.isoformat(), due.isoformat()
        village["road_km_hardened"] = round(planned * min(1.0, expected + rng.uniform(0, 0.15)), 1)
    if rng.random() < 0.7:
        village["water_works_start"] = date(when.year - 2, rng.randint(1, 12), 1).isoformat()
        village["water_works_due"] = date(when.year - 1, rng.randint(1, 12), 1).isoformat()
        village["households_tap_water"] = households
    else:
        start = date(when.year, 1, 1) - timedelta(days=rng.randint(60, 300))
        due = date(when.year, 12, 31) + timedelta(days=rng.randint(0, 120))
        expected = (when - start).days / (due - start).days
        village["water_works_start"], village["water_works_due"] = (
            start.isoformat(),
            due.isoformat(),
        )
        village["households_tap_water"] = min(
            households, int(households * (expected + rng.uniform(0.02, 0.15)))
        )
    return village


def clean_project(
    layout: CountyLayout,
    slot: VillageSlot,
    number: int,
    rng: random.Random,
    when: date,
    *,
    due: bool = True,
) -> Record:
    """A project of the county library: noticed before it started, finished and announced on time
    (``due``) or under way and due later; funds disbursed above 90 %."""
    kind, category, responsible, name = rng.choice(PROJECT_KINDS)
    year_start = date(when.year, 1, 1)
    start = _day(rng, year_start + timedelta(days=20), year_start + timedelta(days=100))
    notice = start - timedelta(days=rng.randint(12, 30))
    allocated = float(rng.randrange(100_000, 3_000_001, 10_000))
    project: Record = {
        "id": f"{slot.code[:6]}-{slot.town_code}-P{number:03d}",
        "name": name.format(village=slot.name),
        "region": {**layout.region(slot)},
        "category": category,
        "responsible": responsible,
        "planned_start": start.isoformat(),
        "started_on": start.isoformat(),
        "funds_allocated": allocated,
        "performance_targets": f"带动脱贫户 {rng.randint(10, 120)} 户增收（{kind}类项目）",
        "notice_posted_on": notice.isoformat(),
        "notice_days": rng.randint(10, 20),
    }
    if due:
        planned_done = _day(rng, start + timedelta(days=60), when - timedelta(days=10))
        completed = _day(rng, planned_done - timedelta(days=30), planned_done)
        project["planned_completion"] = planned_done.isoformat()
        project["completed_on"] = max(completed, start + timedelta(days=30)).isoformat()
        project["announced_on"] = min(
            when, completed + timedelta(days=rng.randint(2, 10))
        ).isoformat()
        project["funds_disbursed"] = float(round(allocated * rng.uniform(0.96, 1.0)))
    else:
        project["planned_completion"] = _day(
            rng, when + timedelta(days=20), date(when.year, 12, 31)
        ).isoformat()
        project["funds_disbursed"] = float(round(allocated * rng.uniform(0.9, 0.95)))
    return project
