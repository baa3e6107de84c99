"""The ``planner check`` and ``planner rules`` commands: options, config, exit codes."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

from .conftest import EXAMPLES, HOUSEHOLDS

PRE_EXIT = str(HOUSEHOLDS / "pre_exit_2808.json")
DATE = ["--date", "2020-09-30"]


def invoke(*args: str, cwd: Path):
    """Run the CLI in ``cwd`` (so no configuration of the repository is discovered)."""
    with contextlib.chdir(cwd):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_findings_at_or_above_fail_on_exit_1(tmp_path):
    result = invoke("check", PRE_EXIT, *DATE, "--select", "INC001", "--no-color", cwd=tmp_path)
    assert result.exit_code == 1
    assert "INC001 [错误] 计划脱贫户2020年人均纯收入 2808 元" in result.stdout


def test_exit_zero_and_fail_on_choose_the_exit_code(tmp_path):
    assert invoke("check", PRE_EXIT, *DATE, "--select", "INC001", "--exit-zero",
                  cwd=tmp_path).exit_code == 0
    assert invoke("check", PRE_EXIT, *DATE, "--select", "INC003", cwd=tmp_path).exit_code == 0
    assert invoke("check", PRE_EXIT, *DATE, "--select", "INC003", "--fail-on", "warning",
                  cwd=tmp_path).exit_code == 1
    assert invoke("check", PRE_EXIT, *DATE, "--fail-on", "none", cwd=tmp_path).exit_code == 0


def test_machine_formats_keep_totals_on_stderr(tmp_path):
    result = invoke("check", PRE_EXIT, *DATE, "--select", "INC", "--output-format", "json",
                    "--lang", "en", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert [f["code"] for f in document["findings"]] == ["INC001", "INC002", "INC003"]
    assert "Checked 1 households" in result.stderr


def test_output_file(tmp_path):
    out = tmp_path / "findings.sarif"
    result = invoke("check", PRE_EXIT, *DATE, "--output-format", "sarif", "--output", str(out),
                    "--exit-zero", cwd=tmp_path)
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_a_planner_toml_in_the_input_folder_is_used(tmp_path):
    data = tmp_path / "district"
    data.mkdir()
    shutil.copy(PRE_EXIT, data / "households.json")
    (data / "planner.toml").write_text(
        'select = ["INC001", "LOC"]\nrules = ["../local"]\nreference-date = 2020-09-30\n'
        'output-format = "jsonl"\n', encoding="utf-8")
    shutil.copytree(EXAMPLES / "local_rules", tmp_path / "local")
    result = invoke("check", str(data), "--exit-zero", cwd=tmp_path)
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["INC001"]
    # the command line select replaces the configured one
    result = invoke("check", str(data), "--select", "INC002", "--exit-zero", cwd=tmp_path)
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["INC002"]


def test_a_waiver_file_waives_and_reports_expired_waivers(tmp_path):
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(
        "household,code,member,reason,approver,expires\n"
        "522425-101-0001,INC001,,年底分红到账,河口镇政府,2020-12-31\n"
        "522425-101-0001,INC002,,已安排务工,河口镇政府,2020-06-30\n", encoding="utf-8")
    result = invoke("check", PRE_EXIT, *DATE, "--select", "INC001,INC002,PLN",
                    "--waivers", str(waivers), "--output-format", "jsonl", cwd=tmp_path)
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(f["code"], f["waived"]) for f in findings] == [
        ("INC001", True), ("INC002", False), ("PLN002", False)]
    assert result.exit_code == 1


def test_a_waiver_without_an_approver_is_a_usage_error(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {household: H1, code: INC001, reason: x, expires: 2020-12-31}\n",
                       encoding="utf-8")
    result = invoke("check", PRE_EXIT, *DATE, "--waivers", str(waivers), "--lang", "en",
                    cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{waivers}:1: entry #1 (household H1, code INC001): missing approver" in result.stderr


def test_a_yaml_rule_with_a_typo_is_a_usage_error_with_its_line(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "- code: LOC901\n  name: typo\n  family: local\n  message: {zh: a, en: b}\n"
        "  when: {fact: household.sise, gt: 5}\n", encoding="utf-8")
    result = invoke("check", PRE_EXIT, *DATE, "--rules", str(rules), "--lang", "en", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"{rules}:5: rule LOC901: unknown fact 'household.sise'" in result.stderr


def test_an_unknown_selector_is_a_usage_error(tmp_path):
    result = invoke("check", PRE_EXIT, "--ignore", "INCX", cwd=tmp_path)
    assert result.exit_code == 2 and "未知的规则选择 'INCX'" in result.stderr


def test_invalid_records_are_reported_and_exit_1_while_the_rest_is_checked(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "H1", "status": "poorest"},
                               json.loads(Path(PRE_EXIT).read_text(encoding="utf-8"))]),
                   encoding="utf-8")
    result = invoke("check", str(bad), *DATE, "--select", "INC001", "--lang", "en",
                    "--no-color", "--fail-on", "none", cwd=tmp_path)
    assert result.exit_code == 1  # records rejected (not findings: --fail-on none)
    assert "INC001" in result.stdout  # the valid record was still checked
    assert "input error" in result.stdout and "bad.json" in result.stdout
    assert "rejected 1" in result.stdout


def test_explain_prints_conditions_and_parameters(tmp_path):
    result = invoke("check", PRE_EXIT, *DATE, "--select", "INC001", "--explain", "--no-color",
                    cwd=tmp_path)
    assert "✓ household.status in ['pre_exit', 'exited']  ← pre_exit" in result.stdout
    assert "参数 income.poverty_line = 4000" in result.stdout


def test_rules_lists_every_rule_and_prints_one_page(tmp_path):
    listing = invoke("rules", "--format", "json", cwd=tmp_path)
    rules = json.loads(listing.stdout)
    assert {"INC001", "PLN001", "EX001"} <= {r["code"] for r in rules}
    assert set(rules[0]) >= {"code", "name", "severity", "family", "scope"}
    table = invoke("rules", "--select", "INC00", cwd=tmp_path)
    assert "INC001" in table.stdout and "income-below-line" in table.stdout
    page = invoke("rules", "income-below-line", cwd=tmp_path)
    assert page.stdout.startswith("INC001 income-below-line  [error]")
    assert "## Why it matters" in page.stdout and "income.poverty_line" in page.stdout
    assert "转移就业" in page.stdout
    missing = invoke("rules", "XX999", cwd=tmp_path)
    assert missing.exit_code == 2


def test_rules_lists_local_rules_when_named(tmp_path):
    result = invoke("rules", "--rules", str(EXAMPLES / "local_rules"), "--select", "local",
                    "--format", "json", cwd=tmp_path)
    assert [r["code"] for r in json.loads(result.stdout)] == ["LOC001", "LOC002", "LOC003"]


def test_strict_stops_at_the_first_invalid_record(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "H1", "status": "poorest"},
                               json.loads(Path(PRE_EXIT).read_text(encoding="utf-8"))]),
                   encoding="utf-8")
    result = invoke("check", str(bad), *DATE, "--select", "INC001", "--strict", "--lang", "en",
                    "--no-color", cwd=tmp_path)
    assert result.exit_code == 2
    assert "INC001" not in result.stdout
    assert "input error, stopped" in result.stderr
