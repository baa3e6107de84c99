"""Configuration files: keys, paths relative to the file, discovery order, errors."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.config import ConfigError, find_config, load_config, resolve_config

DISTRICT = Path(__file__).resolve().parent.parent / "examples" / "district"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_planner_toml_keys_and_relative_paths(tmp_path):
    config = load_config(write(tmp_path / "district" / "planner.toml", """
select = ["INC", "HOU"]
ignore = ["HOU002"]
extend-select = ["DQ001"]
rules = ["rules/local.yaml"]
params = ["params.yaml"]
measures = ["measures.yaml"]
waivers = ["waivers.csv"]
reference-date = 2020-09-30
fail-on = "warning"
output-format = "sarif"
"""))
    base = tmp_path / "district"
    assert config.select == ["INC", "HOU"] and config.ignore == ["HOU002"]
    assert config.extend_select == ["DQ001"]
    assert config.rules == [base / "rules" / "local.yaml"]
    assert config.params == [base / "params.yaml"]
    assert config.measures == [base / "measures.yaml"]
    assert config.waivers == [base / "waivers.csv"]
    assert config.reference_date == date(2020, 9, 30)
    assert (config.fail_on, config.output_format) == ("warning", "sarif")
    selection = config.selection()
    assert (selection.select, selection.ignore) == (("INC", "HOU"), ("HOU002",))


def test_pyproject_tool_planner_table(tmp_path):
    config = load_config(write(tmp_path / "pyproject.toml", """
[project]
name = "district"

[tool.planner]
select = ["INC"]
"""))
    assert config.select == ["INC"]


def test_an_unknown_key_names_the_file_and_the_key(tmp_path):
    path = write(tmp_path / "planner.toml", 'selekt = ["INC"]\n')
    with pytest.raises(ConfigError, match=r"planner\.toml: unknown key 'selekt' \(did you mean "
                                          r"select\? known keys:"):
        load_config(path)


def test_a_bad_value_names_the_key(tmp_path):
    path = write(tmp_path / "planner.toml", 'fail-on = "sometimes"\n')
    with pytest.raises(ConfigError, match="fail-on: Input should be"):
        load_config(path)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = write(tmp_path / "planner.toml", "select = [INC\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_discovery_prefers_a_planner_toml_in_an_input_folder(tmp_path):
    data = tmp_path / "data"
    write(data / "planner.toml", "")
    write(tmp_path / "work" / "planner.toml", "")
    assert find_config([data], cwd=tmp_path / "work") == (data / "planner.toml").resolve()


def test_discovery_walks_up_from_the_current_folder(tmp_path):
    write(tmp_path / "planner.toml", "")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config([], cwd=deep) == (tmp_path / "planner.toml").resolve()


def test_discovery_uses_pyproject_only_with_a_tool_planner_table(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.planner]\nselect = ['INC']\n")
    inner = tmp_path / "pkg"
    write(inner / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config([], cwd=inner) == (tmp_path / "pyproject.toml").resolve()


def test_planner_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.planner]\n")
    write(tmp_path / "planner.toml", "")
    assert find_config([], cwd=tmp_path) == (tmp_path / "planner.toml").resolve()


def test_an_explicit_config_overrides_discovery_and_must_exist(tmp_path):
    write(tmp_path / "planner.toml", "select = ['INC']\n")
    other = write(tmp_path / "other.toml", "select = ['HOU']\n")
    assert resolve_config(other, cwd=tmp_path).select == ["HOU"]
    with pytest.raises(ConfigError, match="no such configuration file"):
        resolve_config(tmp_path / "missing.toml", cwd=tmp_path)


def test_no_config_anywhere_gives_the_defaults(tmp_path):
    config = resolve_config(None, cwd=tmp_path)
    assert config.path is None and config.select is None and config.rules == []


def test_an_unknown_key_suggests_the_nearest_known_one(tmp_path):
    path = write(tmp_path / "planner.toml", 'refrence-date = 2023-09-30\n')
    with pytest.raises(ConfigError, match=r"unknown key 'refrence-date' \(did you mean "
                                          r"reference-date\?") as raised:
        load_config(path)
    assert "是否想用 reference-date？" in raised.value.zh


def test_column_map_lang_budget_and_catalog_keys(tmp_path):
    config = load_config(write(tmp_path / "planner.toml", """
column-map = "maps/export.yaml"
lang = "en"
budget = 25000.5
catalog = "measures.yaml"
"""))
    assert config.column_map == tmp_path / "maps" / "export.yaml"
    assert (config.lang, config.budget) == ("en", 25000.5)
    assert config.measures == [tmp_path / "measures.yaml"]


def _district_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "district"
    shutil.copytree(DISTRICT, folder)
    with (folder / "planner.toml").open("a", encoding="utf-8") as toml:
        toml.write(extra)
    return folder


def test_check_reads_lang_and_column_map_from_the_configuration(tmp_path):
    folder = _district_with(tmp_path, 'lang = "en"\n')
    result = CliRunner().invoke(cli, ["check", str(folder), "--select", "INC001"])
    assert "Checked 307 households" in result.output and "已检查" not in result.output
    (tmp_path / "map.yaml").write_text("{columns: [\n", encoding="utf-8")
    folder = _district_with(tmp_path / "second", f'column-map = "{tmp_path / "map.yaml"}"\n')
    result = CliRunner().invoke(cli, ["check", str(folder / "households.jsonl"), "--config",
                                      str(folder / "planner.toml")])
    assert result.exit_code == 2 and "无法读取列映射" in result.output
    folder = _district_with(tmp_path / "third",
                            f'lang = "en"\ncolumn-map = "{tmp_path / "map.yaml"}"\n')
    for command in ("check", "plan"):  # an error after the configuration is read: its lang
        result = CliRunner().invoke(cli, [command, str(folder / "households.jsonl"), "--config",
                                          str(folder / "planner.toml")])
        assert result.exit_code == 2, result.output
        assert "Error: cannot read column map" in result.output and "无法" not in result.output
    zh = CliRunner().invoke(cli, ["check", str(folder / "households.jsonl"), "--config",
                                  str(folder / "planner.toml"), "--lang", "zh"])
    assert "错误：无法读取列映射" in zh.output


def test_plan_reads_the_budget_from_the_configuration(tmp_path):
    folder = _district_with(tmp_path, "budget = 50000\n")
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(cli, ["plan", str(folder), "--output", str(out),
                                      "--output-format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["allocation"]["budget"] == 50000
