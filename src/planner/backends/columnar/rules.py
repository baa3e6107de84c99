"""Columnar backend: which rules it compiles, and each one's "fires here" column for a batch.

A household- or member-scope spec rule whose conditions and facts compile is supported (``for_each:
measure`` too: judged on the planned-measure table, it fires for a household where it holds for one
of its measures): its column is true for the households (members) where one of its checks holds.
The facts a compiled rule's findings read (evidence, values, messages) are compiled with those its
conditions read, and each batch row's facts are read from them (:mod:`.facts_rows`). The
findings themselves are built by the rule's Python body for those rows only
(:mod:`planner.backends.columnar.checker`), so they are the Python backend's by construction.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl

from planner.backends.columnar.conditions import ConditionCompiler, MemberStep, Views
from planner.backends.columnar.facts import FactCompiler, FactPlan
from planner.backends.columnar.facts_rows import BatchFacts, FactRows
from planner.backends.columnar.fallbacks import PYTHON_BODY
from planner.backends.columnar.item_entities import ITEM_TABLES, item_frames
from planner.backends.columnar.tables import Tables, Unsupported, build_tables
from planner.backends.python.facts import derive
from planner.measures import default_catalog
from planner.model import Household
from planner.params import ParamValues, default_parameters
from planner.rule import Rule
from planner.spec import FactValue, ParamRef, SpecError, parse_condition, resolve_path

SCOPES = ("household", "member")


@dataclass(slots=True)
class RulePlan:
    """The rules compiled for one run, the facts they read, and the rules left to Python."""

    plan: FactPlan
    household: list[tuple[Rule, pl.Expr]] = field(default_factory=list)
    member: list[tuple[Rule, pl.Expr]] = field(default_factory=list)
    steps: list[MemberStep] = field(default_factory=list)
    unsupported: dict[str, str] = field(default_factory=dict)  # code → why
    rows: FactRows | None = None

    def fires(self, households: Sequence[Household]) -> Fired:
        """Where each compiled rule fires in a batch of households."""
        tables = build_tables(households, self.plan.needs)
        return self.fires_in(tables)

    def fires_in(self, tables: Tables) -> Fired:
        household, member, measure = self.plan.frames(tables)
        outer = household.rename(lambda name: name if name == "row" else f"h:{name}")
        view = member.join(outer, on="row", how="left", maintain_order="left")
        views = Views(view, None if measure is None else measure.join(
            outer, on="row", how="left", maintain_order="left"),
            item_frames(self.plan, tables, household, member))
        for step in self.steps:
            household = step(household, views)
        by_household = household.select(
            [expr.fill_null(False).alias(rule.code) for rule, expr in self.household])
        by_member = view.select(
            "row", "position",
            *[expr.fill_null(False).alias(rule.code) for rule, expr in self.member])
        facts = None if self.rows is None else self.rows.batch(tables.households, household,
                                                                member)
        return Fired(by_household, by_member, facts)


@dataclass(slots=True)
class Fired:
    """Per rule code: the household rows (and member positions) where the rule fires; the
    facts of the batch's rows."""

    household: pl.DataFrame
    member: pl.DataFrame
    facts: BatchFacts | None = None

    def households(self, code: str) -> list[bool]:
        return self.household.get_column(code).to_list()

    def members(self, code: str) -> set[tuple[int, int]]:
        hits = self.member.filter(pl.col(code))
        return set(zip(hits.get_column("row").to_list(), hits.get_column("position").to_list(),
                       strict=True))


def _compile_gate(rule: Rule, compiler: FactCompiler) -> tuple[pl.Expr, ConditionCompiler]:
    """A Python body's gate (:attr:`Rule.gate`) as its column: the body runs where it holds.

    A gate is a household condition, or a list of parts any of which holds: a household
    condition, or ``{"for_each": <item table>, "when": <condition of the item>}`` that holds
    where some item of the household (a work record, a post) satisfies it."""
    if rule.gate is None or rule.scope != "household" or rule.reads_findings:
        raise Unsupported(PYTHON_BODY)
    conditions = ConditionCompiler(frozenset({"household"}), compiler=compiler)
    try:
        # an unknown required key, say, is the body's error to report (PLN001) in Python
        gate = rule.gate(compiler.params)
        if gate is None:
            return pl.lit(False), conditions
        parts: list[pl.Expr] = []
        for part in gate if isinstance(gate, list) else [gate]:
            over = part.get("for_each") if isinstance(part, Mapping) else None
            if over is None:
                parts.append(conditions.compile(parse_condition(part)).fill_null(False))
                continue
            if over not in ITEM_TABLES:
                raise Unsupported(f"its gate: for_each {over}")
            items = ConditionCompiler(frozenset({"household", over}), compiler=compiler)
            parts.append(items.per_household(items.compile(parse_condition(part["when"])),
                                             over))
            # the item facts it reads are compiled, its quantifier joined, with the others
            conditions.facts.update(items.facts)
            conditions.steps.extend(items.steps)
    except (ValueError, SpecError) as exc:
        raise Unsupported(f"its gate: {exc}") from None
    if not parts:
        return pl.lit(False), conditions
    return pl.any_horizontal(parts), conditions


