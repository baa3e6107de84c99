"""A check or a plan run on worker processes: records read here, checked there, put back in order.

The main process does what is cheap and must see the whole input in order: it finds the raw
records of the household files (JSON Lines lines, nested Parquet cells), numbers them — of a
typed Parquet file it reads only the footer and sends ranges of row groups
(:mod:`planner.parallel.typedparts`) — and counts what the workers report through the reader's
own counting (duplicate ids, errors, ``--strict``). Workers validate and check parts of a few
hundred records
(:mod:`planner.parallel.pool`); :class:`~planner.parallel.combine.Combiner` puts their results
back in reading order. Findings and plans stream out in input order; at most ``2 × workers``
parts are in flight, so memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.io.formats import detect_format
from planner.io.options import Outcome
from planner.io.raw import RawRecord, validate_raw
from planner.model import Household
from planner.parallel.combine import Checked, Combiner, households
from planner.parallel.part import Entry, PartResult, PlanSetup, mergeable
from planner.parallel.pool import Pool
from planner.parallel.recipe import Recipe
from planner.parallel.typedparts import TYPED_PART, TypedPart, part_outcomes, typed_parts
from planner.rule import RuleContext
from planner.source import Source, Sourced

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.finding import Finding
    from planner.io import Dataset
    from planner.planning import DistrictPlanner
    from planner.planning.model import HouseholdPlan
    from planner.run import Run

#: Records per part: large enough that sending a part costs little beside checking it. The
#: first parts are smaller (:data:`FIRST_PART`, doubling), so that every worker has work at once
#: and the first findings come early.
PART_SIZE = 400
FIRST_PART = 25
#: Below this many bytes of household files, ``--workers`` left unset runs in one process:
#: starting workers (each builds the run) would cost more than it saves.
SMALL_INPUT = 8 << 20


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def one_process_reason(dataset: Dataset, run: Run) -> tuple[str, str] | None:
    """Why ``dataset`` must be checked in one process (zh, en), or ``None`` when workers can
    check it: only JSON Lines and Parquet household files (nested, or typed: see
    :func:`typed_files`) are read in parts, and every dataset rule must be able to run in
    parts (``partial`` and ``merge``)."""
    if dataset.export_files:
        return "导出表需在一个进程中合并读取", "export files are joined in one process"
    for path in dataset.household_files:
        if _in_parts(path, dataset.fmt) is None:
            return (f"{path} 不是 JSON Lines 或 Parquet 文件",
                    f"{path} is not a JSON Lines or Parquet file")
    dataset_rules = [r for r in run.rules if r.scope == "dataset" and r.body != "spec"]
    if dataset_rules:
        from planner.backends.python.engine import Checker

        probe = Checker(run)
        ctx = RuleContext(run.values, run.reference_date, catalog=run.catalog)
        for rule, accumulator in probe.start_dataset(ctx)[0]:
            if not mergeable(accumulator):
                return (f"数据集规则 {rule.code} 不能分段运行（没有 partial/merge）",
                        f"dataset rule {rule.code} cannot run in parts (no partial/merge)")
    return None


def _in_parts(path: Path, fmt: str | None) -> str | None:
    """How ``path`` can be read in parts: ``"raw"`` (its records shipped unvalidated: JSON
    Lines, nested Parquet), ``"typed"`` (typed Parquet: row groups read where checked), else
    ``None``."""
    try:
        kind = detect_format(path, fmt)
    except ValueError:
        return None
    if kind == "jsonl":
        return "raw"
    if kind != "parquet":
        return None
    from planner.io.parquet import layout_of
    from planner.io.tabular import SourceError

    try:
        layout = layout_of(path)
    except SourceError:
        return None
    return {"json": "raw", "typed": "typed"}.get(layout)


#: Why a typed Parquet file is one part (:func:`planner.parallel.typedparts.typed_parts`).
_WHOLE = {
    "one row group": ("只有一个行组", "has one row group"),
    "columns": ("的列与标准布局不完全相同", "has columns other than the layout's"),
    "row groups": ("的行组边界无法分段", "has no row group boundary to split at"),
}


def typed_files(dataset: Dataset, target: int = TYPED_PART
                ) -> tuple[dict[str, list[TypedPart]], list[tuple[str, str]]]:
    """The parts of each typed Parquet household file of ``dataset`` (by file name), and
    for each one read whole the reason (zh, en)."""
    parts: dict[str, list[TypedPart]] = {}
    whole: list[tuple[str, str]] = []
    for path in dataset.household_files:
        if _in_parts(path, dataset.fmt) != "typed":
            continue
        parts[str(path)], why = typed_parts(path, target)
        if why is not None:
            zh, en = _WHOLE[why]
            whole.append((f"{path} 是按列存储的 Parquet 文件，{zh}，整个文件由一个进程读取",
                          f"{path} is typed Parquet and {en}: one process reads it whole"))
    return parts, whole


def household_bytes(dataset: Dataset) -> int:
    """The size of the household files on disk."""
    total = 0
    for path in dataset.household_files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def workers_for(requested: int | None, dataset: Dataset, run: Run,
                ) -> tuple[int, tuple[str, str] | None]:
    """How many processes check ``dataset`` (``requested``: ``--workers``, ``None`` when not
    given), and the notice (zh, en) to show when it is fewer than asked. Either backend runs
    in workers.

    Left unset, every core is used for inputs of :data:`SMALL_INPUT` or more, quietly one
    process otherwise; ``1`` is always this process alone. Typed Parquet alone gives as many
    processes as it has parts.
    """
    if requested == 1:
        return 1, None
    quiet = requested is None
    if quiet:
        requested = default_workers()
        if requested < 2 or household_bytes(dataset) < SMALL_INPUT:
            return 1, None
    assert requested is not None
    reason = one_process_reason(dataset, run)
    if reason is not None:
        count, reasons = 1, [reason]
    else:
        parts, reasons = typed_files(dataset)
        count = requested
        if len(parts) == len(dataset.household_files):  # nothing read in parts of any size
            total = sum(len(p) for p in parts.values())
            count = max(1, min(requested, total))
            reasons = reasons or [(f"按列存储的 Parquet 输入只分成 {total} 段",
                                   f"the typed Parquet input gives {total} parts")]
    if count == requested or quiet:
        return count, None
    used = ("只用一个进程", "one process is used") if count == 1 else (
        f"只用 {count} 个进程", f"{count} processes are used")
    return count, ("；".join(f"--workers：{zh}" for zh, _ in reasons) + f"，{used[0]}",
                   "; ".join(f"--workers: {en}" for _, en in reasons) + f"; {used[1]}")


class _Feeder:
    """Hands the raw records of each household file to the pool in parts (typed Parquet
    files: their row groups, ``typed``) and gives back their outcomes in reading order (the
    ``through`` of :meth:`planner.io.Dataset.sourced`)."""

    def __init__(self, pool: Pool, combiner: Combiner, part_size: int, in_flight: int,
                 typed: dict[str, list[TypedPart]]):
        self.pool = pool
        self.combiner = combiner
        self.part_size = part_size
        self.size = min(FIRST_PART, part_size)
        self.in_flight = in_flight
        self.typed = typed

    def _submit(self, part: list[RawRecord]) -> int:
        self.size = min(2 * self.size, self.part_size)
        return self.pool.submit(part)

    def through(self, file: str, items: Iterator[Any]) -> Iterator[Outcome]:
        if file in self.typed:  # read by the workers: ``items`` is never started here
            yield from self._typed(self.typed[file])
            return
        pending: deque[Outcome | int] = deque()
        part: list[RawRecord] = []
        for item in items:
            if not isinstance(item, RawRecord):
                if part:  # the outcome sits between records: keep the order
                    pending.append(self._submit(part))
                    part = []
                pending.append(item)
                continue
            part.append(item)
            if len(part) >= self.size:
                pending.append(self._submit(part))
                part = []
                while self.pool.pending >= self.in_flight:
                    yield from self._next(pending)
        if part:
            pending.append(self._submit(part))
        while pending:
            yield from self._next(pending)

    def _typed(self, parts: list[TypedPart]) -> Iterator[Outcome]:
        """The outcomes of a typed file's parts, in order. A part that met a damaged page
        ends the file there, as one process stops reading it: the parts after it are
        dropped unseen."""
        pending: deque[Outcome | int] = deque()
        waiting = deque(parts)
        while waiting or pending:
            while waiting and self.pool.pending < self.in_flight:
                pending.append(self.pool.submit(waiting.popleft()))
            if (yield from self._next(pending)):
                for number in pending:
                    assert isinstance(number, int)
                    self.pool.result(number)
                return

    def _next(self, pending: deque[Outcome | int]) -> Generator[Outcome, None, bool]:
        """The outcomes of the first pending part; True when it ended its file (a notice
        counted as no record: a damaged page of a typed file)."""
        head = pending.popleft()
        if isinstance(head, Outcome):
            yield head
            return False
        ended = False
        for result in self.pool.result(head):
            pairs = self.combiner.outcomes(result)
            for outcome, _ in pairs:
                ended = ended or not outcome.counted
                yield outcome
            # the reader has now counted the part's records: those it rejected are known
            self.combiner.merge(result, [stand_in for _, stand_in in pairs])
        return ended


class ParallelRun:
    """Checks or plans a dataset with ``workers`` processes for ``checker``'s run.

    ``recipe`` rebuilds the run in each worker; ``planning`` makes the workers plan
    (``planner plan``) instead of only checking; ``part_size`` and ``typed_part`` are the
    records of a part (raw records; typed Parquet, at row group boundaries). ``stall`` is how
    long a worker may make no progress before it is taken for hung (default: four rule time
    budgets, at least 5 s).
    """

    def __init__(self, checker: Checker, recipe: Recipe, workers: int, *,
                 planning: PlanSetup | None = None, part_size: int = PART_SIZE,
                 stall: float | None = None, typed_part: int = TYPED_PART) -> None:
        self.checker = checker
        self.recipe = recipe
        self.workers = workers
        self.planning = planning
        self.part_size = part_size
        self.typed_part = typed_part
        timeout = checker.rule_timeout
        self.stall = stall if stall is not None else (
            max(5.0, 4 * timeout) if timeout else None)
        self.options = recipe.read_options()

    def _lost(self, part: Sequence[RawRecord] | TypedPart, why_zh: str, why_en: str
              ) -> PartResult:
        """The result of a part of one record whose check killed or hung every worker that
        tried it: the record read again here, reported lost."""
        from planner.backends.python.selection import place

        entries: list[Entry] = []
        if isinstance(part, TypedPart):
            read = [(o, part.file, part.only or 0)
                    for o in part_outcomes(part, self.options, False)]
        else:
            read = [(validate_raw(raw, Household, self.options), raw.file, raw.record)
                    for raw in part]
        for outcome, file, number in read:
            household = outcome.record
            if not isinstance(household, Household):
                entries.append(Entry(outcome.errors, counted=outcome.counted))
                continue
            finding = self.checker.lost(household.id, why_zh, why_en)
            place([finding], Source(file, None, (number,)), household.region)
            entries.append(Entry(outcome.errors, household.id, [finding], household.region,
                                 rule_errors=1,
                                 record=household if self.recipe.records else None))
        return PartResult(entries)

    def _entries(self, dataset: Dataset, combiner: Combiner,
                 wrap: Callable[[Iterable[Any]], Iterable[Any]]) -> Iterator[tuple[Checked, Any]]:
        with Pool(self.recipe, self.workers, self._lost, planning=self.planning,
                  stall=self.stall) as pool:
            feeder = _Feeder(pool, combiner, self.part_size, 2 * self.workers,
                             typed_files(dataset, self.typed_part)[0])
            for item in wrap(dataset.sourced(feeder.through)):
                yield item.record, item.source

    def findings(self, dataset: Dataset,
                 wrap: Callable[[Iterable[Any]], Iterable[Any]] = iter) -> Iterator[Finding]:
        """Every finding of the run in the order one process gives: households, villages,
        projects, dataset."""
        combiner = Combiner(self.checker, dataset.sourced_villages(), dataset.sourced_projects())
        yield from combiner.started
        for stand_in, source in self._entries(dataset, combiner, wrap):
            yield from combiner.take(stand_in, source)
        yield from combiner.finish()

    def checked(self, dataset: Dataset,
                wrap: Callable[[Iterable[Any]], Iterable[Any]] = iter,
                ) -> Iterator[tuple[Sourced[Household] | None, list[Finding]]]:
        """The run as :meth:`findings` gives it, grouped: each household read (as its worker
        read it; the recipe must ask for ``records``) with its findings, in input order, and
        ``(None, findings)`` for findings in no household's turn (a dataset rule that failed
        to start, villages, projects, dataset findings), in the order one process gives."""
        if not self.recipe.records:
            raise ValueError("ParallelRun.checked needs a Recipe with records=True")
        combiner = Combiner(self.checker, dataset.sourced_villages(), dataset.sourced_projects())
        return households(combiner, self._entries(dataset, combiner, wrap))

    def plans(self, planner: DistrictPlanner, dataset: Dataset,
              wrap: Callable[[Iterable[Any]], Iterable[Any]] = iter,
              ) -> Iterator[HouseholdPlan]:
        """Each household's plan in input order, added to ``planner``'s district summary as
        :meth:`~planner.planning.DistrictPlanner.iter_plans` adds it."""
        combiner = Combiner(self.checker)
        for stand_in, source in self._entries(dataset, combiner, wrap):
            combiner.take(stand_in, source)
            entry = stand_in.entry
            self.checker.stats.rule_errors += entry.rule_errors
            if entry.plan is not None:
                result, village = entry.plan
                planner.add_planned(result, village)
                yield result


__all__ = ["PART_SIZE", "ParallelRun", "default_workers", "household_bytes",
           "one_process_reason", "workers_for"]
