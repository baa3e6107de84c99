"""``planner report --workers N --backend B`` (or ``--scheduler``): the same files for any number
of workers, on a dask cluster and on either backend.

Real processes: the CLI runs as a subprocess and, with ``--workers 2``, spawns two workers that
check the example district's households (with ``--scheduler local:2``, a local dask cluster of
two workers); the report counts, plans and writes them in input order where the parts meet.
The workbooks are compared cell by cell (their zip bytes carry timestamps).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from planner.backends import available

from .conftest import EXAMPLES

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
TIMEOUT = 600


def _report(out: Path, workers: str, backend: str) -> tuple[str, dict[str, Any]]:
    """Run ``planner report`` on the example district (``workers``: a number, or
    ``local:N`` for a local dask cluster); its standard error and its files."""
    where = ["--scheduler", workers] if workers.startswith("local") else ["--workers", workers]
    done = subprocess.run(
        [str(PLANNER), "report", str(DISTRICT), "--out", str(out), *where, "--backend", backend],
        capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out / "ledger.xlsx")
    return done.stderr, {
        "report.json": json.loads((out / "report.json").read_text(encoding="utf-8")),
        "report.html": (out / "report.html").read_text(encoding="utf-8"),
        "ledger.xlsx": {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
                        for sheet in book.worksheets},
    }


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    stderr, files = _report(tmp_path_factory.mktemp("one") / "report", "1", "python")
    assert "运行后端：python" in stderr
    return files


def test_one_process_reports_the_district(one_process: dict[str, Any]) -> None:
    county = one_process["report.json"]["county"]
    assert county["households"] == 307
    assert county["findings"] == 95
    assert one_process["report.json"]["ledger"] == {"rows": 95, "open": 95}
    assert len(one_process["ledger.xlsx"]) > 3  # summary, by village, by helper, the towns


@pytest.mark.parametrize(("workers", "backend"), [
    ("2", "python"),
    pytest.param("1", "columnar", marks=pytest.mark.skipif(
        "columnar" not in available(), reason="polars is not installed")),
    pytest.param("2", "columnar", marks=pytest.mark.skipif(
        "columnar" not in available(), reason="polars is not installed")),
    pytest.param("local:2", "python", marks=pytest.mark.skipif(
        importlib.util.find_spec("distributed") is None, reason="dask is not installed")),
])
def test_the_report_is_the_same(one_process: dict[str, Any], tmp_path: Path, workers: str,
                                backend: str) -> None:
    stderr, files = _report(tmp_path / "report", workers, backend)
    assert "--workers" not in stderr  # as many processes as asked: no notice of fewer
    assert f"运行后端：{backend}" in stderr
    for name, content in one_process.items():
        assert files[name] == content, name
