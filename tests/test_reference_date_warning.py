"""check and plan warn, once and Chinese first, when the reference date is far from the data's
income year (issue 16 item 4)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

from .conftest import HOUSEHOLDS

HOUSEHOLD = str(HOUSEHOLDS / "pre_exit_2808.json")  # income year 2020


def run(*args: str, cwd: Path) -> str:
    with contextlib.chdir(cwd):  # no configuration of the repository is discovered
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stderr


@pytest.mark.parametrize("command", ["check", "plan"])
def test_a_date_years_after_the_income_year_is_warned_once(command, tmp_path):
    stderr = run(command, HOUSEHOLD, "--date", "2024-06-30", cwd=tmp_path)
    warnings = [line for line in stderr.splitlines() if line.startswith("警告：基准日")]
    assert warnings == ["警告：基准日 2024-06-30 与数据的收入年度 2020 年相差 4 年；"
                        "参数与规则按基准日取值，请用 --date 指定（如 --date 2021-09-30）"]
    assert "warning: the reference date" not in stderr


@pytest.mark.parametrize("command", ["check", "plan"])
def test_a_date_in_the_year_after_the_income_year_is_not_warned(command, tmp_path):
    for day in ("2021-09-30", "2020-12-31", "2019-12-31"):
        stderr = run(command, HOUSEHOLD, "--date", day, cwd=tmp_path)
        assert "基准日" not in stderr and "reference date" not in stderr


def test_the_warning_in_english_and_with_the_income_year_option(tmp_path):
    stderr = run("check", HOUSEHOLD, "--date", "2021-09-30", "--lang", "en",
                 "--income-year", "2016", cwd=tmp_path)
    assert ("warning: the reference date 2021-09-30 is 5 years from the data's income year 2016;"
            in stderr)
    assert "警告" not in stderr


def test_a_date_before_the_income_year_is_warned(tmp_path):
    stderr = run("check", HOUSEHOLD, "--date", "2017-09-30", cwd=tmp_path)
    assert "警告：基准日 2017-09-30 与数据的收入年度 2020 年相差 3 年" in stderr


def test_the_income_year_of_typed_parquet_is_read_from_its_first_accepted_row(tmp_path):
    """From typed Parquet the year comes from the first accepted row's column (the household
    not built); a first row the model rejects is passed over, as when records are built."""
    pytest.importorskip("pyarrow")
    from planner.cli.inputs import data_year, open_inputs
    from planner.io import write_households
    from planner.model import Household

    from .households import generated

    first, second = generated(2, 3)
    rows = [first.model_copy(update={"income_year": 2017}),
            second.model_copy(update={"income_year": 2019})]
    path = tmp_path / "households.parquet"
    write_households(rows, path)
    assert data_year(open_inputs([path])) == 2017
    assert data_year(open_inputs([path]), 2015) == 2015
    import pyarrow as pa
    import pyarrow.parquet as pq

    from planner.io.typedschema import typed_schema

    dumped = [row.model_dump() for row in rows]
    dumped[0]["housing"]["safety_grade"] = "E"  # the model rejects the first row
    pq.write_table(pa.Table.from_pylist(dumped, schema=typed_schema(Household, "household")),
                   path)
    assert data_year(open_inputs([path])) == 2019
