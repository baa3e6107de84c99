"""The columnar backend on typed Parquet: tables from the Arrow columns, findings as Python's.

One file, three ways: the Python backend (households built), the columnar backend on built
households, and the columnar backend from the Arrow columns (households built only where a rule
needs them). Every field of every finding, the input errors and the counts must be the same.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pl = pytest.importorskip("polars")

from polars.testing import assert_frame_equal  # noqa: E402

from planner.backends.columnar.arrowtables import arrow_tables  # noqa: E402
from planner.backends.columnar.checker import ColumnarChecker  # noqa: E402
from planner.backends.columnar.rules import _every_fact  # noqa: E402
from planner.backends.columnar.tables import Needs, build_tables  # noqa: E402
from planner.backends.python.engine import Checker  # noqa: E402
from planner.io import open_dataset, write_households  # noqa: E402
from planner.io.seen import SeenRecords  # noqa: E402
from planner.io.typedparquet import unbuilt_rows  # noqa: E402
from planner.io.typedschema import typed_schema  # noqa: E402
from planner.model import Household  # noqa: E402
from planner.run import Run  # noqa: E402
from planner.selection import Selection  # noqa: E402

from .households import DISTRICT, ON, SIX_CHECKS  # noqa: E402
from .households import generated as _generated  # noqa: E402

SCHEMA = typed_schema(Household, "household")


@pytest.fixture(scope="module")
def district() -> list[Household]:
    return list(open_dataset(DISTRICT).households())


@pytest.fixture(scope="module")
def generated() -> list[Household]:
    return _generated(20_000, 7)


def _run_three_ways(path: Path, run: Run) -> list[dict[str, Any]]:
    """The findings, errors and counts of ``path`` by each way; all three must agree."""
    results = []
    for checker_type, unbuilt in ((Checker, False), (ColumnarChecker, False),
                                  (ColumnarChecker, True)):
        dataset = open_dataset(path)
        checker = checker_type(run)
        if unbuilt:
            with unbuilt_rows():
                findings = list(checker.iter_findings(dataset.sourced()))
        else:
            findings = list(checker.iter_findings(dataset.sourced()))
        results.append({
            "findings": [f.to_dict() for f in findings],
            "errors": [str(e) for e in dataset.errors],
            "counts": dataset.stats.to_dict(),
            "stats": (checker.stats.households, checker.stats.findings,
                      dict(checker.stats.by_severity)),
        })
    assert results[1] == results[0]
    assert results[2] == results[0]
    # the batch path of ``planner check``: a batch of accepted rows at a time, where it applies
    dataset, checker = open_dataset(path), ColumnarChecker(run)
    chunks = dataset.typed_chunks()
    assert chunks is not None
    if checker.batch_ready():
        findings = list(checker.iter_chunk_findings(chunks))
        assert {
            "findings": [f.to_dict() for f in findings],
            "errors": [str(e) for e in dataset.errors],
            "counts": dataset.stats.to_dict(),
            "stats": (checker.stats.households, checker.stats.findings,
                      dict(checker.stats.by_severity)),
        } == results[0]
    return results[0]["findings"]


def test_tables_from_arrow_equal_tables_from_households(district):
    households = district + _generated(3000, 5)
    batch = pa.RecordBatch.from_pylist([h.model_dump() for h in households], schema=SCHEMA)
    every_need = _every_fact().plan.needs
    more = Needs(household={("policy_awareness", "health"), ("region", "county"),
                            ("living", "entry_road"), ("assistance", "industry")},
                 member={("work_plan", "planned"), ("benefits_declined",),
                         ("work_plan", "service_needs")},
                 lengths={"income", "members"}, present={("helper",), ("assistance",)},
                 items={"employment": {"county", "place", "employed", "channel", "employer",
                                       "industry", "point_to_point", "monthly_pay", "end"},
                        "posts": {"name", "months", "start", "end"}})
    for needs in (every_need, more):
        built, read = build_tables(households, needs), arrow_tables(batch, needs)
        assert_frame_equal(read.household, built.household)
        assert_frame_equal(read.member, built.member)
        assert read.items.keys() == built.items.keys()
        for table in built.items:
            assert_frame_equal(read.items[table], built.items[table])
    assert every_need.items and every_need.member and every_need.income_history


def test_the_example_district_every_rule_three_ways(tmp_path, district):
    path = tmp_path / "households.parquet"
    write_households(district, path)
    assert _run_three_ways(path, Run.build(reference_date=ON))


def test_20000_generated_households_six_checks_three_ways(tmp_path, generated):
    path = tmp_path / "households.parquet"
    write_households(generated, path)
    findings = _run_three_ways(path, Run.build(reference_date=ON,
                                               selection=[Selection(select=SIX_CHECKS)]))
    assert {f["code"] for f in findings} == set(SIX_CHECKS)


def test_2000_generated_households_every_rule_three_ways(tmp_path, generated):
    path = tmp_path / "households.parquet"
    write_households(generated[:2000], path)
    assert _run_three_ways(path, Run.build(reference_date=ON))


def test_rejected_duplicated_and_model_judged_rows_in_a_typed_batch(tmp_path, generated):
    """Rows the model rejects, a household id read twice and a row the model accepts after
    stripping its text, between clean rows: the same findings, errors and counts."""
    rows = [h.model_dump() for h in generated[:400]]
    rows[5]["housing"]["safety_grade"] = "E"  # rejected
    rows[9]["members"][0]["name"] = " 王五 "  # accepted after stripping: judged by the model
    rows[10]["id"] = rows[3]["id"]  # read twice: rejected as a duplicate
    rows[20]["members"].append(None)  # rejected
    rows[30]["id"] = rows[9]["id"]  # the id of a row the model judged, read again
    rows[200]["id"] = rows[2]["id"]  # read again in a later batch
    for row in (11, 12, 13):  # waivers to judge (a household of no finding: PLN003)
        rows[row]["waivers"] = [{"code": "HOU001", "reason": "复核中", "approver": "乡镇",
                                 "expires": date(2030, 1, 1), "member": None}]
    path = tmp_path / "households.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path, row_group_size=128)
    _run_three_ways(path, Run.build(reference_date=ON,
                                    selection=[Selection(select=SIX_CHECKS)]))
    dataset = open_dataset(path)
    list(dataset.households())
    assert dataset.stats.to_dict() == {"read": 400, "accepted": 395, "rejected": 5}
    assert ColumnarChecker(Run.build(reference_date=ON,
                                     selection=[Selection(select=SIX_CHECKS)])).batch_ready()


PLANNER = Path(sys.executable).with_name("planner")


def _cli(*args: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_the_backend_option_gives_the_same_output_and_names_the_backend(tmp_path, district):
    folder = tmp_path / "district"
    assert _cli("convert", DISTRICT, folder, "--to", "parquet").returncode == 0
    outputs = {}
    for backend in ("python", "columnar", "auto"):
        out = tmp_path / f"{backend}.jsonl"
        result = _cli("check", folder, "--date", "2020-09-30", "--output-format", "jsonl",
                      "--output", out, "--backend", backend, "--lang", "en")
        assert result.returncode == 1, result.stderr
        outputs[backend] = out.read_text(encoding="utf-8")
        ran = "python" if backend == "python" else "columnar"
        assert result.stderr.splitlines()[-1] == f"backend: {ran}"
    assert outputs["python"] == outputs["columnar"] == outputs["auto"]
    assert len(outputs["python"].splitlines()) > 50
    result = _cli("check", DISTRICT, "--output-format", "json", "--lang", "en",
                  "--output", tmp_path / "jsonl-input.json")
    assert result.stderr.splitlines()[-1] == "backend: python"  # auto: not typed Parquet
    assert json.loads((tmp_path / "jsonl-input.json").read_text(encoding="utf-8"))


def test_ids_added_a_batch_at_a_time_are_repeats_where_added_one_by_one():
    """IdTable.add_many: the same repeats, and the same earlier places, as add in order, over
    batches of every size (one id, a few, more than the index holds) and repeats within one."""
    rnd = random.Random(11)
    ids = [f"h{rnd.randrange(4000)}" for _ in range(12_000)]
    one, many = SeenRecords("household"), SeenRecords("household")
    source_one, source_many = one.source("a.parquet"), many.source("a.parquet")
    expected = {i: first for i, id_ in enumerate(ids)
                if (first := one.add(id_, source_one, i + 1)) is not None}
    found: dict[int, Any] = {}
    start = 0
    for size in [1, 3, 700, 5000, 1, 8192]:
        part = ids[start:start + size]
        repeats = many.add_many(part, source_many, np.arange(start + 1, start + 1 + len(part)))
        found.update({start + at: first for at, first in repeats.items()})
        start += len(part)
    assert start == len(ids) and found == expected
    assert 0 < len(expected) < len(ids)
    assert many.add("new", source_many, 1) is None
    assert many.add(ids[0], source_many, 9) == {"file": "a.parquet", "sheet": None, "record": 1}


def test_check_on_typed_parquet_takes_the_batch_path_with_the_python_backends_output(
        tmp_path, generated, monkeypatch):
    """``planner check --backend columnar`` of the six checks on typed Parquet (a rejected
    row and a repeated id in it) judges batches (no household checked one by one where
    nothing fires) and writes what the Python backend writes: findings, errors, totals."""
    from click.testing import CliRunner

    from planner.backends.columnar import checker as columnar_checker
    from planner.cli import cli

    rows = [h.model_dump() for h in generated[:600]]
    rows[7]["housing"]["safety_grade"] = "E"  # rejected
    rows[300]["id"] = rows[4]["id"]  # read twice
    path = tmp_path / "households.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path, row_group_size=256)
    checked: list[int] = []
    check_household = columnar_checker.ColumnarChecker._check_household

    def counted(self: Any, *args: Any) -> Any:
        checked.append(1)
        return check_household(self, *args)

    monkeypatch.setattr(columnar_checker.ColumnarChecker, "_check_household", counted)
    outputs = {}
    for backend in ("python", "columnar"):
        out = tmp_path / f"{backend}.jsonl"
        result = CliRunner().invoke(cli, [
            "check", str(path), "--date", str(ON), "--output-format", "jsonl", "--output",
            str(out), "--backend", backend, "--workers", "1", "--lang", "en",
            "--select", ",".join(SIX_CHECKS)])
        assert result.exit_code == 1, result.output
        outputs[backend] = (out.read_text(encoding="utf-8"), result.stderr.splitlines()[:-1])
    assert outputs["columnar"] == outputs["python"]
    findings = outputs["python"][0].splitlines()
    assert findings and "duplicate household id" in "\n".join(outputs["python"][1])
    assert 0 < len(checked) < 600 - 2  # only households where a rule fires were checked
