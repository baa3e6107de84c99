"""Columnar backend: the helpers reading ID numbers (the check of each number as a struct column,
and the fields a member's record takes from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from planner.backends.columnar.idcolumn import ID_CHECK, id_checks
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import Value
from planner.backends.python.fact_helpers import _DERIVED_FIELDS
from planner.model import DisabilityCategory

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler

#: The kinds of the fields of a struct value (``id_check.valid``).
STRUCT_FIELDS = {"IdCheck": {"valid": "bool", "problem": "str", "birth_date": "date",
                             "male": "bool", "disability_category": "enum",
                             "disability_grade": "number"}}
#: The vocabulary of each enum field of a struct value.
STRUCT_ENUMS: dict[str, dict[str, type]] = {
    "IdCheck": {"disability_category": DisabilityCategory}}


def _id_check(compiler: FactCompiler, args: list[Value]) -> Value:
    """The check of each number, as a struct column: planner.idnumber's verdicts computed over
    the column (:mod:`planner.backends.columnar.idcolumn`)."""
    (number,) = args
    if number.kind != "str":
        raise Unsupported("id_check of something else than a text")
    return Value(number.column.map_batches(id_checks, return_dtype=ID_CHECK), "struct:IdCheck")


def _id_derived_fields(compiler: FactCompiler, args: list[Value]) -> Value:
    """The record's fields left empty that the (valid) ID check fills, as a sorted list."""
    record, check = args
    if record.record != () or record.owner != "member" or compiler.entity != "member":
        raise Unsupported("id_derived_fields of something else than a member's record")
    if check.known:
        if check.constant is None:
            return Value(pl.lit(pl.Series([[]], dtype=pl.List(pl.Utf8()))), "list")
        raise Unsupported("id_derived_fields of a check known at the start")
    if check.kind != "struct:IdCheck":
        raise Unsupported(f"id_derived_fields of a {check.kind}")
    parts = []
    for name, said in sorted(_DERIVED_FIELDS):  # sorted: the set as the Python side prints it
        recorded = compiler.record_value((name,), "member", item=False).column
        taken = recorded.is_null() & check.column.struct.field(said).is_not_null()
        parts.append(pl.when(taken.fill_null(False)).then(pl.lit(name)).otherwise(None))
    return Value(pl.concat_list(parts).list.drop_nulls(), "list")


ID_HELPERS: dict[str, Callable[[FactCompiler, list[Value]], Value]] = {
    "id_check": _id_check,
    "id_derived_fields": _id_derived_fields,
}
