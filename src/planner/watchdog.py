"""Time budgets for rule code: one watchdog thread interrupts a rule call that runs too long.

The checking thread pays two integer increments and one attribute test per rule call (no system
call, no thread switch): :class:`Budget` counts calls in and out, and a single daemon
thread samples the count a few times per budget. When one call stays open longer than its
budget, the watchdog raises :class:`RuleTimeout` inside the checking thread with
``PyThreadState_SetAsyncExc``; the engine catches it around the call (``PLN004``), the registry
around the import of a rule file.

Limits, by design of CPython: the exception arrives at the next Python instruction, so a rule
stuck inside one long C call (a ``time.sleep``, a blocking read, a pathological regular
expression) is interrupted only when that call returns; and this is no sandbox (worker
processes would be). A rule that catches the exception and goes on is interrupted again after
each further budget.
"""

from __future__ import annotations

import ctypes
import threading
import time
import weakref
from types import TracebackType

DEFAULT_RULE_TIMEOUT = 10.0
"""Seconds one rule call (or the import of one rule file) may take by default."""

_SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc


class RuleTimeout(BaseException):
    """Raised inside rule code that exceeded its time budget.

    A ``BaseException``, so that a rule's own ``except Exception`` does not swallow it.
    """


_TIMEOUT_ARGUMENT = ctypes.py_object(RuleTimeout)


def checkpoint() -> None:
    """Empty on purpose: entering a Python function is where a pending timeout is raised."""


class Budget:
    """The time budget of rule calls made by one thread; ``with budget:`` wraps one call.

    ``seconds`` of ``None`` or ``0`` means no budget (calls are still counted, never
    interrupted). ``thread`` is the thread making the calls: set it when that changes. A hot loop
    may inline what ``with budget:`` does, saving two method calls::

        budget.tick += 1
        try:
            ...  # the call; catch RuleTimeout around the whole try
        finally:
            budget.tick += 1
            if budget.fired:  # a timeout sent just before the line above is raised here,
                checkpoint()  # still inside the guard, never later in code not expecting it
    """

    __slots__ = ("__weakref__", "_seen", "_since", "fired", "seconds", "thread", "tick")

    def __init__(self, seconds: float | None = DEFAULT_RULE_TIMEOUT) -> None:
        if seconds is not None and not seconds >= 0:
            raise ValueError(f"规则时间预算不能为负数 / a rule time budget must be ≥ 0 s,"
                             f" not {seconds}")
        self.seconds = seconds or None
        self.tick = 0  # odd while a call is running
        self.thread = threading.get_ident()
        self._seen = 0
        self._since = 0.0
        self.fired = 0.0  # when a timeout was last sent for the open call (0: never)
        if self.seconds is not None:
            _WATCHDOG.watch(self)

    def __enter__(self) -> Budget:
        self.tick += 1
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.tick += 1
        if self.fired:
            checkpoint()

    def _sample(self, now: float) -> None:
        """Called by the watchdog thread: interrupt the call if it is over budget."""
        tick = self.tick
        if tick != self._seen:
            self._seen, self._since, self.fired = tick, now, 0.0
            return
        seconds = self.seconds
        if not tick & 1 or seconds is None or now - self._since < seconds:
            return
        if self.fired and now - self.fired < seconds:
            return  # already sent; send again only if the rule swallowed it and went on
        thread = ctypes.c_ulong(self.thread)
        # No Python call from this test to the end of the next call, so the checking thread can
        # neither leave the rule call nor read ``fired`` in between (it needs the interpreter
        # lock, which this thread holds): the exception lands inside the guarded call.
        if self.tick == tick:
            self.fired = now
            _SET_ASYNC_EXC(thread, _TIMEOUT_ARGUMENT)


class _Watchdog:
    """The one thread that samples every live :class:`Budget` (started on first use)."""

    def __init__(self) -> None:
        self._budgets: weakref.WeakSet[Budget] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, budget: Budget) -> None:
        with self._lock:
            self._budgets.add(budget)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="planner-rule-watchdog",
                                                daemon=True)
                self._thread.start()
        self._wake.set()

    def _interval(self) -> float | None:
        with self._lock:
            budgets = [b.seconds for b in self._budgets if b.seconds]
        # Sampling four times per budget: a call is stopped within about 1½ budgets.
        return min(max(min(budgets) / 4, 0.01), 1.0) if budgets else None

    def _loop(self) -> None:
        while True:
            self._wake.wait(self._interval())
            self._wake.clear()
            now = time.monotonic()
            with self._lock:
                budgets = list(self._budgets)
            for budget in budgets:
                budget._sample(now)
            del budgets  # hold no budget while asleep: a finished run frees its own


_WATCHDOG = _Watchdog()

__all__ = ["DEFAULT_RULE_TIMEOUT", "Budget", "RuleTimeout", "checkpoint"]
