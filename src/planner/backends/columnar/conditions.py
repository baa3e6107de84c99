"""Columnar backend: household- and member-scope spec conditions compiled to boolean columns.

The compiler is a :class:`planner.spec.Reader`, so a path, literal or operator means what it
means to the registry and the Python backend. A condition becomes a polars expression over the
household table (household scope) or over the member table with the household's columns joined
as ``h:<column>`` (member scope), or over the planned-measure table likewise (``for_each:
measure``); a member or measure quantifier becomes a group-by of that table joined back.
Three-valued throughout: ``null`` is unknown, and a rule fires where the expression is true.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from planner.backends.columnar.facts import FactCompiler
from planner.backends.columnar.item_entities import ITEM_TABLES
from planner.backends.columnar.steps import Batch, joined
from planner.backends.columnar.tables import Unsupported
from planner.backends.columnar.values import NO_CONSTANT, Value, constant, plain, unknown_if_any
from planner.backends.python.conditions import MINUS_DECIMALS, numeric_minus
from planner.spec import (
    All,
    AllMeasures,
    AllMembers,
    Any_,
    AnyMeasure,
    AnyMember,
    Compare,
    CountMembers,
    Exists,
    FactPath,
    FactRef,
    Missing,
    Not,
    ParamRef,
    Reader,
)

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge,
}



@dataclass(slots=True)
class Views:
    """The member and planned-measure tables of a batch, each with its household's columns
    joined as ``h:<column>`` (no measure table when no measure fact is compiled)."""

    member: pl.DataFrame
    measure: pl.DataFrame | None = None
    items: dict[str, pl.DataFrame] = field(default_factory=dict)  # work_record, post


MemberStep = Callable[[pl.DataFrame, Views], pl.DataFrame]


@dataclass(slots=True)
class ConditionCompiler(Reader):
    """Compiles one rule's conditions against a run's compiled facts.

    ``facts`` of the :class:`~planner.spec.Reader` collects the paths read; ``steps`` are the
    member quantifiers to join onto the household table before the condition is evaluated.
    """

    compiler: FactCompiler | None = None
    steps: list[MemberStep] = field(default_factory=list)

    def compile(self, node: Any) -> pl.Expr:
        """The boolean expression of ``node`` (``null``: unknown)."""
        with self.nested():
            return self._compile(node)

    def _compile(self, node: Any) -> pl.Expr:
        match node:
            case All():
                result = self.compile(node.all[0])
                for part in node.all[1:]:
                    result = result & self.compile(part)
                return result
            case Any_():
                result = self.compile(node.any[0])
                for part in node.any[1:]:
                    result = result | self.compile(part)
                return result
            case Not():
                return ~self.compile(node.not_)
            case Exists():
                return self._presence(node.exists)
            case Missing():
                return ~self._presence(node.missing)
            case AnyMember():
                return self._quantifier(node.any_member, any_=True)
            case AllMembers():
                return self._quantifier(node.all_members, any_=False)
            case AnyMeasure():
                return self._quantifier(node.any_measure, any_=True, over="measure")
            case AllMeasures():
                return self._quantifier(node.all_measures, any_=False, over="measure")
            case CountMembers():
                return self._count(node)
            case Compare():
                return self._compare(node)
        raise Unsupported(f"condition {type(node).__name__}")

    # -- values ---------------------------------------------------------------------------
    def path_value(self, path: str) -> Value:
        """The column of a fact path where the condition is evaluated."""
        fact = self.fact(path)
        return self._value(fact)

    def _value(self, fact: FactPath) -> Value:
        compiler = self.compiler
        assert compiler is not None
        if fact.root not in ("household", "member", "measure", *ITEM_TABLES):
            raise Unsupported(f"facts of {fact.root}")
        if fact.root in ("household", "member") and self.roots & ITEM_TABLES.keys():
            raise Unsupported(f"{fact.root} facts read from an item")
        if fact.from_record:
            compiler.entity = fact.root
            value = compiler.record_value(fact.attrs, fact.root, item=False)
        else:
            if len(fact.attrs) > 1:
                raise Unsupported(f"an attribute of fact {fact.path}")
            qualified = f"{fact.root}.{fact.attrs[0]}"
            if qualified not in compiler.plan.values:
                raise Unsupported(f"reads {qualified}")
            value = compiler.plan.values[qualified]
        if value.known or value.expr is None:
            return value
        if fact.root == "household" and ("member" in self.roots or "measure" in self.roots):
            # evaluated on the member or measure view, where the household's columns are
            # ``h:<column>``
            return Value(pl.col("h:" + value.column.meta.output_name()), value.kind,
                         enum=value.enum)
        return value

    def _presence(self, path: str) -> pl.Expr:
        value = self.path_value(path)
        if value.known:
            return pl.lit(value.constant is not None)
        if value.record is not None:
            compiler = self.compiler
            assert compiler is not None
            if value.owner != "household" or "member" in self.roots or "measure" in self.roots:
                raise Unsupported(f"presence of {path}")
            compiler.plan.needs.present.add(value.record)
            return pl.col("p:" + ".".join(value.record))
        return value.column.is_not_null()

    def _operand(self, operand: Any) -> Value:
        if isinstance(operand, ParamRef):
            if operand.key is not None:
                raise Unsupported("a parameter looked up by a fact")
            compiler = self.compiler
            assert compiler is not None
            return constant(compiler.params.get(operand.param))
        if isinstance(operand, FactRef):
            return self._value(self.facts[operand.fact])
        return constant(operand)

    # -- comparisons ----------------------------------------------------------------------
    def _compare(self, node: Compare) -> pl.Expr:
        fact, operand = self.compare(node)
        left = self._value(fact)
        op = node.op
        if isinstance(operand, ParamRef) and operand.key is not None:
            return self._keyed(left, op, operand, node)
        right = self._operand(operand)
        right = self._scaled(right, node)
        if left.record is not None or right.record is not None:
            raise Unsupported(f"a comparison of a sub-record ({node.fact})")
        if op == "contains":
            return self._contains(left, right)
        if op in ("in", "not_in"):
            if not right.known or not isinstance(right.constant, list | tuple | frozenset | set):
                raise Unsupported(f"{op} a {right.kind}")
            if left.kind == "list":
                raise Unsupported(f"a list {op} a list")
            options = pl.lit(pl.Series([plain(v) for v in right.constant])).implode()
            found = left.column.is_in(options) if right.constant else pl.lit(False)
            found = unknown_if_any([left.column], found)
            return ~found if op == "not_in" else found
        if op == "between":
            if not right.known or right.constant is None:
                return pl.lit(None, dtype=pl.Boolean())
            low, high = right.constant
            if low is None or high is None:
                return pl.lit(None, dtype=pl.Boolean())
            return (left.column >= plain(low)) & (left.column <= plain(high))
        if right.known and right.constant is None:
            return pl.lit(None, dtype=pl.Boolean())
        if left.kind == "list" or right.kind == "list":
            raise Unsupported(f"{op} on a list")
        other = pl.lit(plain(right.constant)) if right.known else right.column
        result: pl.Expr = _OPS[op](left.column, other)
        return result

    def _scaled(self, right: Value, node: Compare) -> Value:
        if node.times is None and node.minus is None:
            return right
        if right.known:
            value = right.constant
            if value is None:
                return right
            if node.times is not None:
                value = ([None if v is None else v * node.times for v in value]
                         if isinstance(value, list) else value * node.times)
            if node.minus is not None:
                less = self._operand(node.minus)
                if not less.known:
                    raise Unsupported("minus a fact")
                if less.constant is None:
                    return constant(None)
                value = numeric_minus(value, less.constant)
            return constant(value)
        expr = right.column
        if node.times is not None:
            expr = expr * node.times
        if node.minus is not None:
            less = self._operand(node.minus)
            if less.known and less.constant is None:
                return constant(None)
            expr = (expr - (pl.lit(less.constant) if less.known else less.column)).round(
                MINUS_DECIMALS)
        return Value(expr, right.kind)

    def _contains(self, left: Value, right: Value) -> pl.Expr:
        if not right.known:
            raise Unsupported("contains a fact")
        if right.constant is None:
            return pl.lit(None, dtype=pl.Boolean())
        item = plain(right.constant)
        if left.kind == "list":
            return left.column.list.contains(item)
        if left.kind == "str":
            return left.column.str.contains(str(item), literal=True)
        raise Unsupported(f"contains on a {left.kind}")

    def _keyed(self, left: Value, op: str, ref: ParamRef, node: Compare) -> pl.Expr:
        """A comparison with the entry of a mapping parameter for a key fact's value."""
        compiler = self.compiler
        assert compiler is not None and ref.key is not None
        if node.times is not None or node.minus is not None or op not in (*_OPS, "between"):
            raise Unsupported(f"{op} a keyed parameter")
        mapping = compiler.params.get(ref.param)
        if not isinstance(mapping, dict):
            return pl.lit(None, dtype=pl.Boolean())
        key = self._value(self.facts[ref.key])
        if key.known or key.kind not in ("enum", "str"):
            raise Unsupported(f"a parameter keyed by a {key.kind}")

        def entry(pick: Callable[[Any], Any]) -> pl.Expr:
            found = {str(k): pick(v) for k, v in mapping.items()}
            return key.column.replace_strict(found, default=None,
                                             return_dtype=pl.Float64())

        if op == "between":
            if not all(isinstance(v, list | tuple) and len(v) == 2 for v in mapping.values()):
                raise Unsupported(f"between a keyed parameter {ref.param}")
            low, high = entry(lambda v: v[0]), entry(lambda v: v[1])
            both = (left.column >= low) & (left.column <= high)
            return unknown_if_any([left.column, low, high], both)
        if not all(isinstance(v, int | float) and not isinstance(v, bool)
                   for v in mapping.values()):
            raise Unsupported(f"{op} a keyed parameter {ref.param}")
        result: pl.Expr = _OPS[op](left.column, entry(lambda v: v))
        return result

    # -- members --------------------------------------------------------------------------
    def _inner(self, condition: Any, over: str = "member") -> pl.Expr:
        if self.roots & {"measure", *ITEM_TABLES}:  # a quantifier inside for_each
            raise Unsupported("a quantifier over an item's household")
        with self.members() if over == "member" else self.measures():
            return self.compile(condition)

    def _quantifier(self, condition: Any, *, any_: bool, over: str = "member") -> pl.Expr:
        inner = self._inner(condition, over)
        if any_:
            agg = pl.when(inner.any()).then(True).when(inner.is_null().any()).then(
                None).otherwise(False)
        else:
            agg = pl.when((inner == False).any()).then(False).when(  # noqa: E712
                inner.is_null().any()).then(None).otherwise(True)
        return self._joined(agg, not any_, over)

    def _count(self, node: CountMembers) -> pl.Expr:
        inner = self._inner(node.count_members)
        op = node.op
        limit = self._operand(self.operand(getattr(node, op), int, "count_members"))
        if not limit.known:
            raise Unsupported("a count against a fact")
        if limit.constant is None:
            return pl.lit(None, dtype=pl.Boolean())
        low = self._joined(inner.fill_null(False).sum().cast(pl.Int64()), 0)
        high = self._joined(inner.fill_null(True).sum().cast(pl.Int64()), 0)
        bound = pl.lit(limit.constant)
        if op in ("eq", "ne"):
            decided = (low == bound) == (op == "eq")
            outside = (bound < low) | (bound > high)
            return pl.when(low == high).then(decided).when(outside).then(
                pl.lit(op == "ne")).otherwise(None)
        at_low, at_high = _OPS[op](low, bound), _OPS[op](high, bound)
        return pl.when(at_low == at_high).then(at_low).otherwise(None)

    def _joined(self, agg: pl.Expr, fill: Any, over: str = "member") -> pl.Expr:
        """``agg`` over the member (or measure) view by household, joined onto the households;
        ``fill`` for a household with none."""
        compiler = self.compiler
        assert compiler is not None
        target = compiler.temp()
        step = joined(target, lambda frame, batch: batch.member, agg, fill)

        def quantified(frame: pl.DataFrame, views: Views) -> pl.DataFrame:
            rows = (views.member if over == "member" else views.measure if over == "measure"
                    else views.items.get(over))
            if rows is None:  # no planned measure (or item fact) in the batch's tables
                return frame.with_columns(pl.lit(fill).alias(target))
            return step(frame, Batch(None, rows))  # type: ignore[arg-type]

        self.steps.append(quantified)
        return pl.col(target)

    def per_household(self, fires: pl.Expr, over: str = "measure") -> pl.Expr:
        """Whether ``fires`` (over the measure view, or the item table of ``over``) holds for
        some measure (item) of each household."""
        return self._joined(fires.fill_null(False).any(), False, over)


__all__ = ["NO_CONSTANT", "ConditionCompiler", "Views"]
