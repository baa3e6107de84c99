"""Python backend: compile a declarative condition once into plain closures (no ``eval``).

Each node becomes a function ``(env) -> True | False | None`` (``None`` = unknown). Fact paths are
resolved and type-checked at compile time, so a typo in a YAML rule is an error at load time, not a
silent miss at run time. When ``env.trace`` is a list, every node evaluated appends what it read
and what it decided (composite nodes nest their parts), which is what ``--explain`` reports.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from planner.facts import FACT_PARAMETERS, HouseholdFacts, MemberFacts
from planner.model import Household, Member
from planner.model.personal import personal_kind
from planner.params import ParamValues
from planner.spec import (
    MAX_CONDITION_DEPTH,
    All,
    AllMembers,
    Any_,
    AnyMember,
    Compare,
    CountMembers,
    Exists,
    FactRef,
    Missing,
    Not,
    ParamRef,
)

Tri = bool | None


class SpecError(ValueError):
    """A condition refers to an unknown fact or parameter, or compares incompatible things.

    ``token`` is the text in the rule that is wrong (a fact path, a parameter name), so a loader
    can point at its line.
    """

    def __init__(self, message: str, token: str | None = None):
        super().__init__(message)
        self.token = token


@dataclass(slots=True)
class Env:
    """What a compiled condition reads: the subject's facts and the parameters in force."""

    household: HouseholdFacts | None
    params: ParamValues
    member: MemberFacts | None = None
    trace: list[dict[str, Any]] | None = None
    matched_members: list[int] = field(default_factory=list)


Compiled = Callable[[Env], Tri]
Getter = Callable[[Env], Any]

_ROOTS: dict[str, tuple[type, type[BaseModel]]] = {
    "household": (HouseholdFacts, Household),
    "member": (MemberFacts, Member),
}
_FACT_HINTS = {root: typing.get_type_hints(facts) for root, (facts, _) in _ROOTS.items()}


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; other annotations unchanged."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def value_kind(annotation: Any) -> str:
    """What a fact holds, for type checks: number, bool, date, str, enum, collection or other."""
    target = _unwrap(annotation)
    origin = typing.get_origin(target)
    if origin in (list, set, frozenset, tuple, dict):
        return "collection"
    if not isinstance(target, type):
        return "other"
    if issubclass(target, bool):
        return "bool"
    if issubclass(target, Enum):
        return "enum"
    if issubclass(target, (int, float)):
        return "number"
    if issubclass(target, date):
        return "date"
    if issubclass(target, str):
        return "str"
    if issubclass(target, (list, set, frozenset, tuple, dict)):
        return "collection"
    return "other"


def _element(annotation: Any) -> Any:
    """The element type of a collection annotation (``list[X]`` → ``X``), else ``Any``."""
    args = typing.get_args(_unwrap(annotation))
    return args[0] if args else Any


@dataclass(frozen=True, slots=True)
class FactPath:
    """A resolved fact path: where to read it and what type it has."""

    path: str
    root: str
    from_record: bool
    attrs: tuple[str, ...]
    annotation: Any

    @property
    def personal(self) -> bool:
        """Whether the fact is personal data (a name, an ID number, a phone number)."""
        return personal_kind(self.path) is not None

    def getter(self) -> Getter:
        """A function reading this fact from an :class:`Env` (``None`` when not recorded)."""
        root, attrs, from_record = self.root, self.attrs, self.from_record
        if not from_record and len(attrs) == 1:
            name = attrs[0]
            if root == "household":
                return lambda env: None if env.household is None else getattr(env.household, name)
            return lambda env: None if env.member is None else getattr(env.member, name)

        def get(env: Env) -> Any:
            value: Any = env.household if root == "household" else env.member
            if value is None:
                return None
            if from_record:
                value = value.record
            for attr in attrs:
                if value is None:
                    return None
                value = value.get(attr) if isinstance(value, dict) else getattr(value, attr)
            return value

        return get


@lru_cache(maxsize=4096)
def resolve_path(path: str, member_bound: bool) -> FactPath:
    """Resolve ``household.x.y`` / ``member.x`` against the facts and the record models."""
    root, _, rest = path.partition(".")
    if root not in _ROOTS or not rest:
        raise SpecError(f"fact {path!r} must start with 'household.' or 'member.'", path)
    if root == "member" and not member_bound:
        raise SpecError(
            f"fact {path!r} reads a member outside a member-scope rule or a member quantifier",
            path,
        )
    first, *more = rest.split(".")
    record_cls = _ROOTS[root][1]
    if first in _FACT_HINTS[root] and first != "record":
        annotation, from_record = _FACT_HINTS[root][first], False
    elif first in record_cls.model_fields:
        annotation, from_record = record_cls.model_fields[first].annotation, True
    else:
        raise SpecError(
            f"unknown fact {path!r}: {first!r} is neither a derived fact nor a field of"
            f" {record_cls.__name__}",
            path,
        )
    for attr in more:
        current = _unwrap(annotation)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if attr not in current.model_fields:
                raise SpecError(f"unknown fact {path!r}: {current.__name__} has no {attr!r}", path)
            annotation = current.model_fields[attr].annotation
        elif typing.get_origin(current) is dict:
            annotation = typing.get_args(current)[1] | None
        else:
            raise SpecError(f"unknown fact {path!r}: cannot read {attr!r} of a {current}", path)
    return FactPath(path, root, from_record, (first, *more), annotation)


