"""Python backend: compile a declarative condition once into plain closures (no ``eval``).

Each node becomes a function ``(env) -> True | False | None`` (``None`` = unknown). Fact paths are
resolved and type-checked by :class:`planner.spec.Reader` (the compiler is one), so a typo in a
YAML rule is an error at load time, not a silent miss at run time. When ``env.trace`` is a list,
every node evaluated appends what it read and what it decided (composite nodes nest their parts),
which is what ``--explain`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.backends.python.comparisons import COMPARISONS, count_result
from planner.backends.python.env import Compiled, Env, Getter, Tri, getter, param_getter
from planner.backends.python.values import jsonable
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
    FactRef,
    Missing,
    Not,
    ParamRef,
    Reader,
    SpecError,
)


def plan_quantifier(inner: Compiled, *, any_: bool) -> Compiled:
    """Whether ``inner`` holds for any (or every) measure of the household's plan (Kleene)."""

    def quantify(env: Env) -> Tri:
        if env.household is None:
            return None
        outer = env.measure
        unknown = False
        decided: Tri = not any_
        for measure in env.measures():
            env.measure = measure
            result = inner(env)
            if result is None:
                unknown = True
            elif result is any_:
                decided = any_
                break
        env.measure = outer
        if decided is any_:
            return any_
        return None if unknown else not any_

    return quantify


def numeric_times(value: Any, factor: float) -> Any:
    """A spec operand's ``times``: the value (or each value of a list, unknowns kept) scaled;
    shared with the durable backend's compiler."""
    if isinstance(value, list):
        return [None if v is None else v * factor for v in value]
    return value * factor


MINUS_DECIMALS = 10
"""Decimal places a ``minus`` result is rounded to: a limit written in decimals is the decimal
its rule means (an expected share of 0.4 less a tolerance of 0.1 is 0.3, not the binary
0.30000000000000004 that would flag a village with exactly 30 % done: VIL001, VIL002)."""


def numeric_minus(value: Any, offset: float) -> Any:
    """A spec operand's ``minus``: the value (or each value of a list) less ``offset``, rounded
    to :data:`MINUS_DECIMALS` places."""
    if isinstance(value, list):
        return [None if v is None else round(v - offset, MINUS_DECIMALS) for v in value]
    return round(value - offset, MINUS_DECIMALS)


@dataclass(slots=True)
class Compiler(Reader):
    """Compiles one rule's condition; collects the facts and parameters it reads.

    With ``tracing`` the closures also record each condition, the values read and the result
    when the environment carries a trace list (``--explain``); without it they carry no tracing
    code at all, which keeps the hot path lean.
    """

    tracing: bool = False

    def _group(self, label: str, check: Compiled, against: Getter | None = None) -> Compiled:
        return _group(label, check, against) if self.tracing else check

    def _traced(
        self, label: dict[str, Any], check: Compiled, get: Getter | None, rhs: Getter | None = None
    ) -> Compiled:
        return _traced(label, check, get, rhs) if self.tracing else check

    def compile(self, node: Any) -> Compiled:
        """The closure evaluating ``node`` (a :mod:`planner.spec` condition)."""
        with self.nested():
            return self._compile(node)

    def _compile(self, node: Any) -> Compiled:
        match node:
            case All():
                return self._group("all", _all([self.compile(c) for c in node.all]))
            case Any_():
                return self._group("any", _any([self.compile(c) for c in node.any]))
            case Not():
                inner = self.compile(node.not_)
                return self._group("not", _not(inner))
            case Exists():
                get = getter(self.fact(node.exists))
                return self._traced({"condition": f"exists {node.exists}", "fact": node.exists},
                               lambda env: get(env) is not None, get)
            case Missing():
                get = getter(self.fact(node.missing))
                return self._traced({"condition": f"missing {node.missing}", "fact": node.missing},
                               lambda env: get(env) is None, get)
            case AnyMember():
                return self._group("any_member", self._quantifier(node.any_member, any_=True))
            case AllMembers():
                return self._group("all_members", self._quantifier(node.all_members, any_=False))
            case AnyMeasure():
                return self._group("any_measure", self._over_plan(node.any_measure, any_=True))
            case AllMeasures():
                return self._group("all_measures", self._over_plan(node.all_measures, any_=False))
            case CountMembers():
                return self._count(node)
            case Compare():
                return self._compare(node)
        raise SpecError(f"not a condition: {node!r}")

    def _getter(self, operand: Any) -> Getter:
        """A reader for a checked operand: a parameter, a fact or a literal."""
        if isinstance(operand, ParamRef):
            return param_getter(operand, self.facts[operand.key] if operand.key else None)
        if isinstance(operand, FactRef):
            return getter(self.facts[operand.fact])
        return lambda env: operand

    def _rhs(self, operand: Any, times: float | None, minus: Any) -> Getter:
        """The right-hand side scaled by ``times`` and offset by ``minus`` (literals at once)."""
        literal = not isinstance(operand, (ParamRef, FactRef))
        if literal and times is not None:
            operand, times = numeric_times(operand, times), None
        if literal and minus is not None and not isinstance(minus, (ParamRef, FactRef)):
            operand, minus = numeric_minus(operand, minus), None
        get = self._getter(operand)
        if times is None and minus is None:
            return get
        factor = 1.0 if times is None else times
        offset = None if minus is None else self._getter(minus)

        def scaled(env: Env) -> Any:
            value = get(env)
            if value is None:
                return None
            if times is not None:
                value = numeric_times(value, factor)
            if offset is not None:
                less = offset(env)
                if less is None:
                    return None
                value = numeric_minus(value, less)
            return value

        return scaled

    def _quantifier(self, condition: Any, *, any_: bool) -> Compiled:
        with self.members():
            inner = self.compile(condition)

        def quantify(env: Env) -> Tri:
            household = env.household
            if household is None:
                return None
            outer = env.member
            unknown = False
            matched: list[int] = []
            result: Tri = None
            for member in household.members:
                env.member = member
                result = inner(env)
                if result is True:
                    matched.append(member.number)
                elif result is None:
                    unknown = True
                elif not any_:
                    break
            env.member = outer
            if any_:
                if matched:
                    env.matched_members.extend(matched)
                    return True
                return None if unknown else False
            if result is False:
                return False
            return None if unknown else True

        return quantify

    def _over_plan(self, condition: Any, *, any_: bool) -> Compiled:
        with self.measures():
            inner = self.compile(condition)
        return plan_quantifier(inner, any_=any_)

    def _count(self, node: CountMembers) -> Compiled:
        with self.members():
            inner = self.compile(node.count_members)
        op = node.op
        rhs = self._getter(self.operand(getattr(node, op), int, "count_members"))

        def count(env: Env) -> Tri:
            household = env.household
            if household is None:
                return None
            outer = env.member
            total = unknown = 0
            for member in household.members:
                env.member = member
                result = inner(env)
                total += result is True
                unknown += result is None
            env.member = outer
            limit = rhs(env)
            if limit is None:
                return None
            return count_result(op, total, total + unknown, limit)

        return self._group(f"count_members {op}", count, lambda env: rhs(env))

    def _compare(self, node: Compare) -> Compiled:
        fact, operand = self.compare(node)
        get = getter(fact)
        op = node.op
        rhs = self._rhs(operand, node.times, node.minus)
        check = COMPARISONS[op](get, rhs)
        label: dict[str, Any] = {"condition": f"{node.fact} {op} {_describe(node.operand)}",
                                 "fact": node.fact, "operator": op}
        if isinstance(operand, ParamRef):
            label["param"] = operand.param
        elif isinstance(operand, FactRef):
            label["against_fact"] = operand.fact
        return self._traced(label, check, get, rhs)


