"""Columnar backend: the declared facts compiled from their formula nodes to polars expressions.

The catalogue (:data:`planner.facts.FACTS`) is compiled once per run: member facts over the member
table, then household facts over the household table, each fact a column ``f:<name>``. What is
known when the run starts (parameters, the reference date, vocabularies) is folded into literals;
aggregates over members and the helpers that walk a record's lists become group-bys joined back
by household row. Facts of planned measures (``measure.*``) are columns of the ``measures`` item
table, the catalog's attributes looked up by measure id; facts of work records and posts are
columns of the member's item tables (:mod:`.item_entities`). A formula the backend
cannot vectorise yet (a helper not written here, a value polars cannot hold) makes its fact, and
every fact and rule reading it, unsupported — never a different value:
:attr:`FactPlan.unsupported` says which and why.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import Any

import polars as pl
from pydantic import BaseModel

from planner.backends.columnar import item_entities
from planner.backends.columnar.item_entities import ITEM_RECORDS, ITEM_TABLES
from planner.backends.columnar.steps import Batch, Step, joined
from planner.backends.columnar.tables import Needs, Tables, Unsupported, annotation_of, column
from planner.backends.columnar.values import (
    Value,
    all_integers,
    constant,
    kind_of_annotation,
    looked_up,
    plain,
    series_sample,
    truth,
    unknown_if_any,
)
from planner.facts import FACTS, FactCatalog
from planner.facts.expression import (
    Aggregate,
    Attr,
    Binary,
    Call,
    Collection,
    Compare,
    Conditional,
    Const,
    Convert,
    Logic,
    Name,
    Node,
    Param,
    Unary,
)
from planner.model import Household, Member, PlannedMeasure
from planner.params import ParamValues

_PYTHON_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "&": operator.and_,
    "|": operator.or_,
}
_PYTHON_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}
_RECORDS: dict[str, type[BaseModel]] = {"household": Household, "member": Member,
                                         "measure": PlannedMeasure, **ITEM_RECORDS}
ENTITIES = ("member", "household", "measure", "work_record", "post")


@dataclass(slots=True)
class FactPlan:
    """The compiled facts of one run: steps per entity, the value of each fact, what is left."""

    member_steps: list[Step] = field(default_factory=list)
    household_steps: list[Step] = field(default_factory=list)
    measure_steps: list[Step] = field(default_factory=list)
    item_steps: dict[str, list[Step]] = field(default_factory=dict)  # work_record, post
    values: dict[str, Value] = field(default_factory=dict)  # qualified name → value
    unsupported: dict[str, str] = field(default_factory=dict)  # qualified name → why
    needs: Needs = field(default_factory=Needs)
    # Python's ``sum`` of no items is the int 0, of some floats a float: the column (temporary
    # or fact) → the column saying which rows had no items.
    empty: dict[str, str] = field(default_factory=dict)

    def supported(self, qualified: str) -> bool:
        return qualified in self.values

    def evaluate(self, tables: Tables) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The household and member tables of a batch with their fact columns."""
        household, member, _ = self.frames(tables)
        return household, member

    def frames(self, tables: Tables) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
        """The household, member and planned-measure tables of a batch with their fact columns
        (no measure table when no measure fact is compiled)."""
        # Eager, step by step: a lazy plan would repeat the frame so far in every join that
        # reads one of its columns (a per-household year), doubling the plan at each.
        batch = Batch(tables)
        member = tables.member
        for step in self.member_steps:
            member = step(member, batch)
        batch.member = member
        household = tables.household
        for step in self.household_steps:
            household = step(household, batch)
        batch.household = household
        measure = tables.items.get("measures")
        if measure is not None:
            for step in self.measure_steps:
                measure = step(measure, batch)
        return household, member, measure


