"""Hostile input: each reader problem is an input error or a whole-file error, no traceback."""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from planner.io import InputError, ReadFailure, ReadStats, read_households, write_households
from planner.model import Household
from planner.output.sarif import _dumps as sarif_dumps
from planner.output.structured import _dumps as json_dumps

ROOT = Path(__file__).resolve().parent.parent
FORMATS = Path(__file__).resolve().parent / "data" / "io" / "formats"
EXAMPLE = ROOT / "examples" / "households" / "pre_exit_2808.json"
PLANNER = str(Path(sys.executable).parent / "planner")
NOT_FINITE_EN = "must be a finite number (not Infinity or NaN)"
NOT_DIGITS_EN = ("digits must be 0-9 (or full-width digits); circled numbers such as ①, "
                 "superscripts and digits of other scripts are not read")


def _household() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _read(path: Path, **options: Any) -> tuple[list[str], list[dict[str, Any]], dict[str, int]]:
    errors: list[InputError] = []
    stats = ReadStats()
    ids = [h.id for h in read_households(path, errors=errors, stats=stats, **options)]
    return ids, [e.to_dict() for e in errors], stats.to_dict()


def _planner(*args: Any) -> subprocess.CompletedProcess[str]:
    """``planner`` in a real process (PYTHONPATH is inherited, so this worktree's code runs)."""
    return subprocess.run([PLANNER, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


def _csv_rows() -> list[list[str]]:
    text = (FORMATS / "households.csv").read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _csv_with(tmp_path: Path, column: str, value: str) -> Path:
    """The five test households as CSV, ``column`` set to ``value`` on the first household's
    four member rows (rows 2–5)."""
    rows = _csv_rows()
    index = rows[0].index(column)
    for row in rows[1:5]:
        row[index] = value
    return _write_csv(tmp_path / "households.csv", rows)


def _file_error(path: Path, reason_en: str, **more: Any) -> dict[str, Any]:
    return {"file": str(path), "level": "file", "reason_en": reason_en, **more}


def _without_zh(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for error in errors:
        assert error.pop("reason_zh")
    return errors


# --- JSON and JSON Lines -------------------------------------------------------------------------

def test_json_nested_deeper_than_python_can_parse_is_a_whole_file_error(tmp_path):
    path = tmp_path / "households.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 0, "accepted": 0, "rejected": 0})
    assert errors == [{"file": str(path), "level": "file", "reason_zh": "JSON 嵌套层数过深",
                       "reason_en": "JSON nested too deeply"}]


def test_a_deeply_nested_jsonl_line_rejects_that_line_only(tmp_path):
    path = tmp_path / "households.jsonl"
    good = json.dumps(_household(), ensure_ascii=False)
    path.write_text(good + "\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    ids, errors, stats = _read(path)
    assert ids == ["522425-101-0001"]
    assert stats == {"read": 2, "accepted": 1, "rejected": 1}
    assert _without_zh(errors) == [{
        "file": str(path), "line": 2, "record": 2, "level": "error",
        "reason_en": "not valid JSON (recursion limit exceeded at line 1 column 202)"}]


def test_a_deeply_nested_list_cell_is_a_cell_error(tmp_path):
    path = _csv_with(tmp_path, "causes", "[" * 100_000 + "]" * 100_000)
    _ids, errors, stats = _read(path)
    assert stats == {"read": 5, "accepted": 4, "rejected": 1}
    assert [(e["row"], e["column"], e["reason_en"]) for e in errors] == [
        (row, "causes", "JSON nested too deeply") for row in (2, 3, 4, 5)]


@pytest.mark.parametrize(("text", "field", "reason_en"), [
    ('{"households": 5}', "households", "households must be a list of records (a JSON array)"),
    ('{"households": "abc"}', "households",
     "households must be a list of records (a JSON array)"),
    ('"abc"', None, "the top level must be one record (a JSON object) or a list of records "
                    "(a JSON array)"),
    ("5", None, "the top level must be one record (a JSON object) or a list of records "
                "(a JSON array)"),
])
def test_a_json_top_level_of_the_wrong_type_is_a_whole_file_error(tmp_path, text, field,
                                                                   reason_en):
    path = tmp_path / "households.json"
    path.write_text(text, encoding="utf-8")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 0, "accepted": 0, "rejected": 0})
    expected = _file_error(path, reason_en, **({"field": field} if field else {}))
    assert _without_zh(errors) == [expected]


def test_a_list_field_given_as_a_string_is_refused_naming_the_field(tmp_path):
    household = _household()
    household["causes"] = "lack_of_skills"
    path = tmp_path / "households.json"
    path.write_text(json.dumps([household], ensure_ascii=False), encoding="utf-8")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 1, "accepted": 0, "rejected": 1})
    assert _without_zh(errors) == [{"file": str(path), "record": 1, "field": "causes",
                                    "value": "lack_of_skills", "household": "522425-101-0001",
                                    "level": "error", "reason_en": "must be a list"}]


