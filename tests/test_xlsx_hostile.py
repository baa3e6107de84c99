"""Hostile and damaged XLSX workbooks: refused or reported, never a crash; merged cells read."""

from __future__ import annotations

import csv
import io
import resource
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from planner.io import FormatError, InputError, ReadStats, read_households

from .bilingual import in_both

DATA = Path(__file__).resolve().parent / "data" / "io"
FORMATS = DATA / "formats"
SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>")
TAIL = b"</sheetData></worksheet>"
TEXT_AS_TEXT = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
MEMORY_LIMIT = 2 << 30  # the reader must never come near it; the unguarded one asked for 4–500 GB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _validate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``planner validate`` in its own process, with address space limited to 2 GB."""
    return subprocess.run(
        [sys.executable, "-c", "from planner.cli import main; main()", "validate",
         *[str(a) for a in args]],
        capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory, check=False)


def _export_rows() -> list[list[str]]:
    """The national export fixture: two title rows, the header, member rows (GB18030 CSV)."""
    text = (DATA / "export_2023.csv").read_bytes().decode("gb18030")
    return list(csv.reader(io.StringIO(text)))


def _export_workbook(path: Path, write_extra: Callable[..., None] | None = None,
                     merge_ids: bool = False) -> Path:
    """The national export as a real workbook written by XlsxWriter.

    ``merge_ids`` merges each household id (户编号) over its member rows, as the national
    system's exports do, and 民族 where a household's members share it; ``write_extra(sheet)``
    adds cells (a far one, for instance).
    """
    rows = _export_rows()
    book = xlsxwriter.Workbook(str(path), TEXT_AS_TEXT)
    sheet = book.add_worksheet("households")
    header_at = next(i for i, row in enumerate(rows) if "户编号" in row)
    id_column = rows[header_at].index("户编号")
    merges = []
    # the household id, and a member column (民族) equal on all of a household's member rows
    for column in ([id_column, rows[header_at].index("民族")] if merge_ids else []):
        first = header_at + 1
        while first < len(rows):
            last = first
            while (last + 1 < len(rows) and rows[last + 1][id_column] == rows[first][id_column]
                   and rows[last + 1][column] == rows[first][column]):
                last += 1
            if last > first:
                merges.append((first, column, last, rows[first][column]))
            first = last + 1
    covered = {(r, c) for first, c, last, _ in merges for r in range(first + 1, last + 1)}
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if (number, column) not in covered:  # Excel keeps only the top-left value
                sheet.write_string(number, column, value)
    for first, column, last, value in merges:
        sheet.merge_range(first, column, last, column, value)
    if write_extra is not None:
        write_extra(sheet)
    book.close()
    return path


