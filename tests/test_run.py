"""The run object: one setup (rules, parameters at the date, catalog, waivers, selection) for
``planner.check``, ``planner.plan``, the CLI and ``planner.testing``."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import Checker, FileWaiver, Household, Run, check
from planner.cli import cli
from planner.config import load_config
from planner.model import Waiver
from planner.run import MeasureFileError
from planner.selection import Selection, SelectionError

from .conftest import HOUSEHOLDS

ON = date(2020, 9, 30)
PRE_EXIT = str(HOUSEHOLDS / "pre_exit_2808.json")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_selection_narrows_the_rules_and_the_engine_codes_but_not_the_known_codes():
    run = Run.build(reference_date=ON, selection=[Selection(select=["INC"])])
    assert {rule.family for rule in run.rules} == {"income"}
    assert {"HOU001", "PLN002", "INC001"} <= run.known_codes
    assert run.engine_codes == frozenset()  # PLN002/PLN003 not selected: not reported
    assert run.values.when == ON and run.reference_date == ON


def test_without_a_selection_every_rule_and_engine_code_runs():
    run = Run.build(reference_date=ON)
    assert "PLN003" in run.engine_codes and "HOU001" in run.rules
    assert run.rule_timeout is not None and not run.explain


def test_a_selector_naming_no_rule_is_refused():
    with pytest.raises(SelectionError, match="unknown rule selector 'ZZZ'"):
        Run.build(reference_date=ON, selection=[Selection(select=["ZZZ"])])


def test_the_run_is_frozen():
    run = Run.build(reference_date=ON)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.explain = True  # type: ignore[misc]


def test_from_config_reads_every_configured_file_then_the_command_line(tmp_path):
    _write(tmp_path / "params.yaml", "income.poverty_line:\n  values:\n    2020-01-01:\n"
                                     "      value: 3000\n      reference: 县政府文件\n")
    _write(tmp_path / "waivers.yaml", "- {household: '522425-101-0001', code: INC001, "
                                      "reason: 年底分红, approver: 河口镇, expires: 2020-12-31}\n")
    _write(tmp_path / "measures.yaml", "measures:\n  - {id: planting_subsidy, unit_cost: 2500}\n")
    config = load_config(_write(tmp_path / "planner.toml", """
reference-date = 2020-09-30
select = ["INC", "PLN"]
params = ["params.yaml"]
waivers = ["waivers.yaml"]
measures = ["measures.yaml"]
"""))
    run = Run.from_config(config, selection=Selection(ignore=["INC002"], source="command line"))
    assert run.reference_date == ON
    assert run.values["income.poverty_line"] == 3000
    assert [entry.waiver.code for entry in run.waivers] == ["INC001"]
    assert run.catalog["planting_subsidy"].unit_cost == 2500
    assert "INC002" not in run.rules and "INC001" in run.rules and "PLN003" in run.rules
    assert len(run.selection) == 2
    later = Run.from_config(config, reference_date=date(2020, 12, 31))
    assert later.reference_date == date(2020, 12, 31)


def test_a_bad_measure_file_is_named_in_both_languages(tmp_path):
    config = load_config(_write(tmp_path / "planner.toml", 'measures = ["measures.yaml"]\n'))
    _write(tmp_path / "measures.yaml", "colour: red\n")
    with pytest.raises(MeasureFileError) as caught:
        Run.from_config(config)
    assert caught.value.zh.startswith("措施目录有误：")
    assert caught.value.en.startswith("measure catalog: ")


def test_planner_plan_reports_a_bad_catalog_in_each_language_as_check_does(tmp_path):
    measures = _write(tmp_path / "measures.yaml", "colour: red\n")
    first = {}
    for lang in ("zh", "en"):
        with contextlib.chdir(tmp_path):
            result = CliRunner().invoke(cli, ["plan", PRE_EXIT, "--date", "2020-09-30",
                                              "--catalog", str(measures), "--lang", lang])
        assert result.exit_code == 2
        first[lang] = result.stderr.splitlines()[0]
    assert first["zh"].startswith("错误：措施目录有误：")
    assert first["en"].startswith("Error: measure catalog: ")


def test_check_and_the_checker_on_the_same_run_agree(example_household):
    record = Household.model_validate(example_household("pre_exit_2808"))
    waiver = FileWaiver(record.id, Waiver(code="INC001", reason="年底分红", approver="河口镇",
                                          expires=date(2020, 12, 31)))
    result = check([record], reference_date=ON, waivers=[waiver], select=["INC", "PLN"])
    run = Run.build(reference_date=ON, waivers=[waiver],
                    selection=[Selection(select=["INC", "PLN"])])
    checker = Checker(run)
    findings = list(checker.iter_findings([record]))
    assert [(f.code, f.waived) for f in findings] == [
        (f.code, f.waived) for f in result.findings]
    assert ("INC001", True) in [(f.code, f.waived) for f in findings]


def test_a_run_without_dataset_rules_keeps_its_known_codes():
    run = Run.build(reference_date=ON)
    per_household = run.with_rules(r for r in run.rules if r.scope != "dataset")
    assert all(rule.scope != "dataset" for rule in per_household.rules)
    assert per_household.known_codes == run.known_codes


def test_the_planner_does_not_call_a_waiver_of_a_dataset_rule_an_unknown_code(example_household):
    """The planner checks households one at a time without the dataset rules; a waiver of one
    (DQ004, duplicates) is of a known rule that did not run, not of "no rule"."""
    from planner.planning import DistrictPlanner

    record = Household.model_validate(example_household("pre_exit_2808"))
    waiver = FileWaiver(record.id, Waiver(code="DQ004", reason="同名不同人", approver="河口镇",
                                          expires=date(2020, 12, 31)))
    planner = DistrictPlanner(reference_date=ON, waivers=[waiver])
    planner.plan_household(record)
    assert planner.checker is not None
    assert "PLN003" not in planner.checker.stats.findings_by_code
