"""The per-household Python backend: every rule becomes a Python callable run by the Checker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.rule import Rule, RuleContext


def compile_rule(rule: Rule) -> Callable[[RuleContext], Any]:
    """The function the engine calls for ``rule``.

    For household, member, village and project scope it yields :class:`~planner.rule.Hit`s for
    one subject; for dataset scope it returns a :class:`~planner.rule.DatasetCheck`. A rule with
    a ``python`` or ``dataset`` body is its own function.
    """
    return rule.function


__all__ = ["compile_rule"]