def _describe(operand: Any) -> str:
    if isinstance(operand, ParamRef):
        return f"param {operand.param}"
    if isinstance(operand, FactRef):
        return f"fact {operand.fact}"
    return str(jsonable(operand))


def all_of(parts: list[Compiled]) -> Compiled:
    """Kleene ``all`` of compiled parts (one part: that part itself, the same three values)."""
    return parts[0] if len(parts) == 1 else _all(parts)


def _all(parts: list[Compiled]) -> Compiled:
    def all_(env: Env) -> Tri:
        mark = len(env.matched_members)
        unknown = False
        for part in parts:
            result = part(env)
            if result is False:
                del env.matched_members[mark:]
                return False
            if result is None:
                unknown = True
        if unknown:
            del env.matched_members[mark:]
            return None
        return True

    return all_


def _any(parts: list[Compiled]) -> Compiled:
    def any_(env: Env) -> Tri:
        mark = len(env.matched_members)
        unknown = False
        for part in parts:
            before = len(env.matched_members)
            result = part(env)
            if result is True:
                del env.matched_members[mark:before]
                return True
            if result is None:
                unknown = True
        del env.matched_members[mark:]
        return None if unknown else False

    return any_


def _not(inner: Compiled) -> Compiled:
    def not_(env: Env) -> Tri:
        mark = len(env.matched_members)
        result = inner(env)
        del env.matched_members[mark:]
        return None if result is None else not result

    return not_


def _group(label: str, check: Compiled, against: Getter | None = None) -> Compiled:
    """Wrap a composite node so that, when tracing, its parts nest under one entry."""

    def grouped(env: Env) -> Tri:
        outer = env.trace
        if outer is None:
            return check(env)
        env.trace = []
        try:
            result = check(env)
        finally:
            parts, env.trace = env.trace, outer
        entry: dict[str, Any] = {"condition": label, "result": result}
        if against is not None:
            entry["against"] = jsonable(against(env))
        if env.member is not None:
            entry["member"] = env.member.number
        entry["conditions"] = parts
        outer.append(entry)
        return result

    return grouped


def _traced(
    label: dict[str, Any], check: Compiled, get: Getter | None, rhs: Getter | None = None
) -> Compiled:
    """Wrap a leaf so that, when tracing, it records the values it read and its result."""

    def traced(env: Env) -> Tri:
        result = check(env)
        if env.trace is not None:
            entry: dict[str, Any] = {**label, "result": result}
            if get is not None:
                entry["value"] = jsonable(get(env))
            if rhs is not None:
                entry["against"] = jsonable(rhs(env))
            if env.member is not None:
                entry["member"] = env.member.number
            env.trace.append(entry)
        return result

    return traced

