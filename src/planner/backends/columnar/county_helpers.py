"""Polars forms of the county-checklist fact helpers (planner.facts.helpers, county block)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import Value

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler


def _mentions(compiler: FactCompiler, args: list[Value]) -> Value:
    items, word = args
    if not word.known or not isinstance(word.constant, str):
        raise Unsupported("mentions of a text read from a column")
    column = items.column
    found = column.list.eval(pl.element().str.contains(word.constant, literal=True)).list.any()
    return Value(pl.when(column.is_null()).then(None).otherwise(found), "bool")


#: A member's list of spells → its item table.
_SPELL_TABLES: dict[tuple[str, ...], str] = {("public_welfare_posts",): "posts",
                                             ("employment",): "employment"}


def _most_at_once(compiler: FactCompiler, args: list[Value]) -> Value:
    # The Python helper's sweep, per member: starts before ends on the same day, a spell with
    # no start left out, an unknown end open; the most running at once (0 with no spell).
    from planner.backends.columnar.helpers import _item_aggregate, _items

    (spells,) = args
    table = _SPELL_TABLES.get(spells.record or ())
    if table is None:
        raise Unsupported("most_at_once of something else than a member's spells")
    _items(compiler, spells, table, "start", "end")
    keys = ["row", "position"]

    def sweep(items: pl.DataFrame) -> pl.DataFrame:
        started = items.filter(pl.col("r:start").is_not_null())
        starts = started.select(*keys, pl.col("r:start").alias("d"), pl.lit(0).alias("k"),
                                pl.lit(1, dtype=pl.Int64()).alias("delta"))
        ends = started.filter(pl.col("r:end").is_not_null()).select(
            *keys, pl.col("r:end").alias("d"), pl.lit(1).alias("k"),
            pl.lit(-1, dtype=pl.Int64()).alias("delta"))
        events = pl.concat([starts, ends]).sort([*keys, "d", "k"])
        return events.with_columns(pl.col("delta").cum_sum().over(keys).alias("running"))

    return _item_aggregate(compiler, table, pl.col("running").max().clip(lower_bound=0), 0,
                          where=sweep)


COUNTY_HELPERS = {"mentions": _mentions, "most_at_once": _most_at_once}
