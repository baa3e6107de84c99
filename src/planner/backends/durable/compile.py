"""durable-rules backend: household- and member-scope spec rules compiled to single-fact rules.

The spec's logic is three-valued (:mod:`planner.spec.conditions`): a rule fires only where its
condition is *true*; an unknown value makes a comparison unknown, and ``not`` keeps unknown
unknown. durable-rules is two-valued and reads a missing attribute as failing the test. So each
condition compiles twice, to the engine condition that holds where it is *true* and to the one that
holds where it is *false* (:meth:`RuleCompiler.true` / :meth:`RuleCompiler.false`): ``not c`` is
true where ``c`` is false, ``all`` is false where one part is false, and every comparison requires
its fact to be recorded (``$ex``). Unknown values are simply not asserted.

Semantic differences guarded here: durable's ``$iall`` (all items) is *false* on an empty list
where Python's ``all`` is true, so "``x contains v`` is false" is "``x`` is empty or all its items
differ from ``v``", with the list's length asserted beside it; dates are asserted as day numbers
(the engine knows JSON only) and enums as their values, both sides alike.

The subject's facts are the Python backend's (:func:`planner.backends.python.env.getter` on the
facts :meth:`~planner.backends.python.engine.Checker.rule_facts` derives): none is reimplemented.

Member and measure quantifiers and counts (``any_member``, ``all_members``, ``any_measure``,
``all_measures``, ``count_members``) are asserted as per-household aggregates: how many members
(or planned measures) make the quantified condition true, unknown and false, each judged by the
Python backend's own closure of that condition; the engine decides the quantifier from the three
counts and everything around it. ``any`` is true on one true item and false when every item is
false; ``all`` is false on one false item and true when every item is true, so a household with
no members is ``all`` true and ``any`` false as in Python (durable's ``$iall``, false on an empty
list, is not used); a count lies in ``[true, true + unknown]`` and its comparison is true (false)
only where it holds (fails) at both ends, as :func:`planner.backends.python.comparisons.
count_result`.

A ``for_each`` rule fires on one fact per item (planned measure, work record, post) carrying the
attributes its conditions read with that item bound (household facts included).

A rule this compiler cannot handle (Python bodies, a count against a keyed parameter) raises
:class:`Unsupported` and runs through the Python backend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from planner.backends.durable.adapter import refusal
from planner.backends.python.conditions import Compiler, numeric_minus, numeric_times
from planner.backends.python.env import Env, Getter, getter, param_getter
from planner.params import ParamValues
from planner.rule import Rule
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
    SpecError,
)
from planner.spec.paths import value_kind

SCOPES = ("household", "member")
#: Always true / always false in the engine (every asserted subject fact has a ``kind``).
TRUE: dict[str, Any] = {"$ex": {"kind": 1}}
FALSE: dict[str, Any] = {"$nex": {"kind": 1}}
_FLIP = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}
_ENGINE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}


class Unsupported(Exception):
    """What the durable compiler does not handle (the rule runs through the Python backend)."""


def encode(value: Any) -> Any:
    """A fact or constant as the engine holds it: enums by value, dates as day numbers, lists of
    those; ``None`` stays ``None`` (not asserted)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return encode(value.value)
    if isinstance(value, datetime):
        return value.date().toordinal()
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, list | tuple | set | frozenset | dict):  # a mapping: its keys
        return [encode(item) for item in value]
    raise Unsupported(f"a {type(value).__name__} value")


