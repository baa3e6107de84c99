"""Python backend: compile a declarative condition once into plain closures (no ``eval``).

Each node becomes a function ``(env) -> True | False | None`` (``None`` = unknown). Fact paths are
resolved and type-checked at compile time, so a typo in a YAML rule is an error at load time, not a
silent miss at run time.
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
from typing import Any

from pydantic import BaseModel

from planner.facts import HouseholdFacts, MemberFacts
from planner.model import Household, Member
from planner.params import ParamValues
from planner.spec import (
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
    """A condition refers to an unknown fact or parameter, or compares incompatible things."""


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

_ROOTS: dict[str, tuple[type, type]] = {
    "household": (HouseholdFacts, Household),
    "member": (MemberFacts, Member),
}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


_FACT_HINTS = {root: _hints(facts) for root, (facts, _) in _ROOTS.items()}


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; other annotations unchanged."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


@dataclass(frozen=True, slots=True)
class FactPath:
    """A resolved fact path: where to read it and what type it has."""

    path: str
    root: str
    from_record: bool
    attrs: tuple[str, ...]
    annotation: Any

    def getter(self) -> Getter:
        root, attrs, from_record = self.root, self.attrs, self.from_record

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


def resolve_path(path: str, member_bound: bool) -> FactPath:
    """Resolve ``household.x.y`` / ``member.x`` against the facts and the record models."""
    root, _, rest = path.partition(".")
    if root not in _ROOTS or not rest:
        raise SpecError(f"fact {path!r} must start with 'household.' or 'member.'")
    if root == "member" and not member_bound:
        raise SpecError(
            f"fact {path!r} reads a member outside a member-scope rule or a member quantifier"
        )
    first, *more = rest.split(".")
    facts_cls, record_cls = _ROOTS[root]
    if first in _FACT_HINTS[root] and first != "record":
        annotation, from_record = _FACT_HINTS[root][first], False
    elif first in record_cls.model_fields:
        annotation, from_record = record_cls.model_fields[first].annotation, True
    else:
        raise SpecError(f"unknown fact {path!r}: {first!r} is neither a derived fact nor a field")
    for attr in more:
        current = _unwrap(annotation)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if attr not in current.model_fields:
                raise SpecError(f"unknown fact {path!r}: {current.__name__} has no {attr!r}")
            annotation = current.model_fields[attr].annotation
        elif typing.get_origin(current) is dict:
            annotation = typing.get_args(current)[1] | None
        else:
            raise SpecError(f"unknown fact {path!r}: cannot read {attr!r} of a {current}")
    return FactPath(path, root, from_record, (first, *more), annotation)


def _is_date(annotation: Any) -> bool:
    return _unwrap(annotation) is date


def _literal(value: Any, annotation: Any) -> Any:
    """Coerce a literal operand to the fact's type (ISO dates, enum names)."""
    if isinstance(value, list):
        return [_literal(v, annotation) for v in value]
    if _is_date(annotation) and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise SpecError(f"{value!r} is not an ISO date") from exc
    target = _unwrap(annotation)
    if isinstance(target, type) and issubclass(target, Enum) and isinstance(value, str):
        try:
            return target(value)
        except ValueError as exc:
            allowed = ", ".join(str(m.value) for m in target)
            raise SpecError(f"{value!r} is not one of {allowed}") from exc
    return value


