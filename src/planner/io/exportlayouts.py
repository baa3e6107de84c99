"""The shipped layouts of the national exports, and recognising a sheet by its headers.

A layout (``planner/io/layouts/*.yaml``) names one sheet of an export (the 2023 monitoring
household-member, work-record, planned-work, household and village sheets): the record kind it
holds, the column-map table that reads it, its documented headers, the *signature* headers that
tell it from the others, and what it cannot express. A sheet is recognised by the layout whose
signature it matches best, whatever the file is called and wherever its title rows end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

from planner.io.cells import blank
from planner.io.columns import ColumnMap, MapEntry, TableMap, normalize_header
from planner.io.errors import FormatError
from planner.io.headers import HEADER_SCAN_ROWS
from planner.io.layout import LIST, layout_for
from planner.safe_yaml import parse_yaml

LAYOUT_KINDS = ("household", "village", "work_record", "work_plan", "household_info")
_KEYS = {"name", "title_zh", "title_en", "kind", "table", "signature", "min_signature", "headers",
         "cannot_express"}


@dataclass(frozen=True, slots=True)
class ExportLayout:
    """One sheet of a national export, as shipped in ``planner/io/layouts``."""

    name: str
    title_zh: str
    title_en: str
    kind: str
    table: str
    signature: tuple[str, ...]
    min_signature: int
    headers: tuple[str, ...]
    cannot_express: tuple[tuple[str, str], ...]

    def score(self, header_keys: set[str]) -> int:
        """How many signature headers a row holds (0 when below the minimum)."""
        hits = sum(1 for h in self.signature if normalize_header(h) in header_keys)
        return hits if hits >= self.min_signature else 0

    def carried_fields(self, column_map: ColumnMap) -> frozenset[str]:
        """The model fields this layout's documented headers feed through ``column_map``."""
        return carried_fields(self.headers, column_map.table(self.table))


def carried_fields(headers: Iterable[Any], table: TableMap) -> frozenset[str]:
    """The model fields (``member.benefits``, ``income.wage``) that ``headers`` feed through
    ``table``: what a file with this header can say at all."""
    fields: set[str] = set()
    for header in headers:
        entry = None if blank(header) else table.entry(header)
        if entry is None:
            continue
        if entry.income:
            fields.add(f"income.{entry.income}")
        elif entry.cost:
            fields.add("production_costs")
        elif entry.field:
            kind = answered_kind(entry)
            fields.add(entry.field if kind is None else f"{entry.field}.{kind}")
            if entry.type == "month":  # the reader records a month-only cell's precision
                fields.add(f"{entry.field}_precision")
            for value in (*entry.values.values(), *entry.defaults.values()):
                if isinstance(value, dict):  # a vocabulary value setting sibling fields
                    parent = entry.field.rsplit(".", 1)[0] if "." in entry.field else ""
                    fields.update(f"{parent}.{k}" if parent else k for k in value)
    return frozenset(fields)


def answered_kind(entry: MapEntry) -> str | None:
    """The one kind a column answers for a list of vocabulary values (享受低保政策情况 answers
    ``dibao`` of ``member.benefits``: 是 → dibao, 否 → declined), else None. Such a column says
    nothing of the list's other kinds, so it carries ``member.benefits.dibao``, not the whole
    list (planner.spec.needs, *Kinds*)."""
    kinds = {value for value in entry.values.values() if not isinstance(value, dict)}
    if len(kinds) != 1 or not isinstance(kind := next(iter(kinds)), str):
        return None
    return kind if entry.field in kind_lists() else None


@cache
def kind_lists() -> frozenset[str]:
    """The household record's lists of vocabulary values (``member.benefits``)."""
    layout = layout_for("household")
    return frozenset(column.name for column in (*layout.columns, *layout.row)
                     if column.kind == LIST and isinstance(column.type, type)
                     and issubclass(column.type, Enum))


def _layout(data: Any, source: str) -> ExportLayout:
    if not isinstance(data, dict) or set(data) - _KEYS or data.get("kind") not in LAYOUT_KINDS:
        raise FormatError(f"导出格式定义 {source} 无效", f"export layout {source} is invalid")
    return ExportLayout(
        name=str(data["name"]), title_zh=str(data["title_zh"]), title_en=str(data["title_en"]),
        kind=data["kind"], table=str(data["table"]),
        signature=tuple(str(h) for h in data["signature"]),
        min_signature=int(data.get("min_signature", 1)),
        headers=tuple(str(h) for h in data["headers"]),
        cannot_express=tuple((str(c["what"]), str(c["why"]))
                             for c in data.get("cannot_express") or ()),
    )


@cache
def export_layouts() -> tuple[ExportLayout, ...]:
    """Every shipped layout, in file-name order."""
    folder = resources.files(__package__).joinpath("layouts")
    layouts = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            source = f"planner/io/layouts/{item.name}"
            document = parse_yaml(item.read_text(encoding="utf-8"), source, FormatError)
            layouts.append(_layout(document.data, source))
    return tuple(layouts)


@dataclass(frozen=True, slots=True)
class Recognised:
    """A sheet's layout, its header row number and the header cells."""

    layout: ExportLayout
    row: int
    header: tuple[Any, ...]


def recognise(rows: Iterable[tuple[int, Sequence[Any]]]) -> Recognised | None:
    """The layout whose signature the header among the first rows matches best, with that
    header; None when no row matches any layout."""
    best: tuple[int, Recognised] | None = None
    for position, (number, cells) in enumerate(rows):
        keys = {normalize_header(c) for c in cells if not blank(c)}
        for layout in export_layouts():
            hits = layout.score(keys)
            if hits and (best is None or hits > best[0]):
                best = (hits, Recognised(layout, number, tuple(cells)))
        if position + 1 >= HEADER_SCAN_ROWS:
            break
    return None if best is None else best[1]
