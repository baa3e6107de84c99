"""Records read but not yet validated: the text of one JSON Lines line or Parquet ``record`` cell.

Reading splits in two here so that the cheap half (finding records, numbering them) and the
costly half (validating them) can run in different processes (:mod:`planner.parallel`); the
readers compose both halves, so a record validated anywhere gives the same outcome and errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from planner.io.errors import InputError
from planner.io.jsontext import load_json
from planner.io.options import Outcome, ReadOptions, errors_from_validation
from planner.printable import printable


@dataclass(slots=True)
class RawRecord:
    """One record's text, where it was read, and how to decode it.

    ``record`` is its 1-based position among the file's records; ``line`` its line in a JSON
    Lines file (``None`` for a Parquet row); ``encoding`` the file's encoding when ``text`` is
    bytes that are not UTF-8.
    """

    text: bytes | str
    file: str
    record: int
    line: int | None = None
    encoding: str | None = None


def _record_id(data: object) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("id"), (str, int)):
        return printable(str(data["id"]))
    return None


def _line_id(line: bytes | str) -> str | None:
    try:
        return _record_id(load_json(line))
    except ValueError:
        return None


def _cell_id(text: bytes | str) -> str | None:
    try:
        hid = load_json(text).get("id")
    except (ValueError, AttributeError):
        return None
    return printable(str(hid)) if hid is not None else None


def validate_raw(raw: RawRecord, model: type[BaseModel], options: ReadOptions) -> Outcome:
    """The outcome of validating one raw record: the model, or the errors rejecting it."""
    text = raw.text
    if raw.encoding is not None and isinstance(text, bytes):
        try:
            text = text.decode(raw.encoding)
        except UnicodeDecodeError:
            return Outcome(None, [InputError(
                file=raw.file, line=raw.line, record=raw.record,
                reason_zh=f"该行不是 {raw.encoding} 编码",
                reason_en=f"the line is not {raw.encoding} text",
            )])
    try:
        return Outcome(model.model_validate_json(text), [])
    except ValidationError as exc:
        if raw.line is not None:
            return Outcome(None, errors_from_validation(
                exc, model, options, file=raw.file, line=raw.line, record=raw.record,
                household=_line_id(text)))
        return Outcome(None, errors_from_validation(
            exc, model, options, file=raw.file, record=raw.record, household=_cell_id(text)))


__all__ = ["RawRecord", "validate_raw"]
