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


COUNTY_HELPERS = {"mentions": _mentions}
