"""Files read by what they hold: legacy .xls workbooks, and clear words for files that are not
what their names say (an HTML page saved as .xls, a CSV renamed .xlsx, a password)."""

from __future__ import annotations

import shutil
import zipfile
from html import escape
from pathlib import Path

import pytest
import xlwt

from planner.io import FormatError
from planner.io.sniff import content_kind

from .test_xlsx_hostile import _export_rows, _export_workbook, _read, _validate


def _export_xls(path: Path) -> Path:
    """The national export as a real legacy .xls (BIFF8), as older offices' Excel saves it."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("households")
    for number, row in enumerate(_export_rows()):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    book.save(str(path))
    return path


def _summary(households: list) -> list[tuple[str, int, list[str | None]]]:
    return [(h.id, len(h.members), [m.id_number for m in h.members]) for h in households]


def test_a_legacy_xls_export_reads_as_the_same_households_as_the_xlsx(tmp_path):
    xls = _export_xls(tmp_path / "监测对象.xls")
    assert content_kind(xls) == "xls"
    from_xls, errors_xls, stats_xls = _read(xls)
    from_xlsx, errors_xlsx, stats_xlsx = _read(_export_workbook(tmp_path / "监测对象.xlsx"))
    assert from_xls and _summary(from_xls) == _summary(from_xlsx)
    assert [h.model_dump() for h in from_xls] == [h.model_dump() for h in from_xlsx]
    assert (stats_xls.read, stats_xls.accepted) == (stats_xlsx.read, stats_xlsx.accepted)
    assert [(e.row, e.field) for e in errors_xls] == [(e.row, e.field) for e in errors_xlsx]


def test_a_workbook_named_with_the_other_excel_extension_is_read_by_its_content(tmp_path):
    xlsx = _export_workbook(tmp_path / "a.xlsx")
    misnamed = shutil.copy(xlsx, tmp_path / "b.xls")
    assert _summary(_read(Path(misnamed))[0]) == _summary(_read(xlsx)[0])
    legacy = shutil.copy(_export_xls(tmp_path / "c.xls"), tmp_path / "d.xlsx")
    assert _summary(_read(Path(legacy))[0]) == _summary(_read(xlsx)[0])


HTML_EXPORT = ("<html><head><meta charset='utf-8'></head><body><table>"
               "<tr><td>户编号</td><td>姓名</td></tr><tr><td>1</td><td>张三</td></tr>"
               "</table></body></html>")


@pytest.mark.parametrize(("name", "data", "zh", "en"), [
    ("导出.xls", HTML_EXPORT.encode(), "网页（HTML）", "an HTML page"),
    ("导出.xlsx", "户编号,姓名\n1,张三\n".encode("gb18030"), "请把扩展名改为 .csv",
     "rename it to .csv"),
    ("导出.xls", b"PAR1" + b"\x00" * 64, "Parquet 文件", "a Parquet file"),
    ("导出.xlsx", b"%PDF-1.7\n", "PDF 文档", "a PDF document"),
    ("导出.xls", b"", "空文件", "an empty file"),
    # a password-protected workbook is an OLE2 container holding an EncryptedPackage stream
    ("导出.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
     + "EncryptedPackage".encode("utf-16-le"), "取消密码", "remove the password"),
])
def test_a_file_that_is_no_workbook_says_what_it_is_and_what_to_do(tmp_path, name, data, zh, en):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert zh in caught.value.zh and en in caught.value.en
    done = _validate(path)
    assert done.returncode == 2
    assert zh in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="households">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
# What LibreOffice writes after the last row: empty rows repeated to the end of the sheet.
_FILLER = ('<table:table-row table:number-rows-repeated="1048500">'
           '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def _ods_cell(value: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if not value:
        return f"<table:table-cell{repeated}/>"
    return (f'<table:table-cell office:value-type="string"{repeated}>'
            f"<text:p>{escape(value)}</text:p></table:table-cell>")


def _ods(path: Path, rows_xml: str) -> Path:
    """A real OpenDocument spreadsheet: the zip, its mimetype first and stored, content.xml."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest xmlns:manifest="
                         '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        archive.writestr("content.xml", _ODS_HEAD + rows_xml + _ODS_TAIL)
    return path


def _export_ods(path: Path) -> Path:
    rows = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
                   for row in _export_rows())
    return _ods(path, rows + _FILLER)


def test_an_ods_export_reads_as_the_same_households_as_the_xlsx(tmp_path):
    ods = _export_ods(tmp_path / "监测对象.ods")
    assert content_kind(ods) == "ods"
    from_ods, errors_ods, _ = _read(ods)
    from_xlsx, errors_xlsx, _ = _read(_export_workbook(tmp_path / "监测对象.xlsx"))
    assert from_ods and [h.model_dump() for h in from_ods] == [h.model_dump() for h in from_xlsx]
    assert [(e.row, e.field) for e in errors_ods] == [(e.row, e.field) for e in errors_xlsx]


@pytest.mark.parametrize(("rows", "said"), [
    # one filled cell a million rows and 16,000 columns away from the header
    ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
     "</table:table-row><table:table-row>" + _ods_cell("", 16000) + _ods_cell("x")
     + "</table:table-row>", "delete the far cells"),
    # a filled cell repeated 16,000 times in each of 100,000 rows: 1.6 billion cells
    ('<table:table-row table:number-rows-repeated="100000">' + _ods_cell("y", 16000)
     + "</table:table-row>", "fills more than 20,000,000 cells"),
    ('<table:table-row table:number-rows-repeated="1048577">' + _ods_cell("y")
     + "</table:table-row>", "go beyond 1,048,576 rows"),
    ('<table:table-row table:number-rows-repeated="-5">' + _ods_cell("y")
     + "</table:table-row>", "repeat count"),
])
def test_an_ods_declaring_a_huge_grid_is_refused_before_calamine_allocates_it(tmp_path, rows,
                                                                             said):
    path = _ods(tmp_path / "a.ods", '<table:table-row>' + _ods_cell("户编号") + _ods_cell("姓名")
                + "</table:table-row>" + rows)
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert said in caught.value.en
    done = _validate(path)  # in a process limited to 2 GB of address space
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_an_xlsb_whose_workbook_is_cut_short_is_refused_as_damaged(tmp_path):
    # Readable .xlsb files: tests/test_xlsb.py.
    xlsb = tmp_path / "a.xlsb"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00\x9c\x01")
    assert content_kind(xlsb) == "xlsb"
    with pytest.raises(FormatError) as caught:
        _read(xlsb)
    assert "已损坏" in caught.value.zh and "xl/workbook.bin is cut short" in caught.value.en


@pytest.mark.parametrize(("make", "kind"), [
    (lambda p: _export_workbook(p), "an Excel workbook"),
    (lambda p: _export_xls(p), "an Excel workbook"),
])
def test_a_workbook_named_csv_is_refused_whole_not_read_as_garbage_rows(tmp_path, make, kind):
    book = make(tmp_path / "book")
    path = Path(shutil.copy(book, tmp_path / "households.csv"))
    with pytest.raises(FormatError) as caught:
        _read(path)
    assert kind in caught.value.en and "不是 CSV 文本" in caught.value.zh
