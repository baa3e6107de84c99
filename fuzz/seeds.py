"""Seed files of every reader: the example district, generated households and national exports.

A seed is the set of files one read needs: the main file (``households.<ext>``) and, for the flat
formats, its part files (``households.income.csv`` …). Seeds are written once into a folder and
loaded as bytes by each worker.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from planner.io import write_households
from planner.model import Household

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district"
EXAMPLES = ROOT / "examples" / "households"
IO_DATA = ROOT / "tests" / "data" / "io"
EXTENSIONS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx",
              "parquet": "parquet", "parquet-flat": "parquet"}
READERS = tuple(EXTENSIONS)
EXPORT_CSV = IO_DATA / "export_2023.csv"  # GB18030, title rows, Chinese headers


@dataclass(frozen=True, slots=True)
class Seed:
    """One seed input: its name, the reader it feeds and its files (name → bytes)."""

    name: str
    reader: str
    files: dict[str, bytes]

    @property
    def main(self) -> str:
        """The name of the file the reader is pointed at."""
        return f"households.{EXTENSIONS[self.reader]}"


def _district(count: int) -> list[Household]:
    with (DISTRICT / "households.jsonl").open("rb") as lines:
        return [Household.model_validate_json(line) for line in itertools.islice(lines, count)]


def _generated(count: int, seed: int) -> list[Household]:
    from planner.generate import GeneratorConfig, generate_households

    config = GeneratorConfig(households=count, seed=seed, problem_share=0.6)
    return [Household.model_validate(item.household) for item in generate_households(config)]


def _edge() -> list[Household]:
    named = [Household.model_validate_json((EXAMPLES / f"{n}.json").read_bytes())
             for n in ("pre_exit_2808", "one_room_unsafe_water", "no_labour")]
    edge = json.loads((IO_DATA / "edge_households.json").read_text(encoding="utf-8"))
    return named + [Household.model_validate(h) for h in edge]


def household_sets() -> dict[str, list[Household]]:
    """Small sets of real households: district, generated with problems, edge cases."""
    return {"district": _district(6), "generated": _generated(8, seed=11), "edge": _edge()}


def export_rows() -> list[list[str]]:
    """The rows of the national-export-shaped CSV (two title rows, Chinese headers)."""
    text = EXPORT_CSV.read_bytes().decode("gb18030")
    return list(csv.reader(io.StringIO(text, newline="")))


def _export_xlsx(path: Path) -> None:
    """The national export as Excel saves it: title rows, Chinese headers, numbers as numbers."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = book.add_worksheet("监测对象")
    for number, row in enumerate(export_rows()):
        for column, cell in enumerate(row):
            try:
                value: object = float(cell) if number > 2 and len(cell) < 12 else cell
            except ValueError:
                value = cell
            sheet.write(number, column, value)
    book.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def build_seeds(folder: Path) -> dict[str, list[Seed]]:
    """Write every seed under ``folder/<reader>/<name>/`` and return them by reader."""
    seeds: dict[str, list[Seed]] = {reader: [] for reader in READERS}
    sets = household_sets()
    for reader in READERS:
        for name, households in sets.items():
            target = folder / reader / name
            target.mkdir(parents=True, exist_ok=True)
            write_households(households, target / f"households.{EXTENSIONS[reader]}", fmt=reader)
            seeds[reader].append(Seed(name, reader, _files(target)))
    export_csv = folder / "csv" / "export"
    export_csv.mkdir(parents=True, exist_ok=True)
    (export_csv / "households.csv").write_bytes(EXPORT_CSV.read_bytes())
    seeds["csv"].append(Seed("export", "csv", _files(export_csv)))
    broken = folder / "csv" / "broken"
    broken.mkdir(parents=True, exist_ok=True)
    (broken / "households.csv").write_bytes((IO_DATA / "broken" / "households.csv").read_bytes())
    seeds["csv"].append(Seed("broken", "csv", _files(broken)))
    export_xlsx = folder / "xlsx" / "export"
    export_xlsx.mkdir(parents=True, exist_ok=True)
    _export_xlsx(export_xlsx / "households.xlsx")
    seeds["xlsx"].append(Seed("export", "xlsx", _files(export_xlsx)))
    combined = folder / "json" / "combined"
    combined.mkdir(parents=True, exist_ok=True)
    villages = json.loads((DISTRICT / "villages.json").read_text(encoding="utf-8"))[:2]
    projects = json.loads((DISTRICT / "projects.json").read_text(encoding="utf-8"))[:2]
    (combined / "households.json").write_text(json.dumps(
        {"households": [h.model_dump(mode="json", exclude_none=True) for h in sets["edge"]],
         "villages": villages, "projects": projects}, ensure_ascii=False), encoding="utf-8")
    seeds["json"].append(Seed("combined", "json", _files(combined)))
    return seeds


def load_seeds(folder: Path) -> dict[str, list[Seed]]:
    """The seeds :func:`build_seeds` wrote under ``folder``, in a stable order."""
    return {reader: [Seed(path.name, reader, _files(path))
                     for path in sorted((folder / reader).iterdir()) if path.is_dir()]
            for reader in READERS}
