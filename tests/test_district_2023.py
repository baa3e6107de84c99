"""The monitoring-era example district (examples/district_2023, the 2023 export files): checked
by ``planner check`` (a real process) and the Python API, it finds what its manifest plants; no
exit-era rule fires in 2023; every new code of issue 13 is planted or listed as not shown by the
export; the build is reproducible."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from planner import check, load_parameters, load_rules
from planner.generate.problems import all_injectors
from planner.generate.score import read_manifest, score
from planner.io import open_dataset

from .conftest import EXAMPLES

DISTRICT = EXAMPLES / "district_2023"
PLANNER = Path(sys.executable).with_name("planner")
EXIT_ERA = ("INC001", "INC003", "INC004")  # exits: the registration era (to 2020) only
ISSUE_13 = re.compile(r"(MON0(0[4-9]|1\d)|RSK\d{3}|BEN\d{3}|PST\d{3}|WRK\d{3}|DIS\d{3}|MED00[3-6]"
                      r"|EDU00[3-6]|IND\d{3}|VIL00[3-9]|DQ008)")
def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_district_2023",
                                                  EXAMPLES / "build_district_2023.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _build_module()
EXPECTED = read_manifest(DISTRICT / "expected.jsonl")


def _differences(found: set[tuple[str, str, int | None]]) -> tuple[Counter[str], Counter[str]]:
    result = score(EXPECTED, found)
    return (Counter(code for _s, code, _m in result.unexpected),
            Counter(code for _s, code, _m in result.missed))


@pytest.fixture(scope="module")
def cli_findings() -> list[dict]:
    done = subprocess.run([str(PLANNER), "check", str(DISTRICT), "--output-format", "jsonl"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "读取记录 300 条：接受 300 条，拒绝 0 条" in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def api_findings() -> set[tuple[str, str, int | None]]:
    dataset = open_dataset(DISTRICT, income_year=BUILD.INCOME_YEAR)
    # sourced records: a rule needing a field the export does not carry is skipped, as in the CLI
    result = check(dataset.sourced(), villages=dataset.sourced_villages(), rules=load_rules(),
                   params=load_parameters(province=BUILD.PROVINCE),
                   reference_date=BUILD.REFERENCE_DATE)
    assert dataset.errors == []
    return {(f.subject, f.code, f.member) for f in result.findings if not f.waived}


def test_the_cli_finds_exactly_the_manifest(cli_findings):
    """Every planted code is found on its household (and member), and nothing else: no export
    difference is tolerated (month columns keep their precision, 否 answers are written, every
    card number is written, a blank 健康帮扶 lists no item)."""
    found = {(f["subject"], f["code"], f["member"]) for f in cli_findings}
    unexpected, missed = _differences(found)
    assert (unexpected, missed) == (Counter(), Counter())
    assert found == set(EXPECTED)


def test_the_python_api_finds_the_same_as_the_cli(cli_findings, api_findings):
    assert api_findings == {(f["subject"], f["code"], f["member"]) for f in cli_findings}


def test_precision_and_recall_are_one(api_findings):
    result = score(EXPECTED, api_findings)
    assert (result.precision, result.recall) == (1.0, 1.0)


def test_no_exit_era_rule_fires_in_2023(cli_findings):
    assert [f["code"] for f in cli_findings if f["code"] in EXIT_ERA] == []


def test_a_registration_era_status_is_written_only_where_mon004_is_planted():
    planted = {subject for subject, code, _member in EXPECTED if code == "MON004"}
    old = {h.id for h in open_dataset(DISTRICT, income_year=2023).households()
           if h.status is not None and h.status.value not in ("exited", "general")}
    assert old and old <= planted


def test_every_new_code_of_issue_13_is_planted_or_listed():
    codes = {rule.code for rule in load_rules() if ISSUE_13.fullmatch(rule.code)}
    planted = {code for _subject, code, _member in EXPECTED}
    injectors = all_injectors()
    excluded = BUILD.excluded_codes(injectors)
    not_injectable = codes - set(injectors)
    assert codes - planted - set(excluded) - not_injectable == set()
    # the lists (README.md, tests) of what is not shown: they shrink as layouts and injectors grow
    assert {code for code in excluded if ISSUE_13.fullmatch(code)} == {
        "BEN003", "BEN004", "DIS003", "EDU003", "IND002", "MON008", "MON010", "MON016", "MON017",
        "PST001", "PST002", "PST003", "RSK011"}
    assert not_injectable <= {"BEN006", *(f"MON0{n:02d}" for n in range(6, 20)),
                              *(f"RSK{n:03d}" for n in range(1, 14))}
    readme = (DISTRICT / "README.md").read_text(encoding="utf-8")
    assert all(f"| {code} |" in readme for code in excluded)


def test_every_village_code_is_planted_on_a_village():
    villages = {code for subject, code, _m in EXPECTED if subject.count("/") == 2}
    assert {f"VIL00{n}" for n in range(3, 10)} <= villages


def test_the_build_reproduces_the_committed_files(tmp_path: Path):
    counts = BUILD.build(tmp_path)
    assert counts["households"] == 300 and counts["villages"] == 12
    names = sorted(p.name for p in DISTRICT.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (DISTRICT / name).read_bytes(), (
            f"examples/district_2023/{name} is stale: run examples/build_district_2023.py")


def test_the_configuration_sets_the_date_province_and_income_year():
    text = (DISTRICT / "planner.toml").read_text(encoding="utf-8")
    assert 'reference-date = "2023-10-31"' in text
    assert 'province = "贵州"' in text and "income-year = 2023" in text
    assert date(2023, 10, 31) == BUILD.REFERENCE_DATE


def test_a_configuration_with_a_bad_income_year_is_a_usage_error(tmp_path: Path):
    (tmp_path / "planner.toml").write_text('income-year = "去年"\n', encoding="utf-8")
    for path in DISTRICT.glob("*.xlsx"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    done = subprocess.run([str(PLANNER), "check", str(tmp_path)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2, done.stderr
    assert "income-year" in done.stderr and "Traceback" not in done.stderr


def test_plan_reads_the_income_year_of_the_configuration(tmp_path: Path):
    out = tmp_path / "plans.json"
    done = subprocess.run([str(PLANNER), "plan", str(DISTRICT), "--output-format", "json",
                           "--output", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "收入年度" not in done.stderr
    assert out.stat().st_size > 0
