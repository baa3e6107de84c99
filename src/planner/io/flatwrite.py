"""Writing flat tables: one row per member with the household columns repeated, plus part tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel

from planner.io.cells import write_cell
from planner.io.layout import ROOT, Column, Layout


class Tables(Protocol):
    """Where flat rows go: a CSV file with siblings, an XLSX workbook, Parquet files."""

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Append a row to ``table``."""

    def close(self) -> None:
        """Finish writing."""


def _get(record: Any, path: tuple[Any, ...]) -> Any:
    value = record
    for part in path:
        if value is None:
            return None
        value = getattr(value, part)
    return value


def cells_of(record: BaseModel, columns: Sequence[Column]) -> list[Any]:
    """The cells of ``record`` for ``columns`` (pseudo columns say whether a list is recorded)."""
    cells = []
    for column in columns:
        value = _get(record, column.path)
        if column.pseudo:
            cells.append(True if value is not None else None)
        else:
            cells.append(write_cell(value, column))
    return cells


def write_flat(records: Iterable[BaseModel], layout: Layout, tables: Tables, main: str) -> int:
    """Write ``records`` as rows of ``main`` and of the part tables; returns the record count."""
    header = layout.header
    blank_member = [None] * len(layout.row)
    count = 0
    for record in records:
        count += 1
        key = record.id  # type: ignore[attr-defined]
        root = cells_of(record, layout.root)
        members = getattr(record, layout.row_field) if layout.row_field else []
        if members:
            for member in members:
                tables.write(main, header, root + cells_of(member, layout.row))
        else:
            tables.write(main, header, root + blank_member if layout.row_field else root)
        for part in layout.parts:
            if part.level == ROOT:
                for item in getattr(record, part.field) or ():
                    tables.write(part.name, part.header, [key, *cells_of(item, part.columns)])
                continue
            for number, member in enumerate(members, start=1):
                for item in getattr(member, part.field) or ():
                    row = [key, number, *cells_of(item, part.columns)]
                    tables.write(part.name, part.header, row)
    return count
