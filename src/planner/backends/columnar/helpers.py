"""Columnar backend: the named fact helpers (planner.facts.helpers) as polars expressions.

Each has the meaning its declaration documents and the Python backend implements
(:mod:`planner.backends.python.fact_helpers`); a helper whose arguments are all known when the run
starts is that very implementation, called once. A helper missing here, or given arguments it
cannot take as columns, raises :class:`~planner.backends.columnar.tables.Unsupported`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from planner.backends.columnar.county_helpers import COUNTY_HELPERS
from planner.backends.columnar.id_helpers import ID_HELPERS, STRUCT_ENUMS, STRUCT_FIELDS
from planner.backends.columnar.item_entities import ITEM_HELPERS
from planner.backends.columnar.measure_helpers import MEASURE_HELPERS, entry_known
from planner.backends.columnar.steps import Batch, joined
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import NO_CONSTANT, Value, constant, plain, truth
from planner.backends.python.fact_helpers import IMPLEMENTATIONS
from planner.facts import ACTIVE_STATUSES, OPEN_STATUSES, BasicGuarantee
from planner.facts.helpers import HELPERS
from planner.facts.vocab import IMPLEMENTED_STATUSES
from planner.model import MeasureStatus, Relation

if TYPE_CHECKING:
    from planner.backends.columnar.facts import FactCompiler

Helper = Callable[["FactCompiler", list[Value]], Value]
_LIST = pl.List(pl.Utf8())


def call(compiler: FactCompiler, name: str, args: list[Value], item: bool) -> Value:
    """The value of helper ``name`` applied to ``args``."""
    if all(arg.known for arg in args) and name in IMPLEMENTATIONS:
        extra = {"params": compiler.params} if HELPERS[name].parameters else {}
        return constant(IMPLEMENTATIONS[name](*(arg.constant for arg in args), **extra))
    helper = (_HELPERS.get(name) or MEASURE_HELPERS.get(name) or ID_HELPERS.get(name)
              or COUNTY_HELPERS.get(name) or ITEM_HELPERS.get(name))
    if helper is None:
        raise Unsupported(f"helper {name}")
    if item and name not in _ROW_WISE:
        raise Unsupported(f"helper {name} inside an aggregate")
    return helper(compiler, args)


def _column(value: Value) -> pl.Expr:
    if value.known and value.constant is None:
        return pl.lit(None)
    return value.column


def _is_known(compiler: FactCompiler, args: list[Value]) -> Value:
    (value,) = args
    if value.lookup is not None:
        return Value(entry_known(value), "bool")
    if value.record is not None:
        if value.owner != "household" or compiler.entity != "household":
            raise Unsupported("presence of a member's sub-record")
        compiler.plan.needs.present.add(value.record)
        return Value(pl.col("p:" + ".".join(value.record)), "bool")
    return Value(_column(value).is_not_null(), "bool")


def _coalesce(compiler: FactCompiler, args: list[Value]) -> Value:
    first, second = args
    if first.known:
        return second if first.constant is None else first
    kind = first.kind if first.kind != "null" else second.kind
    return Value(pl.coalesce(first.column, _column(second)), kind, enum=first.enum or second.enum)


def _truthy(compiler: FactCompiler, args: list[Value]) -> Value:
    return Value(truth(args[0]).fill_null(False), "bool")


def _abs(compiler: FactCompiler, args: list[Value]) -> Value:
    return Value(args[0].column.abs(), "number")


def _size_of(compiler: FactCompiler, args: list[Value]) -> Value:
    (value,) = args
    if value.record is not None:  # a household's list of records: its recorded length
        if value.owner != "household" or compiler.entity != "household" or len(
                value.record) != 1:
            raise Unsupported("size of a list of records outside its household")
        compiler.plan.needs.lengths.add(value.record[0])
        return Value(pl.col(f"n:{value.record[0]}"), "number")
    return Value(value.column.list.len().cast(pl.Int64()), "number")


def _values_of(compiler: FactCompiler, args: list[Value]) -> Value:
    return Value(args[0].column.list.unique().list.sort(), "list")


def _mentions(compiler: FactCompiler, args: list[Value]) -> Value:
    items, text = args
    if not text.known:
        raise Unsupported("mentions of a text of each row")
    found = items.column.list.eval(pl.element().str.contains(str(text.constant), literal=True))
    return Value(found.list.any(), "bool")


def _days_between(compiler: FactCompiler, args: list[Value]) -> Value:
    start, end = (_column(arg) for arg in args)
    return Value((end - start).dt.total_days().cast(pl.Int64()), "number")


def _age_on(compiler: FactCompiler, args: list[Value]) -> Value:
    birth, when = args
    if when.known and when.constant is None:
        return constant(None)
    on: Any = when.constant if when.known else None
    month, day, year = ((pl.lit(on.month), pl.lit(on.day), pl.lit(on.year)) if when.known
                        else (when.column.dt.month(), when.column.dt.day(),
                              when.column.dt.year().cast(pl.Int64())))
    born = birth.column
    later = (born.dt.month() > month) | ((born.dt.month() == month) & (born.dt.day() > day))
    age = year - born.dt.year().cast(pl.Int64()) - later.cast(pl.Int64())
    return Value(age, "number")


def _months_between(compiler: FactCompiler, args: list[Value]) -> Value:
    start, end = (_column(arg) for arg in args)
    months = ((end.dt.year().cast(pl.Int64()) - start.dt.year().cast(pl.Int64())) * 12
              + end.dt.month().cast(pl.Int64()) - start.dt.month().cast(pl.Int64()))
    end_of_month = end.dt.day() == end.dt.month_end().dt.day()
    short = (end.dt.day() < start.dt.day()) & ~end_of_month
    return Value(months - short.cast(pl.Int64()), "number")


def _plus_months(compiler: FactCompiler, args: list[Value]) -> Value:
    day, months = (_column(arg) for arg in args)
    return Value(day.dt.offset_by(pl.format("{}mo", months.cast(pl.Int64()))), "date")


def _items(compiler: FactCompiler, value: Value, table: str, *fields: str) -> None:
    """Ask for the item table behind a record's list (``record.income`` → ``income``)."""
    expected = {"employment": ("member", ("employment",)),
                "posts": ("member", ("public_welfare_posts",))}.get(table, ("household", (table,)))
    if (value.owner, value.record) != expected or value.owner != compiler.entity:
        raise Unsupported(f"the list {table} read from a {compiler.entity}")
    compiler.plan.needs.item(table, *fields)


