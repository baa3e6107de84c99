"""What a file is by its first bytes, whatever its name says (an HTML page saved as ``.xls``).

National systems often "export to Excel" by writing an HTML table with an ``.xls`` name, offices
rename CSV files to ``.xlsx``, and a password-protected workbook is not a zip at all. Reading such
a file as its extension says gives a raw zip or XML error; :func:`content_kind` tells what it is,
so the reader can say what to do instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
PARQUET = b"PAR1"
PDF = b"%PDF"
WORKBOOK = "workbook"
_HTML_MARKS = (b"<html", b"<!doctype html", b"<table", b"<head", b"<body", b"<meta")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAMPLE = 64 << 10

XLSX, XLSB, ODS, XLS = "xlsx", "xlsb", "ods", "xls"
ENCRYPTED, HTML, PARQUET_FILE, PDF_FILE, ZIP_OTHER, TEXT, EMPTY, BINARY = (
    "encrypted", "html", "parquet", "pdf", "zip", "text", "empty", "binary")

_NAMES = {
    ENCRYPTED: ("设有打开密码的 Excel 工作簿", "a password-protected Excel workbook"),
    WORKBOOK: ("Excel 工作簿（.xlsx/.xls）", "an Excel workbook (.xlsx/.xls)"),
    HTML: ("网页（HTML），常见于系统“导出 Excel”时生成的 .xls", "an HTML page (what many systems"
           " write when they 'export to Excel')"),
    PARQUET_FILE: ("Parquet 文件", "a Parquet file"),
    PDF_FILE: ("PDF 文档", "a PDF document"),
    ZIP_OTHER: ("不是工作簿的 zip 压缩包", "a zip archive that is not a workbook"),
    TEXT: ("文本文件（如 CSV）", "a text file (such as CSV)"),
    EMPTY: ("空文件", "an empty file"),
    BINARY: ("无法识别的二进制文件", "an unrecognised binary file"),
    XLSB: ("Excel 二进制工作簿（.xlsb）", "an Excel binary workbook (.xlsb)"),
    ODS: ("OpenDocument 电子表格（.ods）", "an OpenDocument spreadsheet (.ods)"),
}


def content_kind(path: str | Path) -> str:
    """What ``path`` holds: ``xlsx`` (also .xlsm), ``xlsb``, ``ods``, ``xls`` (BIFF), or one of
    ``encrypted``, ``html``, ``parquet``, ``pdf``, ``zip``, ``text``, ``empty``, ``binary``."""
    with open(path, "rb") as handle:
        head = handle.read(_SAMPLE)
    if not head:
        return EMPTY
    if head.startswith(ZIP):
        return _zip_kind(Path(path))
    if head.startswith(OLE2):
        return ENCRYPTED if _ENCRYPTED in head else XLS
    if head.startswith(PARQUET):
        return PARQUET_FILE
    if head.startswith(PDF):
        return PDF_FILE
    lowered = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") and any(mark in lowered for mark in _HTML_MARKS):
        return HTML
    if b"\x00" in head[:4096] and not _utf16(head):
        return BINARY
    return TEXT


def _utf16(head: bytes) -> bool:
    from planner.io.formats import sniff_encoding

    return sniff_encoding(head).startswith("utf-16")


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 256:
                mimetype = archive.read("mimetype")
                if b"opendocument.spreadsheet" in mimetype:
                    return ODS
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return XLSX  # a damaged workbook: the xlsx reader says what is wrong with it
    if any(name.endswith("workbook.bin") for name in names):
        return XLSB
    if any(name.endswith("workbook.xml") for name in names) or "[Content_Types].xml" in names:
        return XLSX
    return ZIP_OTHER


def describe(kind: str) -> tuple[str, str]:
    """The kind of file in Chinese and English, for messages."""
    return _NAMES.get(kind, (kind, kind))


__all__ = ["OLE2", "PARQUET", "ZIP", "content_kind", "describe"]
