"""``planner check --explain-backend``: why the backend runs, and each rule the columnar backend
leaves to Python with why (one line each, in the run's language); the findings do not change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

from .conftest import ROOT
from .households import DISTRICT

LOCAL_RULE = ROOT / "examples" / "local_rules" / "elderly_alone.py"

PLANNER = Path(sys.executable).with_name("planner")


def _cli(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("typed") / "district"
    done = _cli("convert", DISTRICT, folder, "--to", "parquet")
    assert done.returncode == 0, done.stderr
    return folder


def test_a_columnar_run_lists_each_rule_it_leaves_to_python_and_why(tmp_path: Path) -> None:
    plain = _cli("check", DISTRICT, "--date", "2020-09-30", "--output-format", "jsonl",
                 "--backend", "columnar", "--lang", "en")
    explained = _cli("check", DISTRICT, "--date", "2020-09-30", "--output-format", "jsonl",
                     "--backend", "columnar", "--lang", "en", "--explain-backend")
    assert explained.returncode == plain.returncode == 1, explained.stderr
    assert explained.stdout == plain.stdout  # the findings are the same
    lines = explained.stderr.splitlines()
    assert lines[0] == "backend: columnar (as --backend asked)"
    assert {
        "rule SUP004 runs in Python: reads the household's other findings, run only where a "
        "rule of the families it reads fires",
        "rule VIL001 runs in Python: a village rule, run per record",
        "rule PRJ003 runs in Python: a project rule, run per record",
        "because of the rules above, every household's record is built and all its facts "
        "derived (not only where a compiled rule fires)",
    } <= set(lines)
    # compiled rules are not listed, in any era (SUP003's eligibility verdict and WRK010's
    # pairing of phones included); nor DQ008 and DQ012, Python bodies run where their gates hold
    assert not [line for line in lines if line.startswith(
        ("rule INC00", "rule HOU001", "rule DQ008", "rule DQ012", "rule SUP003",
         "rule WRK010"))]
    # the dataset rules: duplicates read from the batch's columns, rates over projects
    assert not [line for line in lines if line.startswith(
        ("rule DQ004", "rule DQ013", "rule PRJ001", "rule PRJ002"))]
    assert lines[-1] == "backend: columnar"


def test_auto_says_why_it_runs_python_on_json_lines() -> None:
    for lang, first in (
        ("en", "backend: python (auto: the input is not typed Parquet; records are read and "
               "validated one by one)"),
        ("zh", "运行后端：python（auto：输入不是类型化 Parquet，记录逐条读取校验）"),
    ):
        result = _cli("check", DISTRICT, "--output-format", "jsonl", "--lang", lang,
                      "--select", "HOU001", "--explain-backend")
        assert result.returncode == 1, result.stderr
        lines = result.stderr.splitlines()
        assert lines[0] == first
        assert not [line for line in lines if "Python" in line]  # no per-rule lines


def test_auto_on_typed_parquet_with_compiled_rules_only_lists_nothing(typed: Path) -> None:
    result = _cli("check", typed, "--date", "2020-09-30", "--output-format", "jsonl",
                  "--lang", "zh", "--select", "INC001,INC002,INC003,HOU001,DQ008",
                  "--explain-backend")
    assert result.returncode in (0, 1), result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "运行后端：columnar（auto：输入是类型化 Parquet，且已安装 polars）"
    assert not [line for line in lines if line.startswith("规则 ") or "每户都构建" in line]
    result = _cli("check", typed, "--date", "2020-09-30", "--output-format", "jsonl",
                  "--lang", "zh", "--select", "INC001,DQ012,WRK010,SUP003", "--explain-backend")
    lines = result.stderr.splitlines()
    assert not [line for line in lines if line.startswith("规则 ") or "每户都构建" in line]
    # the dataset rules build no household either; a local rule with a Python body does
    result = _cli("check", typed, "--date", "2020-09-30", "--output-format", "jsonl",
                  "--lang", "zh", "--select", "INC001,DQ012,DQ004,DQ013", "--explain-backend")
    lines = result.stderr.splitlines()
    assert not [line for line in lines if line.startswith("规则 ") or "每户都构建" in line]
    result = _cli("check", typed, "--date", "2020-09-30", "--output-format", "jsonl",
                  "--lang", "zh", "--rules", str(LOCAL_RULE), "--select", "INC001,DQ012,LOC001",
                  "--explain-backend")
    lines = result.stderr.splitlines()
    assert lines[1:3] == ["规则 LOC001 在 Python 中逐条运行：规则体是 Python 代码，"
                          "没有可编译的规格",
                          "因上列规则，每户都构建记录并计算全部事实（不仅是编译规则命中的户）"]
