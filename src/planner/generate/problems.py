"""The registry of problem injectors: one per rule code, each turning a clean record into one
that exactly that code (plus any code that legitimately comes with it) flags.

Defining an injector is inert (like defining a rule): :func:`injector` wraps a function into an
:class:`Injector` value, and each module lists its injectors in an ``INJECTORS`` tuple.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from planner.generate.household import BuildContext

Kind = Literal["household", "pair", "village", "project", "town"]


@dataclass(frozen=True, slots=True)
class Expected:
    """A finding the manifest promises: ``code`` on ``subject`` (household, village, project or
    town), on member ``member`` (1-based) when the finding is a member's."""

    code: str
    member: int | None = None
    subject: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "member": self.member}


class NotApplicable(Exception):
    """The clean record cannot carry this problem (e.g. no student for EDU002): draw another."""


@dataclass(frozen=True, slots=True)
class Injector:
    """How to inject one code. ``kind`` says what it mutates: one household, a pair of
    households (dataset-scope codes such as a duplicate person), a village, a project or the
    projects of a whole town. ``monitoring_era`` injectors only apply once monitoring exists,
    ``registration_era`` ones (exits: pre-exit and poor households) only until the registration
    era ends (``monitoring.registration_end``), ``after_registration`` ones only after it."""

    code: str
    kind: Kind
    function: Callable[..., Any]
    summary: str
    monitoring_era: bool = False
    registration_era: bool = False
    after_registration: bool = False


def injector(
    code: str, kind: Kind = "household", *, monitoring_era: bool = False,
    registration_era: bool = False, after_registration: bool = False,
) -> Callable[[Callable[..., Any]], Injector]:
    """Wrap an injection function into an :class:`Injector`; its docstring's first line is the
    summary."""

    def wrap(function: Callable[..., Any]) -> Injector:
        paragraph = (function.__doc__ or code).strip().split("\n\n")[0]
        summary = " ".join(line.strip() for line in paragraph.splitlines())
        return Injector(code, kind, function, summary, monitoring_era, registration_era,
                        after_registration)

    return wrap


HouseholdInjection = Callable[[dict[str, Any], random.Random, BuildContext], list[Expected]]


def all_injectors() -> dict[str, tuple[Injector, ...]]:
    """Every built-in injector by code, in code order; a code may have several variants (DQ013:
    an invalid number in one household, or one number shared by two)."""
    from planner.generate import (
        inject_area,
        inject_checks13,
        inject_county,
        inject_eras,
        inject_monitoring,
        inject_needs,
        inject_quality,
        inject_risk,
        inject_support,
        inject_welfare,
    )

    found: dict[str, tuple[Injector, ...]] = {}
    for module in (
        inject_needs, inject_support, inject_quality, inject_area, inject_eras, inject_county,
        inject_welfare, inject_monitoring, inject_checks13, inject_risk,
    ):
        for item in module.INJECTORS:
            found[item.code] = (*found.get(item.code, ()), item)
    return dict(sorted(found.items()))
