"""Columnar backend: a batch of validated households flattened into polars tables.

One table per entity or list the facts read — ``household`` (one row per household, ``row``
0…n-1 in batch order), ``member`` (registered members only, keyed by ``row`` and ``position``, the
1-based place in the household's member list) and item tables (``income``, ``production_costs``,
``income_history``, ``measures``, ``visits`` per household; ``employment``, ``posts`` per
member). Only the record fields a compiled plan asks for (:class:`Needs`) become columns, and each
column is filled in one pass as a plain list: no per-fact Python object per record.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any

import polars as pl
from pydantic import BaseModel

from planner.model import Household, Member

Path = tuple[str, ...]

#: Item tables: (owner entity, the record's list field, its model).
ITEMS: dict[str, tuple[str, str]] = {
    "income": ("household", "income"),
    "production_costs": ("household", "production_costs"),
    "measures": ("household", "measures"),
    "visits": ("household", "visits"),
    "employment": ("member", "employment"),
    "posts": ("member", "public_welfare_posts"),
}


class Unsupported(Exception):
    """What the columnar backend cannot compute yet (the fact or rule goes to the Python one)."""


@dataclass(slots=True)
class Needs:
    """The record fields a compiled plan reads: paths of households and members, item fields."""

    household: set[Path] = field(default_factory=set)
    member: set[Path] = field(default_factory=set)
    items: dict[str, set[str]] = field(default_factory=dict)
    # Household lists whose length is read (``None`` for a list not recorded): ``n:income``.
    lengths: set[str] = field(default_factory=set)
    # Optional sub-records whose presence is read (``is_known(record.monitoring)``): ``p:…``.
    present: set[Path] = field(default_factory=set)
    income_history: bool = False

    def item(self, table: str, *fields: str) -> None:
        self.items.setdefault(table, set()).update(fields)


@dataclass(slots=True)
class Tables:
    """One batch as polars tables; ``households`` keeps the records for the Python backend."""

    households: Sequence[Household]
    household: pl.DataFrame
    member: pl.DataFrame
    items: dict[str, pl.DataFrame]


def column(path: Path) -> str:
    """The column name of a record path (``housing.safety_grade`` → ``r:housing.safety_grade``)."""
    return "r:" + ".".join(path)


def _unwrap(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def annotation_of(model: type[BaseModel], path: Path) -> Any:
    """The annotation of ``path`` in ``model`` (a dict's entry is its value type)."""
    annotation: Any = model
    for step in path:
        current = _unwrap(annotation)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if step not in current.model_fields:
                raise Unsupported(f"{model.__name__} has no {'.'.join(path)}")
            annotation = current.model_fields[step].annotation
        elif typing.get_origin(current) is dict:
            annotation = typing.get_args(current)[1]
        else:
            raise Unsupported(f"cannot read {'.'.join(path)}")
    return _unwrap(annotation)


def dtype_of(annotation: Any) -> pl.DataType:
    """The polars type holding values of ``annotation`` (enums by value, lists of scalars)."""
    target = _unwrap(annotation)
    if typing.get_origin(target) is list:
        return pl.List(dtype_of(typing.get_args(target)[0]))
    if not isinstance(target, type):
        raise Unsupported(f"no column type for {annotation}")
    if issubclass(target, bool):
        return pl.Boolean()
    if issubclass(target, Enum | str):
        return pl.Utf8()
    if issubclass(target, int):
        return pl.Int64()
    if issubclass(target, float):
        return pl.Float64()
    if issubclass(target, date):
        return pl.Date()
    raise Unsupported(f"no column type for {annotation}")


def _reader(path: Path) -> Callable[[Any], Any]:
    # Enums are ``str`` enums: polars takes them as the text of their value, as they are.
    def read(record: Any) -> Any:
        value = record
        for step in path:
            if value is None:
                return None
            value = value.get(step) if isinstance(value, dict) else getattr(value, step)
        return value

    return read


def _values(records: Sequence[Any], path: Path, model: type[BaseModel]) -> list[Any]:
    """The values of ``path`` in ``records`` (``None`` where a step is not recorded)."""
    if len(path) == 1:
        name = path[0]
        return [getattr(record, name) for record in records]
    if not _through_mapping(model, path):
        get = attrgetter(".".join(path))
        read = _reader(path)
        values = []
        for record in records:
            try:
                values.append(get(record))
            except AttributeError:  # an optional part (``helper``) not recorded
                values.append(read(record))
        return values
    read = _reader(path)
    return [read(record) for record in records]


def _through_mapping(model: type[BaseModel], path: Path) -> bool:
    return any(typing.get_origin(_unwrap(annotation_of(model, path[:end]))) is dict
               for end in range(1, len(path)))


def _frame(records: Sequence[Any], keys: dict[str, list[Any]], model: type[BaseModel],
           paths: Iterable[Path]) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {
        name: pl.Series(name, values, dtype=pl.Int64()) for name, values in keys.items()}
    for path in sorted(paths):
        name = column(path)
        columns[name] = pl.Series(name, _values(records, path, model),
                                  dtype=dtype_of(annotation_of(model, path)))
    return pl.DataFrame(columns)


def build_tables(households: Sequence[Household], needs: Needs) -> Tables:
    """The tables of one batch: what ``needs`` lists, keyed by household row and member position."""
    household = _frame(households, {"row": list(range(len(households)))}, Household,
                       needs.household)
    if needs.lengths:
        household = household.with_columns(
            pl.Series(f"n:{name}", [None if (items := getattr(record, name)) is None
                                    else len(items) for record in households],
                      dtype=pl.Int64())
            for name in sorted(needs.lengths))
    for path in sorted(needs.present):
        read = _reader(path)
        household = household.with_columns(pl.Series(
            "p:" + ".".join(path), [read(record) is not None for record in households],
            dtype=pl.Boolean()))
    rows: list[int] = []
    positions: list[int] = []
    members: list[Member] = []
    for row, record in enumerate(households):
        for position, person in enumerate(record.members, start=1):
            if person.registered:
                rows.append(row)
                positions.append(position)
                members.append(person)
    member = _frame(members, {"row": rows, "position": positions}, Member, needs.member)
    tables: dict[str, pl.DataFrame] = {}
    for table, fields in needs.items.items():
        owner, attr = ITEMS[table]
        owners: Sequence[Any] = households if owner == "household" else members
        keys: dict[str, list[int]] = {"row": [], "index": []}
        if owner == "member":
            keys["position"] = []
        records: list[Any] = []
        for number, item_owner in enumerate(owners):
            row = number if owner == "household" else rows[number]
            for index, item in enumerate(getattr(item_owner, attr) or (), start=1):
                keys["row"].append(row)
                keys["index"].append(index)
                if owner == "member":
                    keys["position"].append(positions[number])
                records.append(item)
        model = _item_model(owner, attr)
        tables[table] = _frame(records, keys, model, [(name,) for name in fields])
    if needs.income_history:
        history: dict[str, list[Any]] = {"row": [], "year": [], "value": []}
        for row, record in enumerate(households):
            for year, value in record.income_history.items():
                history["row"].append(row)
                history["year"].append(year)
                history["value"].append(value)
        tables["income_history"] = pl.DataFrame(
            history, schema={"row": pl.Int64(), "year": pl.Int64(), "value": pl.Float64()})
    return Tables(households, household, member, tables)


def _item_model(owner: str, attr: str) -> type[BaseModel]:
    model = Household if owner == "household" else Member
    annotation = annotation_of(model, (attr,))
    item: type[BaseModel] = typing.get_args(annotation)[0]
    return item
