"""The two eras: registration (to 2020) and monitoring (2020 on); one date basis for the poverty
line and the monitoring range; a poverty-line series that ends instead of carrying forward; the
generator writing each era as it was."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner import Household, check
from planner.backends.python.facts import derive
from planner.cli import cli
from planner.generate import GeneratorConfig, output_paths, write_dataset
from planner.params import ParameterError, default_parameters, load_parameters
from planner.testing import load_example, merge_patch

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "households"
LINE = "income.poverty_line"


def _household(base: str, patch: dict[str, Any] | None = None) -> Household:
    return Household.model_validate(merge_patch(load_example(base, EXAMPLES), patch or {}))


def _income(year: int, wage: float) -> dict[str, Any]:
    """``mon_unstable_exited`` (three members) with its income moved to ``year``."""
    return {
        "income_year": year,
        "income": [
            {"category": "wage", "amount": wage, "year": year, "member": 1},
            {"category": "operating", "amount": 3000, "year": year},
            {"category": "transfer", "amount": 1200, "year": year},
        ],
        "production_costs": [{"amount": 600, "year": year}],
    }


def _facts(household: Household, when: date) -> Any:
    return derive(household, when, default_parameters().at(when))


# -- the poverty line's series ends with 2020 --------------------------------------------------

def test_asking_for_the_poverty_line_after_2020_is_an_error_naming_the_end() -> None:
    values = default_parameters().at(date(2023, 6, 30))
    assert LINE not in values and values.get(LINE) is None
    with pytest.raises(ParameterError, match=r"ends on 2021-01-01 and has no value on 2023-06-30"):
        values[LINE]
    assert values.ended(LINE) is not None
    assert default_parameters().at(date(2020, 12, 31))[LINE] == 4000


def test_a_later_income_year_has_no_line_and_a_2020_income_keeps_its_line() -> None:
    assert _facts(_household("mon_unstable_exited", _income(2022, 16500)),
                  date(2023, 6, 30)).poverty_line is None
    assert _facts(_household("pre_exit_2808"), date(2021, 3, 31)).poverty_line == 4000


def test_an_end_of_series_without_its_reason_is_refused_with_file_and_line(
    tmp_path: Path,
) -> None:
    district = tmp_path / "district.yaml"
    district.write_text("income.poverty_line:\n  values:\n    2022-01-01: {value: null}\n",
                        encoding="utf-8")
    with pytest.raises(ParameterError, match=r"district\.yaml:3.*give the reference"):
        load_parameters(district)


def test_a_district_continues_the_series_only_by_a_deliberate_dated_entry(tmp_path: Path) -> None:
    district = tmp_path / "district.yaml"
    district.write_text(
        "income.poverty_line:\n  values:\n"
        "    2022-01-01: {value: 4500, reference: 'provincial 2022 line', confirmed: false}\n",
        encoding="utf-8")
    parameters = load_parameters(district)
    assert parameters.at(date(2021, 6, 30)).get(LINE) is None  # still ended in 2021
    assert parameters.at(date(2023, 6, 30))[LINE] == 4500


def test_params_shows_when_and_why_the_line_ended() -> None:
    result = CliRunner().invoke(
        cli, ["params", "--year", "2023", "--name", LINE, "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["parameters"]
    assert row["value"] is None and row["ended"] == "2021-01-01"
    assert "monitoring.threshold" in row["reference"]


# -- one date basis: the range of the income year ----------------------------------------------

@pytest.mark.parametrize(
    ("income_year", "when", "threshold"),
    [
        (2022, date(2023, 6, 30), 6500),  # the 2022 range, not 2023's 6900
        (2023, date(2023, 12, 31), 6900),
        (2021, date(2022, 6, 30), 6000),
        (2019, date(2020, 9, 30), 6000),  # before the mechanism: its first range
        (2018, date(2019, 9, 30), None),  # before the mechanism, checked before it: none
    ],
)
def test_the_monitoring_threshold_is_the_range_of_the_income_year(
    income_year: int, when: date, threshold: int | None
) -> None:
    facts = _facts(_household("mon_unstable_exited", _income(income_year, 16500)), when)
    assert facts.monitoring_threshold == threshold


@pytest.mark.parametrize(
    ("when", "registration"),
    [(date(2019, 9, 30), True), (date(2020, 12, 31), True), (date(2021, 1, 1), False),
     (date(2023, 6, 30), False)],
)
def test_the_registration_era_ends_on_the_last_day_of_2020(
    when: date, registration: bool
) -> None:
    assert _facts(_household("pre_exit_2808"), when).registration_era is registration


# -- plans after 2020 aim at the monitoring range ----------------------------------------------

def test_a_plan_in_2023_aims_at_the_range_and_reports_no_line(tmp_path: Path) -> None:
    household = merge_patch(load_example("mon_unstable_exited", EXAMPLES),
                            {"monitoring": None, **_income(2023, 12000)})
    source = tmp_path / "households.jsonl"
    source.write_text(json.dumps(household, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(source), "--date", "2023-09-30",
                                      "--output-format", "jsonl"])
    assert result.exit_code in (0, 1), result.output
    income = json.loads(result.output.splitlines()[0])["income"]
    assert income["poverty_line"] is None and income["clears_line"] is None
    assert income["target_parameter"] == "monitoring.threshold" and income["target"] == 6900


# -- the generator writes each era -------------------------------------------------------------

@pytest.fixture(scope="module")
def households_2023(tmp_path_factory: pytest.TempPathFactory) -> list[Household]:
    paths = output_paths(tmp_path_factory.mktemp("era2023") / "county")
    write_dataset(GeneratorConfig(households=2000, seed=23, year=2023, problem_share=0.0,
                                  villages=8, towns=2), paths)
    with paths.households.open(encoding="utf-8") as lines:
        return [Household.model_validate_json(line) for line in lines]


def test_the_generator_writes_no_registration_era_status_for_2023(
    households_2023: list[Household],
) -> None:
    statuses = Counter(h.status.value for h in households_2023 if h.status)
    assert set(statuses) == {"exited", "general"}
    assert 0.7 < statuses["exited"] / len(households_2023) < 0.9
    assert all(h.exit_target is None for h in households_2023)
    assert all(h.no_labour_safety_net is False for h in households_2023)


def test_the_generator_monitors_each_group_on_the_status_it_belongs_to(
    households_2023: list[Household],
) -> None:
    groups = Counter((h.status.value, h.monitoring.group.value)
                     for h in households_2023 if h.status and h.monitoring)
    assert set(groups) == {("exited", "unstable_exited"), ("general", "marginal"),
                           ("exited", "sudden_hardship"), ("general", "sudden_hardship")}
    hardship = [h for h in households_2023
                if h.monitoring and h.monitoring.group.value == "sudden_hardship"]
    assert all((h.compliant_out_of_pocket or 0) >= 20_000 for h in hardship)


def test_no_era_or_exit_rule_fires_on_the_clean_2023_households(
    households_2023: list[Household],
) -> None:
    result = check(households_2023, reference_date=date(2023, 9, 30),
                   select=["MON004", "INC001", "INC003", "INC004", "MON001", "MON003"])
    assert Counter(f.code for f in result.findings) == Counter()
