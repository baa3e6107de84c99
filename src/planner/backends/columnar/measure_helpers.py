"""Columnar backend: the helpers of planned-measure facts (catalog entry, registered beneficiary).

A measure fact is a column of the ``measures`` item table (one row per planned measure, keyed by
household ``row`` and 1-based ``index``); the catalog is known when the run starts, so an entry
is a lookup by measure id (:func:`planner.backends.columnar.values.looked_up`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from planner.backends.columnar.steps import Batch
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import Value, constant

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler


def _catalog_entry(compiler: FactCompiler, args: list[Value]) -> Value:
    catalog, measure = args
    if catalog.known and catalog.constant is None:
        return constant(None)
    if catalog.kind != "catalog" or catalog.lookup is None or measure.kind != "str":
        raise Unsupported("catalog_entry of something else than the run's catalog")
    return Value(measure.column, "lookup", lookup=catalog.lookup)


def _registered_member(compiler: FactCompiler, args: list[Value]) -> Value:
    members, number = args
    if members.kind != "members" or compiler.entity != "measure" or number.kind != "number":
        raise Unsupported("registered_member outside a planned measure")
    wanted = number.column
    target = compiler.temp()
    found = f"{target}#"

    def step(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        assert batch.member is not None
        registered = batch.member.select(
            "row", pl.col("position").alias(target), pl.lit(True).alias(found))
        return (frame.with_columns(wanted.cast(pl.Int64()).alias(target))
                .join(registered, on=["row", target], how="left", maintain_order="left",
                      nulls_equal=False)
                .with_columns(pl.when(pl.col(found)).then(pl.col(target)).otherwise(None)
                              .alias(target))
                .drop(found))

    compiler.add_step(step)
    return Value(pl.col(target), "number")


def entry_known(value: Value) -> pl.Expr:
    """Whether the lookup ``value`` finds an entry (``is_known(entry)``)."""
    assert value.lookup is not None
    keys = [key for key, entry in value.lookup.items() if entry is not None]
    return value.column.is_in(pl.lit(pl.Series(keys, dtype=pl.Utf8())).implode()).fill_null(False)


MEASURE_HELPERS: dict[str, Callable[[FactCompiler, list[Value]], Value]] = {
    "catalog_entry": _catalog_entry,
    "registered_member": _registered_member,
}
