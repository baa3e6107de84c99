"""Provincial parameter sets: shipped overrides selected by name (``--province``, ``province`` in
planner.toml), applied after the national values and before the district's files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.params import ParameterError, load_parameters
from planner.params.provinces import find_province, shipped_provinces
from planner.testing import load_example, merge_patch

from .bilingual import in_both

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "households"
THRESHOLD = "monitoring.threshold"


@pytest.mark.parametrize("name", ["贵州", "贵州省", "guizhou", " Guizhou "])
def test_guizhou_is_found_by_its_chinese_name_or_pinyin(name: str) -> None:
    assert find_province(name).name == "贵州省"


def test_guizhou_2023_range_is_7300_with_its_source() -> None:
    values = load_parameters(province="贵州").at(date(2023, 12, 31))
    assert values[THRESHOLD] == 7300
    dated = values.provenance(THRESHOLD)
    assert dated.confirmed is True
    assert dated.source == "planner/params/provinces/guizhou.yaml"
    assert "fuping:rules/1_02_006.py" in (dated.reference or "")
    # earlier years keep the national values; without a province 2023 is the national 6900
    assert load_parameters(province="贵州").at(date(2022, 12, 31))[THRESHOLD] == 6500
    assert load_parameters().at(date(2023, 12, 31))[THRESHOLD] == 6900


def test_every_shipped_province_file_loads_and_dates_each_value_with_a_reference() -> None:
    for name, province in shipped_provinces().items():
        parameters = load_parameters(province=name)
        for key in province.overrides:
            assert all(v.reference for v in parameters[key].values
                       if v.source == province.source), key


def test_an_unknown_province_is_an_error_listing_the_shipped_ones() -> None:
    with pytest.raises(ParameterError, match=r"no parameters for province '云南'.*贵州省"):
        load_parameters(province="云南")


def test_a_district_file_wins_over_its_province(tmp_path: Path) -> None:
    district = tmp_path / "district.yaml"
    district.write_text(f"{THRESHOLD}:\n  values:\n    2023-01-01: {{value: 7100, "
                        "reference: 'county decision'}\n", encoding="utf-8")
    assert load_parameters(district, province="贵州").at(date(2023, 6, 30))[THRESHOLD] == 7100


def test_params_shows_the_provincial_threshold_with_its_source() -> None:
    result = CliRunner().invoke(cli, ["params", "--year", "2023", "--province", "贵州",
                                      "--name", THRESHOLD, "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["parameters"]
    assert row["value"] == 7300 and row["since"] == "2023-01-01" and row["confirmed"] is True
    assert row["source"] == "planner/params/provinces/guizhou.yaml"
    assert "fuping:rules/1_02_006.py" in row["reference"]


def _district(tmp_path: Path, toml: str) -> Path:
    """A folder with one exited household at 7,000 yuan per head in 2023, not monitored, with a
    risk (a member without medical insurance): MON001 needs income in range and a risk."""
    household: dict[str, Any] = merge_patch(load_example("mon_unstable_exited", EXAMPLES), {
        "monitoring": None, "income_year": 2023, "members": {2: {"medical_insurance": "none"}},
        "income": [{"category": "wage", "amount": 17400, "year": 2023, "member": 1},
                   {"category": "operating", "amount": 3000, "year": 2023},
                   {"category": "transfer", "amount": 1200, "year": 2023}],
        "production_costs": [{"amount": 600, "year": 2023}],
    })
    folder = tmp_path / "district"
    folder.mkdir()
    (folder / "households.jsonl").write_text(json.dumps(household, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    (folder / "planner.toml").write_text(toml, encoding="utf-8")
    return folder


def _codes(folder: Path, *options: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", str(folder), "--select", "MON001",
                                      "--output-format", "jsonl", *options])
    codes = [json.loads(line)["code"] for line in result.output.splitlines()
             if line.startswith("{")]  # the summary lines of standard error come after
    return result.exit_code, codes


def test_a_province_in_planner_toml_applies_its_range(tmp_path: Path) -> None:
    folder = _district(tmp_path, 'reference-date = "2023-12-31"\nprovince = "贵州"\n')
    assert _codes(folder) == (1, ["MON001"])  # 7,000 < 7,300


def test_without_a_province_the_national_range_applies(tmp_path: Path) -> None:
    folder = _district(tmp_path, 'reference-date = "2023-12-31"\n')
    assert _codes(folder) == (0, [])  # 7,000 ≥ 6,900
    assert _codes(folder, "--province", "贵州") == (1, ["MON001"])


def test_the_province_reaches_worker_processes(tmp_path: Path) -> None:
    folder = _district(tmp_path, 'reference-date = "2023-12-31"\n')
    assert _codes(folder, "--province", "guizhou", "--workers", "2") == (1, ["MON001"])


def test_an_unknown_province_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    folder = _district(tmp_path, 'reference-date = "2023-12-31"\n')
    result = in_both(lambda: CliRunner().invoke(cli, ["check", str(folder), "--province", "云南"]))
    assert result.exit_code == 2
    assert "没有省份 '云南' 的参数" in result.output
    assert "no parameters for province" in result.output
    assert "Traceback" not in result.output
    plan = CliRunner().invoke(cli, ["plan", str(folder), "--province", "云南", "--lang", "en"])
    assert plan.exit_code == 2 and "no parameters for province" in plan.output