def _with_part(source: Path, target: Path, name: str, data: bytes | None) -> Path:
    """A copy of the workbook ``source`` with part ``name`` replaced by ``data`` (or removed)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info.filename, old.read(info.filename))
            elif data is not None:
                new.writestr(info.filename, data)
    return target


def _read(path: Path) -> tuple[list, list[InputError], ReadStats]:
    errors: list[InputError] = []
    stats = ReadStats()
    households = list(read_households(path, errors=errors, stats=stats, income_year=2023))
    return households, errors, stats


# --- denial of service --------------------------------------------------------------------------

@pytest.mark.parametrize("far", ["XFD1048576", "ZZ200000"])
def test_one_far_cell_is_refused_as_a_whole_file_error_without_using_memory(tmp_path, far):
    path = _export_workbook(tmp_path / "households.xlsx",
                            lambda sheet: sheet.write(far, "x"))
    assert path.stat().st_size < 10_000
    done = in_both(lambda: _validate(path, "--income-year", "2023"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"延伸到 {far}" in done.stderr and f"to {far}" in done.stderr
    assert "为防止耗尽内存，文件未读取" in done.stderr
    assert "the file was not read, to keep memory bounded" in done.stderr


def test_a_reference_beyond_excel_rows_is_refused(tmp_path):
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, HEAD + b'<row r="1"><c r="A99999999999"><v>1</v></c></row>' + TAIL)
    done = _validate(path)
    assert done.returncode == 2, done.stderr
    assert "A99999999999" in done.stderr and "Traceback" not in done.stderr


def test_cells_without_references_cannot_widen_the_grid_unseen(tmp_path):
    # 16,000 cells placed one after another, then 400,000 empty rows: no reference anywhere
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c>' + b"<c><v>1</v></c>" * 16_000 + b"</row>"
    xml = HEAD + row + b"<row></row>" * 400_000 + b"<row><c><v>2</v></c></row>" + TAIL
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, xml)
    with pytest.raises(FormatError) as refused:
        _read(path)
    assert "400,002 rows × 16,001 columns" in refused.value.en


def test_cells_without_references_are_read_where_calamine_puts_them(tmp_path):
    rows = _export_rows()
    header_at = next(i for i, row in enumerate(rows) if "户编号" in row)

    def cell(value: str) -> bytes:
        text = value.replace("&", "&amp;").replace("<", "&lt;").encode()
        return b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"

    xml = HEAD + b"".join(
        b"<row>" + b"".join(cell(v) for v in row) + b"</row>" for row in rows) + TAIL
    plain = _export_workbook(tmp_path / "base.xlsx")
    path = _with_part(plain, tmp_path / "households.xlsx", SHEET, xml)
    households, errors, stats = _read(path)
    expected, expected_errors, _ = _read(plain)
    assert households == expected and len(households) > 0
    assert [e.row for e in errors] == [e.row for e in expected_errors]
    assert stats.read == len(rows) - header_at - 1 - sum(
        1 for a, b in zip(rows[header_at + 1:], rows[header_at + 2:], strict=False)
        if a[3] == b[3])


def test_a_zip_bomb_is_refused_from_its_declared_sizes(tmp_path):
    bomb = HEAD + b" " * (40 << 20) + TAIL  # 40 MB of nothing, deflated about 1000 times
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, bomb)
    assert path.stat().st_size < 200_000
    with pytest.raises(FormatError) as refused:
        _read(path)
    assert "疑似压缩炸弹" in refused.value.zh and "like a zip bomb" in refused.value.en


def _understate_size(path: Path, name: str, size: int) -> None:
    """Rewrite the zip's headers so that part ``name`` claims ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + length] == name.encode():
            struct.pack_into("<I", data, central + 24, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_a_part_larger_than_it_declares_is_refused_before_calamine_inflates_it(tmp_path):
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, HEAD + b" " * (8 << 20) + TAIL)
    _understate_size(path, SHEET, 1000)
    with pytest.raises(FormatError) as refused:
        _read(path)
    assert "damaged" in refused.value.en and SHEET in refused.value.en


# --- damaged workbooks ----------------------------------------------------------------------------

def test_a_truncated_zip_is_a_whole_file_error(tmp_path):
    whole = _export_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "households.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    done = in_both(lambda: _validate(path, "--income-year", "2023"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "Excel 文件已损坏或不是 XLSX 文件" in done.stderr
    assert "the Excel file is damaged or not an XLSX file" in done.stderr


def test_corrupt_sheet_xml_is_an_input_error_naming_the_sheet(tmp_path):
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>\xff\x00<<>' + TAIL)
    households, errors, stats = _read(path)
    assert households == [] and stats.accepted == 0
    assert [(e.sheet, e.row) for e in errors] == [("households", None)]
    assert "sheet households is damaged and was not read" in errors[0].reason_en
    assert "工作表「households」已损坏" in errors[0].reason_zh
    done = _validate(path, "--income-year", "2023")
    assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout


def test_a_missing_sheet_part_is_an_input_error(tmp_path):
    path = _with_part(_export_workbook(tmp_path / "base.xlsx"), tmp_path / "households.xlsx",
                      SHEET, None)
    households, errors, _stats = _read(path)
    assert households == []
    assert [(e.sheet, e.reason_en) for e in errors] == [
        ("households", "the data of sheet households is missing; the sheet was not read")]


