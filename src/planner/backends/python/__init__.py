"""The per-household Python backend: conditions as closures, spec rules compiled lazily."""

from planner.backends.python.rules import compile_rule

__all__ = ["compile_rule"]
