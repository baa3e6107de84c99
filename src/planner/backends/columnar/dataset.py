"""Columnar backend: the dataset rules fed from a batch's columns, no household built for them.

A ``duplicates`` rule (DQ004 the same ID number twice, DQ013 an invalid or shared phone) reads a
few facts of every household: the ID numbers and ID problems of its members, its phones, the
household it was split from. :class:`DuplicatesFeed` computes them column-wise for a batch
(the member and household tables of :mod:`.arrowtables` or :mod:`.tables`, the place's
``unless`` condition compiled like any spec condition) and hands each household's values, in
the order the Python backend reads them, to the Python backend's own accumulator
(:meth:`~planner.backends.python.dataset.DuplicatesCheck.add_values`): the keys are kept in its
compact arrays and the findings are built by its ``finish``, so they are the Python backend's.
A ``rate`` rule (PRJ001, PRJ002) reads the run's projects, never a household: it needs no
feed (:func:`needs_no_households`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from planner.backends.columnar.conditions import ConditionCompiler
from planner.backends.columnar.facts import FactCompiler, FactPlan
from planner.backends.columnar.tables import Tables, Unsupported
from planner.params import ParamValues
from planner.rule import Rule
from planner.spec.dataset import Duplicates, GroupedRate
from planner.spec.paths import HOUSEHOLD, MEMBER


def needs_no_households(rule: Rule) -> bool:
    """Whether a dataset rule reads no household at all (a grouped rate over projects)."""
    return rule.spec is not None and isinstance(rule.spec.form, GroupedRate)


@dataclass(slots=True)
class _Columns:
    """A feed's compiled expressions: per place its value (and ``unless``) column names."""

    household: list[pl.Expr]
    member: list[pl.Expr]
    reads: set[str]


class DuplicatesFeed:
    """One ``duplicates`` rule's facts compiled to columns; :meth:`feed` reads a batch into the
    rule's accumulator. Raises :class:`Unsupported` when a fact or condition does not compile
    (the rule is then fed by the Python backend)."""

    def __init__(self, rule: Rule, values: ParamValues, when: date,
                 income_raising: Iterable[str] = (),
                 measure_addresses: Mapping[str, Iterable[str]] | None = None,
                 measures: Mapping[str, Any] | None = None) -> None:
        spec = rule.spec
        if spec is None or not isinstance(spec.form, Duplicates):
            raise Unsupported("not a duplicates rule")
        self.code = rule.code
        self.form: Duplicates = spec.form

        def compiler() -> FactCompiler:
            return FactCompiler(values, when, income_raising, measure_addresses,
                                measures=measures)

        everything = compiler()
        everything.compile()
        reads = self._compile(everything).reads  # first: which facts the places read
        second = compiler()
        self.plan: FactPlan = second.compile(reads)
        self.columns = self._compile(second)

    def _compile(self, compiler: FactCompiler) -> _Columns:
        household: list[pl.Expr] = []
        member: list[pl.Expr] = []
        reads: set[str] = set()
        family = ConditionCompiler(HOUSEHOLD, compiler=compiler)
        if self.form.same_family is not None:
            household.append(_column(family, self.form.same_family).alias("family"))
        number = ConditionCompiler(MEMBER, compiler=compiler)
        member.append(_column(number, "member.number").alias("number"))
        conditions = [family, number]
        for index, place in enumerate(self.form.places):
            at = ConditionCompiler(MEMBER if place.per_member else HOUSEHOLD, compiler=compiler)
            conditions.append(at)
            value = _column(at, place.fact).alias(f"v{index}")
            if place.unless is not None:
                skip = at.compile(place.unless).fill_null(False)
                value = pl.when(skip).then(None).otherwise(value).alias(f"v{index}")
            (member if place.per_member else household).append(value)
        for at in conditions:
            if at.steps:
                raise Unsupported("a quantifier in a dataset place")
            reads.update(f"{path.root}.{path.attrs[0]}" for path in at.facts.values()
                         if not path.from_record)
        return _Columns(household, member, reads)

    def read(self, tables: Tables, ids: list[str]
             ) -> list[tuple[str, Any, list[tuple[int, Any, bool]]]]:
        """The values of one batch (``ids``: its households' ids, in row order) as the rule's
        accumulator (:class:`~planner.backends.python.dataset.DuplicatesCheck`) takes them,
        :meth:`~planner.backends.python.dataset.DuplicatesCheck.add_values`' arguments for
        each household that has any, in row order."""
        household, member, _ = self.plan.frames(tables)
        outer = household.rename(lambda name: name if name == "row" else f"h:{name}")
        view = member.join(outer, on="row", how="left", maintain_order="left")
        at_household = household.select(*self.columns.household)
        at_member = view.select("row", *self.columns.member)
        rows: list[list[tuple[int, Any, bool]]] = [[] for _ in ids]
        count = len(self.form.places)
        member_rows = at_member.get_column("row").to_list()
        numbers = at_member.get_column("number").to_list()
        for index, place in enumerate(self.form.places):
            name, compare = f"v{index}", place.compare
            if place.per_member:
                for row, number, value in zip(member_rows, numbers,
                                              at_member.get_column(name).to_list(), strict=True):
                    if value:
                        rows[row].append((number * count + index, value, compare))
            else:
                code = -index - 1
                for row, value in enumerate(at_household.get_column(name).to_list()):
                    if value:
                        rows[row].append((code, value, compare))
        families = (at_household.get_column("family").to_list()
                    if self.form.same_family is not None else [None] * len(ids))
        return [(household_id, other, values)
                for household_id, other, values in zip(ids, families, rows, strict=True)
                if values or other]


def _column(compiler: ConditionCompiler, path: str) -> pl.Expr:
    value = compiler.path_value(path)
    if value.known:
        return pl.lit(value.constant)
    return value.column


__all__ = ["DuplicatesFeed", "needs_no_households"]
