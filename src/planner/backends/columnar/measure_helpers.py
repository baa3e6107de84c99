"""Columnar backend: the helpers of planned-measure facts (catalog entry, registered beneficiary).

A measure fact is a column of the ``measures`` item table (one row per planned measure, keyed by
household ``row`` and 1-based ``index``); the catalog is known when the run starts, so an entry
is a lookup by measure id (:func:`planner.backends.columnar.values.looked_up`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from planner.backends.columnar.steps import Batch
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import Value, constant, truth

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


#: A check of a verdict: (unknown, fails), two conditions of one row; the first check that is
#: unknown or fails decides, as the Python walk returns at its first unknown or failing step.
Check = tuple[pl.Expr, pl.Expr]


def _first_failing(checks: list[Check], otherwise: pl.Expr) -> pl.Expr:
    """The verdict of ``checks`` walked in order: unknown, false, else ``otherwise``."""
    if not checks:
        return otherwise
    unknown, fails = checks[0]
    chain = pl.when(unknown).then(None).when(fails).then(False)
    for unknown, fails in checks[1:]:
        chain = chain.when(unknown).then(None).when(fails).then(False)
    return chain.otherwise(otherwise)


def _bound(value: int | str | None, params: Any) -> int | None:
    """An age or grade limit of the catalog: a number, or the name of a parameter."""
    return value if value is None or isinstance(value, int) else int(params[value])


def _member_checks(entry: Any, compiler: FactCompiler, facts: dict[str, pl.Expr]) -> list[Check]:
    """The member conditions of ``entry`` (planner.measures.eligibility.member_verdict, its
    basic conditions: labour, ages, required facts, disability grade) over the columns
    ``facts`` names: ``can_work``, ``age`` (on the day judged), each required fact,
    ``disability_grade``."""
    rules = entry.eligibility
    checks: list[Check] = []
    if rules.labour != "any":
        can_work = facts["can_work"]
        fails = ~can_work if rules.labour in ("capable", "full") else can_work
        checks.append((can_work.is_null(), fails))
    low, high = _bound(rules.age_min, compiler.params), _bound(rules.age_max, compiler.params)
    if low is not None or high is not None:
        age = facts["age"]
        outside = [age < low] if low is not None else []
        outside += [age > high] if high is not None else []
        checks.append((age.is_null(), pl.any_horizontal(outside)))
    for name in rules.requires:
        value = facts[name]
        checks.append((value.is_null(), ~value))
    grade_max = _bound(rules.disability_grade_max, compiler.params)
    if grade_max is not None:
        grade = facts["disability_grade"]
        checks.append((grade.is_null(), grade > grade_max))
    return checks


def _household_checks(entry: Any) -> list[Check]:
    """The household conditions of ``entry`` (eligibility.household_verdict, basic): its
    statuses (``monitored``: in monitoring), and nobody able to work for a household measure
    for those who cannot; over the columns ``status``, ``monitored``, ``any_can_work``."""
    rules = entry.eligibility
    checks: list[Check] = []
    if rules.statuses is not None:
        status, monitored = pl.col("status"), pl.col("monitored").fill_null(False)
        allowed = pl.lit(pl.Series(list(rules.statuses), dtype=pl.Utf8())).implode()
        ok = status.is_in(allowed).fill_null(False)
        if "monitored" in rules.statuses:
            ok = ok | monitored
        checks.append((~ok & status.is_null() & ~monitored, ~ok))
    if entry.beneficiary == "household" and rules.labour == "incapable":
        anyone = pl.col("any_can_work")
        checks.append((anyone.is_null(), anyone))
    return checks


_REQUIRED = ("can_work", "age", "birth_date", "disability_grade")


def _eligibility_verdict(compiler: FactCompiler, args: list[Value]) -> Value:
    # The catalog's verdict (planner.measure_facts.eligibility_verdict), ``eligible`` only: per
    # measure, a case over the catalog's entries of ordered three-valued checks; a member's on
    # the measure table joined to its beneficiary, or for a measure bound to no member but
    # needing one, to every registered member (one who qualifies is enough).
    from planner.backends.columnar.helpers import _age_on

    entry, household, number, *rest = args
    given_on = rest[0] if rest else constant(None)
    given = rest[1] if len(rest) > 1 else constant(False)
    if entry.known and entry.constant is None:
        return constant(None)
    if (entry.kind != "lookup" or entry.lookup is None or household.kind != "household"
            or compiler.entity != "measure" or number.kind not in ("number", "null")):
        raise Unsupported("eligibility_verdict outside a planned measure of the run's catalog")
    entries = {key: found for key, found in entry.lookup.items() if found is not None}
    required = {*_REQUIRED, *(name for found in entries.values()
                              for name in found.eligibility.requires)}
    member_facts: dict[str, pl.Expr] = {}
    for name in sorted(required):
        value = compiler.fact_value("member", name)
        if value is None:
            raise Unsupported(f"reads member.{name}")
        member_facts[name] = (truth(value) if name not in ("age", "birth_date",
                                                            "disability_grade")
                              else pl.lit(value.constant) if value.known else value.column)
    household_facts: dict[str, pl.Expr] = {}
    for name, fact in (("monitored", "in_monitoring"), ("any_can_work", "any_can_work")):
        value = compiler.fact_value("household", fact)
        if value is None:
            raise Unsupported(f"reads household.{fact}")
        household_facts[name] = pl.lit(value.constant) if value.known else value.column
    compiler.plan.needs.household.add(("status",))
    # entries judged alike share one branch (the catalog's ids → its branch number)
    branches: dict[Any, list[str]] = {}
    for key, found in entries.items():
        rules = found.eligibility
        signature = (found.beneficiary, rules.member_bound, rules.labour == "incapable",
                     rules.labour != "any", _bound(rules.age_min, compiler.params),
                     _bound(rules.age_max, compiler.params), tuple(rules.requires),
                     _bound(rules.disability_grade_max, compiler.params),
                     None if rules.statuses is None else tuple(rules.statuses))
        branches.setdefault(signature, []).append(key)
    groups = list(branches.values())
    branch_of = {key: index for index, keys in enumerate(groups) for key in keys}
    entry_expr, number_expr = entry.column, number.column
    on_expr = pl.lit(None, dtype=pl.Date()) if given_on.known else given_on.column
    given_expr = pl.lit(bool(given.constant)) if given.known else given.column.fill_null(False)
    target = compiler.temp()
    branch = pl.col("branch")
    by_member = pl.lit(None, dtype=pl.Boolean())
    whole = pl.lit(None, dtype=pl.Boolean())
    facts = {name: pl.col(f"m:{name}") for name in member_facts}
    facts["age"] = (pl.when(pl.col("on").is_not_null())
                    .then(_age_on(compiler, [Value(facts["birth_date"], "date"),
                                             Value(pl.col("on"), "date")]).column)
                    .when(pl.col("given")).then(None).otherwise(facts["age"]))
    needs_member = pl.col("beneficiary").is_not_null()
    member_part = pl.lit(None, dtype=pl.Boolean())
    for index, keys in enumerate(groups):
        found = entries[keys[0]]
        here = branch == index
        by_member = pl.when(here).then(
            _first_failing(_member_checks(found, compiler, facts), pl.lit(True))
        ).otherwise(by_member)
        # a beneficiary member is judged alone; a measure bound to none, on every member
        # when the catalog gives it to members or its conditions read one, else not at all
        if found.beneficiary == "member" or found.eligibility.member_bound:
            own = pl.col("members")
        else:
            own = pl.when(needs_member).then(pl.col("members")).otherwise(True)
        member_part = pl.when(here).then(own).otherwise(member_part)
        verdict = (pl.lit(False) if found.beneficiary == "village"
                   else _first_failing(_household_checks(found), pl.lit(True)))
        whole = pl.when(here).then(verdict).otherwise(whole)
    # ``whole`` is the household's part; where it holds, the member part decides
    decided = pl.when(whole.is_null()).then(None).when(~whole).then(False).otherwise(member_part)
    village = [key for key, found in entries.items() if found.beneficiary == "village"]
    if village:
        decided = pl.when(pl.col("id").is_in(pl.lit(pl.Series(village, dtype=pl.Utf8()))
                                             .implode()).fill_null(False)).then(False).otherwise(
            decided)

    def step(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        assert batch.member is not None and batch.household is not None
        measures = frame.select(
            pl.int_range(pl.len()).alias("i"), "row", entry_expr.alias("id"),
            number_expr.cast(pl.Int64()).alias("beneficiary"), on_expr.alias("on"),
            given_expr.alias("given"))
        measures = measures.with_columns(
            pl.col("id").replace_strict(branch_of, default=None, return_dtype=pl.Int64())
            .alias("branch"))
        people = batch.member.select(
            "row", "position", *(expr.alias(f"m:{name}") for name, expr in member_facts.items()))
        pairs = (measures.join(people, on="row", how="inner")
                 .filter(pl.col("beneficiary").is_null()
                         | (pl.col("position") == pl.col("beneficiary")))
                 .filter(pl.col("branch").is_not_null()))
        verdicts = pairs.select("i", "position", by_member.alias("v"))
        # one member who qualifies is enough; else unknown when one member's verdict is, else
        # the first member's (false), as in eligibility()
        anyone = (verdicts.group_by("i").agg(
            pl.when(pl.col("v").any()).then(True)
            .when(pl.col("v").is_null().any()).then(None)
            .otherwise(pl.col("v").sort_by("position").first()).alias("members")))
        homes = batch.household.select(
            "row", pl.col("r:status").alias("status"),
            *(expr.alias(name) for name, expr in household_facts.items()))
        judged = (measures.join(homes, on="row", how="left", maintain_order="left")
                  .join(anyone, on="i", how="left", maintain_order="left")
                  .select(pl.when(pl.col("branch").is_null()).then(None).otherwise(decided)
                          .alias(target)))
        return frame.with_columns(judged.get_column(target))

    compiler.add_step(step)
    return Value(pl.col(target), "verdict")


MEASURE_HELPERS: dict[str, Callable[[FactCompiler, list[Value]], Value]] = {
    "catalog_entry": _catalog_entry,
    "registered_member": _registered_member,
    "eligibility_verdict": _eligibility_verdict,
}
