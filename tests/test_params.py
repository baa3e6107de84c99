"""Dated parameters: the value in force on a date, where it came from, and district overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.params import ParameterError, default_parameters, load_parameters

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

LINE = "income.poverty_line"


@pytest.mark.parametrize(
    ("when", "line"),
    [
        (date(2011, 1, 1), 2300),
        (date(2013, 12, 31), 2300),
        (date(2014, 1, 1), 2800),
        (date(2015, 6, 30), 2855),
        (date(2016, 12, 31), 2952),
        (date(2019, 9, 30), 3218),
        (date(2020, 9, 30), 4000),
        (date(2020, 12, 31), 4000),  # after 2020 the series has ended: tests/test_eras.py
    ],
)
def test_poverty_line_by_date(when: date, line: int) -> None:
    assert default_parameters().at(when)[LINE] == line


def test_before_2011_there_is_no_poverty_line() -> None:
    values = default_parameters().at(date(2010, 12, 31))
    assert LINE not in values
    assert values.get(LINE) is None
    with pytest.raises(ParameterError, match="no value on 2010-12-31"):
        values[LINE]


def test_monitoring_threshold_starts_with_the_mechanism() -> None:
    parameters = default_parameters()
    assert parameters.at(date(2020, 3, 19)).get("monitoring.threshold") is None
    assert parameters.at(date(2020, 3, 20))["monitoring.threshold"] == 6000


def test_provenance_names_file_reference_and_series() -> None:
    dated = default_parameters().at(date(2020, 9, 30)).provenance(LINE)
    assert dated.start == date(2020, 1, 1)
    assert dated.value == 4000
    assert dated.source == "planner/params/income.yaml"
    assert "洪天云" in (dated.reference or "")
    assert dated.series == "current prices (SCIO)"
    assert dated.confirmed is True


def test_unconfirmed_values_say_so() -> None:
    dated = default_parameters().at(date(2017, 7, 1)).provenance(LINE)
    assert dated.value == 3335
    assert dated.confirmed is False


def test_unknown_parameter_name_is_an_error() -> None:
    with pytest.raises(ParameterError, match="unknown parameter"):
        default_parameters()["income.poverty_lines"]


def _district(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "district.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_district_file_changes_a_value_and_adds_a_date(tmp_path: Path) -> None:
    path = _district(
        tmp_path,
        """
income.poverty_line:
  values:
    2020-01-01: {value: 4100, reference: "province exit standard 2020"}
    2021-01-01: 4300
""",
    )
    parameters = load_parameters(path)
    assert parameters.at(date(2019, 9, 30))[LINE] == 3218  # untouched years keep the national value
    assert parameters.at(date(2020, 9, 30))[LINE] == 4100
    assert parameters.at(date(2021, 6, 1))[LINE] == 4300
    dated = parameters.at(date(2020, 9, 30)).provenance(LINE)
    assert dated.source == str(path)
    assert dated.reference == "province exit standard 2020"
    assert parameters[LINE].description.startswith("National rural poverty line")
    assert default_parameters().at(date(2020, 9, 30))[LINE] == 4000  # the shipped set is unchanged


def test_district_file_adds_a_parameter(tmp_path: Path) -> None:
    path = _district(
        tmp_path,
        """
district.dibao_monthly:
  description: Rural dibao standard of the county
  unit: 元/人/月
  values:
    2020-01-01: 365
""",
    )
    parameters = load_parameters(path)
    assert parameters.at(date(2020, 9, 30))["district.dibao_monthly"] == 365
    assert "district.dibao_monthly" not in default_parameters()


def test_later_district_files_win(tmp_path: Path) -> None:
    first = _district(tmp_path, "income.poverty_line: {values: {2020-01-01: 4100}}\n")
    second = tmp_path / "town.yaml"
    second.write_text("income.poverty_line: {values: {2020-01-01: 4200}}\n", encoding="utf-8")
    assert load_parameters(first, second).at(date(2020, 9, 30))[LINE] == 4200


def test_a_malformed_district_file_is_rejected(tmp_path: Path) -> None:
    path = _district(tmp_path, "income.poverty_line: {values: {2020-01-01: 4100}, colour: red}\n")
    with pytest.raises(ParameterError, match=r"income\.poverty_line"):
        load_parameters(path)


def test_with_values_overrides_from_a_date() -> None:
    parameters = default_parameters().with_values({LINE: 5000}, start=date(2020, 1, 1))
    assert parameters.at(date(2019, 9, 30))[LINE] == 3218
    assert parameters.at(date(2020, 9, 30))[LINE] == 5000


def test_the_example_district_file_sets_the_province_benchmarks() -> None:
    path = Path(__file__).resolve().parent.parent / "examples" / "district" / "params.yaml"
    values = load_parameters(path).at(date(2020, 9, 30))
    assert values["projects.completion_benchmark"] == pytest.approx(0.8791)
    assert values["projects.disbursement_benchmark"] == pytest.approx(0.8848)
    assert values.provenance("projects.completion_benchmark").source == str(path)


def test_params_cli_names_value_source_and_reference() -> None:
    result = CliRunner().invoke(cli, ["params", "--year", "2020", "--name", LINE])
    assert result.exit_code == 0, result.output
    assert "4000" in result.output
    assert "planner/params/income.yaml" in result.output
    assert "洪天云" in result.output
    assert "2020-01-01" in result.output


def test_params_cli_json_with_a_district_file(tmp_path: Path) -> None:
    path = _district(
        tmp_path,
        "income.poverty_line: {values: {2020-01-01: {value: 4100, reference: 'province'}}}\n",
    )
    result = CliRunner().invoke(
        cli,
        ["params", "--year", "2020", "--name", LINE, "--district", str(path), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["date"] == "2020-12-31"
    [row] = data["parameters"]
    assert (row["value"], row["since"], row["source"], row["reference"]) == (
        4100,
        "2020-01-01",
        str(path),
        "province",
    )


def test_params_cli_before_the_first_value_says_not_in_force() -> None:
    result = CliRunner().invoke(cli, ["params", "--date", "2010-06-30", "--name", LINE])
    assert result.exit_code == 0, result.output
    assert "未生效" in result.output


def test_a_misspelt_parameter_in_a_district_file_is_refused(tmp_path: Path) -> None:
    path = _district(tmp_path, "income.povery_line: {values: {2020-01-01: 4100}}\n")
    with pytest.raises(ParameterError, match=r"did you mean 'income\.poverty_line'"):
        load_parameters(path)
