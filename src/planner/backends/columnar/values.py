"""Columnar backend: a compiled value (a polars expression and what it holds) and its truth.

The three-valued semantics of :mod:`planner.facts.expression` map onto polars: ``null`` is
unknown, arithmetic and comparisons propagate it, ``&``/``|`` on booleans are Kleene's. What
polars does differently is spelled out here: Python truthiness (a number is true when not zero, a
text when not empty) and values known when the run starts (parameters, the reference date), which
are folded into literals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import polars as pl

from planner.backends.columnar.tables import Path, Unsupported
from planner.params import ParamValues

NO_CONSTANT = object()


@dataclass(frozen=True, slots=True)
class Value:
    """A compiled node: its expression and kind (``bool``, ``number``, ``str``, ``enum``,
    ``date``, ``list``, ``record``, ``members``, ``lookup``, ``other``); ``constant`` when known
    at compile time; ``record`` the path of a record reference (``owner``: ``household``,
    ``member`` or ``measure``); ``enum`` the vocabulary of an enum value; ``lookup`` the objects
    known when the run starts (catalog entries) that the key column ``expr`` picks."""

    expr: pl.Expr | None
    kind: str
    constant: Any = NO_CONSTANT
    record: Path | None = None
    owner: str = ""
    enum: type | None = None
    parts: tuple[Value, ...] = ()
    lookup: Mapping[Any, Any] | None = None

    @property
    def known(self) -> bool:
        """Whether the value is known when the run starts (folded into a literal)."""
        return self.constant is not NO_CONSTANT

    @property
    def column(self) -> pl.Expr:
        if self.expr is None:
            raise Unsupported(f"a {self.kind} is not a column")
        return self.expr


def kind_of(value: Any) -> str:
    """The kind of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Enum):
        return "enum"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, date):
        return "date"
    if isinstance(value, frozenset | set | tuple | list):
        return "list"
    return "other"


def plain(value: Any) -> Any:
    """A Python value as polars holds it (enums by value, collections as sorted lists)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def constant(value: Any) -> Value:
    """A value known when the run starts."""
    kind = kind_of(value)
    if kind == "other":
        return Value(None, "other", value)
    if kind == "list":
        return Value(None, "list", value)
    enum = type(value) if isinstance(value, Enum) else None
    if value is None:
        return Value(pl.lit(None), kind, value)
    return Value(pl.lit(plain(value)), kind, value, enum=enum)


_DTYPES = {"number": pl.Float64(), "bool": pl.Boolean(), "str": pl.Utf8(), "enum": pl.Utf8(),
           "date": pl.Date()}


def looked_up(key: pl.Expr, lookup: Mapping[Any, Any]) -> Value:
    """The objects of ``lookup`` picked by ``key``: a column where they are plain values (an
    unknown key is unknown), else a lookup to walk further."""
    samples = [value for value in lookup.values() if value is not None]
    kinds = {kind_of(value) for value in samples}
    if kinds == {"other"}:
        return Value(key, "lookup", lookup=lookup)
    if len(kinds) > 1 or kinds & {"list", "other"}:
        raise Unsupported(f"a lookup of {' and '.join(sorted(kinds))}")
    kind = kinds.pop() if kinds else "null"
    if all(isinstance(value, int) and not isinstance(value, bool) for value in samples):
        dtype: pl.DataType = pl.Int64()
    else:
        dtype = _DTYPES.get(kind, pl.Utf8())
    mapping = {name: plain(value) for name, value in lookup.items()}
    expr = key.replace_strict(mapping, default=None, return_dtype=dtype)
    return Value(expr, kind, enum=type(samples[0]) if kind == "enum" else None)


def truth(value: Value) -> pl.Expr:
    """Python truthiness as a boolean expression, unknown staying unknown."""
    if value.known:
        return pl.lit(None if value.constant is None else bool(value.constant),
                      dtype=pl.Boolean())
    expr = value.column
    if value.kind == "bool":
        return expr
    if value.kind == "number":
        return expr != 0
    if value.kind in ("str", "enum"):
        return expr.str.len_chars() > 0
    if value.kind == "list":
        return expr.list.len() > 0
    if value.kind == "date":
        return pl.when(expr.is_null()).then(None).otherwise(True)
    raise Unsupported(f"truth of a {value.kind}")


def unknown_if_any(parts: list[pl.Expr], result: pl.Expr) -> pl.Expr:
    """``result``, unknown when one of ``parts`` is (Python's chained comparisons)."""
    test = parts[0].is_null()
    for part in parts[1:]:
        test = test | part.is_null()
    return pl.when(test).then(None).otherwise(result)


def kind_of_annotation(annotation: Any) -> str:
    """The kind of the values a record field declared ``annotation`` holds."""
    if getattr(annotation, "__origin__", None) is list:
        return "list"
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return "bool"
        if issubclass(annotation, Enum):
            return "enum"
        if issubclass(annotation, int | float):
            return "number"
        if issubclass(annotation, str):
            return "str"
        if issubclass(annotation, date):
            return "date"
    raise Unsupported(f"a field of type {annotation}")


def _dated_values(params: ParamValues, key: str) -> list[Any]:
    """The values of parameter ``key``'s dated series, its end entries left out."""
    parameters = params._parameters  # the dated series behind the values
    if parameters is None or key not in parameters:
        return []
    return [dated.value for dated in parameters[key].values if not dated.ended]


def all_integers(params: ParamValues, key: str) -> bool:
    """Whether every dated value of parameter ``key`` is an int (none known: no)."""
    values = _dated_values(params, key)
    return bool(values) and all(type(value) is int for value in values)


def series_sample(params: ParamValues, key: str) -> Any:
    """A value of parameter ``key`` that shows its kind: the one in force, else (a series that
    ended before the run's date, such as the poverty line after 2020, read by an income year
    still inside it) its latest dated value; ``None`` when it never had one."""
    value = params.get(key)
    if value is not None:
        return value
    values = _dated_values(params, key)
    return values[-1] if values else None
