"""Where a finding's record was read and where its subject is, written short for the outputs."""

from __future__ import annotations

from typing import Any

from planner.finding import region_dict
from planner.io.errors import InputError
from planner.model import Region
from planner.privacy import mask_data, mask_numbers
from planner.source import Source


def row_span(rows: tuple[int, ...]) -> str:
    """Rows as runs: ``(5, 6, 7, 10)`` → ``5-7,10`` (a household spans its members' rows)."""
    runs: list[str] = []
    ordered = sorted(set(rows))
    start = previous = ordered[0] if ordered else 0
    for row in ordered[1:]:
        if row != previous + 1:
            runs.append(_run(start, previous))
            start = row
        previous = row
    if ordered:
        runs.append(_run(start, previous))
    return ",".join(runs)


def _run(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def source_label(source: Source) -> str:
    """``监测对象信息.xlsx[Sheet1]:5-7``: the file as given, the sheet of a workbook, the rows."""
    label = source.file if source.sheet is None else f"{source.file}[{source.sheet}]"
    return f"{label}:{row_span(source.rows)}" if source.rows else label


def region_label(region: Region | None) -> str:
    """``某镇/某村``: the town and village known, empty when neither is."""
    return "/".join(region_dict(region).values())


def problem_text(problem: Any, show_personal: bool, lang: str | None = None) -> str:
    """An input error or warning as ``planner validate`` words it (Chinese, then English), or
    its line in ``lang`` alone; ID and mobile numbers masked unless ``show_personal`` (the
    readers mask values already; text of unknown origin may not be)."""
    text = str(problem)
    if lang is not None and isinstance(problem, InputError):
        # str() writes the Chinese line, then the English one indented; data in it is escaped.
        zh, en = text.split("\n", 1)
        text = zh if lang == "zh" else en.strip()
    return text if show_personal else mask_numbers(text)


def problem_dict(problem: Any, show_personal: bool) -> Any:
    """An input error or warning as JSON (``InputError.to_dict``; other objects as text), masked
    as :func:`problem_text` is."""
    data = problem.to_dict() if hasattr(problem, "to_dict") else str(problem)
    return data if show_personal else mask_data(data)


__all__ = ["problem_dict", "problem_text", "region_label", "row_span", "source_label"]
