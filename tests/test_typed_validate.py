"""``planner validate`` of typed Parquet: rows the column checks pass are counted, not built; the
report (errors, totals, exit code) is the one the households built one by one give."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from planner.generate import GeneratorConfig, generate_households
from planner.io import open_dataset
from planner.io.typedparquet import ROW_GROUP
from planner.io.typedschema import typed_schema
from planner.model import Household

PLANNER = Path(sys.executable).with_name("planner")
SCHEMA = typed_schema(Household, "household")


def _rows(count: int) -> list[dict[str, Any]]:
    """``count`` generated households as typed rows (600 generated, repeated with new ids)."""
    config = GeneratorConfig(households=600, seed=3, problem_share=0.3)
    base = [Household.model_validate(item.household).model_dump()
            for item in generate_households(config)]
    rows = []
    for number in range(count):
        row = dict(base[number % len(base)])
        row["id"] = f"{row['id']}-{number}"
        rows.append(row)
    return rows


def _planted(rows: list[dict[str, Any]]) -> None:
    """Errors at the edges of the batches read (first, last, across row groups), a row the
    model accepts once it strips a name, and an id read twice."""
    last = len(rows) - 1
    rows[0]["housing"] = {**rows[0]["housing"], "safety_grade": "E"}
    rows[ROW_GROUP - 1]["members"] = [*rows[ROW_GROUP - 1]["members"], None]
    rows[ROW_GROUP]["id"] = rows[5]["id"]
    member = {**rows[ROW_GROUP + 1]["members"][0], "name": " 王五 ", "sex": "unknown"}
    rows[ROW_GROUP + 1]["members"] = [member, *rows[ROW_GROUP + 1]["members"][1:]]
    member = {**rows[ROW_GROUP + 2]["members"][0], "name": " 王五 "}
    rows[ROW_GROUP + 2]["members"] = [member, *rows[ROW_GROUP + 2]["members"][1:]]
    rows[2 * ROW_GROUP + 7]["income"] = [{"category": "wage", "amount": -1.0, "year": 2020}]
    rows[last]["recorded_size"] = -3
    rows[last - 1]["exit_target"] = date(9999, 12, 31)


def test_validate_of_typed_parquet_reports_what_built_households_give(tmp_path):
    rows = _rows(2 * ROW_GROUP + 500)
    _planted(rows)
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    days = table.column("exit_target").cast(pa.int32()).to_pylist()
    days[len(rows) - 2] = 3_000_000  # a date Python cannot hold
    table = table.set_column(SCHEMA.get_field_index("exit_target"), "exit_target",
                             pa.array(days, type=pa.int32()).cast(pa.date32()))
    path = tmp_path / "households.parquet"
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path,
                   row_group_size=ROW_GROUP)

    dataset = open_dataset([path], mask=True)
    built = list(dataset.households())  # built one by one, as check --backend python reads
    assert all(isinstance(h, Household) for h in built)
    expected = [error.to_dict() for error in dataset.errors]

    done = subprocess.run([str(PLANNER), "validate", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["errors"] == expected
    totals = {"read": len(rows), "accepted": len(rows) - 7, "rejected": 7}
    assert dataset.stats.to_dict() == totals
    assert report["households"] == totals
    members = len(rows[ROW_GROUP - 1]["members"])  # the last of them None: member N (1-based)
    assert {(error["record"], error["field"]) for error in report["errors"]} == {
        (1, "housing.safety_grade"), (ROW_GROUP, f"members.{members}"), (ROW_GROUP + 1, "id"),
        (ROW_GROUP + 2, "members.1.sex"), (2 * ROW_GROUP + 8, "income.1.amount"),
        (len(rows), "recorded_size"), (len(rows) - 1, "exit_target")}
    assert len(built) == len(rows) - 7
