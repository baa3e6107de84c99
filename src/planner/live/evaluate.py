"""Evaluating one household's rules after its state changed: the seam between the monitor and a
backend (the plain Python backend here; durable-rules through ``planner[durable]``).

A :class:`HouseholdEvaluator` gives the household's current findings — those of the run's
household- and member-scope rules — each time the household changes, and forgets a household the
monitor drops. Dataset-, village- and project-scope rules are not run: they need more than one
household.
"""

from __future__ import annotations

from typing import Any, Protocol

from planner.backends import checker
from planner.errors import BilingualError
from planner.extras import pip_hint
from planner.finding import Finding
from planner.model import Household
from planner.run import Run
from planner.source import Source, Sourced

#: The file named by the findings of a household whose source's fields are known.
JOURNAL_SOURCE = "<monitor journal>"
#: The scopes of the rules a household evaluator runs.
HOUSEHOLD_SCOPES = ("household", "member")


class HouseholdEvaluator(Protocol):
    """Findings of one household at a time, after each change of its state."""

    def update(self, household: Household,
               carries: frozenset[str] | None = None) -> list[Finding]:
        """The household's current findings (household- and member-scope rules of the run)
        after its state changed; ``carries`` are the fields its source carries (the rules that
        need others are skipped, as ``planner check`` skips them; None: every rule runs)."""
        ...

    def forget(self, household_id: str) -> None:
        """Drop what is held about the household."""
        ...


class BackendMissing(BilingualError):
    """The backend asked for needs an extra that is not installed."""


def household_run(run: Run) -> Run:
    """``run`` narrowed to the rules one household feeds (household and member scope)."""
    return run.with_rules(rule for rule in run.rules if rule.scope in HOUSEHOLD_SCOPES)


class PythonEvaluator:
    """The plain Python backend run on one household per update (it keeps nothing between
    updates, so :meth:`forget` has nothing to drop)."""

    def __init__(self, run: Run) -> None:
        self.run = household_run(run)
        self._checker = checker(self.run, "python")

    def update(self, household: Household,
               carries: frozenset[str] | None = None) -> list[Finding]:
        """The household's findings now (the rules its source cannot feed skipped)."""
        if carries is None:
            return list(self._checker.iter_findings([household]))
        sourced: list[Any] = [Sourced(household, Source(JOURNAL_SOURCE, fields=carries))]
        return list(self._checker.iter_findings(sourced))

    def forget(self, household_id: str) -> None:
        """Nothing is held per household."""


def evaluator(run: Run, backend: str = "python") -> HouseholdEvaluator:
    """A household evaluator of ``backend`` (``python``, or ``durable`` with ``planner[durable]``)
    for ``run``."""
    if backend == "python":
        return PythonEvaluator(run)
    if backend == "durable":
        try:
            from planner.backends.durable import DurableEvaluator
        except ImportError as exc:
            raise BackendMissing(f"后端 durable 需要 durable-rules：{pip_hint('durable')}",
                                 f"backend durable needs durable-rules: {pip_hint('durable')}"
                                 ) from exc
        found: HouseholdEvaluator = DurableEvaluator(household_run(run), JOURNAL_SOURCE)
        return found
    raise BackendMissing(f"没有实时监测后端 {backend!r}（可用：python、durable）",
                         f"no live backend {backend!r} (available: python, durable)")


__all__ = ["HOUSEHOLD_SCOPES", "JOURNAL_SOURCE", "BackendMissing",
           "HouseholdEvaluator", "PythonEvaluator",
           "evaluator", "household_run"]
