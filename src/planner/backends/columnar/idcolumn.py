"""Columnar backend: GB 11643 ID numbers checked over a whole column (format, birth date, check
digit, sex, the disability card's category and grade), the verdicts of planner.idnumber.

Numbers that are plain ASCII are checked with polars expressions; the few others (full-width
digits, non-ASCII white space…) go to :func:`planner.idnumber.check_id` itself, whose Unicode
rules for white space, case and digits they need. A test compares every verdict with
``check_id`` on the 20,000 generated households' numbers and on hostile ones.
"""

from __future__ import annotations

import polars as pl

from planner.backends.columnar.values import plain
from planner.backends.python.fact_helpers import IMPLEMENTATIONS
from planner.idnumber import _CHECK, _WEIGHTS
from planner.model import DisabilityCategory

ID_CHECK = pl.Struct({"valid": pl.Boolean(), "problem": pl.Utf8(), "birth_date": pl.Date(),
                      "male": pl.Boolean(), "disability_category": pl.Utf8(),
                      "disability_grade": pl.Int64()})
# What Python's str.strip() removes from an ASCII text (Rust's whitespace leaves out \x1c-\x1f).
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
# digit 19 of a disability card → its category; month → its days in a common year
_CATEGORIES = {number: plain(category)
               for number, category in enumerate(DisabilityCategory, start=1)}
_DAYS = dict(enumerate([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], start=1))


def id_checks(numbers: pl.Series) -> pl.Series:
    """The check of each number as a struct (null where the number is null or empty)."""
    frame = pl.DataFrame({"raw": numbers.cast(pl.Utf8)})
    ascii_only = frame["raw"].str.contains(r"^[\x00-\x7f]*$").fill_null(True)
    checked = _checked(frame).alias(numbers.name)
    if bool(ascii_only.all()):
        return checked
    others = frame["raw"].filter(~ascii_only).unique().to_list()
    check = IMPLEMENTATIONS["id_check"]
    found = {}
    for text in others:
        result = check(text)
        found[text] = None if result is None else {
            "valid": result.valid, "problem": result.problem, "birth_date": result.birth_date,
            "male": result.male, "disability_category": plain(result.disability_category),
            "disability_grade": result.disability_grade}
    by_python = pl.Series([None if ok else found[text]
                           for text, ok in zip(frame["raw"].to_list(), ascii_only.to_list(),
                                               strict=True)], dtype=ID_CHECK)
    return checked.zip_with(ascii_only, by_python).alias(numbers.name)


def _digit(text: pl.Expr, at: int) -> pl.Expr:
    return text.str.slice(at, 1).cast(pl.Int64, strict=False)


def _checked(frame: pl.DataFrame) -> pl.Series:
    """The struct of checks of the ASCII numbers of column ``raw`` (as check_id, step by step;
    each step's columns computed once)."""
    col = pl.col
    steps = frame.with_columns(
        number=col("raw").str.strip_chars(_ASCII_SPACE).str.to_uppercase(),
    ).with_columns(
        length=col("number").str.len_chars(),
        year=col("number").str.slice(6, 4).cast(pl.Int64, strict=False),
        month=col("number").str.slice(10, 2).cast(pl.Int64, strict=False),
        day=col("number").str.slice(12, 2).cast(pl.Int64, strict=False),
        weighted=pl.sum_horizontal([_digit(col("number"), i) * weight
                                    for i, weight in enumerate(_WEIGHTS)]),
        male=_digit(col("number"), 16) % 2 == 1,
        category=_digit(col("number"), 18),
        grade=_digit(col("number"), 19),
    ).with_columns(
        real_date=(col("year") >= 1) & (col("day") >= 1) & (col("day") <= (
            col("month").replace_strict(_DAYS, default=0, return_dtype=pl.Int64)
            + ((col("month") == 2) & (((col("year") % 4 == 0) & (col("year") % 100 != 0))
                                      | (col("year") % 400 == 0))).cast(pl.Int64))),
        expected=(col("weighted") % 11).replace_strict(dict(enumerate(_CHECK)), default=None,
                                                       return_dtype=pl.Utf8),
    ).with_columns(
        problem=pl.when(col("number").str.starts_with("999999")).then(pl.lit("placeholder"))
        .when((col("length") == 15) & col("number").str.contains(r"^[0-9]{15}$"))
        .then(pl.lit("old_15_digit"))
        .when(~col("length").is_in([18, 20, 22])).then(pl.lit("length"))
        .when(~col("number").str.contains(r"^[0-9]{17}[0-9X][0-9]*$"))
        .then(pl.lit("characters"))
        .when(~col("real_date")).then(pl.lit("birth_date"))
        .when(col("number").str.slice(17, 1) != col("expected")).then(pl.lit("check_digit"))
        .when(col("year") < 1880).then(pl.lit("birth_date")),
    ).with_columns(
        dated=col("problem").is_null() | (col("problem") == "check_digit")
        | ((col("problem") == "birth_date") & col("real_date")),
        card=col("problem").is_null() & (col("length") > 18),
    )
    real = col("real_date")
    born = pl.date(pl.when(real).then(col("year")).otherwise(1970),
                   pl.when(real).then(col("month")).otherwise(1),
                   pl.when(real).then(col("day")).otherwise(1))
    return steps.select(
        pl.when(col("raw").is_null() | (col("raw") == "")).then(None)
        .otherwise(pl.struct(
            col("problem").is_null().alias("valid"),
            col("problem"),
            pl.when(col("dated")).then(born).alias("birth_date"),
            pl.when(col("dated")).then(col("male")).alias("male"),
            pl.when(col("card")).then(col("category").replace_strict(
                _CATEGORIES, default=None, return_dtype=pl.Utf8)).alias("disability_category"),
            pl.when(col("card") & col("grade").is_between(1, 4)).then(col("grade"))
            .alias("disability_grade"),
        ))
    ).to_series()


__all__ = ["ID_CHECK", "id_checks"]
