"""Hostile and wrong configuration: YAML bombs, deep nesting, bad encodings, dates and values.

Each is refused with a bilingual message naming the file and line, and the CLI exits 2 without a
traceback; nothing hangs (the bomb tests run the CLI in a process with a timeout).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.backends.python.conditions import Compiler
from planner.cli import cli
from planner.io import FormatError
from planner.io.columns import load_column_map
from planner.params import ParameterError, default_parameters, load_parameters
from planner.registry import RegistryError, load_path
from planner.safe_yaml import MAX_DEPTH
from planner.spec import MAX_CONDITION_DEPTH, Exists, Not, RuleSpec, SpecError, ValidationError
from planner.waivers import WaiverError, load_waivers

from .bilingual import in_both
from .conftest import HOUSEHOLDS

PRE_EXIT = str(HOUSEHOLDS / "pre_exit_2808.json")
DATE = ["--date", "2020-09-30"]
HEADER = "household,code,member,reason,approver,expires\n"

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
rules: *i
"""


def invoke(*args: str, cwd: Path):
    """Run the CLI in ``cwd``; an uncaught exception (a traceback) fails the test."""
    with contextlib.chdir(cwd):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_planner(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, killed after a minute (a hang fails instead of blocking)."""
    return subprocess.run(
        [sys.executable, "-c", "from planner.cli import cli; cli()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )


def rule_file(when: str) -> str:
    return ("rules:\n  - code: TST100\n    name: test-rule\n    family: test\n"
            "    message: {zh: 测试, en: test}\n    when:\n" + when)


def nested_nots(levels: int) -> str:
    lines = [f"{'  ' * (3 + i)}not:\n" for i in range(levels)]
    return "".join(lines) + f"{'  ' * (3 + levels)}exists: household.size\n"


# -- YAML bombs and depth ------------------------------------------------------------------------

def test_a_billion_laughs_rule_file_is_refused_without_expanding_it(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    done = in_both(lambda: run_planner("check", PRE_EXIT, *DATE, "--rules", str(bomb),
                                       cwd=tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{bomb}:6: more than 100000 values once aliases are expanded" in done.stderr
    assert f"{bomb}:6：展开别名后超过 100000 个值" in done.stderr


def test_a_self_referencing_alias_is_refused(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.write_text("rules: &r\n  - *r\n", encoding="utf-8")
    done = in_both(lambda: run_planner("check", PRE_EXIT, *DATE, "--rules", str(loop),
                                       cwd=tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{loop}:2: alias *r refers to a node that contains it" in done.stderr


def test_three_thousand_nested_nots_in_a_rule_file_are_refused_at_their_line(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text(rule_file(nested_nots(3000)), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_path(deep)
    # rules → list → rule → when: the 61st not is the 65th level, on line 6 + 61
    assert caught.value.en == f"{deep}:67: nested deeper than {MAX_DEPTH} levels"
    assert caught.value.zh == f"{deep}:67：嵌套超过 {MAX_DEPTH} 层"


def test_conditions_deeper_than_the_limit_are_refused_by_the_spec_at_the_when_line(tmp_path):
    fine = tmp_path / "fine.yaml"
    fine.write_text(rule_file(nested_nots(MAX_CONDITION_DEPTH - 1)), encoding="utf-8")
    assert [r.code for r in load_path(fine)] == ["TST100"]
    deep = tmp_path / "deep.yaml"
    deep.write_text(rule_file(nested_nots(MAX_CONDITION_DEPTH)), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_path(deep)
    assert caught.value.en.startswith(f"{deep}:7: rule #1: when: conditions are nested more"
                                      f" than {MAX_CONDITION_DEPTH} levels deep")


def test_three_thousand_nested_nots_given_as_data_are_a_validation_error():
    when: dict[str, object] = {"exists": "household.size"}
    for _ in range(3000):
        when = {"not": when}
    with pytest.raises(ValidationError, match="nested more than 32 levels deep"):
        RuleSpec.model_validate({"code": "TST100", "name": "t", "family": "t",
                                 "message": {"zh": "测", "en": "t"}, "when": when})


def test_a_condition_tree_built_in_python_is_refused_by_the_compiler():
    node: object = Exists(exists="household.size")
    for _ in range(3000):
        node = Not.model_construct(not_=node)
    with pytest.raises(SpecError, match="nested more than 32 levels deep"):
        Compiler(frozenset({"household"})).compile(node)


def test_a_repeated_parameter_is_refused_at_its_second_line(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("income.poverty_line:\n  values: {2020-01-01: 4100}\n"
                        "income.poverty_line:\n  values: {2020-01-01: 4200}\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert caught.value.en == f"{district}:3: key 'income.poverty_line' is given twice"


# -- waivers -------------------------------------------------------------------------------------

def test_a_gb18030_waiver_csv_is_read_correctly(tmp_path):
    waivers = tmp_path / "waivers.csv"
    row = "522425-101-0001,HOU001,,等待易地搬迁安置,河口镇政府,2020-12-31\n"
    waivers.write_bytes((HEADER + row).encode("gb18030"))
    (entry,) = load_waivers(waivers)
    assert entry.household == "522425-101-0001"
    assert (entry.waiver.reason, entry.waiver.approver) == ("等待易地搬迁安置", "河口镇政府")
    assert entry.waiver.expires == date(2020, 12, 31)


def test_a_waiver_row_with_an_extra_cell_is_refused(tmp_path):
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(HEADER + "522425-101-0001,HOU001,,等待搬迁,河口镇政府,2020-12-31,多余\n",
                       encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_waivers(waivers)
    assert caught.value.en == f"{waivers}: line 2 has 7 cells, the header only 6 columns"
    assert caught.value.zh == f"{waivers}：第2行有 7 个单元格，表头只有 6 列"
    result = in_both(lambda: invoke("check", PRE_EXIT, *DATE, "--waivers", str(waivers),
                                    cwd=tmp_path))
    assert result.exit_code == 2
    assert "line 2 has 7 cells" in result.stderr and "第2行有 7 个单元格" in result.stderr


def test_an_impossible_expiry_date_in_a_yaml_waiver_is_refused_at_its_line(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text('- {household: "H1", code: INC001, reason: r, approver: a,'
                       " expires: 2020-12-31}\n"
                       '- {household: "H2", code: INC001, reason: r, approver: a,'
                       " expires: 2020-13-45}\n", encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_waivers(waivers)
    assert caught.value.en.startswith(f"{waivers}:2: 2020-13-45 is not a valid date")
    assert caught.value.zh == f"{waivers}:2：2020-13-45 不是有效的日期"
    result = invoke("check", PRE_EXIT, *DATE, "--waivers", str(waivers), cwd=tmp_path)
    assert result.exit_code == 2


def test_an_impossible_expiry_date_in_a_csv_waiver_is_refused_at_its_line(tmp_path):
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(HEADER + "H1,INC001,,r,a,2020-13-45\n", encoding="utf-8")
    with pytest.raises(WaiverError) as caught:
        load_waivers(waivers)
    assert caught.value.en.startswith(f"{waivers}: line 2 (household H1, code INC001): expires:")


# -- parameters ----------------------------------------------------------------------------------

def test_an_impossible_start_date_in_a_district_parameter_file_is_refused(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("income.poverty_line:\n  values:\n    2020-13-45: 4100\n",
                        encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert caught.value.en.startswith(f"{district}:3: 2020-13-45 is not a valid date")
    result = invoke("check", PRE_EXIT, *DATE, "--params", str(district), cwd=tmp_path)
    assert result.exit_code == 2


def test_an_impossible_date_value_of_a_date_parameter_is_refused(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text('monitoring.start:\n  values:\n    2020-01-01: "2020-13-45"\n',
                        encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert caught.value.en == (
        f"{district}:3: parameter monitoring.start, value from 2020-01-01: '2020-13-45' is not"
        " valid; expected a date (YYYY-MM-DD), unit date")


def test_a_valid_district_poverty_line_keeps_inc001(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("income.poverty_line:\n  values:\n    2020-01-01: 4100\n",
                        encoding="utf-8")
    result = invoke("check", PRE_EXIT, *DATE, "--select", "INC001", "--params", str(district),
                    cwd=tmp_path)
    assert result.exit_code == 1
    assert "INC001" in result.stdout


@pytest.mark.parametrize(("text", "shown"), [
    (".nan", "nan"), ("-5", "-5"), ("true", "True"), (".inf", "inf"), ("四千", "'四千'"),
])
def test_a_wrong_typed_poverty_line_is_refused_with_file_line_and_parameter(tmp_path, text, shown):
    district = tmp_path / "district.yaml"
    district.write_text(f"income.poverty_line:\n  values:\n    2020-01-01: {text}\n",
                        encoding="utf-8")
    en = (f"{district}:3: parameter income.poverty_line, value from 2020-01-01: {shown} is not"
          " valid; expected a number (≥ 0), unit 元/人/年")
    zh = (f"{district}:3：参数 income.poverty_line 自 2020-01-01 起的值 {shown} 无效："
          "应为数（≥ 0），单位 元/人/年")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert (caught.value.zh, caught.value.en) == (zh, en)
    result = in_both(lambda: invoke("check", PRE_EXIT, *DATE, "--select", "INC001", "--params",
                                    str(district), cwd=tmp_path))
    assert result.exit_code == 2
    assert zh in result.stderr and en in result.stderr


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("income.transfer_share_max", "1.5", "a number (≥ 0, ≤ 1)"),
    ("labour.working_age_max", "200", "a number (≥ 0, ≤ 120)"),
    ("water.litres_per_person_day_min", "0", "a number (> 0)"),
    ("housing.unsafe_grades", "C", "a list, each item text"),
    ("income.exit_target_default", '"02-30"', "a month and day (MM-DD)"),
])
def test_values_outside_the_range_their_unit_implies_are_refused(tmp_path, name, value, expected):
    district = tmp_path / "district.yaml"
    district.write_text(f"{name}:\n  values:\n    2020-01-01: {{value: {value}}}\n",
                        encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert caught.value.en.startswith(f"{district}:3: parameter {name}, value from 2020-01-01:")
    assert f"expected {expected}" in caught.value.en


def test_a_district_parameter_declares_its_own_type_and_range(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("local.visit_quota:\n  description: Visits per cadre per month\n"
                        "  type: integer\n  min: 1\n  max: 40\n"
                        "  values:\n    2020-01-01: 12\n    2021-01-01: 0\n", encoding="utf-8")
    with pytest.raises(ParameterError) as caught:
        load_parameters(district)
    assert caught.value.en.startswith(f"{district}:8: parameter local.visit_quota, value from"
                                      " 2021-01-01: 0 is not valid; expected a whole number"
                                      " (≥ 1, ≤ 40)")


def test_a_district_file_cannot_change_the_type_of_a_shipped_parameter(tmp_path):
    district = tmp_path / "district.yaml"
    district.write_text("income.poverty_line:\n  type: text\n  values:\n    2020-01-01: 四千\n",
                        encoding="utf-8")
    with pytest.raises(ParameterError, match="cannot change the type of parameter"):
        load_parameters(district)


def test_what_if_values_are_checked_too():
    with pytest.raises(ParameterError, match=r"income\.poverty_line"):
        default_parameters().with_values({"income.poverty_line": float("nan")})


def test_every_shipped_parameter_has_a_known_type():
    parameters = default_parameters()
    assert [name for name in parameters if parameters[name].kind.leaf is None] == []


# -- column maps and configuration ---------------------------------------------------------------

def test_a_column_map_with_an_unknown_table_names_the_map_and_line(tmp_path):
    column_map = tmp_path / "map.yaml"
    column_map.write_text("tables:\n  households:\n    columns: {户编号: id}\n"
                          "  househods:\n    columns: {户主: name}\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        load_column_map(column_map)
    assert caught.value.en.startswith(f"column map {column_map}:4: unknown table 'househods'")
    assert caught.value.zh.startswith(f"列映射 {column_map}:4：未知的表 'househods'")
    result = invoke("validate", PRE_EXIT, "--column-map", str(column_map), cwd=tmp_path)
    assert result.exit_code == 2


def test_a_column_map_with_an_unknown_key_names_the_map_and_line(tmp_path):
    column_map = tmp_path / "map.yaml"
    column_map.write_text("tables:\n  households:\n    required: [id]\n    colums:\n"
                          "      户编号: id\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        load_column_map(column_map)
    assert caught.value.en.startswith(
        f"column map {column_map}:4: table households: unknown keys ['colums']")


def test_a_planner_toml_that_is_not_utf8_is_a_configuration_error(tmp_path):
    config = tmp_path / "planner.toml"
    config.write_bytes('# 地方配置\nfail-on = "error"\n'.encode("gb18030"))
    result = in_both(lambda: invoke("check", PRE_EXIT, *DATE, "--config", str(config),
                                    cwd=tmp_path))
    assert result.exit_code == 2
    assert f"{config}:1: not UTF-8 text; save the file as UTF-8" in result.stderr