def _flat(key: str, parts: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """``parts`` with nested ``key`` groups spliced in (the engine's networks stay small)."""
    flat: list[dict[str, Any]] = []
    for part in parts:
        flat.extend(part[key] if set(part) == {key} else [part])
    return flat


def _and(*parts: dict[str, Any]) -> dict[str, Any]:
    if any(part is FALSE for part in parts):
        return FALSE
    kept = [part for part in _flat("$and", parts) if part is not TRUE]
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else {"$and": kept}


def _or(*parts: dict[str, Any]) -> dict[str, Any]:
    if any(part is TRUE for part in parts):
        return TRUE
    kept = [part for part in _flat("$or", parts) if part is not FALSE]
    if not kept:
        return FALSE
    return kept[0] if len(kept) == 1 else {"$or": kept}


def _test(op: str, attr: str, constant: Any) -> dict[str, Any]:
    if op == "eq":
        return {attr: constant}
    return {_ENGINE_OP[op]: {attr: constant}}


@dataclass(slots=True)
class Attribute:
    """One asserted attribute: the fact path it holds and its reader."""

    name: str
    path: str
    read: Getter
    collection: bool


@dataclass(slots=True)
class RuleCompiler(Reader):
    """Compiles the conditions of one rule; collects the attributes they read."""

    values: ParamValues | None = None
    attributes: dict[str, Attribute] = field(default_factory=dict)

    def attribute(self, path: str, fact: FactPath) -> Attribute:
        known = self.attributes.get(path)
        if known is None:
            known = self.attributes[path] = Attribute(
                path.replace(".", "__"), path, getter(fact),
                value_kind(fact.annotation) == "collection")
        return known

    def _operand(self, operand: Any) -> tuple[bool, Any]:
        """``(True, constant)`` for a literal or a plain parameter (read once for the run), or
        ``(False, engine expression)`` for a value each subject carries: another fact, or a
        parameter keyed by a fact (its entry for the subject's value, read by the Python
        backend's reader and asserted beside the facts)."""
        if isinstance(operand, FactRef):
            attribute = self.attribute(operand.fact, self.facts[operand.fact])
            return False, {"$m": attribute.name}
        if isinstance(operand, ParamRef):
            if operand.key is None:
                assert self.values is not None
                return True, self.values.get(operand.param)
            path = f"param.{operand.param}[{operand.key}]"
            known = self.attributes.get(path)
            if known is None:
                name = f"param__{operand.param}__{operand.key}".replace(".", "__")
                known = self.attributes[path] = Attribute(
                    name, path, param_getter(operand, self.facts[operand.key]), False)
            return False, {"$m": known.name}
        return True, operand

    def _rhs(self, node: Compare, operand: Any) -> tuple[bool, Any]:
        """The right-hand side, scaled by ``times`` and offset by ``minus``: a constant (``None``
        when unknown) or an engine expression."""
        constant, rhs = self._operand(operand)
        if node.times is not None:
            if constant:
                rhs = None if rhs is None else numeric_times(rhs, node.times)
            else:
                rhs = {"$mul": {"$l": rhs, "$r": node.times}}
        if node.minus is not None:
            minus_constant, minus = self._operand(node.minus)
            if constant and minus_constant:
                rhs = None if rhs is None or minus is None else numeric_minus(rhs, minus)
            elif minus_constant and minus is None:
                return True, None
            else:
                if constant:
                    if rhs is None:
                        return True, None
                    rhs = encode(rhs)
                rhs = {"$sub": {"$l": rhs, "$r": minus}}
                constant = False
        return constant, rhs

    def both(self, node: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The engine conditions where ``node`` is true and where it is false."""
        with self.nested():
            return self._both(node)

    def _both(self, node: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        match node:
            case All():
                parts = [self.both(part) for part in node.all]
                return _and(*(t for t, _ in parts)), _or(*(f for _, f in parts))
            case Any_():
                parts = [self.both(part) for part in node.any]
                return _or(*(t for t, _ in parts)), _and(*(f for _, f in parts))
            case Not():
                true, false = self.both(node.not_)
                return false, true
            case Exists():
                attr = self.attribute(node.exists, self.fact(node.exists)).name
                return {"$ex": {attr: 1}}, {"$nex": {attr: 1}}
            case Missing():
                attr = self.attribute(node.missing, self.fact(node.missing)).name
                return {"$nex": {attr: 1}}, {"$ex": {attr: 1}}
            case AnyMember() | AllMembers() | AnyMeasure() | AllMeasures():
                return self._quantifier(node)
            case CountMembers():
                return self._count(node)
            case Compare():
                return self._compare(node)
        raise Unsupported(f"{type(node).__name__.rstrip('_').lower()} conditions")

    def _tally(self, node: Any) -> tuple[str, str, str]:
        """The attributes counting the members (or measures) where the quantified condition of
        ``node`` is true, unknown and false; the condition judged by the Python backend's
        closure, the quantifier (and everything around it) by the engine."""
        over_members = isinstance(node, AnyMember | AllMembers | CountMembers)
        inner_node = next(value for key, value in node if key in _QUANTIFIED)
        with self.members() if over_members else self.measures():
            inner = Compiler(self.roots).compile(inner_node)
        key = f"{sorted(self.roots)}:{type(node).__name__}:{inner_node!r}"
        name = "q__" + hashlib.blake2s(key.encode(), digest_size=6).hexdigest()
        tally = _tally_reader(inner, over_members)
        names = []
        for index, end in enumerate(("t", "u", "f")):
            path = f"{key}[{end}]"
            if path not in self.attributes:
                self.attributes[path] = Attribute(f"{name}__{end}", path,
                                                  _bound(tally, index), False)
            names.append(self.attributes[path].name)
        return names[0], names[1], names[2]

    def _quantifier(self, node: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """``any`` is true where one item is true and false where none is true or unknown;
        ``all`` is true where none is false or unknown (no items: true, as in Python; the
        engine's ``$iall`` is not used) and false where one is false."""
        t, u, f = self._tally(node)
        none_unknown = {u: 0}
        if isinstance(node, AnyMember | AnyMeasure):
            return {"$gt": {t: 0}}, _and({t: 0}, none_unknown)
        return _and({f: 0}, none_unknown), {"$gt": {f: 0}}

    def _count(self, node: CountMembers) -> tuple[dict[str, Any], dict[str, Any]]:
        """The count lies in ``[t, t + u]``: true where the comparison holds at both ends, false
        where it fails at both (``count_result`` of the Python backend)."""
        t, u, _ = self._tally(node)
        op = node.op
        constant, limit = self._operand(self.operand(getattr(node, op), int, "count_members"))
        if not constant:
            raise Unsupported("count_members against a value each household carries")
        if limit is None:
            return FALSE, FALSE
        # the engine compares an attribute with an expression: t + u op limit is u op limit - t
        rest = {"$sub": {"$l": limit, "$r": {"$m": t}}}
        if op in ("eq", "ne"):
            same = _and(_test("eq", t, limit), {u: 0})
            differs = _or(_test("gt", t, limit), _test("lt", u, rest))
            return (same, differs) if op == "eq" else (differs, same)
        flip = _FLIP[op]
        high_holds, high_fails = _test(op, u, rest), _test(flip, u, rest)
        return (_and(_test(op, t, limit), high_holds), _and(_test(flip, t, limit), high_fails))

    def _compare(self, node: Compare) -> tuple[dict[str, Any], dict[str, Any]]:
        fact, operand = self.compare(node)
        attribute = self.attribute(node.fact, fact)
        attr = attribute.name
        # the engine fails every comparison (even $neq) on an attribute not asserted, which is
        # how an unknown value stays neither true nor false; ``known`` is needed only alone
        known = {"$ex": {attr: 1}}
        op = node.op
        if op == "between" and isinstance(operand, FactRef | ParamRef) and not (
                isinstance(operand, ParamRef) and operand.key is None):
            return _between_bounds(self, node, operand, attr)
        constant, rhs = self._rhs(node, operand)
        if not constant:
            if op not in _FLIP:
                raise Unsupported(f"{op} with a value each subject carries ({node.fact})")
            return _test(op, attr, rhs), _test(_FLIP[op], attr, rhs)
        if rhs is None:
            return FALSE, FALSE  # unknown: neither true nor false
        if op in _FLIP:
            constant_value = encode(rhs)
            return _test(op, attr, constant_value), _test(_FLIP[op], attr, constant_value)
        if op in ("in", "not_in"):
            options = [encode(option) for option in rhs]
            inside = _or(*(_test("eq", attr, o) for o in options))
            outside = _and(*(_test("ne", attr, o) for o in options)) if options else known
            return (inside, outside) if op == "in" else (outside, inside)
        if op == "between":
            if None in rhs:
                return FALSE, FALSE
            low, high = encode(rhs[0]), encode(rhs[1])
            return (_and(_test("ge", attr, low), _test("le", attr, high)),
                    _or(_test("lt", attr, low), _test("gt", attr, high)))
        if op == "contains":
            if not attribute.collection:
                raise Unsupported(f"contains on {node.fact}")
            item = encode(rhs)
            size = f"{attr}__len"
            return ({"$iany": {attr: {"$i": item}}},
                    _or({size: 0}, {"$iall": {attr: {"$neq": {"$i": item}}}}))
        raise Unsupported(f"operator {op}")


_QUANTIFIED = frozenset(("any_member", "all_members", "any_measure", "all_measures",
                         "count_members"))


def _tally_reader(inner: Any, over_members: bool) -> Getter:
    """``(true, unknown, false)`` counts of ``inner`` over the household's members (or planned
    measures), counted once per household: the three attributes read it in turn."""
    last: list[Any] = [None, (), None]  # env, what it binds, counts

    def tally(env: Env) -> Any:
        household = env.household
        if household is None:
            return None
        bound = (household, env.member, env.measure, env.work_record, env.post)
        if last[0] is env and all(a is b for a, b in zip(last[1], bound, strict=True)):
            return last[2]
        counts = [0, 0, 0]
        if over_members:
            outer = env.member
            for member in household.members:
                env.member = member
                result = inner(env)
                counts[0 if result is True else 1 if result is None else 2] += 1
            env.member = outer
        else:
            outer_measure = env.measure
            for measure in env.measures():
                env.measure = measure
                result = inner(env)
                counts[0 if result is True else 1 if result is None else 2] += 1
            env.measure = outer_measure
        last[:] = [env, bound, counts]
        return counts

    return tally


def _bound(read: Getter, index: int) -> Getter:
    def bound(env: Env) -> Any:
        bounds = read(env)
        return None if bounds is None else bounds[index]

    return bound


def _between_bounds(compiler: RuleCompiler, node: Compare, operand: Any,
                    attr: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``between`` bounds each subject carries (a keyed parameter, another fact): asserted as
    two attributes, each left out when unknown (so neither test holds, as in Python)."""
    if node.times is not None or node.minus is not None:
        raise Unsupported(f"between with a scaled value each subject carries ({node.fact})")
    _, reference = compiler._operand(operand)
    carried = next(a for a in compiler.attributes.values() if a.name == reference["$m"])
    names = []
    for index, end in enumerate(("low", "high")):
        path = f"{carried.path}[{end}]"
        if path not in compiler.attributes:
            compiler.attributes[path] = Attribute(f"{carried.name}__{end}", path,
                                                  _bound(carried.read, index), False)
        names.append(compiler.attributes[path].name)
    low, high = ({"$m": name} for name in names)
    both_known = _and(*({"$ex": {name: 1}} for name in names))  # one bound unknown: unknown
    return (_and(_test("ge", attr, low), _test("le", attr, high)),
            _and(both_known, _or(_test("lt", attr, low), _test("gt", attr, high))))


@dataclass(slots=True)
class CompiledRule:
    """One rule as engine rules (one per check) and the attributes its facts carry."""

    rule: Rule
    checks: dict[str, dict[str, Any]]  # engine rule name → condition
    attributes: dict[str, Attribute]
    #: the facts it fires on: ``household``, ``member`` or, for a ``for_each`` rule, each
    #: ``measure``, ``work_record`` or ``post`` of the household (one fact per item)
    kind: str = "household"


def compile_rule(rule: Rule, values: ParamValues) -> CompiledRule:
    """The engine rules of ``rule`` (raises :class:`Unsupported`)."""
    spec = rule.spec
    if spec is None:
        raise Unsupported("a Python body")
    if spec.form is not None or spec.scope not in SCOPES:
        raise Unsupported(f"a {spec.scope} rule")
    kind = spec.for_each or spec.scope  # a for_each rule fires on each item's fact
    compiler = RuleCompiler(spec.roots, values=values)
    checks: dict[str, dict[str, Any]] = {}
    try:
        for index, check in enumerate(spec.conditions):
            true, _ = compiler.both(check.when)
            if true is not FALSE:
                checks[f"{rule.code}#{index}"] = _and({"kind": kind}, true)
    except SpecError as exc:
        raise Unsupported(str(exc)) from None
    for name, condition in checks.items():
        refused = refusal(condition)
        if refused is not None:
            raise Unsupported(f"durable-rules refuses check {name}: {refused}")
    return CompiledRule(rule, checks, dict(compiler.attributes), kind)


def subject_fact(kind: str, attributes: Mapping[str, Attribute], env: Env) -> dict[str, Any]:
    """The fact asserted for one subject (household, member or item): the attributes known in
    ``env`` (the unknown ones left out), lists with their lengths."""
    fact: dict[str, Any] = {"kind": kind}
    for attribute in attributes.values():
        value = attribute.read(env)
        if value is None:
            continue
        encoded = encode(value)
        fact[attribute.name] = encoded
        if attribute.collection:
            fact[f"{attribute.name}__len"] = len(encoded)
    return fact


_SUPPORTED: dict[int, tuple[Rule, bool]] = {}


def supported(rule: Rule) -> bool:
    """Whether the durable backend compiles ``rule`` (judged once, under the shipped parameters;
    a run whose parameters it cannot compile sends the rule to Python)."""
    cached = _SUPPORTED.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1]
    from planner.params import default_parameters

    try:
        compile_rule(rule, default_parameters().at(date(2020, 9, 30)))
        verdict = True
    except Unsupported:
        verdict = False
    _SUPPORTED[id(rule)] = (rule, verdict)
    return verdict
