"""The flat (tabular) layout of a record model, derived from the pydantic model itself.

A household becomes one row per member: household fields are columns named by their path
(``housing.safety_grade``), member fields are ``member.<path>``, and every household repeats its
household columns on each member row. Lists of records that are not members (income sources,
planned measures, visits, employment spells …) become *parts*: extra sheets (XLSX) or sibling
files (``households.income.csv``) keyed by ``household_id`` (and ``member_number`` for a
member's lists). Lists of plain values are one cell (``illness;disability``), mappings one cell
of JSON. Deriving the layout from the model keeps every format in step with the model.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from planner.model import Household, Project, Village

SCALAR = "scalar"
LIST = "list"
DICT = "dict"
JSON = "json"

ROOT = "root"
ROW = "row"

_SCALARS = (str, int, float, bool, date, datetime)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a flat table: where its value goes and how it is written.

    ``path`` is relative to the record the column belongs to (the household, the member, or the
    part's record); ``kind`` is scalar, list (of scalars), dict or json (anything else, as JSON);
    ``type`` the scalar or list-item type; ``blank_is_empty`` says a blank cell means an empty
    list rather than "not recorded" (``None``).
    """

    name: str
    path: tuple[str, ...]
    level: str
    kind: str
    type: Any
    blank_is_empty: bool = False
    pseudo: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    """A list of records stored in its own table, keyed by the owning record (and member)."""

    name: str
    field: str
    level: str
    model: type[BaseModel]
    columns: tuple[Column, ...]
    optional: bool
    keys: tuple[str, ...]

    @property
    def header(self) -> list[str]:
        """Key columns then the record's columns."""
        return [*self.keys, *(c.name for c in self.columns)]


@dataclass(frozen=True, slots=True)
class Layout:
    """Flat layout of one record kind (household, village or project)."""

    kind: str
    model: type[BaseModel]
    key: str
    root: tuple[Column, ...]
    row_field: str | None
    row_prefix: str | None
    row: tuple[Column, ...]
    parts: tuple[Part, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        """Columns of the main table: record columns, then the member columns."""
        return (*self.root, *self.row)

    @property
    def header(self) -> list[str]:
        """Header of the main table as planner writes it."""
        return [c.name for c in self.columns]

    def part(self, name: str) -> Part | None:
        """The part called ``name``, if any."""
        for part in self.parts:
            if part.name == name:
                return part
        return None


def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (annotation, False)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _is_scalar(tp: Any) -> bool:
    return isinstance(tp, type) and (issubclass(tp, _SCALARS) or issubclass(tp, Enum))


def _walk(
    model: type[BaseModel], prefix: tuple[str, ...], level: str, name_prefix: str,
    columns: list[Column], tables: list[tuple[str, type[BaseModel], bool]],
) -> None:
    for field_name, info in model.model_fields.items():
        path = (*prefix, field_name)
        name = name_prefix + ".".join(path)
        tp, _optional = unwrap_optional(info.annotation)
        origin = typing.get_origin(tp)
        if _is_scalar(tp):
            columns.append(Column(name, path, level, SCALAR, tp))
        elif _is_record(tp):
            _walk(tp, path, level, name_prefix, columns, tables)
        elif origin is list:
            (item,) = typing.get_args(tp)
            if _is_scalar(item):
                empty = info.default_factory is list
                columns.append(Column(name, path, level, LIST, item, blank_is_empty=empty))
            elif _is_record(item) and not prefix:
                tables.append((field_name, item, info.default_factory is not list))
            else:
                columns.append(Column(name, path, level, JSON, tp))
        elif origin is dict:
            columns.append(Column(name, path, level, DICT, tp, blank_is_empty=True))
        else:
            columns.append(Column(name, path, level, JSON, tp))


def _part_columns(model: type[BaseModel]) -> tuple[Column, ...]:
    columns: list[Column] = []
    nested: list[tuple[str, type[BaseModel], bool]] = []
    _walk(model, (), ROOT, "", columns, nested)
    for field_name, item, _optional in nested:  # a list of records inside a part: one JSON cell
        columns.append(Column(field_name, (field_name,), ROOT, JSON, list[item]))  # type: ignore[valid-type]
    return tuple(columns)


def build_layout(
    kind: str, model: type[BaseModel], row_field: str | None = None, row_prefix: str | None = None
) -> Layout:
    """Derive the flat layout of ``model``; ``row_field`` is the list spread over rows (members)."""
    key = f"{kind}_id"
    root: list[Column] = []
    tables: list[tuple[str, type[BaseModel], bool]] = []
    _walk(model, (), ROOT, "", root, tables)
    parts: list[Part] = []
    row: list[Column] = []
    for field_name, item, optional in tables:
        if field_name == row_field:
            continue
        columns = _part_columns(item)
        parts.append(Part(field_name, field_name, ROOT, item, columns, optional, (key,)))
        if optional:
            name = f"{field_name}_recorded"
            root.append(Column(name, (field_name,), ROOT, SCALAR, bool, pseudo=True))
    if row_field is not None:
        member_model = model.model_fields[row_field].annotation
        (item,) = typing.get_args(unwrap_optional(member_model)[0])
        member_tables: list[tuple[str, type[BaseModel], bool]] = []
        _walk(item, (), ROW, f"{row_prefix}.", row, member_tables)
        for field_name, sub, optional in member_tables:
            parts.append(
                Part(field_name, field_name, ROW, sub, _part_columns(sub), optional,
                     (key, f"{row_prefix}_number"))
            )
            if optional:
                row.append(Column(f"{row_prefix}.{field_name}_recorded", (field_name,), ROW, SCALAR,
                                  bool, pseudo=True))
    names = [p.name for p in parts]
    if len(names) != len(set(names)):  # pragma: no cover - guards a future model change
        raise ValueError(f"part names of {kind} are not unique: {names}")
    return Layout(kind, model, key, tuple(root), row_field, row_prefix, tuple(row), tuple(parts))


@cache
def layout_for(kind: str) -> Layout:
    """The layout of ``household``, ``village`` or ``project`` records."""
    if kind == "household":
        return build_layout("household", Household, "members", "member")
    if kind == "village":
        return build_layout("village", Village)
    if kind == "project":
        return build_layout("project", Project)
    raise ValueError(f"unknown record kind {kind!r}")


MODELS: dict[str, type[BaseModel]] = {
    "household": Household, "village": Village, "project": Project,
}
