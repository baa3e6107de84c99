"""Households are read whole or not at all, and no id is accepted twice in a run.

Flat tables (CSV, XLSX, flat Parquet): a household whose rows come back after other households'
rows, or with rows without a household id next to or among its rows, is rejected whole with an
error naming its rows. Every format and every run over several files: the first record of an id
is kept, every later one rejected with where the first one was; read = accepted + rejected.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from planner.io import (
    InputError,
    ReadStats,
    StrictError,
    open_dataset,
    read_households,
    read_villages,
    write_households,
)
from planner.io.seen import IdTable
from planner.model import Household

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "households"
PLANNER = [str(Path(sys.executable).parent / "planner")]
# A (4 members, a wage on member 1), B (4 members), C (3 members, a wage on member 1)
NAMES = ("pre_exit_2808", "edu_dropout", "one_room_unsafe_water")


@pytest.fixture(scope="module")
def households() -> list[Household]:
    return [Household.model_validate_json((EXAMPLES / f"{n}.json").read_text(encoding="utf-8"))
            for n in NAMES]


def _read(path: Path, **options: object) -> tuple[list[Household], list[InputError], ReadStats]:
    errors: list[InputError] = []
    stats = ReadStats()
    accepted = list(read_households(path, errors=errors, stats=stats, **options))  # type: ignore[arg-type]
    return accepted, errors, stats


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _save_csv(path: Path, rows: list[list[str]]) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))


def _flat_csv(folder: Path, households: list[Household], change) -> Path:
    """Households as planner writes CSV (member rows + part files), the main rows then changed:
    ``change(data_rows) -> data_rows`` (row 1 is the header, so data row i is spreadsheet row
    i + 2)."""
    path = folder / "households.csv"
    write_households(households, path)
    header, *rows = _table(path)
    _save_csv(path, [header, *change(rows)])
    return path


def _xlsx_from_csv(csv_path: Path, target: Path) -> Path:
    """The CSV tables (main and parts) as the sheets of a real workbook written by XlsxWriter."""
    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False})
    for path in [csv_path, *sorted(csv_path.parent.glob("households.*.csv"))]:
        name = "households" if path == csv_path else path.name.split(".")[1]
        sheet = book.add_worksheet(name)
        for number, row in enumerate(_table(path)):
            for column, cell in enumerate(row):
                if cell != "":
                    sheet.write_string(number, column, cell)
    book.close()
    return target


def _flat_parquet(folder: Path, households: list[Household], order: list[int],
                  blank_id: int | None = None) -> Path:
    """Flat Parquet written by planner, its main table's rows then taken in ``order`` (0-based),
    the household id of row ``blank_id`` (0-based, after reordering) made null."""
    path = folder / "households.parquet"
    write_households(households, path, fmt="parquet-flat")
    table = pq.read_table(path).take(order)
    if blank_id is not None:
        ids = table.column("id").to_pylist()
        ids[blank_id] = None
        table = table.set_column(table.schema.get_field_index("id"), "id", pa.array(ids))
    pq.write_table(table, path)
    return path


def _move_last_member_of_a_after_b(rows: list[list[str]]) -> list[list[str]]:
    # A: data rows 0-3, B: 4-7, C: 8-10 → A A A B B B B A C C C
    return [*rows[:3], *rows[4:8], rows[3], *rows[8:]]


def _blank_id_of_last_member_of_a(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    rows[3][0] = ""  # 户编号 (id) is the first column planner writes
    return rows


# --- a household whose rows are split: rejected whole, naming its rows ------------------------

def _assert_split_a_rejected(accepted, errors, stats, households, where: str, spans: str):
    assert accepted == households[1:]  # B and C exactly as written: nothing moved between them
    assert [(e.household, e.field) for e in errors] == [("522425-101-0001", "id")]
    error = errors[0]
    assert error.reason_en == (
        f"the rows of household 522425-101-0001 are not adjacent (other households' rows come "
        f"between them): {spans}; the household cannot be told complete, so none of its rows "
        "was read")
    assert error.reason_zh.startswith("户编号 522425-101-0001 的行不相邻")
    assert error.location_en().endswith(where)
    assert stats.to_dict() == {"read": 3, "accepted": 2, "rejected": 1}


def test_csv_a_member_row_out_of_order_rejects_its_household_whole(tmp_path, households):
    path = _flat_csv(tmp_path, households, _move_last_member_of_a_after_b)
    accepted, errors, stats = _read(path)
    _assert_split_a_rejected(accepted, errors, stats, households,
                             "households.csv, row 2, household 522425-101-0001, column id",
                             "rows 2–4, 9")


def test_xlsx_a_member_row_out_of_order_rejects_its_household_whole(tmp_path, households):
    path = _flat_csv(tmp_path, households, _move_last_member_of_a_after_b)
    book = _xlsx_from_csv(path, tmp_path / "households.xlsx")
    accepted, errors, stats = _read(book)
    _assert_split_a_rejected(
        accepted, errors, stats, households,
        "households.xlsx, sheet households, row 2, household 522425-101-0001, column id",
        "rows 2–4, 9")


def test_flat_parquet_a_member_row_out_of_order_rejects_its_household_whole(tmp_path,
                                                                            households):
    order = [0, 1, 2, 4, 5, 6, 7, 3, 8, 9, 10]
    path = _flat_parquet(tmp_path, households, order)
    accepted, errors, stats = _read(path)
    _assert_split_a_rejected(
        accepted, errors, stats, households,
        "households.parquet, record 1, household 522425-101-0001, column id", "records 1–3, 8")


def test_a_household_coming_back_three_times_is_rejected_once_naming_every_row(
        tmp_path, households):
    def interleave(rows):  # A B A B A C
        return [rows[0], rows[4], rows[1], rows[5], rows[2], rows[3], *rows[6:]]

    path = _flat_csv(tmp_path, households, interleave)
    accepted, errors, stats = _read(path)
    assert accepted == households[2:]
    assert [(e.row, e.household) for e in errors if e.field == "id"] == [
        (2, "522425-101-0001"), (3, "522425-105-0004")]
    assert "rows 2, 4, 6–7" in errors[0].reason_en
    assert "rows 3, 5, 8–9" in errors[1].reason_en
    assert stats.to_dict() == {"read": 3, "accepted": 1, "rejected": 2}


# --- a row without a household id: its neighbours are rejected, never silently shortened ------

def test_csv_a_member_row_without_household_id_rejects_the_households_beside_it(tmp_path,
                                                                                households):
    path = _flat_csv(tmp_path, households, _blank_id_of_last_member_of_a)
    accepted, errors, stats = _read(path)
    assert accepted == households[2:]  # C; A lost a member, B may have gained one
    assert [(e.row, e.household) for e in errors] == [
        (2, "522425-101-0001"), (5, None), (6, "522425-105-0004")]
    assert errors[0].reason_en == (
        "rows without a household id (row 5) lie next to or among this household's rows "
        "(rows 2–4); they may be its members, so the household was not read")
    assert errors[1].reason_en == "the row has no household id and belongs to no household"
    assert errors[2].reason_en.startswith("rows without a household id (row 5) lie next to")
    # A, the row without an id, B, C
    assert stats.to_dict() == {"read": 4, "accepted": 1, "rejected": 3}


def test_blank_ids_of_continuation_rows_are_not_inherited(tmp_path, households):
    """The export shape of merged household-id cells: the id on the first member row only."""
    def continuation(rows):
        rows = [list(r) for r in rows]
        for index in (1, 2, 3, 9, 10):  # A's members 2-4, C's members 2-3
            rows[index][0] = ""
        return rows

    path = _flat_csv(tmp_path, households, continuation)
    accepted, errors, stats = _read(path)
    assert accepted == []
    rejected = [(e.row, e.household) for e in errors if e.household]
    assert rejected == [(2, "522425-101-0001"), (6, "522425-105-0004"),
                        (10, "522425-102-0002")]
    assert "(rows 3–5)" in errors[0].reason_en and "(row 2)" in errors[0].reason_en
    assert [e.row for e in errors if e.household is None] == [3, 4, 5, 11, 12]
    assert stats.to_dict() == {"read": 8, "accepted": 0, "rejected": 8}


def test_a_row_without_id_among_a_households_rows_rejects_only_that_household(tmp_path,
                                                                              households):
    def among(rows):
        rows = [list(r) for r in rows]
        rows[1][0] = ""  # A's second member
        return rows

    path = _flat_csv(tmp_path, households, among)
    accepted, errors, stats = _read(path)
    assert accepted == households[1:]
    assert [(e.row, e.household) for e in errors] == [(2, "522425-101-0001"), (3, None)]
    assert "(row 3) lie next to or among this household's rows (rows 2–5)" in errors[0].reason_en
    assert stats.to_dict() == {"read": 4, "accepted": 2, "rejected": 2}


def test_a_footer_row_without_member_values_rejects_only_itself(tmp_path, households):
    def footer(rows):
        note = [""] * len(rows[0])
        note[1] = "制表人：张三"  # region.province, a household column
        return [*rows, note]

    path = _flat_csv(tmp_path, households, footer)
    accepted, errors, stats = _read(path)
    assert accepted == households
    assert [(e.row, e.reason_en) for e in errors] == [
        (13, "the row has no household id and belongs to no household")]
    assert stats.to_dict() == {"read": 4, "accepted": 3, "rejected": 1}


def test_xlsx_a_member_row_without_household_id_rejects_the_households_beside_it(
        tmp_path, households):
    path = _flat_csv(tmp_path, households, _blank_id_of_last_member_of_a)
    accepted, errors, stats = _read(_xlsx_from_csv(path, tmp_path / "households.xlsx"))
    assert accepted == households[2:]
    assert [(e.sheet, e.row, e.household) for e in errors] == [
        ("households", 2, "522425-101-0001"), ("households", 5, None),
        ("households", 6, "522425-105-0004")]
    assert stats.to_dict() == {"read": 4, "accepted": 1, "rejected": 3}


def test_flat_parquet_a_member_row_without_household_id_rejects_the_households_beside_it(
        tmp_path, households):
    path = _flat_parquet(tmp_path, households, list(range(11)), blank_id=3)
    accepted, errors, stats = _read(path)
    assert accepted == households[2:]
    assert [(e.record, e.household) for e in errors] == [
        (1, "522425-101-0001"), (4, None), (5, "522425-105-0004")]
    assert "(record 4)" in errors[0].reason_en and "(records 1–3)" in errors[0].reason_en
    assert stats.to_dict() == {"read": 4, "accepted": 1, "rejected": 3}


def test_a_wage_never_moves_to_another_member(tmp_path, households):
    """A's first member (with a wage) moved to the end of the file: before, A was accepted
    without him and his employment rows were matched to whoever became member 1."""
    def first_member_last(rows):
        return [*rows[1:], rows[0]]

    path = _flat_csv(tmp_path, households, first_member_last)
    accepted, errors, stats = _read(path)
    assert accepted == households[1:]
    assert [(e.row, e.household) for e in errors] == [(2, "522425-101-0001")]
    assert "rows 2–4, 12" in errors[0].reason_en
    assert stats.to_dict() == {"read": 3, "accepted": 2, "rejected": 1}


# --- the same id twice in one file, in every nested format ------------------------------------

def _twice(households: list[Household]) -> list[Household]:
    later = households[0].model_copy(update={"members": households[0].members[:1]})
    return [households[0], households[1], later]


def _assert_second_a_rejected(accepted, errors, stats, households, where: str, first: str):
    assert accepted == households[:2]
    assert len(errors) == 1
    error = errors[0]
    assert (error.household, error.field) == ("522425-101-0001", "id")
    assert error.location_en() == where
    assert error.reason_en == (
        f"duplicate household id 522425-101-0001: already read at {first}; the first one is "
        "kept and this one was not read")
    assert error.reason_zh.startswith("户编号 522425-101-0001 重复：已在 ")
    assert stats.to_dict() == {"read": 3, "accepted": 2, "rejected": 1}


@pytest.mark.parametrize("name", ["h.json", "h.jsonl", "h.parquet"])
def test_the_same_household_id_twice_in_one_file_keeps_the_first(tmp_path, households, name):
    path = tmp_path / name
    write_households(_twice(households), path)
    accepted, errors, stats = _read(path)
    _assert_second_a_rejected(accepted, errors, stats, households,
                              f"{path}, record 3, household 522425-101-0001, field id",
                              f"{path}, record 1")


def test_strict_stops_at_a_duplicate(tmp_path, households):
    path = tmp_path / "h.jsonl"
    write_households(_twice(households), path)
    with pytest.raises(StrictError) as caught:
        list(read_households(path, strict=True))
    assert caught.value.error.reason_en.startswith("duplicate household id 522425-101-0001")


def test_the_same_village_id_twice_is_rejected(tmp_path):
    villages = json.loads((ROOT / "examples" / "district" / "villages.json").read_text("utf-8"))
    path = tmp_path / "villages.json"
    path.write_text(json.dumps([villages[0], villages[1], villages[0]]), encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    assert len(list(read_villages(path, errors=errors, stats=stats))) == 2
    assert [(e.record, e.reason_en) for e in errors] == [(3, (
        f"duplicate village id {villages[0]['id']}: already read at {path}, record 1; the first "
        "one is kept and this one was not read"))]
    assert stats.to_dict() == {"read": 3, "accepted": 2, "rejected": 1}


# --- several files of one run ------------------------------------------------------------------

def _partitioned(folder: Path, households: list[Household]) -> Path:
    """A district folder whose households/ holds two partitions sharing household B."""
    parts = folder / "district" / "households"
    parts.mkdir(parents=True)
    write_households(households[:2], parts / "part-1.jsonl")
    write_households(households[1:], parts / "part-2.csv")
    return folder / "district"


def test_a_household_in_two_partition_files_is_read_once(tmp_path, households):
    district = _partitioned(tmp_path, households)
    dataset = open_dataset(district)
    assert list(dataset.households()) == households
    first = district / "households" / "part-1.jsonl"
    assert [(Path(e.file).name, e.row, e.household, e.reason_en) for e in dataset.errors] == [
        ("part-2.csv", 2, "522425-105-0004",
         f"duplicate household id 522425-105-0004: already read at {first}, record 2; the first "
         "one is kept and this one was not read")]
    assert dataset.stats.to_dict() == {"read": 4, "accepted": 3, "rejected": 1}
    # read again: the counts start afresh and the first file still wins
    assert len(list(dataset.households())) == 3
    assert dataset.stats.to_dict() == {"read": 4, "accepted": 3, "rejected": 1}


def test_a_flat_first_occurrence_is_named_by_its_row(tmp_path, households):
    write_households(households[:2], tmp_path / "a.csv")
    write_households(households[1:2], tmp_path / "b.parquet")
    dataset = open_dataset([tmp_path / "a.csv", tmp_path / "b.parquet"])
    assert list(dataset.households()) == households[:2]
    assert [e.reason_en for e in dataset.errors] == [
        f"duplicate household id 522425-105-0004: already read at {tmp_path / 'a.csv'}, row 6; "
        "the first one is kept and this one was not read"]
    assert dataset.errors[0].location_en().startswith(f"{tmp_path / 'b.parquet'}, record 1")


def _planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_validate_counts_a_duplicate_across_partitions_and_exits_1(tmp_path, households):
    district = _partitioned(tmp_path, households)
    done = _planner("validate", district, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert ("part-2.csv 第2行 户编号 522425-105-0004 字段 id：户编号 522425-105-0004 重复"
            in done.stdout)
    assert "户：读取 4，接受 3，拒绝 1\n" in done.stdout


def test_validate_rejects_a_split_household_and_exits_1(tmp_path, households):
    path = _flat_csv(tmp_path, households, _move_last_member_of_a_after_b)
    done = _planner("validate", path, "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["households"] == {"read": 3, "accepted": 2, "rejected": 1}
    assert [(e["row"], e["household"]) for e in report["errors"]] == [(2, "522425-101-0001")]


def test_check_reads_a_duplicate_once_and_reports_it(tmp_path, households):
    district = _partitioned(tmp_path, households)
    done = _planner("check", district, "--lang", "en", "--no-color", "--output-format", "json",
                    cwd=tmp_path)
    # a rejected record makes the exit code non-zero (planner.cli.check decides which)
    assert done.returncode != 0, done.stderr
    assert "Records read: 4; accepted 3, rejected 1" in done.stderr
    report = json.loads(done.stdout)
    inputs = report["summary"]["inputs"]
    assert (inputs["read"], inputs["accepted"], inputs["rejected"]) == (4, 3, 1)
    assert "duplicate household id 522425-105-0004" in inputs["errors"][0]
    alone = _planner("check", district / "households" / "part-1.jsonl", "--lang", "en",
                     "--no-color", "--output-format", "json", cwd=tmp_path)
    # the findings of the household in both files are those of reading it once
    def codes(output: str) -> list[str]:
        return sorted(f["code"] for f in json.loads(output)["findings"]
                      if f["subject"] == "522425-105-0004")
    assert codes(alone.stdout) and codes(done.stdout) == codes(alone.stdout)


# --- the compact table behind both ---------------------------------------------------------------

def test_the_id_table_keeps_the_first_place_of_every_id_through_growth():
    table = IdTable()
    ids = [f"522425-{n:07d}" for n in range(60_000)]
    for place, key in enumerate(ids):
        assert table.add(key, place) is None
    assert len(table) == 60_000
    assert all(table.get(key) == place for place, key in enumerate(ids))
    assert [table.add(key, 0) for key in ids[::7_000]] == list(range(0, 60_000, 7_000))
    assert table.get("522425-0060000") is None and "522425-9" not in table
    assert ids[59_999] in table
