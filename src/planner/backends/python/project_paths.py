"""Readers of ``project.*`` fact paths: derived project facts first, record fields second.

The condition compiler resolves ``household.*`` and ``member.*``; dataset forms over projects
name ``project.due``, ``project.region.town``, ``project.funds_allocated`` the same way, checked
when the rule is loaded.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from planner.area_facts import ProjectFacts
from planner.model import Project
from planner.spec.paths import SpecError, value_kind

_FACT_HINTS = typing.get_type_hints(ProjectFacts)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation (``X`` or ``X | None``) holds, if any."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
        else None


def project_getter(path: str, kind: str | None = None) -> Callable[[ProjectFacts], Any]:
    """A reader of ``path`` on :class:`ProjectFacts` (``None`` where not recorded).

    ``kind`` (``bool``, ``number``) is the type the fact must hold; raises :class:`SpecError`
    naming an unknown or mistyped fact.
    """
    root, _, rest = path.partition(".")
    if root != "project" or not rest:
        raise SpecError(f"fact {path!r} must start with 'project.'", path)
    first, *more = rest.split(".")
    if first in _FACT_HINTS and first != "record":
        annotation, from_record = _FACT_HINTS[first], False
    elif first in Project.model_fields:
        annotation, from_record = Project.model_fields[first].annotation, True
    else:
        raise SpecError(f"unknown fact {path!r}: {first!r} is neither a derived project fact"
                        " nor a field of Project", path)
    for attr in more:
        model = _model_of(annotation)
        if model is None or attr not in model.model_fields:
            raise SpecError(f"unknown fact {path!r}: cannot read {attr!r}", path)
        annotation = model.model_fields[attr].annotation
    if kind is not None and value_kind(annotation) != kind:
        raise SpecError(f"fact {path!r} is not a {'yes/no' if kind == 'bool' else kind} fact",
                        path)
    attrs = (first, *more)

    def get(project: ProjectFacts) -> Any:
        value: Any = project.record if from_record else project
        for attr in attrs:
            if value is None:
                return None
            value = getattr(value, attr)
        return value

    return get
