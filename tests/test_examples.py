"""The numbered example scripts run and say what they should; the example district is up to date,
holds the supervision speech's cases, and its generated part matches its manifest exactly."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from planner import Household, Project, RuleSet, Village, check, load_parameters, load_rules
from planner.generate.score import finding_keys, read_manifest, score

from .conftest import EXAMPLES, ROOT

SCRIPTS = sorted(EXAMPLES.glob("[0-9]*.py"))
DISTRICT = EXAMPLES / "district"
BUILT_IN = ("INC", "BAS", "EDU", "MED", "HOU", "WAT", "DQ", "SUP", "POL", "MON", "VIL", "PRJ",
            "IND")

# What each script must print; scripts added by later issues only need to exit 0 with output.
EXPECTED_OUTPUT = {
    "01_check_a_household.py": ["INC001", "INC002", "2,808", "低于当年贫困线", "below the"],
    "02_parameters.py": [
        "2010-06-30: 未生效",
        "2020-09-30: 4000",
        "4100",
        "province.yaml",
        "0.8791",
    ],
    "03_generate.py": [
        "generated 1000 households",
        "precision 精确率 1.000",
        "recall 召回率 1.000",
    ],
    "04_plan_households.py": [
        "2,808 → 9,558",
        "前置：扶贫小额信贷",
        "农村住房安全性鉴定 / Housing safety assessment",
        "纳入农村最低生活保障 / Rural minimum living guarantee",
    ],
    "05_local_rules.py": [
        "LOC001 522425-203-0003",
        "LOC002 522425-101-0001",
        '"param": "monitoring.threshold"',
    ],
}


def test_the_first_three_examples_exist() -> None:
    assert {p.name for p in SCRIPTS} >= set(EXPECTED_OUTPUT)


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_script_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    for fragment in EXPECTED_OUTPUT.get(script.name, []):
        assert fragment in done.stdout, f"{script.name} did not print {fragment!r}"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_district", EXAMPLES / "build_district.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_district_reproduces_the_committed_files(tmp_path: Path) -> None:
    counts = _build_module().build(tmp_path)
    assert counts["villages"] == 12
    assert 250 <= counts["named"] + counts["generated"] <= 400
    for name in (
        "households.jsonl",
        "villages.json",
        "projects.json",
        "expected.jsonl",
        "planner.toml",
        "params.yaml",
    ):
        assert (tmp_path / name).read_bytes() == (DISTRICT / name).read_bytes(), (
            f"examples/district/{name} is stale: run examples/build_district.py"
        )


@pytest.fixture(scope="module")
def district() -> dict:
    """The district checked with the built-in rules on its reference date."""
    with (DISTRICT / "households.jsonl").open(encoding="utf-8") as lines:
        households = [Household.model_validate_json(line) for line in lines]
    villages = [
        Village.model_validate(v)
        for v in json.loads((DISTRICT / "villages.json").read_text(encoding="utf-8"))
    ]
    projects = [
        Project.model_validate(p)
        for p in json.loads((DISTRICT / "projects.json").read_text(encoding="utf-8"))
    ]
    rules = RuleSet(r for r in load_rules() if r.code.startswith(BUILT_IN))
    result = check(
        households,
        villages=villages,
        projects=projects,
        rules=rules,
        params=load_parameters(DISTRICT / "params.yaml"),
        reference_date=date(2020, 9, 30),
    )
    return {
        "households": households,
        "villages": villages,
        "projects": projects,
        "findings": result.findings,
    }


def _keys(district: dict, subject: str) -> list[str]:
    """Sorted finding keys (code, plus `` mN`` for a member) of one subject."""
    return sorted(
        f.code + (f" m{f.member}" if f.member is not None else "")
        for f in district["findings"]
        if f.subject == subject
    )


def _codes(district: dict, subject: str) -> set[str]:
    return {f.code for f in district["findings"] if f.subject == subject}


def test_district_shape(district: dict) -> None:
    towns = {h.region.town for h in district["households"]}
    assert towns == {"河口镇", "青山乡", "龙场镇"}
    assert len(district["villages"]) == 12
    assert len({v.region.town for v in district["villages"]}) == 3


@pytest.mark.parametrize(
    ("household", "keys"),
    [
        # a pre-exit household at 2,808 yuan per head, no new income-raising measure this year
        ("522425-101-0001", ["INC001", "INC002", "INC003"]),
        # one usable room of three in a grade-C house (HOU001's: its renovation frees the rooms),
        # unsafe drinking water, nothing planned for either
        ("522425-102-0002", ["HOU001", "SUP004", "SUP004", "WAT001"]),
        # nobody can work, protection in place: nothing to report
        ("522425-203-0003", []),
        # skills training planned for a member with no labour capacity
        ("522425-203-0032", ["SUP003 m2"]),
        # a child out of school (and the exited household is not monitored)
        ("522425-105-0004", ["EDU001 m3", "SUP004 m3"]),
        # a member without medical insurance
        ("522425-203-0005", ["MED001 m2", "SUP004 m2"]),
        # an invalid ID number and other data errors
        ("522425-101-0104", ["DQ001 m2", "DQ002 m3", "DQ006"]),
    ],
)
def test_district_speech_cases_get_exactly_their_codes(
    district: dict, household: str, keys: list[str]
) -> None:
    assert _keys(district, household) == keys


def test_district_road_3_of_10_km_case(district: dict) -> None:
    [village] = [v for v in district["villages"] if v.region.village == "坪上村"]
    assert (village.road_km_hardened, village.road_km_planned) == (3, 10)
    assert _codes(district, village.id) == {"VIL001"}


def test_district_trailing_town_case(district: dict) -> None:
    town = {f.code: f for f in district["findings"] if f.subject == "河口镇"}
    assert set(town) == {"PRJ001", "PRJ002"}
    assert "52.6%" in town["PRJ001"].message_zh
    assert "45.0%" in town["PRJ002"].message_zh


def test_district_health_awareness_is_low_in_one_village(district: dict) -> None:
    def unaware_share(village: str) -> float:
        households = [h for h in district["households"] if h.region.village == village]
        return sum(h.policy_awareness.get("health") is False for h in households) / len(households)

    shares = {v.region.village: unaware_share(v.region.village or "") for v in district["villages"]}
    assert shares["大寨村"] > 0.5
    assert max(share for name, share in shares.items() if name != "大寨村") < 0.2
    flagged = [f for f in district["findings"] if f.code == "POL001"]
    in_village = [f for f in flagged if f.subject.startswith("522425-201201-")]
    assert len(in_village) >= 3


def test_district_generated_part_matches_its_manifest(district: dict) -> None:
    named = {household["id"] for household in _build_module().named_households()}
    found = {k for k in finding_keys(district["findings"]) if k[0] not in named}
    result = score(read_manifest(DISTRICT / "expected.jsonl"), found)
    assert result.missed == frozenset() and result.unexpected == frozenset()
