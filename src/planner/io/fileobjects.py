"""Reading from binary file objects (a web upload, ``io.BytesIO``, an open file) as from paths.

A file object is spooled once to a private temporary file, read there by the same readers as a
path (so every format, its checks and its errors are the same), and removed when the reading
ends. Errors name the object (its ``name``, e.g. the uploaded file's name, or ``<upload.xlsx>``
for a nameless buffer), never the temporary file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from planner.io.errors import FormatError
from planner.io.formats import EXTENSIONS, detect_format
from planner.io.options import Outcome

#: Anything read as a file: a path, or a binary file object.
Readable = str | Path | IO[bytes]


def is_file_object(source: object) -> bool:
    """Whether ``source`` is a file object (has ``read``), not a path."""
    return not isinstance(source, str | Path) and callable(getattr(source, "read", None))


def object_name(source: IO[bytes], fmt: str | None) -> str:
    """The name errors give the object: its own file name, else ``<upload.EXT>`` by format."""
    name = getattr(source, "name", None)
    if isinstance(name, str | Path) and Path(name).name:
        return Path(name).name
    if fmt is None:
        raise FormatError("文件对象没有名称，无法判断格式；请指定 fmt（如 fmt=\"xlsx\"）",
                          "a file object without a name: pass fmt (e.g. fmt=\"xlsx\") to tell "
                          "its format")
    extension = next(ext for ext, known in EXTENSIONS.items() if known == fmt.split("-")[0])
    return f"<upload{extension}>"


def object_format(source: IO[bytes], fmt: str | None) -> tuple[str, str]:
    """The object's name and format (``fmt``, else from its name's extension); checked at once."""
    name = object_name(source, fmt)
    return name, detect_format(name.strip("<>"), fmt)


@contextlib.contextmanager
def spooled(source: IO[bytes], name: str) -> Iterator[Path]:
    """A temporary file holding the object's bytes (from where it stands), removed on exit."""
    if isinstance(source.read(0), str):
        raise FormatError(f"{name} 是文本文件对象；请以二进制方式打开（\"rb\"）或传入字节",
                          f"{name} is a text file object; open it in binary mode (\"rb\") or "
                          "pass bytes")
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as folder:
        path = Path(folder) / name.strip("<>")
        with open(path, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        yield path


def renamed(outcomes: Iterator[Any], spool: Path, name: str) -> Iterator[Any]:
    """``outcomes`` whose errors name ``name`` instead of the spooled file."""
    where = str(spool)
    for outcome in outcomes:
        if isinstance(outcome, Outcome) and outcome.errors:
            outcome.errors = [dataclasses.replace(e, file=name) if e.file == where else e
                              for e in outcome.errors]
        yield outcome


__all__ = ["Readable", "is_file_object", "object_format", "object_name", "renamed", "spooled"]
