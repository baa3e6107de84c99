"""CLI error messages: Chinese first, then English, with the file, line and name; exit code 2."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.config import ConfigError, load_config
from planner.params import ParameterError, default_parameters
from planner.registry import RegistryError, load_rules, load_yaml_rules
from planner.selection import Selection, SelectionError, selected_codes
from planner.waivers import WaiverError, parse_yaml_waivers

from .conftest import HOUSEHOLDS

PRE_EXIT = str(HOUSEHOLDS / "pre_exit_2808.json")
DATE = ["--date", "2020-09-30"]


def invoke(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """Run the CLI in ``cwd`` (no configuration of the repository is discovered)."""
    with contextlib.chdir(cwd):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def both(*args: str, cwd: Path) -> tuple[Any, Any]:
    """The same command run in Chinese (the default) and in English (``PLANNER_LANG=en``)."""
    return invoke(*args, cwd=cwd), invoke(*args, cwd=cwd, env={"PLANNER_LANG": "en"})


def error_lines(results: tuple[Any, Any]) -> tuple[str, str]:
    """The Chinese line of a one-problem usage error run in Chinese and the English line of
    it run in English: each run prints its own language only, with exit code 2."""
    lines = []
    for result, prefix in zip(results, ("错误：", "Error: "), strict=True):
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(prefix)
        lines.append(result.stderr.rstrip("\n").removeprefix(prefix))
    return lines[0], lines[1]


def test_an_unknown_configuration_key_is_named_in_both_languages(tmp_path):
    config = tmp_path / "planner.toml"
    config.write_text('selekt = ["INC"]\n', encoding="utf-8")
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--config", config, cwd=tmp_path))
    assert zh.startswith(f"{config}：未知的配置项 'selekt'（是否想用 select？可用：select, ignore,")
    assert en.startswith(
        f"{config}: unknown key 'selekt' (did you mean select? known keys: select, ignore,")


def test_a_bad_configuration_value_is_named_in_both_languages(tmp_path):
    (tmp_path / "planner.toml").write_text('fail-on = "sometimes"\n', encoding="utf-8")
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, cwd=tmp_path))
    assert "planner.toml：配置项 fail-on 的值有误：" in zh
    assert "planner.toml: fail-on: Input should be" in en


def test_an_unknown_selector_is_named_in_both_languages(tmp_path):
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--select", "INCX", cwd=tmp_path))
    assert zh.startswith("未知的规则选择 'INCX'（来自 命令行）：不是 ALL、规则代码")
    assert en.startswith("unknown rule selector 'INCX' (in command line): not ALL, a rule code")
    zh, en = error_lines(both("rules", "--ignore", "IN", cwd=tmp_path))
    assert zh.startswith("未知的规则选择 'IN'") and en.startswith("unknown rule selector 'IN'")


def test_a_malformed_waiver_file_is_located_in_both_languages(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {household: H1, code: INC001\n", encoding="utf-8")
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--waivers", waivers, cwd=tmp_path))
    assert zh.startswith(f"{waivers}:2：不是有效的 YAML：")
    assert en.startswith(f"{waivers}:2: not valid YAML: ")


def test_a_waiver_entry_without_an_approver_is_located_in_both_languages(tmp_path):
    waivers = tmp_path / "waivers.csv"
    waivers.write_text("household,code,reason,approver,expires\n"
                       "H1,INC001,等待搬迁,,2020-12-31\n", encoding="utf-8")
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--waivers", waivers, cwd=tmp_path))
    assert zh == f"{waivers}：第2行（户 H1，规则 INC001）：缺少 approver"
    assert en == f"{waivers}: line 2 (household H1, code INC001): missing approver"


def test_an_unknown_parameter_in_a_district_file_is_named_in_both_languages(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("income.povery_line:\n  values:\n    2020-01-01: {value: 4200}\n",
                        encoding="utf-8")
    for command in (["check", PRE_EXIT, *DATE, "--params", district],
                    ["params", "--district", district]):
        zh, en = error_lines(both(*command, cwd=tmp_path))
        assert zh == (f"{district}:1：未知的参数 'income.povery_line'；是否应为 "
                      "'income.poverty_line'？（新增参数须写 description 说明）")
        assert en == (f"{district}:1: unknown parameter 'income.povery_line'; did you mean "
                      "'income.poverty_line'? (a new parameter needs a description)")


def test_a_rule_file_error_keeps_its_line_in_both_languages(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "- code: LOC901\n  name: typo\n  family: local\n  message: {zh: a, en: b}\n"
        "  when: {fact: household.sise, gt: 5}\n", encoding="utf-8")
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--rules", rules, cwd=tmp_path))
    assert zh.startswith(f"{rules}:5：规则 LOC901 有误：unknown fact 'household.sise'")
    assert en.startswith(f"{rules}:5: rule LOC901: unknown fact 'household.sise'")


def test_a_bad_measure_catalog_override_is_reported_in_both_languages(tmp_path):
    measures = tmp_path / "measures.yaml"
    measures.write_text("colour: red\n", encoding="utf-8")
    zh_run, en_run = both("check", PRE_EXIT, *DATE, "--measures", measures, cwd=tmp_path)
    assert zh_run.exit_code == en_run.exit_code == 2
    assert zh_run.stderr.startswith("错误：措施目录有误：")
    assert "measure catalog" not in zh_run.stderr
    assert en_run.stderr.startswith("Error: measure catalog: ") and "措施" not in en_run.stderr


def test_an_unwritable_output_file_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "findings.json"
    zh, en = error_lines(both("check", PRE_EXIT, *DATE, "--output", target, cwd=tmp_path))
    assert zh.startswith(f"无法写出 {target}：") and en.startswith(f"cannot write {target}: ")


@pytest.mark.parametrize(("raise_it", "kind"), [
    (lambda: load_yaml_rules("- [", "r.yaml"), RegistryError),
    (lambda: parse_yaml_waivers("7", "w.yaml"), WaiverError),
    (lambda: default_parameters()["income.no_such"], ParameterError),
    (lambda: selected_codes(load_rules(), [Selection(select=["ZZZ"])]), SelectionError),
])
def test_library_errors_carry_both_languages(raise_it, kind):
    with pytest.raises(kind) as caught:
        raise_it()
    error = caught.value
    assert str(error) == f"{error.zh}\n{error.en}"
    assert error.message("en") == error.en and error.message() == error.zh
    assert error.zh != error.en and error.en.isascii() and not error.zh.isascii()


def test_a_config_error_holds_each_language_alone(tmp_path):
    path = tmp_path / "planner.toml"
    path.write_text("select = [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.zh.startswith(f"{path}：不是有效的 TOML：")
    assert caught.value.en.startswith(f"{path}: not valid TOML: ")


def test_a_one_language_message_from_other_code_is_shown_once():
    error = RegistryError("pack says no")
    assert str(error) == "pack says no" and error.zh == error.en == "pack says no"
