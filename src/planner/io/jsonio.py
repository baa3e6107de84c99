"""JSON (one record or a list) and JSON Lines (one record per line, streamed).

JSON Lines is the fast path for large runs: each line is validated straight from its bytes with
``model_validate_json`` and nothing else is kept. A ``.json`` file is parsed whole (JSON has no
record boundaries to stream on), so large datasets belong in JSONL or Parquet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from planner.atomic import Replacement
from planner.io.errors import FILE, InputError
from planner.io.formats import SAMPLE_BYTES, open_binary, open_output, sniff_encoding
from planner.io.jsontext import TOO_DEEP_EN, TOO_DEEP_ZH, JsonTooDeep, load_json
from planner.io.options import Outcome, ReadOptions, errors_from_validation
from planner.io.raw import RawRecord, _record_id, validate_raw

_BOM = b"\xef\xbb\xbf"


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
            file=label, line=number + 1, level=FILE,
            reason_zh=f"第{number + 1}行附近的字节不是 {encoding} 编码，文件其余部分未读取",
            reason_en=f"bytes near line {number + 1} are not {encoding}; the rest of the file "
                      "was not read")
    finally:
        text.detach()


def read_jsonl(path: Path, model: type[BaseModel], options: ReadOptions) -> Iterator[Outcome]:
    """Validate a JSON Lines file line by line; blank lines are skipped."""
    for item in jsonl_raw(path):
        yield item if isinstance(item, Outcome) else validate_raw(item, model, options)


def jsonl_raw(path: Path) -> Iterator[Outcome | RawRecord]:
    """The records of a JSON Lines file as raw lines, numbered, not validated (blank lines
    skipped); an :class:`Outcome` for a problem of the file itself, after which nothing comes."""
    label = str(path)
    with open_binary(path) as handle:
        encoding = sniff_encoding(handle.read(SAMPLE_BYTES))
    other = None if encoding.startswith("utf-8") else encoding
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
            yield RawRecord(raw, label, record, number, other)


COMBINED_KEYS = ("households", "villages", "projects")


def combined_keys(path: Path) -> set[str]:
    """The lists a combined JSON file holds (``{"households": [...], "villages": [...]}``)."""
    with open_binary(path) as handle:
        data = handle.read()
    try:
        parsed = load_json(data.decode(sniff_encoding(data[:SAMPLE_BYTES])))
    except ValueError:  # UnicodeDecodeError and JsonTooDeep too; read_json reports them
        return set()
    if isinstance(parsed, dict):
        return {key for key in COMBINED_KEYS if key in parsed}
    return set()


def _file_error(label: str, zh: str, en: str, field: str | None = None) -> Outcome:
    return Outcome(None, [InputError(file=label, field=field, level=FILE, reason_zh=zh,
                                     reason_en=en)], counted=False)


def _records(parsed: Any, key: str, label: str) -> list[Any] | Outcome:
    """The records of a parsed JSON file, or the whole-file error saying why there are none.

    A string where the records should be is refused rather than read as one record per
    character; so is a number, which cannot be iterated at all.
    """
    if isinstance(parsed, dict) and any(k in parsed for k in COMBINED_KEYS):
        items = parsed.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            return _file_error(label, f"「{key}」应为记录列表（JSON 数组）",
                               f"{key} must be a list of records (a JSON array)", field=key)
        return items
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict):
        return [parsed]
    return _file_error(label, "顶层应为一条记录（JSON 对象）或记录列表（JSON 数组）",
                       "the top level must be one record (a JSON object) or a list of records "
                       "(a JSON array)")


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
        parsed = load_json(data.decode(encoding))
    except JsonTooDeep:
        yield _file_error(label, TOO_DEEP_ZH, TOO_DEEP_EN)
        return
    except (ValueError, UnicodeDecodeError) as exc:
        yield _file_error(label, f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")
        return
    del data
    items = _records(parsed, key, label)
    if isinstance(items, Outcome):
        yield items
        return
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
