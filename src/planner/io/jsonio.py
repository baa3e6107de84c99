"""JSON (one record or a list) and JSON Lines (one record per line, streamed).

JSON Lines is the fast path for large runs: each line is validated straight from its bytes with
``model_validate_json`` and nothing else is kept. A ``.json`` file is parsed whole (JSON has no
record boundaries to stream on), so large datasets belong in JSONL or Parquet.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from planner.atomic import Replacement
from planner.io.errors import InputError
from planner.io.formats import SAMPLE_BYTES, open_binary, open_output, sniff_encoding
from planner.io.options import Outcome, ReadOptions, errors_from_validation

_BOM = b"\xef\xbb\xbf"


def _record_id(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("id"), (str, int)):
        return str(data["id"])
    return None


def _line_id(line: bytes | str) -> str | None:
    try:
        return _record_id(json.loads(line))
    except ValueError:
        return None


def _lines(
    handle: IO[bytes], encoding: str, label: str
) -> Iterator[tuple[int, bytes | str | InputError]]:
    """Numbered lines: bytes in ASCII-compatible encodings (a bad line is an error of its own),
    text decoded through a wrapper in UTF-16, where the byte ``\\n`` is half a character."""
    if not encoding.startswith("utf-16"):
        yield from enumerate(handle, start=1)
        return
    number = 0
    text = io.TextIOWrapper(handle, encoding=encoding, newline="\n")
    try:
        for number, line in enumerate(text, start=1):
            yield number, line
    except UnicodeDecodeError:
        yield number + 1, InputError(
            file=label, line=number + 1,
            reason_zh=f"第{number + 1}行附近的字节不是 {encoding} 编码，文件其余部分未读取",
            reason_en=f"bytes near line {number + 1} are not {encoding}; the rest of the file "
                      "was not read")
    finally:
        text.detach()


def read_jsonl(path: Path, model: type[BaseModel], options: ReadOptions) -> Iterator[Outcome]:
    """Validate a JSON Lines file line by line; blank lines are skipped."""
    label = str(path)
    with open_binary(path) as handle:
        encoding = sniff_encoding(handle.read(SAMPLE_BYTES))
    utf8 = encoding.startswith("utf-8")
    validate = model.model_validate_json
    record = 0
    with open_binary(path) as handle:
        for number, raw in _lines(handle, encoding, label):
            if isinstance(raw, InputError):
                yield Outcome(None, [raw], counted=False)
                return
            if number == 1 and isinstance(raw, bytes) and raw.startswith(_BOM):
                raw = raw[len(_BOM):]
            if not raw.strip():
                continue
            record += 1
            try:
                line: bytes | str = raw if utf8 or isinstance(raw, str) else raw.decode(encoding)
            except UnicodeDecodeError:
                yield Outcome(None, [InputError(
                    file=label, line=number, record=record,
                    reason_zh=f"该行不是 {encoding} 编码",
                    reason_en=f"the line is not {encoding} text",
                )])
                continue
            try:
                yield Outcome(validate(line), [])
            except ValidationError as exc:
                errors = errors_from_validation(
                    exc, model, options, file=label, line=number, record=record,
                    household=_line_id(line),
                )
                yield Outcome(None, errors)


COMBINED_KEYS = ("households", "villages", "projects")


def combined_keys(path: Path) -> set[str]:
    """The lists a combined JSON file holds (``{"households": [...], "villages": [...]}``)."""
    with open_binary(path) as handle:
        data = handle.read()
    try:
        parsed = json.loads(data.decode(sniff_encoding(data[:SAMPLE_BYTES])))
    except (ValueError, UnicodeDecodeError):
        return set()
    if isinstance(parsed, dict):
        return {key for key in COMBINED_KEYS if key in parsed}
    return set()


def read_json(
    path: Path, model: type[BaseModel], options: ReadOptions, key: str
) -> Iterator[Outcome]:
    """Validate a JSON file holding one record (an object), a list of records, or a combined
    object whose ``key`` list (``households``, ``villages``, ``projects``) holds them."""
    label = str(path)
    with open_binary(path) as handle:
        data = handle.read()
    encoding = sniff_encoding(data[:SAMPLE_BYTES])
    try:
        parsed = json.loads(data.decode(encoding))
    except (ValueError, UnicodeDecodeError) as exc:
        yield Outcome(None, [InputError(
            file=label, reason_zh=f"不是有效的 JSON：{exc}", reason_en=f"not valid JSON: {exc}",
        )], counted=False)
        return
    del data
    if isinstance(parsed, dict) and any(k in parsed for k in COMBINED_KEYS):
        items = parsed.get(key) or []
    else:
        items = parsed if isinstance(parsed, list) else [parsed]
    for index, item in enumerate(items, start=1):
        try:
            yield Outcome(model.model_validate(item), [])
        except ValidationError as exc:
            yield Outcome(None, errors_from_validation(
                exc, model, options, file=label, record=index, household=_record_id(item),
            ))


def write_jsonl(records: Iterable[BaseModel], path: Path, files: Replacement | None = None) -> int:
    """Write one record per line (UTF-8, no BOM); returns the number written. With ``files``
    the file is written under a temporary name that ``files`` renames into place."""
    count = 0
    with open_output(path, files.path(path) if files is not None else path) as handle:
        for record in records:
            handle.write(record.model_dump_json(exclude_none=True).encode("utf-8"))
            handle.write(b"\n")
            count += 1
    return count


def write_json(records: Iterable[BaseModel], path: Path, files: Replacement | None = None) -> int:
    """Write a JSON list, one record per line, without holding the list in memory (through
    ``files`` as :func:`write_jsonl`)."""
    count = 0
    with open_output(path, files.path(path) if files is not None else path) as handle:
        handle.write(b"[")
        for record in records:
            handle.write(b",\n" if count else b"\n")
            handle.write(record.model_dump_json(exclude_none=True).encode("utf-8"))
            count += 1
        handle.write(b"\n]\n")
    return count
