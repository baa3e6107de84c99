"""Peer: the six checks written by hand in polars over the typed tables of :mod:`flatten`.

Lazy scans of the five tables, one expression per check, every table read once; the ID number's
birth date (used when none is recorded) is checked and decoded column-wise. Unknown values
decide nothing (polars' nulls propagate through comparisons and are dropped by ``filter``).
Prints the number of households each check flags, as JSON.

Run: ``python polars_six.py FOLDER PARAMS.json``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import polars as pl
from idnumber import CHECK, WEIGHTS


def _id_birth_date(number: pl.Expr) -> pl.Expr:
    """The birth date of a valid ID number (18 characters, or 20/22 with a digit suffix)."""
    number = number.str.strip_chars().str.to_uppercase()
    core = number.str.slice(0, 18)
    weighted = pl.sum_horizontal(
        [core.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(WEIGHTS)])
    check = pl.lit(CHECK).str.slice(weighted % 11, 1)
    born = core.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    valid = (number.str.len_chars().is_in([18, 20, 22])
             & ~number.str.starts_with("999999")
             & core.str.contains(r"^[0-9]{17}[0-9X]$")
             & number.str.slice(18).str.contains(r"^[0-9]*$")
             & (core.str.slice(17, 1) == check)
             & (born.dt.year() >= 1880))
    return pl.when(valid).then(born)


def six_checks(folder: Path, params: dict) -> dict[str, int]:
    """The number of households each of the six checks flags."""
    when = date.fromisoformat(params["reference_date"])
    lines = pl.DataFrame({"income_year": [int(y) for y in params["poverty_line"]],
                          "line": [float(v) for v in params["poverty_line"].values()]},
                         schema={"income_year": pl.Int32, "line": pl.Float64}).lazy()
    households = pl.scan_parquet(folder / "households.parquet")
    members = pl.scan_parquet(folder / "members.parquet")
    # Only members without a recorded birth date are aged from their ID number (few are): decoding
    # every ID would cost ten times the rest of the checks.
    members = pl.concat([
        members.filter(pl.col("birth_date").is_not_null()).with_columns(
            pl.col("birth_date").alias("born")),
        members.filter(pl.col("birth_date").is_null()).with_columns(
            _id_birth_date(pl.col("id_number")).alias("born")),
    ])
    income = pl.scan_parquet(folder / "income.parquet")
    costs = pl.scan_parquet(folder / "costs.parquet")
    measures = pl.scan_parquet(folder / "measures.parquet")

    latest = (income.filter(pl.col("year") <= when.year).group_by("hh")
              .agg(pl.col("year").max().alias("latest")))
    members_by_hh = members.group_by("hh").agg(
        pl.len().alias("size"),
        pl.col("labour_capacity").is_in(params["can_work"]).any().alias("can_work"),
        (pl.col("medical_insurance") == "none").any().alias("uninsured"),
        _out_of_school(params, when).any().alias("out_of_school"),
    )
    base = (households.join(latest, on="hh", how="left").join(members_by_hh, on="hh", how="left")
            .with_columns(pl.coalesce("income_year", "latest", pl.lit(when.year, pl.Int32))
                          .alias("year")))
    years = base.select("hh", "year")
    gross = (income.join(years, on="hh").filter(pl.col("year") == pl.col("year_right"))
             .group_by("hh").agg(pl.col("amount").sum().alias("gross")))
    spent = (costs.join(years, on="hh").filter(pl.col("year") == pl.col("year_right"))
             .group_by("hh").agg(pl.col("amount").sum().alias("spent")))
    last = pl.max_horizontal("year_right", pl.lit(when.year))
    new_income = (
        measures.filter(pl.col("status").is_in(params["active_statuses"])
                        & pl.col("year").is_not_null())
        .join(years, on="hh")
        .group_by("hh", "measure")
        .agg((pl.col("year") < pl.col("year_right")).any().alias("before"),
             ((pl.col("year") >= pl.col("year_right")) & (pl.col("year") <= last)).any()
             .alias("window"))
        .filter(pl.col("window") & ~pl.col("before")
                & pl.col("measure").is_in(params["income_raising"]))
        .group_by("hh").agg(pl.len().alias("new_income_measures"))
    )
    known = pl.col("income_recorded") & (pl.col("gross").is_not_null()
                                          | ~pl.col("has_income"))
    per_capita = pl.when(known & (pl.col("size") > 0)).then(
        (pl.col("gross").fill_null(0.0) - pl.col("spent").fill_null(0.0)) / pl.col("size"))
    sources = income.group_by("hh").agg(pl.len().alias("sources"))
    frame = (base.join(gross, on="hh", how="left").join(spent, on="hh", how="left")
             .join(sources, on="hh", how="left").join(new_income, on="hh", how="left")
             .join(lines, left_on="year", right_on="income_year", how="left")
             .with_columns(pl.col("sources").is_not_null().alias("has_income"))
             .with_columns(per_capita.alias("per_capita")))
    scope = pl.col("status").is_in(params["scope_statuses"]) | pl.col("monitored")
    below = pl.col("per_capita") < pl.col("line")
    checks = {
        "INC001": pl.col("status").is_in(params["exit_statuses"]) & below,
        "INC002": scope & (below.fill_null(False)
                           | (pl.col("per_capita") < params["monitoring_threshold"]))
        & pl.col("can_work") & pl.col("new_income_measures").is_null(),
        "HOU001": scope & pl.col("safety_grade").is_in(params["unsafe_grades"])
        & (pl.col("renovation") != params["done"]).fill_null(True)
        & (pl.col("relocation") != params["done"]).fill_null(True),
        "EDU001": scope & pl.col("out_of_school"),
        "MED001": scope & pl.col("uninsured"),
        "WAT001": scope & ~pl.col("water_quality_safe"),
    }
    counts = frame.select([check.fill_null(False).sum().alias(code)
                           for code, check in checks.items()]).collect()
    return {code: int(counts[code][0]) for code in checks}


def _out_of_school(params: dict, when: date) -> pl.Expr:
    born = pl.col("born")
    before_birthday = ((pl.lit(when.month) < born.dt.month())
                       | ((pl.lit(when.month) == born.dt.month())
                          & (pl.lit(when.day) < born.dt.day())))
    age = pl.lit(when.year) - born.dt.year() - before_birthday.cast(pl.Int32)
    return (age.is_between(params["compulsory_age_min"], params["compulsory_age_max"])
            & ~pl.col("schooling_exemption").fill_null(False)
            & ~pl.col("schooling").is_in(params["enrolled_stages"])
            & ~pl.col("education").is_in(params["compulsory_completed"]).fill_null(False))


def main(argv: list[str]) -> None:
    """Check the tables in ``argv[0]`` with the parameters of ``argv[1]``; print the counts."""
    params = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(six_checks(Path(argv[0]), params)))


if __name__ == "__main__":
    main(sys.argv[1:])