@lru_cache(maxsize=4096)
def fact_getter(path: str, member_bound: bool) -> Getter:
    """A cached reader for a fact path (used when rendering messages)."""
    return resolve_path(path, member_bound).getter()


def _literal(value: Any, annotation: Any, path: str) -> Any:
    """Coerce a literal operand to the fact's type (ISO dates, enum names); reject mismatches."""
    if isinstance(value, list):
        return [_literal(v, annotation, path) for v in value]
    kind = value_kind(annotation)
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise SpecError(f"{value!r} is not an ISO date (compared with {path})", path) from exc
    if kind == "enum" and isinstance(value, str):
        target = _unwrap(annotation)
        try:
            return target(value)
        except ValueError as exc:
            allowed = ", ".join(str(m.value) for m in target)
            raise SpecError(f"{value!r} is not one of {allowed} ({path})", str(value)) from exc
    expected = {"number": (int, float), "bool": (bool,), "date": (date,), "str": (str,),
                "enum": (str,)}.get(kind)
    numeric_bool = kind == "number" and isinstance(value, bool)
    if expected is not None and (numeric_bool or not isinstance(value, expected)):
        raise SpecError(f"{path} holds a {kind}, it cannot be compared with {value!r}", path)
    return value


def _numeric_times(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [None if v is None else v * factor for v in value]
    return value * factor


@dataclass(slots=True)
class Compiler:
    """Compiles one rule's condition; collects the facts and parameters it reads.

    With ``tracing`` the closures also record each condition, the values read and the result
    when the environment carries a trace list (``--explain``); without it they carry no tracing
    code at all, which keeps the hot path lean.
    """

    member_bound: bool
    facts: dict[str, FactPath] = field(default_factory=dict)
    parameters: list[str] = field(default_factory=list)
    known_parameters: Iterable[str] | None = None
    tracing: bool = False
    depth: int = field(default=0, init=False, repr=False)

    def _group(self, label: str, check: Compiled, against: Getter | None = None) -> Compiled:
        return _group(label, check, against) if self.tracing else check

    def _traced(
        self, label: dict[str, Any], check: Compiled, get: Getter | None, rhs: Getter | None = None
    ) -> Compiled:
        return _traced(label, check, get, rhs) if self.tracing else check

    def compile(self, node: Any) -> Compiled:
        """The closure evaluating ``node`` (a :mod:`planner.spec` condition)."""
        if self.depth >= MAX_CONDITION_DEPTH:  # a tree built in Python skips the spec's check
            raise SpecError(f"conditions are nested more than {MAX_CONDITION_DEPTH} levels deep;"
                            " split the rule or flatten nested all/any/not")
        self.depth += 1
        try:
            return self._compile(node)
        finally:
            self.depth -= 1

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
                get = self._fact(node.exists).getter()
                return self._traced({"condition": f"exists {node.exists}", "fact": node.exists},
                               lambda env: get(env) is not None, get)
            case Missing():
                get = self._fact(node.missing).getter()
                return self._traced({"condition": f"missing {node.missing}", "fact": node.missing},
                               lambda env: get(env) is None, get)
            case AnyMember():
                return self._group("any_member", self._quantifier(node.any_member, any_=True))
            case AllMembers():
                return self._group("all_members", self._quantifier(node.all_members, any_=False))
            case CountMembers():
                return self._count(node)
            case Compare():
                return self._compare(node)
        raise SpecError(f"not a condition: {node!r}")

    def _fact(self, path: str) -> FactPath:
        resolved = resolve_path(path, self.member_bound)
        self.facts.setdefault(path, resolved)
        if not resolved.from_record:  # a fact derived from parameters reads them too
            for name in FACT_PARAMETERS.get(f"{resolved.root}.{resolved.attrs[0]}", ()):
                if name not in self.parameters:
                    self.parameters.append(name)
        return resolved

    def _param(self, name: str) -> Getter:
        if self.known_parameters is not None and name not in self.known_parameters:
            raise SpecError(f"unknown parameter {name!r}", name)
        if name not in self.parameters:
            self.parameters.append(name)
        return lambda env: env.params.get(name)

    def _operand(self, operand: Any, annotation: Any, path: str, times: float | None) -> Getter:
        if isinstance(operand, ParamRef):
            get = self._param(operand.param)
        elif isinstance(operand, FactRef):
            get = self._fact(operand.fact).getter()
        else:
            value = _literal(operand, annotation, path)
            if times is not None:
                value = _numeric_times(value, times)
                times = None
            get = lambda env: value  # noqa: E731
        if times is None:
            return get
        factor = times
        return lambda env: None if (v := get(env)) is None else _numeric_times(v, factor)

    def _members(self, condition: Any) -> Compiled:
        if self.member_bound:
            raise SpecError("member quantifiers cannot be nested in a member condition")
        self.member_bound = True
        try:
            return self.compile(condition)
        finally:
            self.member_bound = False

    def _quantifier(self, condition: Any, *, any_: bool) -> Compiled:
        inner = self._members(condition)

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

    def _count(self, node: CountMembers) -> Compiled:
        inner = self._members(node.count_members)
        op = node.op
        rhs = self._operand(getattr(node, op), int, "count_members", None)

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
            return _count_result(op, total, total + unknown, limit)

        return self._group(f"count_members {op}", count, lambda env: rhs(env))

    def _compare(self, node: Compare) -> Compiled:
        fact = self._fact(node.fact)
        get = fact.getter()
        op = node.op
        kind = value_kind(fact.annotation)
        if op in ("lt", "le", "gt", "ge", "between") and kind not in ("number", "date", "other"):
            raise SpecError(f"{node.fact} holds a {kind}; {op} needs a number or a date", node.fact)
        if op == "contains" and kind not in ("collection", "str", "other"):
            raise SpecError(f"{node.fact} holds a {kind}; contains needs a list", node.fact)
        if node.times is not None and op in ("in", "not_in", "contains"):
            raise SpecError(f"times cannot scale the operand of {op} ({node.fact})", node.fact)
        operand = node.operand
        literal = not isinstance(operand, (ParamRef, FactRef))
        if literal and op in ("in", "not_in", "between") and not isinstance(operand, list):
            raise SpecError(f"{op} needs a list (comparing {node.fact})", node.fact)
        if literal and op == "between" and len(operand) != 2:
            raise SpecError(f"between needs [low, high] (comparing {node.fact})", node.fact)
        annotation = _element(fact.annotation) if op == "contains" else fact.annotation
        rhs = self._operand(operand, annotation, node.fact, node.times)
        check = _COMPARISONS[op](get, rhs)
        label: dict[str, Any] = {"condition": f"{node.fact} {op} {_describe(operand)}",
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


def _count_result(op: str, low: int, high: int, limit: Any) -> Tri:
    """Compare a count known to lie in ``[low, high]`` (unknown members) with ``limit``."""
    if op in ("eq", "ne"):
        if low == high:
            return (low == limit) == (op == "eq")
        if limit < low or limit > high:
            return op == "ne"
        return None
    compare = _BINARY[op]
    at_low, at_high = compare(low, limit), compare(high, limit)
    return at_low if at_low == at_high else None


# Member matches (``env.matched_members``, reported as evidence) are kept only from the parts
# that made the condition true: a quantifier inside a false ``all``, a non-deciding part of an
# ``any`` or anything under ``not`` matched nothing that explains the finding.


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


_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def _binary(op: str) -> Callable[[Getter, Getter], Compiled]:
    binary = _BINARY[op]

    def make(get: Getter, rhs: Getter) -> Compiled:
        def compare(env: Env) -> Tri:
            value = get(env)
            if value is None:
                return None
            other = rhs(env)
            if other is None:
                return None
            return bool(binary(value, other))

        return compare

    return make


def _between(get: Getter, rhs: Getter) -> Compiled:
    def between(env: Env) -> Tri:
        value, bounds = get(env), rhs(env)
        if value is None or bounds is None or None in bounds:
            return None
        return bool(bounds[0] <= value <= bounds[1])

    return between


def _member_of(negate: bool) -> Callable[[Getter, Getter], Compiled]:
    def make(get: Getter, rhs: Getter) -> Compiled:
        def member_of(env: Env) -> Tri:
            value, options = get(env), rhs(env)
            if value is None or options is None:
                return None
            return (value in options) != negate

        return member_of

    return make


def _contains(get: Getter, rhs: Getter) -> Compiled:
    def contains(env: Env) -> Tri:
        value, item = get(env), rhs(env)
        if value is None or item is None:
            return None
        return item in value

    return contains


_COMPARISONS: dict[str, Callable[[Getter, Getter], Compiled]] = {
    **{op: _binary(op) for op in _BINARY},
    "between": _between,
    "in": _member_of(False),
    "not_in": _member_of(True),
    "contains": _contains,
}


def jsonable(value: Any) -> Any:
    """A value as it appears in evidence and explanations (enums by value, dates ISO)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (frozenset, set, tuple, list)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Derived facts (a member's, say) would print every field, names included: name the
        # subject instead of dumping it.
        number = getattr(value, "number", None)
        return f"m{number}" if number is not None else type(value).__name__
    return value