def _item_aggregate(compiler: FactCompiler, table: str, agg: pl.Expr, fill: Any,
                    where: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
                    year: Value | None = None, kind: str = "number") -> Value:
    """An aggregate over an item table joined back by household row (and position for a
    member); ``year`` (a household column) is joined to the items as ``y`` first."""
    target = compiler.temp()
    on = ("row", "position") if compiler.entity == "member" else ("row",)
    year_expr = None if year is None else _column(year)

    def source(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        items = batch.tables.items[table]
        if year_expr is not None:
            items = items.join(frame.select("row", year_expr.alias("y")), on="row", how="inner")
        return where(items) if where is not None else items

    empty = None
    if type(fill) is int and kind == "number":  # Python's sum of nothing: the int 0
        empty = compiler.plan.empty[target] = f"{target}:empty"
    compiler.add_step(joined(target, source, agg, fill, on, empty))
    return Value(pl.col(target), kind)


def _covers(start: pl.Expr, end: pl.Expr, low: Any, high: Any) -> pl.Expr:
    return (start.is_null() | (start <= low)) & (end.is_null() | (end >= high))


def _employed_in_year(compiler: FactCompiler, args: list[Value]) -> Value:
    records, when = args
    _items(compiler, records, "employment", "start", "end")
    if not when.known:
        raise Unsupported("a year of each row")
    year = when.constant.year
    covered = _covers(pl.col("r:start").dt.year(), pl.col("r:end").dt.year(), year, year)
    return _item_aggregate(compiler, "employment", covered.any(), False, kind="bool")


def _post_held_on(compiler: FactCompiler, args: list[Value]) -> Value:
    posts, when = args
    _items(compiler, posts, "posts", "start", "end")
    if not when.known:
        raise Unsupported("a date of each row")
    covered = _covers(pl.col("r:start"), pl.col("r:end"), when.constant, when.constant)
    return _item_aggregate(compiler, "posts", covered.any(), False, kind="bool")


def _head_spouse_same_sex(compiler: FactCompiler, args: list[Value]) -> Value:
    if args[0].kind != "members":
        raise Unsupported("head_spouse_same_sex of something else than the members")
    compiler.plan.needs.member.update({("relation",), ("sex",)})
    relation, sex = pl.col("r:relation"), pl.col("r:sex")
    head, spouse = relation == Relation.HEAD.value, relation == Relation.SPOUSE.value
    agg = pl.when((head.sum() == 1) & (spouse.sum() == 1)).then(
        sex.filter(head).first() == sex.filter(spouse).first()).otherwise(None)
    target = compiler.temp()
    compiler.add_step(joined(target, lambda frame, batch: batch.member, agg, NO_CONSTANT))
    return Value(pl.col(target), "bool")


def _latest_income_year(compiler: FactCompiler, args: list[Value]) -> Value:
    income, when = args
    _items(compiler, income, "income", "year")
    if not when.known:
        raise Unsupported("a date of each row")
    year = when.constant.year
    return _item_aggregate(compiler, "income", pl.col("r:year").max(), year,
                           where=lambda items: items.filter(pl.col("r:year") <= year))


def _income_known(compiler: FactCompiler, args: list[Value]) -> Value:
    income, year = args
    _items(compiler, income, "income", "year")
    compiler.plan.needs.lengths.add("income")
    found = _item_aggregate(compiler, "income", pl.len().cast(pl.Int64()), 0, year=year,
                            where=lambda items: items.filter(pl.col("r:year") == pl.col("y")))
    length = pl.col("n:income")
    return Value(length.is_not_null() & ((length == 0) | (found.column > 0)), "bool")


def _of_year(compiler: FactCompiler, table: str, year: Value, *,
             category: Any = None, shift: int = 0, fill: float = 0.0) -> Value:
    fields = ("year", "amount", "category") if category is not None else ("year", "amount")
    compiler.plan.needs.item(table, *fields)

    def where(items: pl.DataFrame) -> pl.DataFrame:
        test = pl.col("r:year") == pl.col("y") - shift
        if category is not None:
            test = test & (pl.col("r:category") == plain(category))
        return items.filter(test)

    return _item_aggregate(compiler, table, pl.col("r:amount").sum(), fill, where=where, year=year)


def _income_by_category(compiler: FactCompiler, args: list[Value]) -> Value:
    income, year, category = args
    _items(compiler, income, "income", "year", "amount", "category")
    if not category.known:
        raise Unsupported("a category of each row")
    return _of_year(compiler, "income", year, category=category.constant)


def _income_of_subtypes(compiler: FactCompiler, args: list[Value]) -> Value:
    income, year, subtypes = args
    _items(compiler, income, "income", "year", "amount", "subtype")
    if not subtypes.known:
        raise Unsupported("a list of subtypes of each row")
    wanted = pl.lit(pl.Series(sorted(str(s) for s in subtypes.constant or ()),
                              dtype=pl.Utf8())).implode()

    def where(items: pl.DataFrame) -> pl.DataFrame:
        return items.filter((pl.col("r:year") == pl.col("y"))
                            & pl.col("r:subtype").is_in(wanted).fill_null(False))

    return _item_aggregate(compiler, "income", pl.col("r:amount").sum(), 0.0, where=where,
                           year=year)


def _costs_of_year(compiler: FactCompiler, args: list[Value]) -> Value:
    costs, year = args
    _items(compiler, costs, "production_costs", "year", "amount")
    return _of_year(compiler, "production_costs", year, fill=0)  # Python's sum(): 0 for none


def _previous_per_capita_income(compiler: FactCompiler, args: list[Value]) -> Value:
    record, year, size = args
    if record.record != () or record.owner != "household":
        raise Unsupported("previous income of something else than the household record")
    compiler.plan.needs.item("income", "year", "amount")
    compiler.plan.needs.item("production_costs", "year", "amount")
    compiler.plan.needs.income_history = True
    sources = _item_aggregate(
        compiler, "income", pl.len().cast(pl.Int64()), 0, year=year,
        where=lambda items: items.filter(pl.col("r:year") == pl.col("y") - 1))
    gross = _of_year(compiler, "income", year, shift=1)
    costs = _of_year(compiler, "production_costs", year, shift=1)
    target = compiler.temp()
    year_expr = _column(year)

    def history(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        items = batch.tables.items["income_history"].join(
            frame.select("row", year_expr.alias("y")), on="row", how="inner")
        return items.filter(pl.col("year") == pl.col("y") - 1)

    compiler.add_step(joined(target, history, pl.col("value").first(), NO_CONSTANT))
    computed = (gross.column - costs.column) / size.column
    expr = pl.when((sources.column > 0) & (size.column != 0)).then(computed).otherwise(
        pl.col(target))
    return Value(expr, "number")


def _measure_year() -> pl.Expr:
    return pl.coalesce(pl.col("r:year"), pl.col("r:start").dt.year().cast(pl.Int64()))


def _status_in(statuses: frozenset[MeasureStatus]) -> pl.Expr:
    return pl.col("r:status").is_in(pl.lit(pl.Series(sorted(s.value for s in statuses))).implode())


def _measure_ids(compiler: FactCompiler, measures: Value, test: pl.Expr,
                 year: Value | None = None) -> Value:
    _items(compiler, measures, "measures", "measure", "status", "year", "start")
    ids = pl.col("r:measure").unique().sort()
    empty = pl.Series([[]], dtype=_LIST)
    value = _item_aggregate(compiler, "measures", ids, NO_CONSTANT, year=year,
                            where=lambda items: items.filter(test), kind="list")
    return Value(pl.when(value.column.is_null()).then(pl.lit(empty)).otherwise(value.column),
                 "list")


def _active_measure_ids(compiler: FactCompiler, args: list[Value]) -> Value:
    return _measure_ids(compiler, args[0], _status_in(ACTIVE_STATUSES))


def _plan_window_measures(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, year, when = args
    if not when.known:
        raise Unsupported("a date of each row")
    last = pl.max_horizontal(pl.col("y"), pl.lit(when.constant.year))
    year_of = _measure_year()
    test = _status_in(ACTIVE_STATUSES) & (pl.col("y") <= year_of) & (year_of <= last)
    return _measure_ids(compiler, measures, test, year)


def _measures_before(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, year = args
    test = _status_in(ACTIVE_STATUSES) & (_measure_year() < pl.col("y"))
    return _measure_ids(compiler, measures, test, year)


def _implemented_measures(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, year = args
    test = _status_in(IMPLEMENTED_STATUSES) & (_measure_year() == pl.col("y"))
    return _measure_ids(compiler, measures, test, year)


def _planned_annual_gain(compiler: FactCompiler, args: list[Value]) -> Value:
    _items(compiler, args[0], "measures", "status", "expected_annual_gain")
    gain = pl.col("r:expected_annual_gain")
    test = (_status_in(ACTIVE_STATUSES) & (pl.col("r:status") != MeasureStatus.DONE.value)
            & gain.is_not_null() & (gain != 0))
    return _item_aggregate(compiler, "measures", gain.sum(), 0,
                           where=lambda items: items.filter(test))


def _codes_of_active_measures(compiler: FactCompiler, measures: Value, addresses: Value
                              ) -> pl.Expr:
    """Rows ``row``, ``beneficiary``, ``code``: the codes each active measure addresses."""
    if measures.record != ("measures",) or measures.owner != "household":
        raise Unsupported("codes of something else than the household's measures")
    if not addresses.known or not isinstance(addresses.constant, dict):
        raise Unsupported("addresses not known when the run starts")
    compiler.plan.needs.item("measures", "measure", "status", "beneficiary")
    return pl.col("r:measure").replace_strict(
        {measure: list(codes) for measure, codes in addresses.constant.items() if codes},
        default=None, return_dtype=_LIST)


def _active_codes(batch: Batch, codes: pl.Expr) -> pl.DataFrame:
    return (batch.tables.items["measures"].filter(_status_in(ACTIVE_STATUSES))
            .select("row", "r:beneficiary", codes.alias("code")).explode("code")
            .drop_nulls("code"))


def _addressed_codes(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, addresses = args
    codes = _codes_of_active_measures(compiler, measures, addresses)
    target = compiler.temp()
    compiler.add_step(joined(target, lambda frame, batch: _active_codes(batch, codes),
                             pl.col("code").unique().sort(), []))
    return Value(pl.col(target), "list")


def _member_addressed_codes(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, position, addresses = args
    if compiler.entity != "member" or position.kind != "number":
        raise Unsupported("member_addressed_codes outside a member")
    codes = _codes_of_active_measures(compiler, measures, addresses)
    position_expr = position.column

    def source(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        members = frame.select("row", "position", position_expr.alias("p"))
        found = members.join(_active_codes(batch, codes), on="row", how="inner")
        beneficiary = pl.col("r:beneficiary")
        return found.filter(beneficiary.is_null() | (beneficiary == pl.col("p")))

    target = compiler.temp()
    compiler.add_step(joined(target, source, pl.col("code").unique().sort(), [],
                             ("row", "position")))
    return Value(pl.col(target), "list")


def _last_visit(compiler: FactCompiler, args: list[Value]) -> Value:
    visits, when = args
    _items(compiler, visits, "visits", "on")
    if not when.known:
        raise Unsupported("a date of each row")
    on = when.constant
    return _item_aggregate(compiler, "visits", pl.col("r:on").max(), NO_CONSTANT,
                           where=lambda items: items.filter(pl.col("r:on") <= on), kind="date")


def _water_safe(compiler: FactCompiler, args: list[Value]) -> Value:
    (water,) = args
    if water.record != ("water",) or compiler.entity != "household":
        raise Unsupported("water_safe of something else than the household's water")
    fields = ("quality_safe", "litres_per_person_day", "fetch_minutes_round_trip",
              "piped_into_home", "reliability", "safe", "water_rich_area")
    compiler.plan.needs.household.update(("water", name) for name in fields)
    quality, litres, fetch, piped, reliability, safe, rich = (
        pl.col(f"r:water.{name}") for name in fields)
    params = compiler.params
    least = pl.when(rich.fill_null(False)).then(
        pl.lit(params["water.litres_per_person_day_min_water_rich"])).otherwise(
        pl.lit(params["water.litres_per_person_day_min"]))
    checks = [
        quality,
        litres >= least,
        pl.when(piped.fill_null(False)).then(True).otherwise(
            fetch <= params["water.fetch_minutes_max"]),
        reliability >= params["water.reliability_min"],
    ]
    # the overall answer (是否解决安全饮用水) decides what no indicator contradicts
    indicators = _all_known(checks)
    return Value(pl.when((safe == False).fill_null(False)).then(False)  # noqa: E712
                 .when((indicators == False).fill_null(False)).then(False)  # noqa: E712
                 .when(safe.fill_null(False)).then(True)
                 .otherwise(indicators), "bool")


def _all_known(checks: list[pl.Expr]) -> pl.Expr:
    """False if a check is false, else unknown if one is unknown, else true."""
    false = pl.any_horizontal([(check == False).fill_null(False) for check in checks])  # noqa: E712
    unknown = pl.any_horizontal([check.is_null() for check in checks])
    return pl.when(false).then(False).when(unknown).then(None).otherwise(True)


def _guarantee_secure(compiler: FactCompiler, args: list[Value]) -> Value:
    states = [truth(arg) if not arg.known else pl.lit(arg.constant, dtype=pl.Boolean())
              for arg in args]
    problem = pl.any_horizontal([state.fill_null(False) for state in states])
    unknown = pl.any_horizontal([_column(arg).is_null() for arg in args])
    return Value(pl.when(problem).then(False).when(unknown).then(None).otherwise(True), "bool")


def _guarantee_problems(compiler: FactCompiler, args: list[Value]) -> Value:
    """The names of the problems known to exist, in the fixed order of the four guarantees."""
    names = [BasicGuarantee.HOUSING, BasicGuarantee.EDUCATION, BasicGuarantee.MEDICAL,
             BasicGuarantee.WATER]
    parts = [pl.when(truth(arg).fill_null(False)).then(pl.lit(name.value)).otherwise(None)
             for name, arg in zip(names, args, strict=True)]
    return Value(pl.concat_list(parts).list.drop_nulls(), "list")


def _overdue_measures(compiler: FactCompiler, args: list[Value]) -> Value:
    measures, when = args
    _items(compiler, measures, "measures", "status", "due")
    if not when.known:
        raise Unsupported("a date of each row")
    on = when.constant
    test = _status_in(OPEN_STATUSES) & pl.col("r:due").is_not_null() & (pl.col("r:due") < on)
    found = _item_aggregate(compiler, "measures", pl.col("index").sort(), NO_CONSTANT,
                            where=lambda items: items.filter(test), kind="list")
    empty = pl.lit(pl.Series([[]], dtype=pl.List(pl.Int64())))
    return Value(pl.when(found.column.is_null()).then(empty).otherwise(found.column), "list")


def set_operation(op: str, left: Value, right: Value) -> Value:
    """``a - b`` and ``a & b`` of two sets (lists of distinct texts)."""
    if op not in ("-", "&"):
        raise Unsupported(f"set {op}")
    other = (pl.lit(pl.Series([plain(right.constant)], dtype=_LIST)) if right.known
             else right.column)
    if op == "-":
        return Value(left.column.list.set_difference(other), "list")
    return Value(left.column.list.set_intersection(other), "list")


_HELPERS: dict[str, Helper] = {
    "is_known": _is_known,
    "coalesce": _coalesce,
    "truthy": _truthy,
    "abs": _abs,
    "size_of": _size_of,
    "values_of": _values_of,
    "mentions": _mentions,
    "days_between": _days_between,
    "age_on": _age_on,
    "months_between": _months_between,
    "plus_months": _plus_months,
    "employed_in_year": _employed_in_year,
    "post_held_on": _post_held_on,
    "head_spouse_same_sex": _head_spouse_same_sex,
    "latest_income_year": _latest_income_year,
    "income_known": _income_known,
    "income_by_category": _income_by_category,
    "income_of_subtypes": _income_of_subtypes,
    "costs_of_year": _costs_of_year,
    "previous_per_capita_income": _previous_per_capita_income,
    "active_measure_ids": _active_measure_ids,
    "plan_window_measures": _plan_window_measures,
    "measures_before": _measures_before,
    "implemented_measures": _implemented_measures,
    "planned_annual_gain": _planned_annual_gain,
    "last_visit": _last_visit,
    "addressed_codes": _addressed_codes,
    "member_addressed_codes": _member_addressed_codes,
    "water_safe": _water_safe,
    "guarantee_secure": _guarantee_secure,
    "guarantee_problems": _guarantee_problems,
    "overdue_measures": _overdue_measures,
}

# Helpers that are expressions of the row they are given (no join): usable inside aggregates.
__all__ = ["STRUCT_ENUMS", "STRUCT_FIELDS", "call", "set_operation"]

_ROW_WISE = frozenset({"is_known", "coalesce", "truthy", "abs", "size_of", "values_of",
                       "mentions", "days_between", "age_on", "months_between", "plus_months",
                       "id_check"})
