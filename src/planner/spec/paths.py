"""Name resolution of the spec: fact paths, their types, and literals checked against them.

A fact path names a derived fact first and a record field second
(``household.per_capita_net_income``, ``household.housing.safety_grade``, ``village.road_share``,
``measure.due``). Resolution is backend-neutral: it reads the declared facts' type hints and the
record models, never a value.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from operator import attrgetter
from typing import Any

from pydantic import BaseModel

from planner.area_facts import ProjectFacts, VillageFacts
from planner.facts import HouseholdFacts, MemberFacts
from planner.item_facts import PostFacts, WorkRecordFacts
from planner.measure_facts import MeasureFacts
from planner.model import (
    EmploymentRecord,
    Household,
    Member,
    PlannedMeasure,
    Project,
    PublicWelfarePost,
    Village,
)
from planner.model.personal import personal_kind


class SpecError(ValueError):
    """A condition refers to an unknown fact or parameter, or compares incompatible things.

    ``token`` is the text in the rule that is wrong (a fact path, a parameter name), so a loader
    can point at its line.
    """

    def __init__(self, message: str, token: str | None = None):
        super().__init__(message)
        self.token = token


ROOTS: dict[str, tuple[type, type[BaseModel]]] = {
    "household": (HouseholdFacts, Household),
    "member": (MemberFacts, Member),
    "village": (VillageFacts, Village),
    "project": (ProjectFacts, Project),
    "measure": (MeasureFacts, PlannedMeasure),
    "work_record": (WorkRecordFacts, EmploymentRecord),
    "post": (PostFacts, PublicWelfarePost),
}
"""Each root of a fact path: its derived facts and the record they are derived from."""

def _fact_hints(facts: type) -> dict[str, Any]:
    """The facts of a root: its fields and its properties (facts judged on first use)."""
    hints = typing.get_type_hints(facts)
    for name, member in vars(facts).items():
        if isinstance(member, property) and not name.startswith("_") and member.fget:
            hints.setdefault(name, typing.get_type_hints(member.fget).get("return", Any))
    return {name: hint for name, hint in hints.items() if not name.startswith("_")}


_FACT_HINTS = {root: _fact_hints(facts) for root, (facts, _) in ROOTS.items()}
HOUSEHOLD = frozenset({"household"})
MEMBER = frozenset({"household", "member"})


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


def element(annotation: Any) -> Any:
    """The element type of a collection annotation (``list[X]`` → ``X``), else ``Any``."""
    args = typing.get_args(_unwrap(annotation))
    return args[0] if args else Any


def value_type(annotation: Any) -> Any:
    """The annotation without ``| None``."""
    return _unwrap(annotation)


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

    def reader(self, via: str | None = None) -> Callable[[Any], Any]:
        """A function reading the fact from its root's facts, or from an object holding them as
        attribute ``via`` (``env.household``); ``None`` where a step is not recorded."""
        steps = [via] if via else []
        if self.from_record:
            steps.append("record")
        steps.extend(self.attrs)
        if not self._through_mapping():
            get = attrgetter(".".join(steps))

            def read(subject: Any) -> Any:
                try:
                    return get(subject)
                except AttributeError:  # the path was resolved: only a None step gets here
                    return None

            return read

        def walk(subject: Any) -> Any:
            value = subject
            for step in steps:
                if value is None:
                    return None
                value = value.get(step) if isinstance(value, dict) else getattr(value, step)
            return value

        return walk

    def _through_mapping(self) -> bool:
        """Whether a step of the path is a key of a mapping (``policy_awareness.credit``)."""
        annotation = ROOTS[self.root][1].model_fields[self.attrs[0]].annotation \
            if self.from_record else _FACT_HINTS[self.root][self.attrs[0]]
        for attr in self.attrs[1:]:
            current = _unwrap(annotation)
            if typing.get_origin(current) is dict or not (
                    isinstance(current, type) and issubclass(current, BaseModel)):
                return True
            annotation = current.model_fields[attr].annotation
        return False


ITEM_ROOTS = {"measure": "planned measure", "work_record": "work record",
              "post": "public-welfare post"}
"""The items a rule can be judged for one by one (``for_each``), and their names in messages."""


def _outside(path: str, root: str) -> str:
    if root == "member":
        return f"fact {path!r} reads a member outside a member-scope rule or a member quantifier"
    if root in ITEM_ROOTS:
        return f"fact {path!r} reads a {ITEM_ROOTS[root]} outside a rule with for_each: {root}"
    return f"fact {path!r} reads a {root} outside a {root}-scope rule"


@lru_cache(maxsize=4096)
def resolve_path(path: str, roots: frozenset[str] = HOUSEHOLD) -> FactPath:
    """Resolve ``household.x.y`` / ``member.x`` / ``village.x`` … against the facts and records.

    ``roots`` are the roots bound where the path is read (a member-scope rule binds
    ``household`` and ``member``, a village rule ``village``).
    """
    root, _, rest = path.partition(".")
    if root not in ROOTS or not rest:
        allowed = " or ".join(f"'{r}.'" for r in ROOTS if r in roots or r == "member")
        raise SpecError(f"fact {path!r} must start with {allowed}", path)
    if root not in roots:
        raise SpecError(_outside(path, root), path)
    first, *more = rest.split(".")
    record_cls = ROOTS[root][1]
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


def literal(value: Any, annotation: Any, path: str) -> Any:
    """Coerce a literal operand to the fact's type (ISO dates, enum names); reject mismatches."""
    if isinstance(value, list):
        return [literal(v, annotation, path) for v in value]
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
