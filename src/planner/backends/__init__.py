"""Backends: what turns a rule's body into something that runs, one package per way of running.

Each backend compiles lazily what it runs. :func:`available` names the backends present, so that
the conformance suite (``tests/test_conformance.py``) runs every rule case through each of them.
"""

from __future__ import annotations

#: Backend names, in the order the conformance suite runs them.
BACKENDS = ("python",)


def available() -> tuple[str, ...]:
    """Names of the backends present in this installation."""
    return BACKENDS


__all__ = ["BACKENDS", "available"]
