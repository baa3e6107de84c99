"""Columnar backend: the helpers reading ID numbers (the Python check of each distinct number as
a struct column, and the fields a member's record takes from it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import Value, plain
from planner.backends.python.fact_helpers import _DERIVED_FIELDS, IMPLEMENTATIONS
from planner.model import DisabilityCategory

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler

_ID_CHECK = pl.Struct({"valid": pl.Boolean(), "problem": pl.Utf8(), "birth_date": pl.Date(),
                       "male": pl.Boolean(), "disability_category": pl.Utf8(),
                       "disability_grade": pl.Int64()})
#: The kinds of the fields of a struct value (``id_check.valid``).
STRUCT_FIELDS = {"IdCheck": {"valid": "bool", "problem": "str", "birth_date": "date",
                             "male": "bool", "disability_category": "enum",
                             "disability_grade": "number"}}
#: The vocabulary of each enum field of a struct value.
STRUCT_ENUMS: dict[str, dict[str, type]] = {
    "IdCheck": {"disability_category": DisabilityCategory}}


def _id_check(compiler: FactCompiler, args: list[Value]) -> Value:
    """The Python check of each distinct number, as a struct column (ID numbers are checked by
    one implementation: planner.idnumber)."""
    (number,) = args
    if number.kind != "str":
        raise Unsupported("id_check of something else than a text")
    check = IMPLEMENTATIONS["id_check"]

    def checks(numbers: pl.Series) -> pl.Series:
        found = {}
        for text in numbers.unique().to_list():
            result = check(text)
            found[text] = None if result is None else {
                "valid": result.valid, "problem": result.problem,
                "birth_date": result.birth_date, "male": result.male,
                "disability_category": plain(result.disability_category),
                "disability_grade": result.disability_grade}
        return pl.Series([found[text] for text in numbers.to_list()], dtype=_ID_CHECK)

    return Value(number.column.map_batches(checks, return_dtype=_ID_CHECK), "struct:IdCheck")


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
