"""Regenerate the example district 示范县 in ``examples/district/`` (deterministic).

Run from the repository root::

    .venv/bin/python examples/build_district.py

It writes ``households.jsonl`` (the named example households of the speech's cases first,
then about three hundred generated ones), ``villages.json``, ``projects.json``, the manifest of
expected findings ``expected.jsonl``, ``planner.toml`` and ``params.yaml``. The cases of the
supervision speech are placed on purpose (see ``examples/district/README.md``); everything else
comes from :mod:`planner.generate` with a fixed seed, so running it twice gives identical files.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

from planner.generate import Expected, Generator, GeneratorConfig
from planner.generate.area import clean_project, clean_village
from planner.generate.inject_checks13 import INJECTORS as COUNTY_MORE
from planner.generate.inject_county import INJECTORS as COUNTY_HEALTH
from planner.generate.inject_risk import INJECTORS as COUNTY_RISK
from planner.generate.inject_welfare import INJECTORS as COUNTY_WELFARE
from planner.generate.writer import dumps, manifest_lines, write_json
from planner.params import load_parameters

HERE = Path(__file__).resolve().parent
# The county checklist's injectors (2023 checks) are not drawn: the 2020 district stays as built.
COUNTY_CHECKLIST_CODES = tuple(
    injector.code for injector in (*COUNTY_HEALTH, *COUNTY_WELFARE, *COUNTY_MORE, *COUNTY_RISK)
)
DISTRICT = HERE / "district"
NAMED = HERE / "households"
SEED = 2020
HOUSEHOLDS = 300
PROBLEM_SHARE = 0.15
REFERENCE_DATE = date(2020, 9, 30)

# The named example households (examples/households/<name>.json) placed in the district.
NAMED_CASES = (
    "pre_exit_2808", "one_room_unsafe_water", "no_labour", "sup_training_no_labour",
    "edu_dropout", "med_uninsured", "dq_invalid_id",
)
TOWNS = (
    ("河口镇", ("石桥村", "白岩村", "杨柳村", "核桃村")),
    ("青山乡", ("大寨村", "小河村", "松林村", "竹林村")),
    ("龙场镇", ("坪上村", "沙坝村", "团结村", "新民村")),
)
TRAILING_TOWN = "河口镇"  # project completion 10 of 19 (52.6 %), funds disbursed 45 %
ROAD_VILLAGE = "坪上村"  # 3 of 10 km of road hardened, due next month
WATER_VILLAGE = "沙坝村"  # water-supply works past due, half the households without tap water
UNAWARE_VILLAGE = "大寨村"  # most households unaware of the health policy
UNAWARE_SHARE = 0.75

PARAMS_YAML = """\
# District parameters of 示范县 (examples/district): the province's benchmarks of the 2020
# supervision round, against which towns' project completion and fund disbursement are ranked.
projects.completion_benchmark:
  description: Province-wide project completion rate of the 2020 supervision round
  reference: "supervision speech, 2020: province 87.91% against a town's 52.6%"
  values:
    2020-01-01:
      value: 0.8791
      reference: "supervision speech, 2020 (province completion 87.91%)"
projects.disbursement_benchmark:
  description: Province-wide fund disbursement rate of the 2020 supervision round
  reference: "supervision speech, 2020: province 88.48% against a town's 45.0%"
  values:
    2020-01-01:
      value: 0.8848
      reference: "supervision speech, 2020 (province disbursement 88.48%)"
"""

PLANNER_TOML = """\
# Configuration of the example district: `planner check examples/district` reads it.
reference-date = "2020-09-30"
params = ["params.yaml"]
"""


def named_households() -> list[dict[str, Any]]:
    """The named example households of the speech's cases, in :data:`NAMED_CASES` order."""
    return [
        json.loads((NAMED / f"{name}.json").read_text(encoding="utf-8")) for name in NAMED_CASES
    ]


def _lower_awareness(household: dict[str, Any], rng: random.Random) -> list[Expected]:
    """Most households of one village do not know the health policy; those with an ill member
    are what POL001 reports."""
    if rng.random() >= UNAWARE_SHARE:
        return []
    household["policy_awareness"]["health"] = False
    ill = any(m["health"] in ("chronic_illness", "serious_illness") for m in household["members"])
    return [Expected("POL001")] if ill else []


