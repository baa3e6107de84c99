"""File formats: names, detection from the extension, and text encodings of input files."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path
from typing import IO

from planner.io.errors import FormatError

FORMATS = ("json", "jsonl", "csv", "xlsx", "parquet", "parquet-flat")
"""Format names. ``parquet`` writes one row per record (JSON column); ``parquet-flat`` one row per
member like CSV. Reading ``parquet`` accepts both shapes."""

EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".xlsb": "xlsx",
    ".ods": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
COMPRESSED = ".gz"
SAMPLE_BYTES = 1 << 20


def split_name(path: str | Path) -> tuple[str, str, bool]:
    """``households.income.csv.gz`` → (``households.income``, ``.csv``, True)."""
    name = Path(path).name
    gz = name.lower().endswith(COMPRESSED)
    if gz:
        name = name[: -len(COMPRESSED)]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, "", gz
    return stem, "." + ext.lower(), gz


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The format of ``path``: ``fmt`` when given, else from the extension (``.gz`` allowed)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise FormatError(f"未知的格式 {fmt}（可用：{'、'.join(FORMATS)}）",
                              f"unknown format {fmt} (known: {', '.join(FORMATS)})")
        return fmt
    _stem, ext, gz = split_name(path)
    found = EXTENSIONS.get(ext)
    if found is None or (gz and found in ("xlsx", "parquet")):
        raise FormatError(
            f"无法从扩展名判断 {path} 的格式，请用 --input-format/fmt 指定",
            f"cannot tell the format of {path} from its extension; pass fmt / --input-format",
        )
    return found


def open_binary(path: str | Path, mode: str = "rb") -> IO[bytes]:
    """Open a file in binary mode, through gzip when it ends in ``.gz``."""
    if str(path).lower().endswith(COMPRESSED):
        return gzip.open(path, mode)  # type: ignore[return-value]
    return open(path, mode)


class _GzipOutput(gzip.GzipFile):
    """A gzip stream over a file it owns: closing it closes the file too."""

    def __init__(self, name: str, raw: IO[bytes]):
        super().__init__(filename=name, mode="wb", fileobj=raw)
        self._owned = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._owned.close()


def open_output(path: str | Path, temp: str | Path) -> IO[bytes]:
    """Open ``temp`` to write what becomes ``path`` (see :mod:`planner.atomic`): through gzip
    when ``path`` ends in ``.gz``, the gzip header naming ``path``, not the temporary file."""
    raw = open(temp, "wb")  # noqa: SIM115 - the caller closes it (through gzip when compressed)
    if not str(path).lower().endswith(COMPRESSED):
        return raw
    name = Path(path).name[: -len(COMPRESSED)]
    return _GzipOutput(name, raw)  # type: ignore[return-value]


def sniff_encoding(sample: bytes) -> str:
    """``utf-8-sig`` (BOM), ``utf-16`` (BOM), ``utf-16-le``/``-be`` (no BOM, but a NUL byte beside
    most ASCII characters), ``utf-8`` when the sample decodes, else ``gb18030``.

    GB18030 is a superset of GBK and GB2312, the encodings of CSV files saved by Chinese Excel.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    unbommed = _utf16_without_bom(sample)
    if unbommed:
        return unbommed
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "utf-8" if _mostly_utf8(sample) else "gb18030"
    return "utf-8"


def _mostly_utf8(sample: bytes) -> bool:
    """True when valid UTF-8 characters outnumber invalid bytes many times over.

    A UTF-8 file with a few bad bytes (a lone surrogate written as ``ED A0 80``, a damaged line)
    stays UTF-8, so only the lines holding them are refused. GB18030 text almost never forms
    valid multi-byte UTF-8 by chance, so it still fails this test.
    """
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=False)
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 8 * bad


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NUL bytes fill most odd or even positions."""
    head = sample[:4096]
    if len(head) < 2 or b"\x00" not in head:
        return None
    pairs = len(head) // 2
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd > pairs // 2 and even == 0:
        return "utf-16-le"
    if even > pairs // 2 and odd == 0:
        return "utf-16-be"
    return None


def detect_encoding(path: str | Path) -> str:
    """Encoding of a text file from its first megabyte (see :func:`sniff_encoding`)."""
    with open_binary(path) as handle:
        return sniff_encoding(handle.read(SAMPLE_BYTES))
