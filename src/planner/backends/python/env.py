"""Python backend: what compiled conditions read (:class:`Env`) and the readers of facts and
parameters they are built from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from planner.area_facts import ProjectFacts, VillageFacts
from planner.facts import HouseholdFacts, MemberFacts
from planner.measure_facts import MeasureFacts, derive_measures
from planner.params import ParamValues
from planner.spec import FactPath, ParamRef

Tri = bool | None


@dataclass(slots=True)
class Env:
    """What a compiled condition reads: the subject's facts and the parameters in force."""

    household: HouseholdFacts | None
    params: ParamValues
    member: MemberFacts | None = None
    trace: list[dict[str, Any]] | None = None
    matched_members: list[int] = field(default_factory=list)
    village: VillageFacts | None = None
    project: ProjectFacts | None = None
    measure: MeasureFacts | None = None
    catalog: Any = None
    plan: tuple[MeasureFacts, ...] | None = None

    def measures(self) -> tuple[MeasureFacts, ...]:
        """The facts of the household's planned measures, derived once per evaluation."""
        if self.plan is None:
            household = self.household
            self.plan = () if household is None else derive_measures(
                household, self.catalog, self.params)
        return self.plan


Compiled = Callable[[Env], Tri]
Getter = Callable[[Env], Any]

def getter(fact: FactPath) -> Getter:
    """A function reading a resolved fact from an :class:`Env` (``None`` when not recorded)."""
    root, attrs, from_record = fact.root, fact.attrs, fact.from_record
    if not from_record and len(attrs) == 1:
        name = attrs[0]
        if root == "household":
            return lambda env: None if env.household is None else getattr(env.household, name)
        if root == "member":
            return lambda env: None if env.member is None else getattr(env.member, name)

    read = fact.read
    if root == "household":
        return lambda env: read(env.household)
    if root == "member":
        return lambda env: read(env.member)
    return lambda env: read(getattr(env, root))


def param_getter(ref: ParamRef, key: FactPath | None) -> Getter:
    """A reader of a parameter, or of its entry for a key fact's value (``None`` if absent)."""
    name = ref.param
    if key is None:
        return lambda env: env.params.get(name)
    get_key = getter(key)

    def lookup(env: Env) -> Any:
        mapping, value = env.params.get(name), get_key(env)
        if value is None or not isinstance(mapping, Mapping):
            return None
        return mapping.get(value.value if isinstance(value, Enum) else value)

    return lookup

