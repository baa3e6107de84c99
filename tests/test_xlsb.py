"""Excel binary workbooks (.xlsb): read through calamine after their record streams are scanned.

No writer the project uses makes .xlsb files, so :func:`write_xlsb` below builds real ones from
the records of MS-XLSB (2.1.4 record layout; BrtBundleSh, BrtWsDim, BrtRowHdr, BrtCellSt,
BrtCellReal, BrtCellIsst, BrtSSTItem), the parts Excel writes for a workbook with one sheet:
``xl/workbook.bin`` and its relationships, ``xl/worksheets/sheet1.bin`` and, when asked,
``xl/sharedStrings.bin``. calamine reading them back is the check that they are valid.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from planner.io import FormatError
from planner.io.sniff import content_kind
from planner.io.xlsbread import Truncated, records

from .bilingual import in_both
from .test_xlsx_hostile import _export_rows, _export_workbook, _read, _validate

Cell = tuple[int, int, object]  # 0-based row, column, value (str or float)


def record(kind: int, payload: bytes = b"") -> bytes:
    """One record: its type and size in 7-bit groups, then the payload."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, out = len(payload), bytearray()
    while True:
        out.append((size & 0x7F) | (0x80 if size > 0x7F else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(out) + payload


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def sheet_stream(cells: Iterable[Cell], dimension: tuple[int, int, int, int] | None = None,
                 shared: dict[str, int] | None = None) -> bytes:
    """A worksheet part: BrtBeginSheet, BrtWsDim, BrtBeginSheetData, rows of cells, the ends."""
    cells = sorted(cells, key=lambda c: (c[0], c[1]))
    if dimension is None:
        rows = [c[0] for c in cells] or [0]
        columns = [c[1] for c in cells] or [0]
        dimension = (min(rows), max(rows), min(columns), max(columns))
    out = [record(0x81), record(0x94, struct.pack("<4I", *dimension)), record(0x91)]
    row = None
    for r, c, value in cells:
        if r != row:
            out.append(record(0x00, struct.pack("<IIHBBBI", r, 0, 300, 0, 0, 0, 0)))
            row = r
        head = struct.pack("<II", c, 0)
        if isinstance(value, float):
            out.append(record(0x05, head + struct.pack("<d", value)))
        elif shared is not None:
            out.append(record(0x07, head + struct.pack("<I", shared[str(value)])))
        else:
            out.append(record(0x06, head + wide(str(value))))
    out += [record(0x92), record(0x82)]
    return b"".join(out)


def write_xlsb(path: Path, cells: Iterable[Cell], sheet: str = "Sheet1", *,
               shared_strings: bool = False, stream: bytes | None = None) -> Path:
    """A real .xlsb with one sheet; ``stream`` replaces the sheet part written from ``cells``."""
    cells = list(cells)
    shared: dict[str, int] | None = None
    parts: dict[str, bytes] = {}
    if shared_strings:
        texts = list(dict.fromkeys(str(v) for _, _, v in cells if not isinstance(v, float)))
        shared = {text: i for i, text in enumerate(texts)}
        parts["xl/sharedStrings.bin"] = b"".join([
            record(0x9F, struct.pack("<II", len(texts), len(texts))),
            *(record(0x13, b"\x00" + wide(text)) for text in texts),
            record(0xA0)])
    parts["xl/worksheets/sheet1.bin"] = (
        stream if stream is not None else sheet_stream(cells, shared=shared))
    parts["xl/workbook.bin"] = b"".join([
        record(0x83), record(0x8F),
        record(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide(sheet)),
        record(0x90), record(0x84)])
    parts["xl/_rels/workbook.bin.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
        b'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        b' Target="worksheets/sheet1.bin"/></Relationships>')
    parts["[Content_Types].xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="bin" ContentType="application/'
        b'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def grid_cells(rows: Sequence[Sequence[str]]) -> list[Cell]:
    return [(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row) if value]


def test_the_written_file_is_a_workbook_calamine_reads(tmp_path) -> None:
    path = write_xlsb(tmp_path / "a.xlsb", [(0, 0, "户编号"), (0, 1, "人口"), (1, 0, "H1"),
                                             (1, 1, 3.0)], sheet="户")
    assert content_kind(path) == "xlsb"
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["户"]
    assert book.get_sheet_by_name("户").to_python() == [["户编号", "人口"], ["H1", 3.0]]


@pytest.mark.parametrize("shared", [False, True])
def test_the_national_export_as_xlsb_reads_as_the_xlsx_does(tmp_path, shared) -> None:
    rows = _export_rows()
    xlsb = write_xlsb(tmp_path / "export.xlsb", grid_cells(rows), "households",
                      shared_strings=shared)
    xlsx = _export_workbook(tmp_path / "export.xlsx")
    from_xlsb, errors_b, stats_b = _read(xlsb)
    from_xlsx, errors_x, stats_x = _read(xlsx)
    assert stats_b.to_dict() == stats_x.to_dict() == {"read": 2, "accepted": 2, "rejected": 0}
    assert [h.model_dump() for h in from_xlsb] == [h.model_dump() for h in from_xlsx]
    assert [e.reason_en for e in errors_b] == [e.reason_en for e in errors_x]


def test_a_far_cell_is_refused_before_calamine_allocates_the_grid(tmp_path) -> None:
    cells = [*grid_cells(_export_rows()), (1_048_575, 16_383, "x")]
    path = write_xlsb(tmp_path / "far.xlsb", cells)
    assert path.stat().st_size < 10_000
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert "XFD1048576" in caught.value.en and "to keep memory bounded" in caught.value.en
    done = _validate(path, "--income-year", "2023")  # in a process limited to 2 GB
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "为防止耗尽内存，文件未读取" in done.stderr


def test_a_column_beyond_excel_is_refused(tmp_path) -> None:
    path = write_xlsb(tmp_path / "wide.xlsb", [(0, 0, "户编号"), (0, 4_000_000_000, "x")])
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert "beyond Excel's range" in caught.value.en and "超出 Excel 范围" in caught.value.zh


def test_the_declared_dimension_does_not_decide_the_grid(tmp_path) -> None:
    """BrtWsDim may claim anything: the real cells decide (calamine allocates by them)."""
    rows = _export_rows()
    stream = sheet_stream(grid_cells(rows), dimension=(0, 1_048_575, 0, 16_383))
    path = write_xlsb(tmp_path / "claims.xlsb", [], "households", stream=stream)
    households, errors, stats = _read(path)
    assert stats.to_dict() == {"read": 2, "accepted": 2, "rejected": 0}
    assert len(households) == 2 and errors == []


@pytest.mark.parametrize(("stream", "said"), [  # each makes calamine fail or panic unguarded
    (record(0x81) + record(0x94, b"\x00" * 16) + record(0x91)
     + record(0x00, struct.pack("<I", 0) + b"\x00" * 13) + record(0x05, b"\x00" * 10),
     "damaged cell record"),  # a number cell without its 8 bytes of value
    (record(0x81) + record(0x94, b"\x00" * 16) + record(0x91)
     + record(0x07, struct.pack("<III", 0, 0, 5)), "damaged cell record"),  # no string 5
    (record(0x81) + record(0x94, b"\x00" * 16) + record(0x91)
     + record(0x06, struct.pack("<III", 0, 0, 50) + "短".encode("utf-16-le")),
     "damaged cell record"),  # a string shorter than it says
    (record(0x81) + record(0x94, b"\x00" * 16) + record(0x91) + b"\x06\x20\x00",
     "cut short"),
    (record(0x81) + record(0x94, b"\x00" * 4), "dimension record"),
])
def test_a_damaged_sheet_stream_is_refused_with_a_clear_message(tmp_path, stream, said) -> None:
    path = write_xlsb(tmp_path / "bad.xlsb", [], stream=stream)
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert said in caught.value.en and "nothing was read" in caught.value.en


def test_a_sheet_without_sheet_data_is_reported_as_that_sheet_damaged(tmp_path) -> None:
    path = write_xlsb(tmp_path / "chart.xlsb", [], stream=record(0x81) + record(0x82))
    households, errors, _stats = _read(path)
    assert households == []
    assert [e.reason_en.split(":")[0] for e in errors] == ["sheet Sheet1 is damaged and was not "
                                                           "read"]


def test_the_cli_refuses_a_damaged_xlsb_without_a_traceback(tmp_path) -> None:
    stream = (record(0x81) + record(0x94, b"\x00" * 16) + record(0x91)
              + record(0x07, struct.pack("<III", 0, 0, 5)))
    bad = write_xlsb(tmp_path / "bad.xlsb", [], stream=stream)
    done = in_both(lambda: _validate(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "损坏" in done.stderr and "damaged cell record" in done.stderr


def test_a_workbook_naming_an_unknown_relationship_is_damaged(tmp_path) -> None:
    path = write_xlsb(tmp_path / "a.xlsb", [(0, 0, "户编号")])
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts["xl/_rels/workbook.bin.rels"] = parts["xl/_rels/workbook.bin.rels"].replace(
        b'Id="rId1"', b'Id="rId9"')
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert "rId1 is not in xl/_rels/workbook.bin.rels" in caught.value.en


def test_a_panic_of_calamine_on_damage_no_scan_covers_is_a_clear_error(tmp_path) -> None:
    """An empty BrtWbProp: calamine indexes its first byte (a Rust panic, a BaseException)."""
    path = write_xlsb(tmp_path / "a.xlsb", [(0, 0, "户编号")])
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts["xl/workbook.bin"] = record(0x99) + parts["xl/workbook.bin"]
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert "cannot open the Excel file" in caught.value.en


@pytest.mark.parametrize("size", [1, 3, 7, 64 << 10])
def test_records_are_read_across_chunk_boundaries(size: int) -> None:
    stream = b"".join([record(0x94, bytes(range(16))), record(0x9C, b"x" * 300),
                       record(0x00, b"\x01\x00\x00\x00"), record(0x92)])
    chunks = (stream[i:i + size] for i in range(0, len(stream), size))
    assert [(kind, len(payload)) for kind, payload in records(chunks)] == [
        (0x94, 16), (0x9C, 300), (0x00, 4), (0x92, 0)]
    with pytest.raises(Truncated):
        list(records(iter([stream[:-3] + record(0x05, b"\x00" * 20)[:-1]])))
