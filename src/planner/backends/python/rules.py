"""Python backend: a spec rule compiled into the function the engine calls for one subject.

The condition becomes closures (:mod:`planner.backends.python.conditions`); evidence and message
values are read by getters resolved once. A ``for_each: measure`` rule is judged once per
planned measure of the household and yields one hit per measure that matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from planner.backends.python.conditions import Compiler, all_of
from planner.backends.python.env import Compiled, Env, Getter, getter, param_getter
from planner.backends.python.facts import derive_posts, derive_work_records
from planner.backends.python.values import jsonable
from planner.measure_facts import derive_measures
from planner.rule import Hit, Rule, RuleContext
from planner.spec import (
    All,
    Check,
    FactPath,
    FactValue,
    ItemsValue,
    MatchedValue,
    ParamRef,
    RuleSpec,
    SpecError,
    TextValue,
    Value,
    resolve_path,
)

Evaluate = Callable[[RuleContext], tuple[Hit, ...]]

CONDITIONS: dict[Callable[..., Any], Compiled] = {}
"""The condition of a compiled household or member rule with one check: the function yields
nothing unless it holds (without ``explain``), so the checker may test it first, on an
:class:`~planner.backends.python.env.Env` of its own, and call the rule only when it holds."""


MEMBER_SPLITS: dict[Callable[..., Any], tuple[Compiled, Compiled]] = {}
"""A member rule of :data:`CONDITIONS` whose condition is ``all`` of parts that read only the
household and then parts that read the member: the two halves compiled apart (``guard``,
``rest``). The checker judges the guard once per household: false, the rule holds for no member
(``all`` stops at the first false part, before any member is read); true, the rule holds for a
member exactly when ``rest`` does."""


def _split_member(when: Any, roots: frozenset[str]) -> tuple[Compiled, Compiled] | None:
    """The household-only leading parts and the other parts of a member condition, compiled
    apart (None unless both are there)."""
    if not isinstance(when, All):
        return None
    guard: list[Compiled] = []
    for part in when.all:
        compiler = Compiler(roots)
        compiled = compiler.compile(part)
        if any(fact.root == "member" for fact in compiler.facts.values()):
            break
        guard.append(compiled)
    rest = when.all[len(guard):]
    if not guard or not rest:
        return None
    return all_of(guard), all_of([Compiler(roots).compile(part) for part in rest])


def _items_getter(value: ItemsValue, roots: frozenset[str]) -> Getter:
    within = roots | {"measure"}
    compiler = Compiler(within)
    where = compiler.compile(value.where) if value.where is not None else None
    item = getter(resolve_path(value.items, within))
    by = getter(resolve_path(value.by, within)) if value.by is not None else None

    def items(env: Env) -> list[Any]:
        outer, chosen = env.measure, {}
        for measure in env.measures():
            env.measure = measure
            if where is None or where(env) is True:
                key = measure.number if by is None else by(env)
                if key not in chosen:
                    chosen[key] = item(env)
        env.measure = outer
        return [chosen[key] for key in (chosen if by is None else sorted(chosen, key=str))]

    return items


def _value_getter(value: Value, roots: frozenset[str]) -> Getter:
    if isinstance(value, ItemsValue):
        return _items_getter(value, roots)
    if isinstance(value, ParamRef):
        return param_getter(value, resolve_path(value.key, roots) if value.key else None)
    path, digits = (value.fact, value.round) if isinstance(value, FactValue) else (value, None)
    get = getter(resolve_path(str(path), roots))
    if digits is None:
        return get
    return lambda env: None if (v := get(env)) is None else round(v, digits)


Named = Sequence[tuple[str, Getter | str | MatchedValue]]
"""Named values in order: a getter, a text to fill from the raw values, or the values of the
checks that held."""


def _named(items: Iterable[tuple[str, Value]], roots: frozenset[str]) -> Named:
    named: list[tuple[str, Getter | str | MatchedValue]] = []
    for name, value in items:
        if isinstance(value, TextValue):
            named.append((name, value.text))
        elif isinstance(value, MatchedValue):
            named.append((name, value))
        else:
            named.append((name, _value_getter(value, roots)))
    return named


def _read(named: Named, env: Env, raw: dict[str, Any],
          matched: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, get in named:
        if isinstance(get, str):
            out[name] = get.format_map(raw)
        elif isinstance(get, MatchedValue):
            items = [values[get.matched] for values in matched if get.matched in values]
            out[name] = items if get.join is None else get.join.join(map(str, items))
        else:
            out[name] = get(env)
    return out


@dataclass(slots=True)
class _Check:
    """One check compiled: its condition and what its finding reports."""

    condition: Compiled
    when: Any
    raw: Named
    texts: Named
    evidence: Named
    members: bool
    traced: Compiled | None = None


def _compile_check(spec: RuleSpec, check: Check, alone: bool = False) -> _Check:
    """A check compiled; ``alone``: with its own values only (``report: together``)."""
    roots = spec.roots
    compiler = Compiler(roots)
    condition = compiler.compile(check.when)
    values = _named([*({} if alone else spec.values).items(), *check.values.items()], roots)
    if alone:
        raw = [(name, get) for name, get in values if not isinstance(get, str)]
        texts = [(name, get) for name, get in values if isinstance(get, str)]
        return _Check(condition, check.when, raw, texts, [], False)
    raw = [(name, get) for name, get in values if not isinstance(get, str)]
    texts = [(name, get) for name, get in values if isinstance(get, str)]
    if isinstance(spec.evidence, dict) or check.evidence:
        rule_evidence = spec.evidence.items() if isinstance(spec.evidence, dict) else ()
        evidence = _named([*rule_evidence, *check.evidence.items()], roots)
        return _Check(condition, check.when, raw, texts, evidence, False)
    paths: dict[str, FactPath] = {
        path: fact for path, fact in compiler.facts.items()
        if fact.root in roots  # not the members a quantifier read
    }
    for path in spec.evidence:
        paths[path] = resolve_path(path, roots)
    return _Check(condition, check.when, raw, texts,
                  [(path, getter(fact)) for path, fact in paths.items()], True)


def _hit(env: Env, evidence: dict[str, Any], values: dict[str, Any]) -> Hit:
    """A hit on the subject of ``env``: its member, or a measure's beneficiary member."""
    hit = Hit(evidence={key: jsonable(value) for key, value in evidence.items()},
              trace=env.trace, values=values)
    if env.member is not None:
        hit.member = env.member.number
    elif env.measure is not None:
        hit.member = env.measure.beneficiary_member
        hit.measure = env.measure.id
    elif env.work_record is not None:
        hit.member = env.work_record.member
    elif env.post is not None:
        hit.member = env.post.member
    return hit


