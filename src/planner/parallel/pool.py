"""Worker processes that check parts of a run, with crashed or hung parts re-run record by record.

Each worker is a fresh interpreter (``spawn``: no thread or lock of the parent is inherited)
that rebuilds the run from its :class:`~planner.parallel.recipe.Recipe` — local rule files and
plugin packs are loaded there as in the parent — and then checks the parts it is sent
(:class:`~planner.parallel.part.PartChecker`). Only raw records, or the row-group range of a typed
Parquet file, go out and compact results come back: validating a record where it is checked
costs less than shipping the validated record.

A worker that dies (a rule calling ``os._exit``, a crash in C code) or stops making progress
(a rule stuck in a C call the rule time budget cannot interrupt) is killed; its part is then
re-run one record at a time in fresh workers, so that only the record whose check kills or
hangs a worker is lost — reported by ``on_lost`` — and nothing else.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any

from planner.errors import BilingualError
from planner.io.raw import RawRecord
from planner.parallel.part import PartChecker, PartResult, PlanSetup
from planner.parallel.recipe import Recipe
from planner.parallel.typedparts import TypedPart

#: Seconds between looks at the workers while waiting for a result.
_LOOK = 0.2


class WorkerError(BilingualError):
    """A worker process could not build the run (Chinese, then English)."""


def _serve(recipe: Recipe, planning: PlanSetup | None, conn: Connection, beat: Any) -> None:
    """A worker's life: build the run, then check each part sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops its workers itself

    def progress() -> None:
        beat.value += 1

    try:
        checker = PartChecker(recipe, planning, progress)
    except BaseException as exc:  # reported to the parent, which stops the run
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    beat.value = 1
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        number, part = message
        conn.send(("done", number, checker.check_part(part)))


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    beat: Any
    part: int | None = None
    seen: int = 0
    since: float = field(default_factory=time.monotonic)


Part = Sequence[RawRecord] | TypedPart
"""What a worker is sent: raw records, or row groups of a typed Parquet file it reads."""

Lost = Callable[[Part, str, str], PartResult]
"""Makes the result of a part of one record whose check killed or hung its worker (reasons
zh, en)."""


class Pool:
    """``size`` worker processes checking the parts :meth:`submit` hands them.

    ``stall`` is how many seconds a worker may go without finishing a record before it is taken
    for hung (``None``: never). Use as a context manager: leaving it stops the workers.
    """

    def __init__(self, recipe: Recipe, size: int, on_lost: Lost, *,
                 planning: PlanSetup | None = None, stall: float | None = None) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._recipe = recipe
        self._planning = planning
        self._on_lost = on_lost
        self.stall = stall
        self._queue: deque[int] = deque()
        self._parts: dict[int, Part] = {}
        self._done: dict[int, list[PartResult]] = {}
        self._next = 0
        self._workers = [self._start() for _ in range(size)]

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def pending(self) -> int:
        """Parts submitted whose result was not collected yet."""
        return len(self._parts)

    def submit(self, part: Part) -> int:
        """Queue a part; returns its number for :meth:`result`."""
        number = self._next
        self._next += 1
        self._parts[number] = part
        self._queue.append(number)
        self._dispatch()
        return number

    def result(self, number: int) -> list[PartResult]:
        """The result of part ``number`` (several when it was re-run record by record)."""
        while number not in self._done:
            self._wait()
        del self._parts[number]
        return self._done.pop(number)

    def close(self) -> None:
        """Stop every worker (killed if it does not stop at once)."""
        for worker in self._workers:
            self._stop(worker)
        self._workers = []

    # -- internals -----------------------------------------------------------------------
    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        beat = self._context.RawValue("q", 0)
        process = self._context.Process(
            target=_serve, args=(self._recipe, self._planning, theirs, beat),
            name="planner-worker", daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, mine, beat)

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(timeout=1 if worker.part is None else 0)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def _send(self, worker: _Worker, number: int, part: Part) -> bool:
        worker.part, worker.seen, worker.since = number, worker.beat.value, time.monotonic()
        try:
            worker.conn.send((number, part))
        except OSError:  # it died: seen by the next look
            return False
        return True

    def _dispatch(self) -> None:
        for worker in self._workers:
            if worker.part is None and self._queue:
                number = self._queue.popleft()
                self._send(worker, number, self._parts[number])

    def _look(self, worker: _Worker, now: float) -> tuple[str, Any]:
        """``("done", result)``, ``("lost", (zh, en))`` or ``("busy", None)``."""
        if worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                message = None
            if message is not None and message[0] == "failed":
                raise WorkerError(f"工作进程无法建立本次运行：{message[1]}",
                                  f"a worker process could not build the run: {message[1]}")
            if message is not None:
                return "done", message[2]
        if not worker.process.is_alive() or worker.conn.closed:
            code = worker.process.exitcode
            return "lost", (f"检查该户时工作进程意外退出（退出码 {code}）",
                            f"the worker process checking it exited (exit code {code})")
        beat = worker.beat.value
        if beat != worker.seen:
            worker.seen, worker.since = beat, now
        elif beat > 0 and self.stall is not None and now - worker.since > self.stall:
            return "lost", (f"检查该户超过 {self.stall:g} 秒没有进展，工作进程已被终止",
                            f"its check made no progress for {self.stall:g} s; the worker "
                            "process was stopped")
        return "busy", None

    def _wait(self) -> None:
        busy = [w for w in self._workers if w.part is not None]
        wait([*(w.conn for w in busy), *(w.process.sentinel for w in busy)], timeout=_LOOK)
        now = time.monotonic()
        for worker in busy:
            state, value = self._look(worker, now)
            if state == "busy":
                continue
            number = worker.part
            assert number is not None
            worker.part = None
            if state == "done":
                self._done[number] = [value]
                continue
            self._workers[self._workers.index(worker)] = self._start()
            self._stop(worker)
            self._done[number] = self._isolate(self._parts[number])
        self._dispatch()

    def _isolate(self, part: Part) -> list[PartResult]:
        """Re-run a part whose worker was lost one record at a time, each in a worker of its
        own until one is lost: that record alone is reported lost."""
        results: list[PartResult] = []
        worker = self._start()
        singles: list[Part] = (list(part.singles()) if isinstance(part, TypedPart)
                               else [[raw] for raw in part])
        try:
            for one in singles:
                self._send(worker, -1, one)
                while True:
                    wait([worker.conn, worker.process.sentinel], timeout=_LOOK)
                    state, value = self._look(worker, time.monotonic())
                    if state != "busy":
                        break
                worker.part = None
                if state == "done":
                    results.append(value)
                    continue
                self._stop(worker)
                results.append(self._on_lost(one, *value))
                worker = self._start()
        finally:
            self._stop(worker)
        return results


__all__ = ["Pool", "WorkerError"]
