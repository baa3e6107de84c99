"""Headers of a flat table: which column feeds which field, and where the header row is."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from planner.io.cells import blank
from planner.io.columns import MapEntry, TableMap
from planner.io.errors import FormatError
from planner.io.layout import DICT, ROOT, ROW, SCALAR, Column, Layout, Part

KEY = "key"
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True, slots=True)
class Target:
    """A column of the file resolved to where its values go.

    ``path`` is relative to the level's record (the household, the member, or the part record)
    and may hold list positions (``("employment", 0, "county")``); special paths start with
    ``@income`` / ``@cost`` (household totals) or ``@recorded`` (a part is recorded).
    """

    index: int
    header: str
    level: str
    path: tuple[Any, ...]
    column: Column | None
    entry: MapEntry | None = None

    @property
    def month(self) -> bool:
        """True when the column holds months (``YYYYMM``)."""
        return self.entry is not None and self.entry.type == "month"

    @property
    def field(self) -> str:
        """The canonical field name (``member.birth_date``), for messages."""
        prefix = "member." if self.level == ROW else ""
        return prefix + ".".join(str(p) for p in self.path if not str(p).startswith("@"))


class Resolver:
    """Turns field names (``housing.safety_grade``, ``member.employment.0.county``) into columns."""

    def __init__(self, layout: Layout, part: Part | None = None):
        self.layout = layout
        self.part = part
        columns = part.columns if part else layout.columns
        self.by_name = {c.name: c for c in columns}
        self.by_path = {(c.level, c.path): c for c in columns if not c.pseudo}
        self.parts = {} if part else {(p.level, p.field): p for p in layout.parts}
        self.keys = part.keys if part else ()
        self.row_prefix = None if part else layout.row_prefix

    def column(self, level: str, path: tuple[Any, ...]) -> Column | None:
        """The column at ``path`` of ``level``: a plain field, a part item field or a dict key."""
        found = self.by_path.get((level, path))
        if found is not None:
            return found
        if len(path) >= 3 and isinstance(path[1], int):
            part = self.parts.get((level, path[0]))
            if part is not None:
                for column in part.columns:
                    if column.path == tuple(path[2:]):
                        return column
        if len(path) >= 2:
            mapping = self.by_path.get((level, tuple(path[:-1])))
            if mapping is not None and mapping.kind == DICT:
                value_type = typing.get_args(mapping.type)[1]
                return Column(".".join(map(str, path)), tuple(path), level, SCALAR, value_type)
        return None

    def field(self, name: str) -> tuple[str, tuple[Any, ...], Column | None] | None:
        """(level, path, column) for a field name, or None when the model has no such field."""
        name = name.strip()
        if name in self.keys:
            return KEY, (name,), None
        column = self.by_name.get(name)
        if column is not None:
            if column.pseudo:
                return column.level, ("@recorded", column.path[0]), column
            return column.level, column.path, column
        parts = name.split(".")
        level = ROOT
        if self.row_prefix and parts[0] == self.row_prefix and len(parts) > 1:
            level, parts = ROW, parts[1:]
        path = tuple(int(p) if p.isascii() and p.isdigit() else p for p in parts)
        column = self.column(level, path)
        return (level, path, column) if column is not None else None


@dataclass(slots=True)
class Header:
    """The resolved header of a table."""

    number: int
    targets: list[Target]
    unknown: list[str]
    ignored: list[str]
    blank_columns: list[int]

    def has(self, level: str, path: tuple[Any, ...]) -> bool:
        """True when some column feeds ``path`` of ``level``."""
        return any(t.level == level and t.path == path for t in self.targets)


def resolve_header(
    number: int, cells: Sequence[Any], resolver: Resolver, table: TableMap, source: str
) -> Header:
    """Resolve every header cell: column map first, then canonical field names."""
    targets: list[Target] = []
    unknown: list[str] = []
    ignored: list[str] = []
    blank_columns: list[int] = []
    for index, cell in enumerate(cells):
        if blank(cell):
            blank_columns.append(index)
            continue
        header = str(cell).strip()
        entry = table.entry(header)
        if entry is not None:
            if entry.income or entry.cost:
                path = ("@income", entry.income) if entry.income else ("@cost",)
                targets.append(Target(index, header, ROOT, path, None, entry))
                continue
            found = resolver.field(entry.field or "")
            if found is None:
                raise FormatError(
                    f"列映射 {source}：列「{header}」指向不存在的字段 {entry.field}",
                    f"column map {source}: column {header} names an unknown field {entry.field}",
                )
            targets.append(Target(index, header, *found, entry))
            continue
        found = resolver.field(header)
        if found is not None:
            targets.append(Target(index, header, *found))
        elif table.ignores(header):
            ignored.append(header)
        else:
            unknown.append(header)
    return Header(number, targets, unknown, ignored, blank_columns)


def find_header(
    rows: Iterator[tuple[int, Sequence[Any]]], resolver: Resolver, table: TableMap, source: str,
    fixed: list[str] | None = None,
) -> tuple[Header | None, Iterator[tuple[int, Sequence[Any]]]]:
    """Find the header row among the first rows (the one naming most known columns).

    Title rows above the header are skipped. ``fixed`` is a header known from the format
    (Parquet); ``table.header_row`` forces a row number. Returns the header (None when no row
    names a known column) and the data rows after it.
    """
    if fixed is not None:
        return resolve_header(0, fixed, resolver, table, source), rows
    scanned: list[tuple[int, Sequence[Any]]] = []
    best: Header | None = None
    best_at = -1
    for position, (number, cells) in enumerate(rows):
        scanned.append((number, cells))
        if table.header_row is not None:
            if number == table.header_row:
                best, best_at = resolve_header(number, cells, resolver, table, source), position
                break
        else:
            header = resolve_header(number, cells, resolver, table, source)
            if header.targets and (best is None or len(header.targets) > len(best.targets)):
                best, best_at = header, position
        if position + 1 >= HEADER_SCAN_ROWS and table.header_row is None:
            break
    if best is None:
        return None, iter(())
    return best, chain(scanned[best_at + 1:], rows)