def _area(
    generator: Generator,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Expected]]:
    ctx = generator.ctx
    layout, when = ctx.layout, ctx.when
    rng = random.Random(f"district-area/{SEED}")
    villages, projects, expected = [], [], []
    for slot in layout.villages:
        village = clean_village(layout, slot, rng, when)
        if slot.name == ROAD_VILLAGE:
            village.update(
                road_km_planned=10.0,
                road_km_hardened=3.0,
                road_start="2019-11-01",
                road_due="2020-10-31",
            )
            expected.append(Expected("VIL001", subject=village["id"]))
        elif slot.name == WATER_VILLAGE:
            village.update(
                households_tap_water=village["households_total"] // 2,
                water_works_start="2019-09-01",
                water_works_due="2020-06-30",
            )
            expected.append(Expected("VIL002", subject=village["id"]))
        villages.append(village)
    for town, code in layout.towns:
        slots = [s for s in layout.villages if s.town_code == code]
        due = 19 if town == TRAILING_TOWN else rng.randint(11, 15)
        town_projects = [
            clean_project(layout, slots[k % len(slots)], k + 1, rng, when, due=k < due)
            for k in range(due + 2)
        ]
        if town == TRAILING_TOWN:
            for project in rng.sample(town_projects[:due], 9):  # 10 of 19 done: 52.6 %
                del project["completed_on"], project["announced_on"]
                expected.append(Expected("PRJ003", subject=project["id"]))
            for project in town_projects:
                project["funds_disbursed"] = round(project["funds_allocated"] * 0.45)
            expected += [Expected("PRJ001", subject=town), Expected("PRJ002", subject=town)]
        elif town == "龙场镇":
            town_projects[0]["notice_days"] = 5  # posted for five days instead of ten
            expected.append(Expected("PRJ004", subject=town_projects[0]["id"]))
        projects += town_projects
    return villages, projects, expected


def build(folder: Path = DISTRICT) -> dict[str, int]:
    """Write every file of the district into ``folder``; returns counts for the caller."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "params.yaml").write_text(PARAMS_YAML, encoding="utf-8")
    (folder / "planner.toml").write_text(PLANNER_TOML, encoding="utf-8")
    named = named_households()
    reserved = frozenset(m["id_number"] for h in named for m in h["members"] if m.get("id_number"))
    config = GeneratorConfig(
        households=HOUSEHOLDS,
        seed=SEED,
        reference_date=REFERENCE_DATE,
        problem_share=PROBLEM_SHARE,
        town_villages=TOWNS,
        reserved_ids=reserved,
        parameters=load_parameters(folder / "params.yaml"),
        # The county checklist's codes of the 2023 exports are not planted in this 2020 district.
        weights={"DQ004": 0.5, "DQ013": 0.5, **dict.fromkeys(COUNTY_CHECKLIST_CODES, 0.0)},
    )
    generator = Generator(config)
    rng = random.Random(f"district-awareness/{SEED}")
    counts = {"named": len(named), "generated": 0, "expected": 0}
    with (
        (folder / "households.jsonl").open("w", encoding="utf-8", newline="\n") as households,
        (folder / "expected.jsonl").open("w", encoding="utf-8", newline="\n") as manifest,
    ):
        for record in named:
            households.write(dumps(record) + "\n")
        for item in generator.households():
            record, expected = item.household, list(item.expected)
            if record["region"]["village"] == UNAWARE_VILLAGE and item.injected is None:
                expected += _lower_awareness(record, rng)
            households.write(dumps(record) + "\n")
            if expected:
                manifest.write(
                    manifest_lines(record["id"], "household", item.injected or "POL001", expected)
                )
            counts["generated"] += 1
            counts["expected"] += len(expected)
        villages, projects, area_expected = _area(generator)
        by_subject: dict[str, list[Expected]] = {}
        for found in area_expected:
            by_subject.setdefault(found.subject or "", []).append(found)
        kinds = {v["id"]: "village" for v in villages} | {p["id"]: "project" for p in projects}
        for subject, items in by_subject.items():
            manifest.write(
                manifest_lines(subject, kinds.get(subject, "town"), items[0].code, items)
            )
        counts["expected"] += len(area_expected)
    write_json(folder / "villages.json", villages)
    write_json(folder / "projects.json", projects)
    counts["villages"], counts["projects"] = len(villages), len(projects)
    return counts


if __name__ == "__main__":
    summary = build()
    print(
        f"示范县已生成 / example district written to {DISTRICT}: "
        f"{summary['named']} named + {summary['generated']} generated households, "
        f"{summary['villages']} villages, {summary['projects']} projects, "
        f"{summary['expected']} expected findings"
    )