@dataclass(slots=True)
class Compiler:
    """Compiles one rule's condition; collects the facts and parameters it reads."""

    member_bound: bool
    facts: dict[str, FactPath] = field(default_factory=dict)
    parameters: list[str] = field(default_factory=list)
    known_parameters: Iterable[str] | None = None

    def compile(self, node: Any) -> Compiled:
        match node:
            case All():
                return self._all([self.compile(c) for c in node.all])
            case Any_():
                return self._any([self.compile(c) for c in node.any])
            case Not():
                inner = self.compile(node.not_)
                return lambda env: None if (r := inner(env)) is None else not r
            case Exists():
                get = self._fact(node.exists).getter()
                return self._traced(f"exists {node.exists}", lambda env: get(env) is not None, get)
            case Missing():
                get = self._fact(node.missing).getter()
                return self._traced(f"missing {node.missing}", lambda env: get(env) is None, get)
            case AnyMember():
                return self._quantifier(node.any_member, any_=True)
            case AllMembers():
                return self._quantifier(node.all_members, any_=False)
            case CountMembers():
                return self._count(node)
            case Compare():
                return self._compare(node)
        raise SpecError(f"not a condition: {node!r}")

    def _fact(self, path: str) -> FactPath:
        resolved = resolve_path(path, self.member_bound)
        self.facts.setdefault(path, resolved)
        return resolved

    def _param(self, name: str) -> Callable[[Env], Any]:
        if self.known_parameters is not None and name not in self.known_parameters:
            raise SpecError(f"unknown parameter {name!r}")
        if name not in self.parameters:
            self.parameters.append(name)
        return lambda env: env.params.get(name)

    def _operand(self, operand: Any, annotation: Any, times: float | None) -> Getter:
        if isinstance(operand, ParamRef):
            get = self._param(operand.param)
        elif isinstance(operand, FactRef):
            get = self._fact(operand.fact).getter()
        else:
            value = _literal(operand, annotation)
            get = lambda env: value  # noqa: E731
        if times is None:
            return get
        factor = times
        return lambda env: None if (v := get(env)) is None else v * factor

    @staticmethod
    def _all(parts: list[Compiled]) -> Compiled:
        def all_(env: Env) -> Tri:
            unknown = False
            for part in parts:
                result = part(env)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True

        return all_

    @staticmethod
    def _any(parts: list[Compiled]) -> Compiled:
        def any_(env: Env) -> Tri:
            unknown = False
            for part in parts:
                result = part(env)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False

        return any_

    def _quantifier(self, condition: Any, *, any_: bool) -> Compiled:
        if self.member_bound:
            raise SpecError("member quantifiers cannot be nested in a member condition")
        self.member_bound = True
        inner = self.compile(condition)
        self.member_bound = False

        def quantify(env: Env) -> Tri:
            household = env.household
            if household is None:
                return None
            outer = env.member
            unknown = False
            matched: list[int] = []
            for member in household.members:
                env.member = member
                result = inner(env)
                if result is True:
                    matched.append(member.number)
                elif result is None:
                    unknown = True
                elif not any_:
                    env.member = outer
                    return False
            env.member = outer
            if any_:
                if matched:
                    env.matched_members.extend(matched)
                    return True
                return None if unknown else False
            return None if unknown else True

        return quantify

    def _count(self, node: CountMembers) -> Compiled:
        if self.member_bound:
            raise SpecError("member quantifiers cannot be nested in a member condition")
        self.member_bound = True
        inner = self.compile(node.count_members)
        self.member_bound = False
        op = node.op
        rhs = self._operand(getattr(node, op), int, None)
        compare = _BINARY[op]

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
            low, high = compare(total, limit), compare(total + unknown, limit)
            return low if low == high else None

        return self._traced(f"count_members {op}", count, None)

    def _compare(self, node: Compare) -> Compiled:
        fact = self._fact(node.fact)
        get = fact.getter()
        op = node.op
        rhs = self._operand(node.operand, fact.annotation, node.times)
        if op == "between":

            def between(env: Env) -> Tri:
                value, bounds = get(env), rhs(env)
                if value is None or bounds is None or None in bounds:
                    return None
                return bool(bounds[0] <= value <= bounds[1])

            check = between
        elif op in ("in", "not_in"):
            negate = op == "not_in"

            def member_of(env: Env) -> Tri:
                value, options = get(env), rhs(env)
                if value is None or options is None:
                    return None
                return (value in options) != negate

            check = member_of
        elif op == "contains":

            def contains(env: Env) -> Tri:
                value, item = get(env), rhs(env)
                if value is None or item is None:
                    return None
                return item in value

            check = contains
        else:
            binary = _BINARY[op]

            def compare(env: Env) -> Tri:
                value, other = get(env), rhs(env)
                if value is None or other is None:
                    return None
                return bool(binary(value, other))

            check = compare
        return self._traced(f"{node.fact} {op}", check, get, rhs)

    @staticmethod
    def _traced(
        label: str, check: Compiled, get: Getter | None, rhs: Getter | None = None
    ) -> Compiled:
        def traced(env: Env) -> Tri:
            result = check(env)
            if env.trace is not None:
                entry: dict[str, Any] = {"condition": label, "result": result}
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


def jsonable(value: Any) -> Any:
    """A value as it appears in evidence and explanations (enums by value, dates ISO)."""
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
        return str(value)
    return value