class FactCompiler:
    """Compiles the catalogue's facts (those ``targets`` need, or all) for one run."""

    def __init__(self, values: ParamValues, when: date, income_raising: Iterable[str] = (),
                 measure_addresses: Mapping[str, Iterable[str]] | None = None,
                 catalog: FactCatalog = FACTS, measures: Mapping[str, Any] | None = None
                 ) -> None:
        self.params = values
        self.when = when
        self.income_raising = frozenset(income_raising)
        self.measure_addresses = {measure: tuple(codes)
                                  for measure, codes in (measure_addresses or {}).items()}
        self.catalog = catalog
        self.measures = measures  # the measure catalog (id → entry): measure.entry looks up
        self.plan = FactPlan()
        self.entity = "household"
        self._temporaries = count()

    # -- whole catalogue ------------------------------------------------------------------
    def compile(self, targets: Iterable[str] | None = None) -> FactPlan:
        """Compile ``targets`` (qualified names) and what they read; every fact when ``None``."""
        wanted = None if targets is None else self._closure(targets)
        for entity in ENTITIES:
            for declared in self.catalog.of(entity):
                if wanted is not None and declared.qualified not in wanted:
                    continue
                self._fact(entity, declared.fact.name, declared.node, declared.depends_on)
        return self.plan

    def _closure(self, targets: Iterable[str]) -> set[str]:
        wanted: set[str] = set()
        stack = list(targets)
        while stack:
            name = stack.pop()
            if name in wanted or name not in self.catalog.facts:
                continue
            wanted.add(name)
            stack.extend(self.catalog.facts[name].depends_on)
        return wanted

    def _fact(self, entity: str, name: str, node: Node, depends_on: Iterable[str]) -> None:
        qualified = f"{entity}.{name}"
        missing = [d for d in depends_on if d in self.plan.unsupported]
        if missing:
            self.plan.unsupported[qualified] = f"reads {', '.join(missing)}"
            return
        self.entity = entity
        steps = self.steps(entity)
        mark = len(steps)
        try:
            value = self.node(node)
        except Unsupported as exc:
            del steps[mark:]
            self.plan.unsupported[qualified] = str(exc) or "not vectorised"
            return
        if entity in ITEM_TABLES or entity == "measure":  # the table its facts are columns of
            self.plan.needs.item(ITEM_TABLES.get(entity, "measures"))
        if (value.expr is not None and not value.known and value.record is None
                and value.lookup is None and value.kind != "verdict"):
            target = f"f:{name}"
            expr = value.expr
            steps.append(lambda frame, batch: frame.with_columns(expr.alias(target)))
            source = expr.meta.output_name(raise_if_undetermined=False)
            if source in self.plan.empty:
                self.plan.empty[target] = self.plan.empty[source]
            value = Value(pl.col(target), value.kind, enum=value.enum)
        self.plan.values[qualified] = value

    def steps(self, entity: str) -> list[Step]:
        if entity in ITEM_TABLES:
            return self.plan.item_steps.setdefault(entity, [])
        if entity == "measure":
            return self.plan.measure_steps
        return self.plan.member_steps if entity == "member" else self.plan.household_steps

    def fact_value(self, entity: str, name: str) -> Value | None:
        """The compiled value of fact ``entity.name``, compiled now if it was not yet (for a
        helper of another entity that reads it); ``None`` when it does not compile."""
        qualified = f"{entity}.{name}"
        declared = self.catalog.facts.get(qualified)
        if qualified not in self.plan.values and declared is not None:
            for read in declared.depends_on:  # what it reads first, as compile() orders them
                if read not in self.plan.values and read not in self.plan.unsupported:
                    self.fact_value(*read.split(".", 1))
            here = self.entity
            self._fact(entity, name, declared.node, declared.depends_on)
            self.entity = here
        return self.plan.values.get(qualified)

    def temp(self) -> str:
        return f"t:{next(self._temporaries)}"

    def add_step(self, step: Step) -> None:
        self.steps(self.entity).append(step)

    # -- nodes ----------------------------------------------------------------------------
    def node(self, node: Node, item: bool = False) -> Value:
        """The value of ``node``; ``item``: inside an aggregate over members."""
        if isinstance(node, Const):
            return constant(node.value)
        if isinstance(node, Name):
            return self.name(node, item)
        if isinstance(node, Attr):
            return self.attribute(self.node(node.base, item), node.attr, item)
        if isinstance(node, Param):
            return self.param(node, item)
        if isinstance(node, Call):
            from planner.backends.columnar.helpers import call

            return call(self, node.helper, [self.node(arg, item) for arg in node.args], item)
        if isinstance(node, Convert):
            arg = self.node(node.arg, item)
            if arg.known:
                return constant(None if arg.constant is None else node.vocabulary(arg.constant))
            if arg.kind not in ("str", "enum"):
                raise Unsupported(f"conversion of a {arg.kind} to {node.vocabulary.__name__}")
            return Value(arg.column, "enum", enum=node.vocabulary)
        if isinstance(node, Aggregate):
            return self.aggregate(node)
        if isinstance(node, Unary):
            return self.unary(node.op, self.node(node.operand, item))
        if isinstance(node, Binary):
            return self.binary(node.op, self.node(node.left, item), self.node(node.right, item))
        if isinstance(node, Compare):
            return self.compare(node.ops, [self.node(part, item) for part in node.operands])
        if isinstance(node, Logic):
            return self.logic(node.op, [self.node(part, item) for part in node.operands])
        if isinstance(node, Conditional):
            return self.conditional(*(self.node(part, item)
                                      for part in (node.test, node.then, node.otherwise)))
        assert isinstance(node, Collection)
        parts = [self.node(part, item) for part in node.items]
        if node.kind == "dict":
            return constant({})
        if all(part.known for part in parts):
            values = [part.constant for part in parts]
            return constant(frozenset(values) if node.kind == "set" else tuple(values))
        if node.kind == "set":
            raise Unsupported("a set of columns")
        return Value(None, "tuple", parts=tuple(parts))

    def name(self, node: Name, item: bool) -> Value:
        entity = "member" if item else self.entity
        if (node.source == "item" and node.name == "record") or (
                node.source == "input" and node.name == "record"):
            return Value(None, "record", record=(), owner=entity)
        if node.source == "input":
            return (item_entities.item_input(self, node.name) if entity in ITEM_TABLES
                    else self.input(node.name, entity))
        qualified = f"{'member' if node.source == 'item' else self.entity}.{node.name}"
        try:
            return self.plan.values[qualified]
        except KeyError:
            raise Unsupported(f"reads {qualified}") from None

    def input(self, name: str, entity: str) -> Value:
        if name == "when":
            return constant(self.when)
        if name == "position" and entity == "member":
            return Value(pl.col("position"), "number")
        if entity == "measure":
            if name == "number":
                return Value(pl.col("index"), "number")
            if name == "household":
                return Value(None, "household")
            if name == "catalog":
                if self.measures is None:
                    return constant(None)
                return Value(None, "catalog", lookup=self.measures)
        if name == "household_record":
            return Value(None, "record", record=(), owner="household")
        if name == "member_facts":
            return Value(None, "members")
        if name == "income_raising":
            return constant(self.income_raising)
        if name == "measure_addresses":
            return constant(self.measure_addresses)
        raise Unsupported(f"input {name}")

    def attribute(self, base: Value, attr: str, item: bool) -> Value:
        if base.record is not None:
            path = (*base.record, attr)
            return self.record_value(path, base.owner, item)
        if base.known:
            return constant(None if base.constant is None else getattr(base.constant, attr))
        if base.kind == "holder":
            return item_entities.holder_attribute(self, attr)
        if base.kind == "household":  # a measure reads its household's facts known at the start
            if attr == "members":
                return Value(None, "members")
            found = self.fact_value("household", attr)
            if found is None or not found.known:
                raise Unsupported(f"household.{attr} read from a measure")
            return found
        if base.kind == "verdict":  # eligibility_verdict: its column is the verdict's ``eligible``
            if attr != "eligible":
                raise Unsupported(f"the verdict's {attr}")
            return Value(base.column, "bool")
        if base.kind == "lookup" and base.lookup is not None:
            return looked_up(base.column, {key: None if entry is None else getattr(entry, attr)
                                           for key, entry in base.lookup.items()})
        if base.kind == "enum" and base.enum is not None:
            mapping = {option.value: plain(getattr(option, attr))
                       for option in base.enum}  # type: ignore[attr-defined]
            example = next(iter(mapping.values()), None)
            result = constant(example)
            dtype = pl.Boolean() if result.kind == "bool" else None
            expr = base.column.replace_strict(mapping, default=None, return_dtype=dtype)
            return Value(expr, result.kind)
        if base.kind.startswith("struct:"):
            from planner.backends.columnar.helpers import STRUCT_ENUMS, STRUCT_FIELDS

            struct = base.kind.partition(":")[2]
            kind = STRUCT_FIELDS[struct].get(attr)
            if kind is None:
                raise Unsupported(f"attribute {attr} of a {base.kind}")
            return Value(base.column.struct.field(attr), kind,
                         enum=STRUCT_ENUMS.get(struct, {}).get(attr))
        if base.kind == "date" and attr in ("year", "month", "day"):
            return Value(getattr(base.column.dt, attr)().cast(pl.Int64()), "number")
        raise Unsupported(f"attribute {attr} of a {base.kind}")

    def record_value(self, path: tuple[str, ...], owner: str, item: bool) -> Value:
        """A record field: a column when it holds a value, else a reference to walk further."""
        here = "member" if item else self.entity
        annotation = annotation_of(_RECORDS[owner], path)
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            return Value(None, "record", record=path, owner=owner)
        origin = getattr(annotation, "__origin__", None)
        args = getattr(annotation, "__args__", ())
        if origin is list and args and hasattr(args[0], "model_fields"):
            return Value(None, "record", record=path, owner=owner)
        if owner != here:
            raise Unsupported(f"the {owner} record read from a {here}")
        if owner == "measure" or owner in ITEM_TABLES:
            if len(path) != 1:
                raise Unsupported(f"{owner} record path {'.'.join(path)}")
            self.plan.needs.item(ITEM_TABLES.get(owner, "measures"), path[0])
            sample = kind_of_annotation(annotation)
            return Value(pl.col(column(path)), sample,
                         enum=annotation if sample == "enum" else None)
        (self.plan.needs.household if owner == "household" else self.plan.needs.member).add(path)
        sample = kind_of_annotation(annotation)
        enum = annotation if sample == "enum" else None
        return Value(pl.col(column(path)), sample, enum=enum)

    def param(self, node: Param, item: bool) -> Value:
        if node.year is None:
            return constant(self.params[node.key])
        year = self.node(node.year, item)
        if year.known:
            if year.constant is None:
                return constant(None)
            return constant(self.params.on(date(year.constant, 12, 31)).get(node.key))
        key, params = node.key, self.params
        sample = constant(series_sample(params, key))
        if sample.kind not in ("number", "bool", "str", "date"):
            raise Unsupported(f"parameter {key} by year")
        dtype = {"number": pl.Float64(), "bool": pl.Boolean(), "str": pl.Utf8(),
                 "date": pl.Date()}[sample.kind]
        if sample.kind == "number" and all_integers(params, key):
            dtype = pl.Int64()  # the int a rule reads and a message prints (4000, not 4000.0)

        def at_year_end(years: pl.Series) -> pl.Series:
            found = {y: params.on(date(y, 12, 31)).get(key)
                     for y in years.unique().to_list() if y is not None}
            return years.replace_strict(found, default=None, return_dtype=dtype)

        expr = year.column.map_batches(at_year_end, return_dtype=dtype)
        return Value(expr, sample.kind)

    def unary(self, op: str, operand: Value) -> Value:
        if operand.known:
            value = operand.constant
            return constant(None if value is None else (not value if op == "not" else -value))
        if op == "not":
            return Value(~truth(operand), "bool")
        if operand.kind != "number":
            raise Unsupported(f"-{operand.kind}")
        return Value(-operand.column, "number")

    def binary(self, op: str, left: Value, right: Value) -> Value:
        if left.known and right.known:
            a, b = left.constant, right.constant
            if a is None or b is None:
                return constant(None)
            if op == "/":
                return constant(None if b == 0 else a / b)
            return constant(_PYTHON_BINARY[op](a, b))
        if left.kind == "list" or right.kind == "list":
            from planner.backends.columnar.helpers import set_operation

            return set_operation(op, left, right)
        if {left.kind, right.kind} - {"number", "null"}:
            raise Unsupported(f"{left.kind} {op} {right.kind}")
        a, b = left.column, right.column
        if op == "/":
            return Value(pl.when(b == 0).then(None).otherwise(a / b), "number")
        if op not in ("+", "-", "*"):
            raise Unsupported(f"number {op} number")
        return Value({"+": a + b, "-": a - b, "*": a * b}[op], "number")

    def compare(self, ops: tuple[str, ...], parts: list[Value]) -> Value:
        if all(part.known for part in parts):
            if any(part.constant is None for part in parts):
                return constant(None)
            holds = all(_PYTHON_COMPARE[op](plain(parts[i].constant), plain(parts[i + 1].constant))
                        for i, op in enumerate(ops))
            return constant(holds)
        checks = [self._compare_two(op, parts[i], parts[i + 1]) for i, op in enumerate(ops)]
        result: pl.Expr = checks[0]
        for check in checks[1:]:
            result = result & check
        nullable = [part.column for part in parts if part.kind != "tuple" and not part.known]
        nulls = [part for part in parts if part.known and part.constant is None]
        if nulls:
            return constant(None)
        return Value(unknown_if_any(nullable, result) if nullable else result, "bool")

    def _compare_two(self, op: str, left: Value, right: Value) -> pl.Expr:
        if op in ("in", "not in"):
            found = self._member_of(left, right)
            return ~found if op == "not in" else found
        if "tuple" in (left.kind, right.kind) or "list" in (left.kind, right.kind):
            raise Unsupported(f"{left.kind} {op} {right.kind}")
        a, b = left.column, right.column
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b,
                ">=": a >= b}[op]

    def _member_of(self, left: Value, right: Value) -> pl.Expr:
        if right.known and isinstance(right.constant, frozenset | set | tuple | list):
            options = [plain(option) for option in right.constant]
            return left.column.is_in(pl.lit(pl.Series(options)).implode()) \
                if options else pl.lit(False)
        if right.kind == "tuple":
            found = pl.lit(False)
            for part in right.parts:
                found = found | (left.column == part.column).fill_null(False)
            return found
        if right.kind == "list" and left.known:
            return right.column.list.contains(plain(left.constant))
        raise Unsupported(f"{left.kind} in {right.kind}")

    def logic(self, op: str, parts: list[Value]) -> Value:
        if all(part.known for part in parts):
            values = [part.constant for part in parts]
            if op == "and":
                decided: bool | None = None if None in values and all(
                    v or v is None for v in values) else all(values)
            else:
                decided = None if None in values and not any(values) else any(values)
            return constant(decided)
        result: pl.Expr = truth(parts[0])
        for part in parts[1:]:
            result = (result & truth(part)) if op == "and" else (result | truth(part))
        return Value(result, "bool")

    def conditional(self, test: Value, then: Value, otherwise: Value) -> Value:
        if test.known:
            if test.constant is None:
                return constant(None)
            return then if test.constant else otherwise
        kinds = {then.kind, otherwise.kind} - {"null"}
        if len(kinds) > 1 or kinds & {"record", "members", "tuple", "other"}:
            raise Unsupported(f"a conditional of {' and '.join(sorted(kinds))}")
        check = truth(test)
        expr = pl.when(check.is_null()).then(None).when(check).then(then.column).otherwise(
            otherwise.column)
        return Value(expr, kinds.pop() if kinds else "null", enum=then.enum or otherwise.enum)

    def aggregate(self, node: Aggregate) -> Value:
        if self.entity != "household":
            raise Unsupported("an aggregate outside a household")
        target = self.temp()
        if node.inner is None:
            agg = pl.len().cast(pl.Int64())
            fill: Any = 0
            kind = "number"
        else:
            inner = self.node(node.inner, item=True)
            if node.function == "count":
                agg, fill, kind = truth(inner).fill_null(False).sum().cast(pl.Int64()), 0, "number"
            elif node.function == "sum":
                if inner.kind != "number":
                    raise Unsupported(f"sum of a {inner.kind}")
                agg, fill, kind = inner.column.sum(), 0, "number"
            else:
                check = truth(inner)
                agg = pl.when(check.any()).then(True).when(check.is_null().any()).then(
                    None).otherwise(False)
                fill, kind = False, "bool"
        self.add_step(joined(target, lambda frame, batch: batch.member, agg, fill))
        return Value(pl.col(target), kind)

