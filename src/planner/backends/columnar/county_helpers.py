"""Polars forms of the county-checklist fact helpers (planner.facts.helpers, county block)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from planner.backends.columnar.steps import Batch, joined
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import NO_CONSTANT, Value
from planner.backends.python.county_helpers import county_place, same_place

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


def _places(names: pl.Series, params: Any) -> pl.DataFrame:
    """Each distinct workplace text (``r:county``) → the place it is compared as (``place``:
    a county-level name stripped, a division code as its 6 digits; absent when not at county
    level), by the Python helper's own rules, once per distinct text."""
    texts = [text for text in names.unique().to_list() if text is not None]
    place = [county_place(text, params=params) for text in texts]
    return pl.DataFrame({"r:county": texts, "place": place},
                        schema={"r:county": pl.Utf8(), "place": pl.Utf8()}).drop_nulls("place")


def _apart(crossed: pl.DataFrame) -> pl.DataFrame:
    """Each distinct pair of places (``place``, ``place_b``) → whether they are surely different
    places (``apart``), by the Python helper's own comparison, once per distinct pair."""
    pairs = crossed.select("place", "place_b").unique()
    verdicts = [same_place(one, other) is False for one, other in pairs.iter_rows()]
    return pairs.with_columns(pl.Series("apart", verdicts, dtype=pl.Boolean()))


def _phone_shared_apart(compiler: FactCompiler, args: list[Value]) -> Value:
    # The Python helper pairs the registered members (numbered 1… in their order) that have
    # a phone key and a county-level workplace this year: a self-join of those members on
    # (household row, phone key), each pair's places crossed, the pair kept when every two
    # places surely differ (planner.backends.python.county_helpers.same_place).
    from planner.backends.columnar.helpers import _covers

    members, when = args
    if members.kind != "members" or compiler.entity != "household" or not when.known:
        raise Unsupported("phone_shared_apart of something else than the members this year")
    compiler.plan.needs.member.add(("phone",))
    compiler.plan.needs.item("employment", "start", "end", "county")
    year = when.constant.year
    params = compiler.params
    # phone_key: the ASCII digits of the number (whitespace left out), 1 to 17 of them
    digits = pl.col("r:phone").str.replace_all("[^0-9]", "")
    key = pl.when(digits.str.len_chars().is_between(1, 17)).then(digits).otherwise(None)

    def found(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        spells = batch.tables.items["employment"]
        spells = spells.filter(_covers(pl.col("r:start").dt.year(), pl.col("r:end").dt.year(),
                                       year, year))
        places = (spells.select("row", "position", "r:county")
                  .join(_places(spells.get_column("r:county"), params), on="r:county")
                  .select("row", "position", "place").unique())
        phones = (batch.tables.member.select(
            "row", "position", (pl.int_range(pl.len()).over("row") + 1).alias("number"),
            key.alias("key")).drop_nulls("key")
            .join(places.select("row", "position").unique(), on=["row", "position"]))
        pairs = phones.join(phones, on=["row", "key"], suffix="_b").filter(
            pl.col("number") < pl.col("number_b"))
        crossed = (pairs.join(places, on=["row", "position"])
                   .join(places, left_on=["row", "position_b"], right_on=["row", "position"],
                         suffix="_b"))
        kept = (crossed.join(_apart(crossed), on=["place", "place_b"])
                .group_by("row", "number", "number_b").agg(pl.col("apart").all())
                .filter(pl.col("apart")))
        return pl.concat([kept.select("row", "number"),
                          kept.select("row", pl.col("number_b").alias("number"))])

    target = compiler.temp()
    compiler.add_step(joined(target, found, pl.col("number").unique().sort(), NO_CONSTANT))
    empty = pl.lit(pl.Series([[]], dtype=pl.List(pl.Int64())))
    column = pl.col(target)
    return Value(pl.when(column.is_null()).then(empty).otherwise(column), "list")


COUNTY_HELPERS = {"mentions": _mentions, "most_at_once": _most_at_once,
                  "phone_shared_apart": _phone_shared_apart}