@pytest.mark.parametrize(("cut_at", "offset", "row"), [
    (b'<row r="7"', 0, 7),  # right after the last row of the first household
    (b'<row r="6"', 60, 6),  # inside the last member row of the first household
])
def test_a_sheet_cut_off_half_way_is_reported_at_the_row_of_the_cut(tmp_path, cut_at, offset,
                                                                    row):
    plain = _export_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read(SHEET)
    path = _with_part(plain, tmp_path / "households.xlsx", SHEET,
                      xml[:xml.index(cut_at) + offset])
    households, errors, stats = _read(path)
    assert households == [] and stats.accepted == 0  # never a household without its members
    assert [(e.sheet, e.row) for e in errors] == [("households", row)]
    assert "sheet households is damaged and was not read" in errors[0].reason_en


def test_a_damaged_part_sheet_is_reported_on_that_sheet_without_a_traceback(tmp_path):
    source = FORMATS / "households.xlsx"
    with zipfile.ZipFile(source) as archive:
        names = CalamineWorkbook.from_path(str(source)).sheet_names
        income = f"xl/worksheets/sheet{names.index('income') + 1}.xml"
        assert income in archive.namelist()
    path = _with_part(source, tmp_path / "households.xlsx", income, b"<worksheet><sheetData")
    errors: list[InputError] = []
    list(read_households(path, errors=errors))
    assert any(e.sheet == "income" for e in errors)


# --- merged cells ---------------------------------------------------------------------------------

def test_merged_household_ids_are_read_on_every_member_row(tmp_path):
    plain, plain_errors, plain_stats = _read(_export_workbook(tmp_path / "plain.xlsx"))
    merged_path = _export_workbook(tmp_path / "merged.xlsx", merge_ids=True)
    with zipfile.ZipFile(merged_path) as archive:
        assert b"<mergeCell " in archive.read(SHEET)
    merged, errors, stats = _read(merged_path)
    assert merged == plain
    assert [len(h.members) for h in merged] == [len(h.members) for h in plain]
    assert [(e.row, e.column) for e in errors] == [(e.row, e.column) for e in plain_errors]
    assert stats == plain_stats


def _copy_merging_ids(source: Path, target: Path) -> Path:
    """Every sheet of ``source`` written again, its first column merged over equal runs."""
    old = CalamineWorkbook.from_path(str(source))
    book = xlsxwriter.Workbook(str(target), {**TEXT_AS_TEXT, "default_date_format": "yyyy-mm-dd"})
    for name in old.sheet_names:
        rows = old.get_sheet_by_name(name).to_python()
        sheet = book.add_worksheet(name)
        merges = []
        first = 1
        while first < len(rows):
            last = first
            while last + 1 < len(rows) and rows[last + 1][0] == rows[first][0]:
                last += 1
            if last > first:
                merges.append((first, last, rows[first][0]))
            first = last + 1
        covered = {r for first, last, _ in merges for r in range(first + 1, last + 1)}
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value != "" and not (column == 0 and number in covered):
                    sheet.write(number, column, value)
        for first, last, value in merges:
            sheet.merge_range(first, 0, last, 0, value)
    book.close()
    return target


def test_merged_ids_in_every_sheet_keep_members_in_order_with_their_part_rows(tmp_path):
    expected = list(read_households(FORMATS / "households.jsonl"))
    assert any(len(h.members) > 2 for h in expected)
    path = _copy_merging_ids(FORMATS / "households.xlsx", tmp_path / "households.xlsx")
    errors: list[InputError] = []
    households = list(read_households(path, errors=errors))
    assert errors == []
    assert households == expected


def test_overlapping_merged_ranges_are_refused_on_their_sheet(tmp_path):
    def overlapping(sheet) -> None:
        sheet.merge_range("A4:B6", "x")

    plain = _export_workbook(tmp_path / "base.xlsx", overlapping)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read(SHEET)
    ranges = b'<mergeCell ref="A4:AN9"/>' * 400
    xml = xml.replace(b'<mergeCell ref="A4:B6"/>', ranges).replace(
        b'mergeCells count="1"', b'mergeCells count="400"')
    path = _with_part(plain, tmp_path / "households.xlsx", SHEET, xml)
    households, errors, _stats = _read(path)
    assert households == []
    assert [e.reason_en for e in errors] == [
        "merged cells of sheet households overlap; the sheet was not read"]
