"""Columnar backend: the facts of a member's work records and posts (``work_record.*``, ``post.*``).

Each is a column of the member's item table (``employment``, ``posts``: one row per item, keyed
by household ``row``, member ``position`` and 1-based ``index``), evaluated after the member and
household facts; the holder's facts (``holder.age``) are the member table's columns joined by
``row`` and ``position``. The helpers the item facts call that compare two columns of a row
(``covers_date``, ``covers_year``) and ``county_level`` (the Python helper applied once per
distinct text of the batch) are here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from pydantic import BaseModel

from planner.backends.columnar.steps import Batch
from planner.backends.columnar.tables import Tables, Unsupported
from planner.backends.columnar.values import Value, constant
from planner.model import EmploymentRecord, PublicWelfarePost

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler, FactPlan

#: Item entity → its item table, and the model of its records.
ITEM_TABLES = {"work_record": "employment", "post": "posts"}
ITEM_RECORDS: dict[str, type[BaseModel]] = {"work_record": EmploymentRecord,
                                             "post": PublicWelfarePost}


def item_input(compiler: FactCompiler, name: str) -> Value:
    """An input of an item fact (:data:`planner.facts.items.ITEM_INPUTS`)."""
    if name == "member":
        return Value(pl.col("position"), "number")
    if name == "number":
        return Value(pl.col("index"), "number")
    if name == "holder":
        return Value(None, "holder")
    if name == "when":
        return constant(compiler.when)
    raise Unsupported(f"input {name} of an item")


def holder_attribute(compiler: FactCompiler, attr: str) -> Value:
    """The holder's member fact ``attr``, joined onto the item table."""
    found = compiler.plan.values.get(f"member.{attr}")
    if found is None and f"member.{attr}" not in compiler.plan.unsupported:
        # on demand, with what it reads (member facts are evaluated before items)
        wanted = compiler._closure([f"member.{attr}"])
        entity = compiler.entity
        for declared in compiler.catalog.of("member"):
            if declared.qualified in wanted and declared.qualified not in compiler.plan.values:
                compiler._fact("member", declared.fact.name, declared.node, declared.depends_on)
        compiler.entity = entity
        found = compiler.plan.values.get(f"member.{attr}")
    if found is None:
        raise Unsupported(f"holder.{attr}")
    if found.known:
        return found
    source = found.column
    target = compiler.temp()

    def step(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        assert batch.member is not None
        holders = batch.member.select("row", "position", source.alias(target))
        return frame.join(holders, on=["row", "position"], how="left", maintain_order="left")

    compiler.add_step(step)
    return Value(pl.col(target), found.kind, enum=found.enum)


def item_frames(plan: FactPlan, tables: Tables, household: pl.DataFrame,
                member: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The item tables of a batch with their fact columns (entity → frame; only those the
    plan reads)."""
    batch = Batch(tables, member, household)
    frames: dict[str, pl.DataFrame] = {}
    for entity, table in ITEM_TABLES.items():
        frame = tables.items.get(table)
        if frame is None:
            continue
        for step in plan.item_steps.get(entity, ()):
            frame = step(frame, batch)
        frames[entity] = frame
    return frames


def _open(value: Value) -> pl.Expr | None:
    return None if value.known and value.constant is None else value.column


def _covers(args: list[Value], by_year: bool) -> Value:
    start, end, when = args
    if not when.known or when.constant is None:
        raise Unsupported("covers of a date of each row")
    on = when.constant.year if by_year else when.constant
    checks = []
    for value, holds in ((start, lambda e: e <= on), (end, lambda e: e >= on)):
        expr = _open(value)
        if expr is not None:
            expr = expr.dt.year() if by_year else expr
            checks.append(expr.is_null() | holds(expr))
    result = pl.lit(True)
    for check in checks:
        result = result & check
    return Value(result, "bool")


def _covers_date(compiler: FactCompiler, args: list[Value]) -> Value:
    return _covers(args, by_year=False)


def _covers_year(compiler: FactCompiler, args: list[Value]) -> Value:
    return _covers(args, by_year=True)


def _county_level(compiler: FactCompiler, args: list[Value]) -> Value:
    from planner.backends.python.county_helpers import county_level

    (text,) = args
    if text.kind != "str":
        raise Unsupported(f"county_level of a {text.kind}")
    params = compiler.params

    def judged(texts: pl.Series) -> pl.Series:
        found = {t: county_level(t, params=params) for t in texts.unique().to_list()
                 if t is not None}
        return texts.replace_strict(found, default=None, return_dtype=pl.Boolean())

    # a text not recorded is no county name (the helper's blank)
    return Value(text.column.map_batches(judged, return_dtype=pl.Boolean()), "bool")


ITEM_HELPERS = {"covers_date": _covers_date, "covers_year": _covers_year,
                "county_level": _county_level}

