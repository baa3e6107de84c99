"""Lay JSON-lines households out as five typed Parquet tables for the vectorised peers.

The polars and OpenFisca peers read what a columnar tool would be given: one table per entity
with real columns, joined by the household's row number ``hh`` — ``households``, ``members``,
``income``, ``costs`` and ``measures``. Only the columns the six checks read are kept (a fair
peer reads no more than it needs; planner reads whole records). Done once, before timing, in
batches so that a million households fit in little memory.

Run: ``python flatten.py HOUSEHOLDS.jsonl FOLDER``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 50_000
SCHEMAS = {
    "households": pa.schema([
        ("hh", pa.int64()), ("id", pa.string()), ("status", pa.string()),
        ("monitored", pa.bool_()), ("income_year", pa.int32()), ("income_recorded", pa.bool_()),
        ("safety_grade", pa.string()), ("renovation", pa.string()), ("relocation", pa.string()),
        ("water_quality_safe", pa.bool_()),
    ]),
    "members": pa.schema([
        ("hh", pa.int64()), ("id_number", pa.string()), ("birth_date", pa.date32()),
        ("labour_capacity", pa.string()), ("schooling", pa.string()), ("education", pa.string()),
        ("schooling_exemption", pa.bool_()), ("medical_insurance", pa.string()),
    ]),
    "income": pa.schema([
        ("hh", pa.int64()), ("category", pa.string()), ("amount", pa.float64()),
        ("year", pa.int32()),
    ]),
    "costs": pa.schema([("hh", pa.int64()), ("amount", pa.float64()), ("year", pa.int32())]),
    "measures": pa.schema([
        ("hh", pa.int64()), ("measure", pa.string()), ("status", pa.string()),
        ("year", pa.int32()),
    ]),
}


def _rows(number: int, h: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> None:
    housing, water = h.get("housing") or {}, h.get("water") or {}
    tables["households"].append({
        "hh": number, "id": h["id"], "status": h.get("status"),
        "monitored": h.get("monitoring") is not None, "income_year": h.get("income_year"),
        "income_recorded": h.get("income") is not None,
        "safety_grade": housing.get("safety_grade"), "renovation": housing.get("renovation"),
        "relocation": housing.get("relocation"), "water_quality_safe": water.get("quality_safe"),
    })
    for m in h.get("members") or ():
        tables["members"].append({
            "hh": number, "id_number": m.get("id_number"), "birth_date": m.get("birth_date"),
            "labour_capacity": m.get("labour_capacity"), "schooling": m.get("schooling"),
            "education": m.get("education"), "schooling_exemption": m.get("schooling_exemption"),
            "medical_insurance": m.get("medical_insurance"),
        })
    for s in h.get("income") or ():
        tables["income"].append({"hh": number, "category": s["category"], "amount": s["amount"],
                                 "year": s["year"]})
    for c in h.get("production_costs") or ():
        tables["costs"].append({"hh": number, "amount": c["amount"], "year": c["year"]})
    for m in h.get("measures") or ():
        start = m.get("start")
        year = m.get("year") if m.get("year") is not None else (int(start[:4]) if start else None)
        tables["measures"].append({"hh": number, "measure": m["measure"],
                                   "status": m.get("status", "planned"), "year": year})


def flatten(source: Path, folder: Path) -> int:
    """Write the five tables of the households in ``source`` into ``folder``; return the count."""
    from datetime import date

    folder.mkdir(parents=True, exist_ok=True)
    writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", schema)
               for name, schema in SCHEMAS.items()}
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    count = 0

    def flush() -> None:
        for name, rows in tables.items():
            if name == "members":
                for row in rows:
                    if row["birth_date"]:
                        row["birth_date"] = date.fromisoformat(row["birth_date"])
            writers[name].write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[name]))
            rows.clear()

    with source.open("rb") as lines:
        for line in lines:
            _rows(count, orjson.loads(line), tables)
            count += 1
            if count % BATCH == 0:
                flush()
    flush()
    for writer in writers.values():
        writer.close()
    return count


if __name__ == "__main__":
    print(flatten(Path(sys.argv[1]), Path(sys.argv[2])))
