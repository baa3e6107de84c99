"""Data frames in and out: findings and plans as pandas or polars frames, households from one.

The frame libraries are optional (extras ``pandas`` and ``polars``): :func:`frame` builds a frame
with the one asked for, or with pandas, else polars, whichever is installed; neither raises
:class:`~planner.extras.MissingExtra` naming both. Rows are flat: one finding or one plan item
a row, lists joined by ``;`` as in the CSV outputs, evidence as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from planner.extras import MissingExtra, require

if TYPE_CHECKING:
    from planner.finding import Finding

#: The libraries :func:`frame` builds with, in the order tried when none is named.
LIBRARIES = ("pandas", "polars")

#: The columns of a findings frame.
FINDING_COLUMNS = (
    "subject", "subject_kind", "member", "code", "name", "family", "severity", "message_zh",
    "message_en", "waived", "proposes", "references", "evidence", "town", "village",
    "source_file", "source_sheet", "source_rows",
)


def frame(rows: Sequence[dict[str, Any]], columns: Sequence[str], library: str | None = None,
          types: Mapping[str, str] | None = None) -> Any:
    """A ``pandas.DataFrame`` or ``polars.DataFrame`` of ``rows`` with ``columns`` in order.

    ``library`` is ``"pandas"`` or ``"polars"``; ``None`` takes the first installed of
    :data:`LIBRARIES`. ``types`` gives a column's kind (``"text"``, ``"float"`` or ``"int"``) so
    that a polars column of nulls keeps its type; pandas infers its own. Raises
    :class:`~planner.extras.MissingExtra` when the library (or either) is not installed.
    """
    if library is not None and library not in LIBRARIES:
        raise ValueError(f"未知的数据框库 {library!r}（可用：pandas、polars）\n"
                         f"unknown frame library {library!r} (known: pandas, polars)")
    for name in (library,) if library else LIBRARIES:
        try:
            module = require(name)
        except MissingExtra:
            if library:
                raise
            continue
        if name == "pandas":
            return module.DataFrame.from_records(list(rows), columns=list(columns))
        data = {column: [row.get(column) for row in rows] for column in columns}
        if types is None:
            return module.DataFrame(data, strict=False)
        kinds = {"text": module.Utf8, "float": module.Float64, "int": module.Int64}
        return module.DataFrame(data, schema={c: kinds[types[c]] if c in types else None
                                              for c in columns}, strict=False)
    raise MissingExtra("frames", "pandas")  # neither installed


def finding_row(finding: Finding) -> dict[str, Any]:
    """One finding as a flat row of :data:`FINDING_COLUMNS`."""
    region = finding.to_dict().get("region", {})
    source = finding.source
    return {
        "subject": finding.subject, "subject_kind": finding.subject_kind,
        "member": finding.member, "code": finding.code, "name": finding.name,
        "family": finding.family, "severity": finding.severity,
        "message_zh": finding.message_zh, "message_en": finding.message_en,
        "waived": finding.waived, "proposes": ";".join(finding.proposes),
        "references": ";".join(finding.references),
        "evidence": json.dumps(finding.evidence, ensure_ascii=False, default=str),
        "town": region.get("town"), "village": region.get("village"),
        "source_file": source.file if source else None,
        "source_sheet": source.sheet if source else None,
        "source_rows": ";".join(map(str, source.rows)) if source else None,
    }


def findings_frame(findings: Iterable[Finding], library: str | None = None,
                   show_personal: bool = False) -> Any:
    """A frame of ``findings``, one a row; personal data masked unless ``show_personal``."""
    from planner.privacy import mask_finding

    rows = [finding_row(f if show_personal else mask_finding(f)) for f in findings]
    return frame(rows, FINDING_COLUMNS, library)


def frame_records(data: Any) -> list[dict[str, Any]]:
    """The rows of a pandas or polars frame as dicts (missing values as ``None``)."""
    if hasattr(data, "to_dicts"):  # polars
        return list(data.to_dicts())
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas
        records = data.astype(object).where(data.notna(), None).to_dict(orient="records")
        return [dict(record) for record in records]
    raise TypeError(f"不是 pandas 或 polars 数据框：{type(data).__name__}\n"
                    f"not a pandas or polars data frame: {type(data).__name__}")




def _plain(value: Any) -> Any:
    """A frame cell as JSON or CSV takes it: dates as ISO text, numpy scalars as Python's."""
    if hasattr(value, "isoformat"):
        if hasattr(value, "hour") and not (value.hour or value.minute or value.second):
            return value.date().isoformat()  # a date column read as midnight timestamps
        return value.isoformat()
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def frame_text(data: Any) -> tuple[str, str]:
    """A frame as the text of a file planner reads, and its format: CSV when every cell is a
    scalar (one row per member, as the flat layouts), JSON Lines when a cell holds a list or a
    mapping (one row per household with its ``members``)."""
    import csv
    import io

    records = frame_records(data)
    if any(isinstance(value, list | dict) for record in records for value in record.values()):
        lines = (json.dumps(_present(record), ensure_ascii=False, default=_plain)
                 for record in records)
        return "".join(line + "\n" for line in lines), "jsonl"
    columns = list(getattr(data, "columns", []))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow("" if record.get(c) is None else _text(record[c]) for c in columns)
    return out.getvalue(), "csv"


def _present(value: Any) -> Any:
    """``value`` without its ``None`` entries: a frame holds a missing key of a nested record
    as a null (every struct of a column has every field), which a file would leave out."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, str | int | float | bool):
        return str(value)
    plain = _plain(value)
    return plain if isinstance(plain, str) else str(plain)


__all__ = ["FINDING_COLUMNS", "LIBRARIES", "finding_row", "findings_frame", "frame",
           "frame_records", "frame_text"]
