"""Backends: what turns a rule's body into something that runs, one package per way of running.

Each backend compiles lazily what it runs. :func:`available` names the backends present, so that
the conformance suite (``tests/test_conformance.py``) and :mod:`planner.testing` run every rule
case through each of them; :func:`checker` starts one on a :class:`~planner.run.Run`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from planner.finding import Finding
    from planner.model import Household, Project, Village
    from planner.results import CheckStats
    from planner.rule import Rule
    from planner.run import Run

#: Backend names, in the order the conformance suite runs them.
BACKENDS = ("python", "columnar", "durable")

#: What a backend needs beyond the core, and the extra that installs it.
_EXTRAS = {"columnar": ("polars", "columnar"), "durable": ("durable-rules", "durable")}

#: The module whose import says an extra's backend is present.
_PROBES = {"columnar": "polars", "durable": "planner.backends.durable.adapter"}


class RunChecker(Protocol):
    """What a backend gives for one run: findings streamed, counted in ``stats``."""

    stats: CheckStats

    def iter_findings(
        self,
        households: Iterable[Household],
        villages: Iterable[Village] = (),
        projects: Iterable[Project] = (),
    ) -> Iterator[Finding]: ...


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def available() -> tuple[str, ...]:
    """Names of the backends present in this installation (``columnar`` with polars only,
    ``durable`` with durable-rules on Python 3.12 or earlier)."""
    return tuple(name for name in BACKENDS
                 if name not in _PROBES or _importable(_PROBES[name]))


def _known(backend: str) -> None:
    present = available()
    if backend in present:
        return
    if backend == "durable" and sys.version_info >= (3, 13):
        raise ValueError("durable 后端需要 Python 3.12 或更早版本"
                         "（durable-rules 2.0.28 无法在 3.13 导入）\n"
                         "the durable backend needs Python 3.12 or earlier (durable-rules 2.0.28"
                         " does not import on 3.13)")
    if backend in _EXTRAS:
        from planner.extras import pip_hint

        module, extra = _EXTRAS[backend]
        raise ValueError(f"后端 {backend} 需要 {module}：{pip_hint(extra)}\n"
                         f"backend {backend} needs {module}: {pip_hint(extra)}")
    raise ValueError(f"没有后端 {backend!r}（可用：{'、'.join(present)}）\n"
                     f"no backend {backend!r} (available: {', '.join(present)})")


def supports(rule: Rule, backend: str = "python") -> bool:
    """Whether ``backend`` can run ``rule``: the Python backend runs every body (spec, Python,
    dataset); the columnar backend says yes to the household- and member-scope spec rules whose
    conditions and facts it compiles (its checker runs the others through the Python backend);
    so does the durable backend, for the rules it compiles to durable-rules."""
    _known(backend)
    if backend == "durable":
        from planner.backends.durable.compile import supported as durable_supported

        return durable_supported(rule)
    if backend == "columnar":
        from planner.backends.columnar.rules import supported

        return supported(rule)
    return True


def checker(run: Run, backend: str = "python") -> RunChecker:
    """A checker of ``backend`` for ``run`` (imported only when asked for)."""
    _known(backend)
    if backend == "durable":
        from planner.backends.durable.checker import DurableChecker

        return DurableChecker(run)
    if backend == "columnar":
        from planner.backends.columnar.checker import ColumnarChecker

        return ColumnarChecker(run)
    from planner.backends.python.engine import Checker

    return Checker(run)


__all__ = ["BACKENDS", "RunChecker", "available", "checker", "supports"]