def test_a_lone_surrogate_escape_in_json_is_refused_and_printable(tmp_path):
    household = _household()
    household["members"][0]["name"] = "\ud800"
    path = tmp_path / "households.json"
    path.write_text(json.dumps(household), encoding="utf-8")  # ASCII: the escape \ud800
    reason = "holds an invalid Unicode character (a lone surrogate such as \\ud800)"
    ids, errors, stats = _read(path, mask=False)
    assert (ids, stats) == ([], {"read": 1, "accepted": 0, "rejected": 1})
    assert _without_zh(errors) == [{"file": str(path), "record": 1, "field": "members.1.name",
                                    "value": "\\ud800", "household": "522425-101-0001",
                                    "level": "error", "reason_en": reason}]
    result = _planner("validate", path, "--show-personal")
    _no_traceback(result)
    assert result.returncode == 1
    assert "members.1.name" in result.stdout and "\\ud800" in result.stdout


def test_a_lone_surrogate_escape_in_jsonl_rejects_its_line(tmp_path):
    household = _household()
    household["members"][0]["name"] = "\ud800"
    path = tmp_path / "households.jsonl"
    path.write_text(json.dumps(household) + "\n", encoding="utf-8")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 1, "accepted": 0, "rejected": 1})
    assert [(e["line"], e["reason_en"][:16]) for e in errors] == [(1, "not valid JSON (")]


def test_surrogate_bytes_in_a_utf8_jsonl_file_reject_only_their_line(tmp_path):
    lines = []
    for number in range(3):
        household = _household()
        household["id"] = f"H{number}"
        lines.append(json.dumps(household, ensure_ascii=False).encode("utf-8"))
    lines[1] = lines[1].replace("王建国".encode(), b"\xed\xa0\x80", 1)  # \ud800 as UTF-8 bytes
    path = tmp_path / "households.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    ids, errors, stats = _read(path)
    assert ids == ["H0", "H2"]  # still read as UTF-8: no mojibake, no line lost
    assert stats == {"read": 3, "accepted": 2, "rejected": 1}
    assert [(e["line"], e["reason_en"][:16]) for e in errors] == [(2, "not valid JSON (")]


@pytest.mark.parametrize("ext", ["json", "jsonl"])
@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN"])
def test_json_infinity_and_nan_are_refused_naming_the_field(tmp_path, ext, number):
    text = json.dumps(_household(), ensure_ascii=False)
    text = text.replace('"cultivated_mu": 4.5', f'"cultivated_mu": {number}')
    path = tmp_path / f"households.{ext}"
    path.write_text(text + "\n", encoding="utf-8")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 1, "accepted": 0, "rejected": 1})
    assert [(e["field"], e["reason_en"]) for e in errors] == [
        ("living.cultivated_mu", NOT_FINITE_EN)]


# --- cells: digits, Infinity/NaN, long cells -----------------------------------------------------