def _compile_rule(rule: Rule, compiler: FactCompiler) -> tuple[pl.Expr, ConditionCompiler]:
    spec = rule.spec
    if spec is None:
        return _compile_gate(rule, compiler)
    if spec.form is not None or spec.scope not in SCOPES:
        raise Unsupported(f"a {spec.scope} rule")
    if spec.for_each not in (None, "measure", *ITEM_TABLES):
        raise Unsupported(f"for_each: {spec.for_each}")
    conditions = ConditionCompiler(spec.roots, compiler=compiler)
    checks = [conditions.compile(check.when) for check in spec.conditions]
    fires = pl.any_horizontal([check.fill_null(False) for check in checks])
    if spec.for_each is not None:
        fires = conditions.per_household(fires, spec.for_each)
    return fires, conditions


def _finding_reads(rule: Rule) -> set[str]:
    """The household and member facts a rule's findings read beyond its conditions: messages,
    values and evidence (qualified names)."""
    spec = rule.spec
    assert spec is not None
    roots = spec.roots
    paths: list[str] = []
    for text in (rule.message.zh, rule.message.en):
        paths.extend(name for _, name, _, _ in string.Formatter().parse(text)
                     if name and not name.startswith(("params[", "values[")))
    named = [*spec.values.values(),
             *(spec.evidence.values() if isinstance(spec.evidence, dict) else spec.evidence)]
    for check in spec.conditions:
        named.extend([*check.values.values(), *check.evidence.values()])
    for value in named:
        if isinstance(value, str):
            paths.append(value)
        elif isinstance(value, FactValue):
            paths.append(value.fact)
        elif isinstance(value, ParamRef) and value.key is not None:
            paths.append(value.key)
    reads: set[str] = set()
    for path in paths:
        try:
            fact = resolve_path(path, roots)
        except SpecError:
            continue
        if not fact.from_record and fact.root in SCOPES:
            reads.add(f"{fact.root}.{fact.attrs[0]}")
    return reads


def compile_rules(rules: Iterable[Rule], values: ParamValues, when: date,
                  income_raising: Iterable[str] = (),
                  measure_addresses: Mapping[str, Iterable[str]] | None = None,
                  catalog: Mapping[str, Any] | None = None, every_fact: bool = False
                  ) -> RulePlan:
    """Compile what the columnar backend can run of ``rules`` for one run (``catalog``: the
    measure catalog, id → entry, that measure facts look up; none: they are unknown).

    ``every_fact``: other rules of the run (dataset rules, rules reading findings) read facts
    too, so every fact is compiled into the one plan; so it is when a rule stays Python.

    Twice: first against every fact to learn which rules compile and what they read, then against
    those facts only, so that the tables of a batch hold just the columns they need.
    """
    income_raising = frozenset(income_raising)
    rules = tuple(rules)
    measures = None if catalog is None else dict(catalog.items())
    everything = FactCompiler(values, when, income_raising, measure_addresses, measures=measures)
    everything.compile()
    supported: list[Rule] = []
    read: set[str] = set()
    unsupported: dict[str, str] = {}
    for rule in rules:
        try:
            _, conditions = _compile_rule(rule, everything)
        except Unsupported as exc:
            unsupported[rule.code] = str(exc) or "not vectorised"
            continue
        supported.append(rule)
        read.update(f"{path.root}.{path.attrs[0]}" for path in conditions.facts.values()
                    if not path.from_record)
        if rule.spec is not None:  # a gated Python body reads its other facts from the rows
            read.update(_finding_reads(rule))
    compiler = FactCompiler(values, when, income_raising, measure_addresses, measures=measures)
    complete = every_fact or bool(unsupported)
    result = RulePlan(compiler.compile(None if complete else read), unsupported=unsupported)

    def every_fact_plan() -> FactPlan:
        return FactCompiler(values, when, income_raising, measure_addresses,
                            measures=measures).compile()

    def python_facts(household: Household) -> Any:
        return derive(household, when, values, income_raising, measure_addresses)

    result.rows = FactRows(result.plan, (lambda: result.plan) if complete else every_fact_plan,
                           python_facts, complete)
    for rule in supported:
        fires, conditions = _compile_rule(rule, compiler)
        (result.member if rule.scope == "member" else result.household).append((rule, fires))
        result.steps.extend(conditions.steps)
    return result


@lru_cache(maxsize=1)
def _every_fact() -> FactCompiler:
    """Every fact compiled under the shipped parameters (what :func:`supported` judges by)."""
    on = date(2020, 9, 30)
    catalog = default_catalog()
    compiler = FactCompiler(default_parameters().at(on), on, catalog.income_raising_ids(),
                            {measure.id: measure.addresses for measure in catalog.values()},
                            measures=dict(catalog.items()))
    compiler.compile()
    return compiler


_SUPPORTED: dict[int, tuple[Rule, bool]] = {}


def supported(rule: Rule) -> bool:
    """Whether the columnar backend compiles ``rule`` (judged once, under the shipped
    parameters; a run whose parameters it cannot compile sends the rule to Python)."""
    cached = _SUPPORTED.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1]
    try:
        _compile_rule(rule, _every_fact())
        verdict = True
    except Unsupported:
        verdict = False
    _SUPPORTED[id(rule)] = (rule, verdict)
    return verdict
