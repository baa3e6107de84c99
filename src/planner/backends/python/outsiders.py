"""Rules written outside ``planner`` run on read-only views of what they are given."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from planner.backends.python import compile_rule
from planner.facts import HouseholdFacts
from planner.readonly import readonly
from planner.rule import DatasetCheck, Hit, Rule, RuleContext


def read_only_for_outsiders(rule: Rule) -> Callable[[RuleContext], Any]:
    """The rule's compiled function if ``planner`` wrote it, else one seeing read-only views.

    Built-in rules (and rules compiled from YAML) never write and run on the hot path unwrapped;
    a local file or a third-party pack gets views, so a mistake in it cannot change the facts,
    records or findings that later rules and the planner read.
    """
    function = compile_rule(rule)
    module = getattr(function, "__module__", None) or ""
    if module == "planner" or module.startswith("planner."):
        return function
    if rule.scope == "dataset":
        def start(ctx: RuleContext) -> DatasetCheck:
            return _ReadOnlyCheck(function(readonly(ctx)))

        return start

    def run(ctx: RuleContext) -> Iterable[Hit]:
        return function(readonly(ctx))  # type: ignore[no-any-return]

    return run


class _ReadOnlyCheck:
    """A dataset rule's accumulator that sees each household's facts read-only."""

    __slots__ = ("_inner",)

    def __init__(self, inner: DatasetCheck) -> None:
        self._inner = inner

    def add(self, household: HouseholdFacts) -> None:
        self._inner.add(readonly(household))

    def finish(self) -> Iterable[Hit]:
        return self._inner.finish()


__all__ = ["read_only_for_outsiders"]