@pytest.mark.parametrize("value", ["①", "٣", "²", "⑴"])
def test_digits_other_than_ascii_and_full_width_are_refused(tmp_path, value):
    path = _csv_with(tmp_path, "recorded_size", value)
    ids, errors, stats = _read(path)
    assert "522425-101-0001" not in ids
    assert stats == {"read": 5, "accepted": 4, "rejected": 1}
    assert _without_zh(errors) == [
        {"file": str(path), "row": row, "column": "recorded_size", "field": "recorded_size",
         "value": value, "household": "522425-101-0001", "level": "error",
         "reason_en": NOT_DIGITS_EN}
        for row in (2, 3, 4, 5)]


def test_full_width_digits_are_read_as_numbers(tmp_path):
    rows = _csv_rows()
    for row in rows[1:5]:
        row[rows[0].index("recorded_size")] = "１２"
        row[rows[0].index("living.cultivated_mu")] = "４．５"
    path = _write_csv(tmp_path / "households.csv", rows)
    households = list(read_households(path))
    assert len(households) == 5
    assert (households[0].recorded_size, households[0].living.cultivated_mu) == (12, 4.5)


@pytest.mark.parametrize("value", ["inf", "nan", "-Infinity", "NaN", "1e400"])
def test_csv_infinity_and_nan_are_refused_naming_the_column(tmp_path, value):
    path = _csv_with(tmp_path, "living.cultivated_mu", value)
    _ids, errors, stats = _read(path)
    assert stats == {"read": 5, "accepted": 4, "rejected": 1}
    assert [(e["row"], e["column"], e["value"], e["reason_en"]) for e in errors] == [
        (row, "living.cultivated_mu", value, NOT_FINITE_EN) for row in (2, 3, 4, 5)]


def test_a_csv_cell_over_pythons_field_limit_does_not_stop_the_read(tmp_path):
    rows = _csv_rows()
    name = "王" + "x" * 200_000  # over csv's default 131,072-character limit
    rows[1][rows[0].index("member.name")] = name
    path = _write_csv(tmp_path / "households.csv", rows)
    households = list(read_households(path))
    assert len(households) == 5
    assert households[0].members[0].name == name


# --- Parquet ----------------------------------------------------------------------------------

def _flat_parquet(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for part in FORMATS.glob("households.flat*.parquet"):
        (folder / part.name.replace("households.flat", "households")).write_bytes(
            part.read_bytes())
    return folder / "households.parquet"


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_parquet_float_nan_and_infinity_are_refused(tmp_path, value):
    table = pq.read_table(FORMATS / "households.flat.parquet")
    index = table.schema.get_field_index("living.cultivated_mu")
    column = table.column(index).to_pylist()
    column[:4] = [value] * 4
    table = table.set_column(index, table.schema.field(index), pa.array(column, pa.float64()))
    path = tmp_path / "households.parquet"
    pq.write_table(table, path)
    _ids, errors, stats = _read(path)
    assert stats == {"read": 5, "accepted": 4, "rejected": 1}
    assert [(e["record"], e["field"], e["value"], e["reason_en"]) for e in errors] == [
        (record, "living.cultivated_mu", str(value), NOT_FINITE_EN) for record in (1, 2, 3, 4)]


def test_a_corrupt_parquet_part_file_is_named_and_rejects_its_households(tmp_path):
    path = _flat_parquet(tmp_path)
    (tmp_path / "households.income.parquet").write_bytes(b"not a parquet file")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 5, "accepted": 0, "rejected": 5})
    part = str(tmp_path / "households.income.parquet")
    assert errors[0]["file"] == part
    assert errors[0]["reason_en"].startswith(
        "the part table cannot be read: cannot read the Parquet file: Parquet magic bytes")
    result = _planner("validate", path)
    _no_traceback(result)
    assert result.returncode == 1  # the households are rejected, each counted
    assert part in result.stdout


def _damaged_pages(source: Path, target: Path) -> Path:
    """``source`` with the page header of every column chunk scrambled; the footer is intact."""
    data = bytearray(source.read_bytes())
    metadata = pq.ParquetFile(source).metadata
    for group in range(metadata.num_row_groups):
        for index in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(index)
            start = chunk.dictionary_page_offset or chunk.data_page_offset
            for offset in range(start, start + 16):
                data[offset] ^= 0x55
    target.write_bytes(bytes(data))
    return target


