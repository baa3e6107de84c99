"""Python backend: a spec rule compiled into the function the engine calls for one subject.

The condition becomes closures (:mod:`planner.backends.python.conditions`); evidence and message
values are read by getters resolved once. A ``for_each: measure`` rule is judged once per
planned measure of the household and yields one hit per measure that matches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.backends.python.conditions import (
    Compiled,
    Compiler,
    Env,
    Getter,
    getter,
    param_getter,
)
from planner.backends.python.values import jsonable
from planner.measure_facts import derive_measures
from planner.rule import Hit, Rule, RuleContext
from planner.spec import FactPath, FactValue, ParamRef, RuleSpec, SpecError, Value, resolve_path

Evaluate = Callable[[RuleContext], tuple[Hit, ...]]


def _value_getter(value: Value, roots: frozenset[str]) -> Getter:
    if isinstance(value, ParamRef):
        return param_getter(value, resolve_path(value.key, roots) if value.key else None)
    path, digits = (value.fact, value.round) if isinstance(value, FactValue) else (value, None)
    get = getter(resolve_path(path, roots))
    if digits is None:
        return get
    return lambda env: None if (v := get(env)) is None else round(v, digits)


def _evidence(spec: RuleSpec, condition_facts: dict[str, FactPath]) -> tuple[
        list[tuple[str, Getter]], bool]:
    """The evidence getters by key, and whether matched members are added."""
    roots = spec.roots
    if isinstance(spec.evidence, dict):
        return [(key, _value_getter(value, roots)) for key, value in spec.evidence.items()], False
    paths: dict[str, FactPath] = {
        path: fact for path, fact in condition_facts.items()
        if fact.root in roots  # not the members a quantifier read
    }
    for path in spec.evidence:
        paths[path] = resolve_path(path, roots)
    return [(path, getter(fact)) for path, fact in paths.items()], True


def compile_spec(rule: Rule) -> Evaluate:
    """The function judging one subject by ``rule.spec`` (household, member, village, project,
    or each planned measure of a household)."""
    spec = rule.spec
    if spec is None:
        raise SpecError(f"rule {rule.code} has no spec to compile")
    compiler = Compiler(spec.roots)
    condition = compiler.compile(spec.when)
    traced: list[Compiled] = []
    evidence, with_members = _evidence(spec, compiler.facts)
    values = [(name, _value_getter(value, spec.roots)) for name, value in spec.values.items()]
    scope, each = spec.scope, spec.for_each

    def judge(env: Env, explain: bool) -> Hit | None:
        if explain:
            if not traced:
                traced.append(Compiler(spec.roots, tracing=True).compile(spec.when))
            env.trace = []
            result = traced[0](env)
        else:
            result = condition(env)
        if result is not True:
            return None
        found = {key: jsonable(get(env)) for key, get in evidence}
        if with_members and env.matched_members:
            found["members"] = sorted(set(env.matched_members))
        hit = Hit(evidence=found, trace=env.trace,
                  values={name: get(env) for name, get in values})
        if env.member is not None:
            hit.member = env.member.number
        elif env.measure is not None:
            hit.member = env.measure.beneficiary_member
        return hit

    if each == "measure":
        def evaluate_each(ctx: RuleContext) -> tuple[Hit, ...]:
            household = ctx.household
            if household is None:
                return ()
            hits = []
            for measure in derive_measures(household, ctx.catalog):
                env = Env(household, ctx.params, measure=measure)
                hit = judge(env, ctx.explain)
                if hit is not None:
                    hits.append(hit)
            return tuple(hits)

        return evaluate_each

    def evaluate(ctx: RuleContext) -> tuple[Hit, ...]:
        env = Env(ctx.household, ctx.params, ctx.member)
        if scope == "village":
            env.village = ctx.village
        elif scope == "project":
            env.project = ctx.project
        hit = judge(env, ctx.explain)
        return () if hit is None else (hit,)

    return evaluate


_COMPILED: dict[int, tuple[Rule, Callable[[RuleContext], Any]]] = {}


def compile_rule(rule: Rule) -> Callable[[RuleContext], Any]:
    """The function the engine calls for ``rule``, compiled on first use and cached.

    Household, member, village and project rules yield :class:`~planner.rule.Hit`; a dataset
    rule returns its :class:`~planner.rule.DatasetCheck`. A Python rule is its own function.
    """
    if rule.function is not None:
        return rule.function
    cached = _COMPILED.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1]
    function = compile_spec(rule)
    _COMPILED[id(rule)] = (rule, function)
    return function
