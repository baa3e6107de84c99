"""The core works without any extra: a subprocess in which pyarrow, scipy, matplotlib, polars and
dask cannot be imported (as in a ``pip install fuping-planner`` without extras; scripts/test.sh
also runs the ``core`` tests in such a venv) checks and plans the example district, and each
optional part asked for ends in the bilingual error naming its extra, exit 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import planner

from .conftest import ROOT

pytestmark = pytest.mark.core

#: The extras' modules, made unimportable in the subprocess.
EXTRA_MODULES = ("pyarrow", "scipy", "matplotlib", "polars", "dask", "distributed", "pandas")

_PRELUDE = (f"import sys\nfor name in {EXTRA_MODULES!r}:\n    sys.modules[name] = None\n")


def run_core(code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Python ``code`` run in a fresh interpreter where the extras cannot be imported."""
    return subprocess.run([sys.executable, "-c", _PRELUDE + code], capture_output=True,
                          text=True, check=False, cwd=cwd, timeout=300)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``planner ARGS`` in a fresh interpreter without the extras."""
    return run_core("from planner.cli import cli\n"
                    f"cli({list(args)!r}, prog_name='planner')\n", cwd)


_CHECK_AND_PLAN = """
import json
from datetime import date
import planner
from planner.io import open_dataset

dataset = open_dataset("examples/district")
households = list(dataset.households())
result = planner.check(households, villages=dataset.villages, projects=dataset.projects,
                       reference_date=date(2020, 9, 30))
plan = planner.plan(households, reference_date=date(2020, 9, 30), villages=dataset.villages,
                    projects=dataset.projects)
funded = planner.plan(households[:60], reference_date=date(2020, 9, 30), budget=500_000)
print(json.dumps({
    "codes": codes(result.findings),
    "items": items(plan),
    "method": funded.allocation.method,
    "loaded": sorted(name for name in EXTRAS if sys.modules.get(name) is not None),
}))
"""


def codes(findings: list[planner.Finding]) -> list[str]:
    """Planner's own findings (the example pack's left out: installed or not) as code:subject."""
    return sorted(f.code + ":" + f.subject for f in findings if not f.code.startswith("EX"))


def items(plan: planner.DistrictPlan) -> list[str]:
    """Every plan item as key:household."""
    return sorted(i.key + ":" + i.household for h in plan.households for i in h.items)


@pytest.fixture(scope="module")
def core() -> dict:
    """What the core alone finds and plans for the example district."""
    done = run_core("import tests.test_core_alone as here\n"
                    "codes, items, EXTRAS = here.codes, here.items, here.EXTRA_MODULES\n"
                    + _CHECK_AND_PLAN)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_core_checks_and_plans_without_loading_an_extra(core: dict) -> None:
    assert core["loaded"] == []
    assert "INC002:522425-101-0001" in core["codes"] and len(core["codes"]) == 86
    assert "job_placement@m2:522425-101-0001" in core["items"] and len(core["items"]) > 50
    assert core["method"] != "milp"  # no scipy: the exact search of small problems, or greedy


def test_the_core_finds_and_plans_what_this_installation_does(core: dict) -> None:
    """The same findings and plan items as this installation's own run (with the extras)."""
    dataset = planner.open_dataset(ROOT / "examples" / "district")
    households = list(dataset.households())
    result = planner.check(households, villages=dataset.villages, projects=dataset.projects,
                           reference_date=date(2020, 9, 30))
    plan = planner.plan(households, reference_date=date(2020, 9, 30), villages=dataset.villages,
                        projects=dataset.projects)
    assert core["codes"] == codes(result.findings)
    assert core["items"] == items(plan)


def test_the_cli_checks_plans_and_writes_excel_without_extras(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    check = run_cli("check", "examples/district", "--output-format", "json", "--output",
                    "out/findings.json", cwd=tmp_path)
    assert check.returncode == 1, check.stderr  # findings found
    findings = json.loads((tmp_path / "out/findings.json").read_text("utf-8"))["findings"]
    assert len([f for f in findings if not f["code"].startswith("EX")]) == 86
    plan = run_cli("plan", "examples/district", "--date", "2020-09-30", "--output-format", "xlsx",
                   "--output", "out/plan.xlsx", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert (tmp_path / "out/plan.xlsx").stat().st_size > 0
    convert = run_cli("convert", "examples/district/households.jsonl", "out/households.csv",
                      cwd=tmp_path)
    assert convert.returncode == 0, convert.stderr


@pytest.mark.parametrize(("args", "extra"), [
    (("convert", "examples/district/households.jsonl", "out/households.parquet"), "parquet"),
    (("measures", "--graph", "out/measures.svg"), "plots"),
    (("plan", "examples/district", "--date", "2020-09-30", "--gantt", "out/gantt"), "plots"),
    (("check", "examples/district", "--backend", "columnar"), "columnar"),
    (("check", "examples/district", "--scheduler", "local", "--output", "out/parts"), "dask"),
])
def test_an_optional_part_asked_for_names_its_extra(
    tmp_path: Path, args: tuple[str, ...], extra: str
) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert f"pip install 'fuping-planner[{extra}]'" in done.stderr
    assert "需要" in done.stderr and "Traceback" not in done.stderr


def test_require_raises_the_bilingual_error_naming_the_extra() -> None:
    done = run_core(
        "from planner.extras import MissingExtra, require, installed\n"
        "assert not installed('budget')\n"
        "try:\n    require('parquet')\nexcept MissingExtra as exc:\n"
        "    print(exc.extra, exc.module, exc.zh, exc.en, sep='|')\n")
    assert done.returncode == 0, done.stderr
    extra, module, zh, en = done.stdout.strip().split("|")
    assert (extra, module) == ("parquet", "pyarrow")
    assert zh.startswith("读写 Parquet 文件需要可选组件 parquet")
    assert en.endswith("run pip install 'fuping-planner[parquet]'")