def test_a_damaged_nested_parquet_file_is_a_whole_file_error(tmp_path):
    path = _damaged_pages(FORMATS / "households.parquet", tmp_path / "households.parquet")
    ids, errors, stats = _read(path)
    assert (ids, stats) == ([], {"read": 0, "accepted": 0, "rejected": 0})
    assert [(e["file"], e.get("record"), e["level"]) for e in errors] == [(str(path), 1, "file")]
    assert errors[0]["reason_en"].startswith("the Parquet file is damaged near record 1")
    result = _planner("validate", path)
    _no_traceback(result)
    assert result.returncode == 2
    assert "cannot read : " not in result.stderr and str(path) in result.stdout


def test_a_damaged_flat_parquet_main_file_is_a_whole_file_error(tmp_path):
    main = _flat_parquet(tmp_path)
    main.write_bytes(b"PAR1" + bytes(64) + b"PAR1")  # a damaged footer: not even opened
    ids, errors, stats = _read(main)
    assert (ids, stats) == ([], {"read": 0, "accepted": 0, "rejected": 0})
    assert [(e["file"], e.get("record"), e["level"]) for e in errors] == [
        (str(main), None, "file")]
    assert errors[0]["reason_en"].startswith("cannot read the Parquet file: ")


# --- the CLI: exit codes, no traceback, the last-resort guard -------------------------------------

@pytest.mark.parametrize("command", ["validate", "check"])
@pytest.mark.parametrize("text", ['{"households": 5}', "[" * 100_000 + "]" * 100_000])
def test_unreadable_json_exits_2_without_a_traceback(tmp_path, command, text):
    path = tmp_path / "households.json"
    path.write_text(text, encoding="utf-8")
    result = _planner(command, path)
    _no_traceback(result)
    assert result.returncode == 2
    assert str(path) in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["validate", "check"])
def test_circled_digits_are_rejected_records_without_a_traceback(tmp_path, command):
    path = _csv_with(tmp_path, "recorded_size", "①")
    result = _planner(command, path)
    _no_traceback(result)
    assert result.returncode == 1  # a rejected record, the rest read (check: and checked)
    assert "circled numbers such as ①" in result.stdout + result.stderr


def test_a_damaged_gzip_file_is_reported_by_the_last_resort_guard(tmp_path):
    data = gzip.compress((FORMATS / "households.jsonl").read_bytes())
    path = tmp_path / "households.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadFailure) as raised:  # the library does not hide the bug
        list(read_households(path))
    assert raised.value.file == str(path) and isinstance(raised.value.__cause__, EOFError)
    for command in ("validate", "check", "convert"):
        extra = [tmp_path / "out.jsonl"] if command == "convert" else []
        result = _planner(command, path, *extra)
        _no_traceback(result)
        assert result.returncode == 2, (command, result.stderr)
        assert f"读取 {path} 时发生意外错误（EOFError），该文件未读完" in result.stderr
        assert "unexpected error (EOFError)" not in result.stderr  # the run's language only
        if command != "check":  # check reports it as its own input failure
            assert "unexpected EOFError while reading input" in result.stderr  # logged


# --- outputs never hold non-finite numbers -------------------------------------------------------

@pytest.mark.parametrize("dumps", [json_dumps, sarif_dumps])
def test_json_and_sarif_dumps_refuse_non_finite_numbers(dumps):
    assert dumps({"gain": 1.5}) == '{"gain": 1.5}'
    for value in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError, match="not JSON compliant"):
            dumps({"gain": value})


def test_records_never_hold_non_finite_numbers():
    household = _household()
    household["water"]["reliability"] = math.nan
    with pytest.raises(ValueError, match="finite"):
        Household.model_validate(household)


def test_written_households_read_back_after_the_hardening(tmp_path):
    household = Household.model_validate(_household())
    for name in ("households.csv", "households.jsonl", "households.parquet"):
        path = tmp_path / name
        write_households([household], path)
        assert list(read_households(path)) == [household]
