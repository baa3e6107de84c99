"""Backends: what turns a rule's body into something that runs, one package per way of running.

Each backend compiles lazily what it runs. :func:`available` names the backends present, so that
the conformance suite (``tests/test_conformance.py``) and :mod:`planner.testing` run every rule
case through each of them; :func:`checker` starts one on a :class:`~planner.run.Run`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from planner.finding import Finding
    from planner.model import Household, Project, Village
    from planner.results import CheckStats
    from planner.rule import Rule
    from planner.run import Run

#: Backend names, in the order the conformance suite runs them.
BACKENDS = ("python",)


class RunChecker(Protocol):
    """What a backend gives for one run: findings streamed, counted in ``stats``."""

    stats: CheckStats

    def iter_findings(
        self,
        households: Iterable[Household],
        villages: Iterable[Village] = (),
        projects: Iterable[Project] = (),
    ) -> Iterator[Finding]: ...


def available() -> tuple[str, ...]:
    """Names of the backends present in this installation."""
    return BACKENDS


def _known(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"没有后端 {backend!r}（可用：{'、'.join(BACKENDS)}）\n"
                         f"no backend {backend!r} (available: {', '.join(BACKENDS)})")


def supports(rule: Rule, backend: str = "python") -> bool:
    """Whether ``backend`` can run ``rule``: the Python backend runs every body (spec, Python,
    dataset); a backend that compiles specs only will say no to Python bodies."""
    _known(backend)
    return True


def checker(run: Run, backend: str = "python") -> RunChecker:
    """A checker of ``backend`` for ``run`` (imported only when asked for)."""
    _known(backend)
    from planner.backends.python.engine import Checker

    return Checker(run)


__all__ = ["BACKENDS", "RunChecker", "available", "checker", "supports"]
