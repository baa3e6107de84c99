"""Columnar backend: the tables of a batch built straight from typed Parquet columns.

The same tables as :func:`planner.backends.columnar.tables.build_tables` (same columns, types,
keys and row order) for a batch of the typed layout (:mod:`planner.io.typedparquet`), whose rows
the column checks passed: struct fields are read with ``struct.field``, lists are exploded with
their 1-based positions, and no household object is built. A need this cannot map raises
:class:`~planner.backends.columnar.tables.Unsupported` (the checker then builds the households).
"""

from __future__ import annotations

import typing

import polars as pl
import pyarrow as pa

from planner.backends.columnar.tables import (
    ITEMS,
    Needs,
    Path,
    Tables,
    Unsupported,
    _unwrap,
    annotation_of,
    column,
    dtype_of,
)
from planner.model import Household, Member

_KEY = pl.Int64()


def _path_expr(base: pl.Expr, model: type, path: Path, typed: bool = True) -> pl.Expr:
    """The value at ``path`` of the records in ``base`` (null where a step is not recorded)."""
    expr = base
    for end, step in enumerate(path):
        holder = _unwrap(annotation_of(model, path[:end])) if end else model
        if typing.get_origin(holder) is dict:
            if typing.get_args(holder)[0] is not str:
                raise Unsupported(f"a mapping keyed by {typing.get_args(holder)[0]} in "
                                  f"{'.'.join(path)}")
            # the last entry of a key wins, as in a dict (the checks mark a key given twice)
            expr = expr.list.eval(pl.element().filter(
                pl.element().struct.field("key") == step).struct.field("value")).list.last()
        else:
            expr = expr.struct.field(step)
    return expr.cast(dtype_of(annotation_of(model, path))) if typed else expr


def _household_value(path: Path, typed: bool = True) -> pl.Expr:
    """The value at ``path`` of each household of the frame (``typed``: as its column)."""
    if len(path) == 1:
        value = pl.col(path[0])
        return value.cast(dtype_of(annotation_of(Household, path))) if typed else value
    return _path_expr(pl.col(path[0]), _unwrap(annotation_of(Household, path[:1])), path[1:],
                      typed)


def arrow_tables(batch: pa.RecordBatch, needs: Needs) -> Tables:
    """The tables ``needs`` lists for a typed batch, keyed by row and member position."""
    frame = pl.from_arrow(_read_columns(batch, needs))
    assert isinstance(frame, pl.DataFrame)
    count = frame.height
    row = pl.int_range(0, count, dtype=_KEY).alias("row")
    household = frame.select(row, *(_household_value(path).alias(column(path))
                                    for path in sorted(needs.household)))
    if needs.lengths:
        household = household.with_columns(
            frame.get_column(name).list.len().cast(_KEY).alias(f"n:{name}")
            for name in sorted(needs.lengths))
    for path in sorted(needs.present):
        present = frame.select(_household_value(path, typed=False)).to_series().is_not_null()
        household = household.with_columns(present.alias("p:" + ".".join(path)))
    people = _exploded(frame.select(row, pl.col("members")), "members", "position")
    people = people.filter(pl.col("members").struct.field("registered").fill_null(True))
    member = people.select(
        "row", "position",
        *(_path_expr(pl.col("members"), Member, path).alias(column(path))
          for path in sorted(needs.member)))
    tables: dict[str, pl.DataFrame] = {}
    for table, fields in needs.items.items():
        owner, attr = ITEMS[table]
        model = _item_model(owner, attr)
        if owner == "household":
            items = _exploded(frame.select(row, pl.col(attr)), attr, "index")
            keys = ["row", "index"]
        else:
            items = _exploded(people.select(
                "row", "position", pl.col("members").struct.field(attr)), attr, "index")
            keys = ["row", "index", "position"]
        tables[table] = items.select(
            *keys, *(_path_expr(pl.col(attr), model, (name,)).alias(column((name,)))
                     for name in sorted(fields)))
    if needs.income_history:
        history = _exploded(frame.select(row, pl.col("income_history")), "income_history",
                            "index")
        tables["income_history"] = history.select(
            "row", pl.col("income_history").struct.field("key").cast(_KEY).alias("year"),
            pl.col("income_history").struct.field("value").cast(pl.Float64()).alias("value"))
    return Tables((), household, member, tables)


def _read_columns(batch: pa.RecordBatch, needs: Needs) -> pa.Table:
    """The top-level columns ``needs`` reads, mappings as lists of key-value entries."""
    names = {path[0] for path in (*needs.household, *needs.present)} | set(needs.lengths)
    names.add("members")
    names.update(ITEMS[table][1] for table in needs.items if ITEMS[table][0] == "household")
    if needs.income_history:
        names.add("income_history")
    columns, fields = [], []
    for name in batch.schema.names:
        if name not in names:
            continue
        array = batch.column(name)
        if pa.types.is_map(array.type):
            array = array.cast(pa.list_(pa.struct([("key", array.type.key_type),
                                                    ("value", array.type.item_type)])))
        columns.append(array)
        fields.append(pa.field(name, array.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def _exploded(frame: pl.DataFrame, name: str, position: str) -> pl.DataFrame:
    """One row per item of list column ``name`` (lists not recorded give none), numbered from 1
    in ``position``."""
    numbered = frame.with_columns(
        pl.int_ranges(1, pl.col(name).list.len() + 1, dtype=_KEY).alias(position))
    return numbered.explode([name, position], keep_nulls=False)


def _item_model(owner: str, attr: str) -> type:
    model = Household if owner == "household" else Member
    item: type = typing.get_args(annotation_of(model, (attr,)))[0]
    return item


__all__ = ["arrow_tables"]
