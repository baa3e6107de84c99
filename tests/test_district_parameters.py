"""A district parameter file changes rule outcomes without touching code (API and CLI)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from planner import Household, check, load_parameters
from planner.cli import cli

from .conftest import HOUSEHOLDS

ON = date(2020, 9, 30)
HOUSEHOLD = HOUSEHOLDS / "pre_exit_2808.json"


def _district_file(tmp_path: Path, line: int) -> Path:
    path = tmp_path / "district.yaml"
    path.write_text(
        "income.poverty_line:\n"
        "  values:\n"
        f"    2020-01-01: {{value: {line}, reference: 'province exit line (test)'}}\n",
        encoding="utf-8",
    )
    return path


def test_a_lower_district_line_clears_inc001_and_a_higher_one_keeps_it(tmp_path: Path) -> None:
    household = Household.model_validate_json(HOUSEHOLD.read_text(encoding="utf-8"))
    shipped = check([household], reference_date=ON, select=["INC001"])
    lower = check([household], reference_date=ON, select=["INC001"],
                  params=load_parameters(_district_file(tmp_path, 2500)))
    assert shipped.codes() == ["INC001"]
    assert lower.codes() == []


def test_the_check_command_reads_the_district_file(tmp_path: Path) -> None:
    base = ["check", str(HOUSEHOLD), "--date", "2020-09-30", "--select", "INC001", "--lang", "en"]
    shipped = CliRunner().invoke(cli, base)
    lower = CliRunner().invoke(cli, [*base, "--params", str(_district_file(tmp_path, 2500))])
    assert shipped.exit_code == 1, shipped.output
    assert "below the 2020 poverty line of 4000 yuan" in shipped.output
    assert lower.exit_code == 0, lower.output
    assert "INC001" not in lower.output