def compile_spec(rule: Rule) -> Evaluate:
    """The function judging one subject by ``rule.spec`` (household, member, village, project,
    or each planned measure of a household): one hit per check that holds."""
    spec = rule.spec
    if spec is None:
        raise SpecError(f"rule {rule.code} has no spec to compile")
    together = spec.report == "together"
    checks = [_compile_check(spec, check, together) for check in spec.conditions]
    roots, scope = spec.roots, spec.scope
    if together:
        rule_values = _named(spec.values.items(), roots)
        rule_evidence = _named(spec.evidence.items() if isinstance(spec.evidence, dict) else (),
                               roots)

    def judge(env: Env, explain: bool, hits: list[Hit]) -> None:
        matched: list[dict[str, Any]] = []
        if explain:
            env.trace = []
        for check in checks:
            if env.matched_members:  # what an earlier check matched explains only its finding
                env.matched_members = []
            if explain:
                if check.traced is None:
                    check.traced = Compiler(roots, tracing=True).compile(check.when)
                result = check.traced(env)
            else:
                result = check.condition(env)
            if result is not True:
                continue
            values = _read(check.raw, env, {})
            if check.texts:
                values.update(_read(check.texts, env, values))
            if together:
                matched.append(values)
                continue
            found = _read(check.evidence, env, values)
            if check.members and env.matched_members:
                found["members"] = sorted(set(env.matched_members))
            hits.append(_hit(env, found, values))
        if matched:
            values = _read([n for n in rule_values if not isinstance(n[1], str)], env, {},
                           matched)
            values.update(_read([n for n in rule_values if isinstance(n[1], str)], env, values))
            hits.append(_hit(env, _read(rule_evidence, env, values, matched), values))

    conditions = [check.condition for check in checks]

    def holds(env: Env) -> bool:
        """Whether some check holds (a finding is built only then)."""
        for condition in conditions:  # noqa: SIM110 - a loop: no generator on the hot path
            if condition(env) is True:
                return True
        return False

    if spec.for_each == "measure":
        def evaluate_each(ctx: RuleContext) -> tuple[Hit, ...]:
            household = ctx.household
            if household is None:
                return ()
            hits: list[Hit] = []
            env = Env(household, ctx.params, catalog=ctx.catalog)
            for measure in derive_measures(household, ctx.catalog, ctx.params):
                env.measure = measure
                if ctx.explain or holds(env):
                    judge(env, ctx.explain, hits)
            return tuple(hits)

        return evaluate_each

    if spec.for_each in ("work_record", "post"):
        items = derive_work_records if spec.for_each == "work_record" else derive_posts
        slot = spec.for_each

        def evaluate_items(ctx: RuleContext) -> tuple[Hit, ...]:
            household = ctx.household
            if household is None:
                return ()
            hits: list[Hit] = []
            env = Env(household, ctx.params, catalog=ctx.catalog)
            for item in items(household, ctx.params):
                setattr(env, slot, item)
                if ctx.explain or holds(env):
                    judge(env, ctx.explain, hits)
            return tuple(hits)

        return evaluate_items

    if len(checks) == 1 and not together and scope in ("household", "member"):
        # the shape of most rules, judged for every household and member: no list, no loop
        condition = conditions[0]

        def evaluate_one(ctx: RuleContext) -> tuple[Hit, ...]:
            env = Env(ctx.household, ctx.params, ctx.member, catalog=ctx.catalog)
            if not ctx.explain and condition(env) is not True:
                return ()
            hits: list[Hit] = []
            judge(env, ctx.explain, hits)
            return tuple(hits)

        CONDITIONS[evaluate_one] = condition
        if scope == "member" and (split := _split_member(checks[0].when, roots)) is not None:
            MEMBER_SPLITS[evaluate_one] = split
        return evaluate_one

    def evaluate(ctx: RuleContext) -> tuple[Hit, ...]:
        env = Env(ctx.household, ctx.params, ctx.member, catalog=ctx.catalog)
        if scope == "village":
            env.village = ctx.village
        elif scope == "project":
            env.project = ctx.project
        if not ctx.explain and not holds(env):
            return ()
        hits: list[Hit] = []
        judge(env, ctx.explain, hits)
        return tuple(hits)

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
    if rule.spec is not None and rule.spec.form is not None:
        from planner.backends.python.dataset import compile_dataset  # it imports this module

        function: Callable[[RuleContext], Any] = compile_dataset(rule.spec)
    else:
        function = compile_spec(rule)
    _COMPILED[id(rule)] = (rule, function)
    return function
