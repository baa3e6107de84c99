"""Python backend: what compiled conditions read (:class:`Env`) and the readers of facts and
parameters they are built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.area_facts import ProjectFacts, VillageFacts
from planner.facts import HouseholdFacts, MemberFacts
from planner.item_facts import PostFacts, WorkRecordFacts
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
    work_record: WorkRecordFacts | None = None
    post: PostFacts | None = None
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
    return fact.reader(via=fact.root)


def param_getter(ref: ParamRef, key: FactPath | None) -> Getter:
    """A reader of a parameter, or of its entry for a key fact's value (``None`` if absent)."""
    name = ref.param
    if key is None:
        return lambda env: env.params.get(name)
    get_key = getter(key)

    def lookup(env: Env) -> Any:
        value = get_key(env)
        if value is None:
            return None
        try:  # an enum keys by its value; ``_value_`` skips the slow enum descriptor
            return env.params.get(name).get(getattr(value, "_value_", value))
        except AttributeError:  # not a mapping (or no such parameter): unknown
            return None

    return lookup

