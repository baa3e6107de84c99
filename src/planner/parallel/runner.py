"""A check or a plan run on worker processes: records read here, checked there, put back in order.

The main process does what is cheap and must see the whole input in order: it finds the raw
records of the household files (JSON Lines lines, nested Parquet cells), numbers them, and
counts what the workers report through the reader's own counting (duplicate ids, errors,
``--strict``). Workers validate and check parts of a few hundred records
(:mod:`planner.parallel.pool`); :class:`~planner.parallel.combine.Combiner` puts their results
back in reading order. Findings and plans stream out in input order; at most ``2 × workers``
parts are in flight, so memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.io.formats import detect_format
from planner.io.options import Outcome
from planner.io.raw import RawRecord, validate_raw
from planner.model import Household
from planner.parallel.combine import Checked, Combiner
from planner.parallel.part import Entry, PartResult, PlanSetup, mergeable
from planner.parallel.pool import Pool
from planner.parallel.recipe import Recipe
from planner.rule import RuleContext
from planner.source import Source

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


def one_process_reason(dataset: Dataset, run: Run, *, whole_files: bool = False
                       ) -> tuple[str, str] | None:
    """Why ``dataset`` must be checked in one process (zh, en), or ``None`` when workers can
    check it: only JSON Lines and nested Parquet household files are read in parts (and typed
    Parquet files when each worker reads whole files, ``whole_files``: Dask), and every
    dataset rule must be able to run in parts (``partial`` and ``merge``)."""
    if dataset.export_files:
        return "导出表需在一个进程中合并读取", "export files are joined in one process"
    for path in dataset.household_files:
        layout = _in_parts(path, dataset.fmt)
        if layout == "typed" and not whole_files:
            return (f"{path} 是按列存储的 Parquet 文件，由一个进程读取",
                    f"{path} is typed Parquet, read by one process")
        if layout is None:
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
    Lines, nested Parquet), ``"typed"`` (typed Parquet: whole, where it is), else ``None``."""
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
    given), and the notice (zh, en) to show when it is fewer than asked.

    Left unset, every core is used for inputs of :data:`SMALL_INPUT` or more, quietly one
    process otherwise; ``1`` is always this process alone.
    """
    if requested == 1:
        return 1, None
    if requested is None:
        count = default_workers()
        if count < 2 or household_bytes(dataset) < SMALL_INPUT:
            return 1, None
        return (1, None) if one_process_reason(dataset, run) else (count, None)
    reason = one_process_reason(dataset, run)
    if reason is not None:
        return 1, (f"--workers：{reason[0]}，只用一个进程", f"--workers: {reason[1]}; one process"
                   " is used")
    return requested, None


class _Feeder:
    """Hands the raw records of each household file to the pool in parts and gives back their
    outcomes in reading order (the ``through`` of :meth:`planner.io.Dataset.sourced`)."""

    def __init__(self, pool: Pool, combiner: Combiner, part_size: int, in_flight: int):
        self.pool = pool
        self.combiner = combiner
        self.part_size = part_size
        self.size = min(FIRST_PART, part_size)
        self.in_flight = in_flight

    def _submit(self, part: list[RawRecord]) -> int:
        self.size = min(2 * self.size, self.part_size)
        return self.pool.submit(part)

    def through(self, file: str, items: Iterator[Any]) -> Iterator[Outcome]:
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

    def _next(self, pending: deque[Outcome | int]) -> Iterator[Outcome]:
        head = pending.popleft()
        if isinstance(head, Outcome):
            yield head
            return
        for result in self.pool.result(head):
            pairs = self.combiner.outcomes(result)
            for outcome, _ in pairs:
                yield outcome
            # the reader has now counted the part's records: those it rejected are known
            self.combiner.merge(result, [stand_in for _, stand_in in pairs])


class ParallelRun:
    """Checks or plans a dataset with ``workers`` processes for ``checker``'s run.

    ``recipe`` rebuilds the run in each worker; ``planning`` makes the workers plan
    (``planner plan``) instead of only checking. ``stall`` is how long a worker may make no
    progress before it is taken for hung (default: four rule time budgets, at least 5 s).
    """

    def __init__(self, checker: Checker, recipe: Recipe, workers: int, *,
                 planning: PlanSetup | None = None, part_size: int = PART_SIZE,
                 stall: float | None = None) -> None:
        self.checker = checker
        self.recipe = recipe
        self.workers = workers
        self.planning = planning
        self.part_size = part_size
        timeout = checker.rule_timeout
        self.stall = stall if stall is not None else (
            max(5.0, 4 * timeout) if timeout else None)
        self.options = recipe.read_options()

    def _lost(self, raw: RawRecord, why_zh: str, why_en: str) -> PartResult:
        """The result of a record whose check killed or hung every worker that tried it."""
        from planner.backends.python.selection import place

        outcome = validate_raw(raw, Household, self.options)
        household = outcome.record
        if not isinstance(household, Household):
            return PartResult([Entry(outcome.errors)])
        finding = self.checker.lost(household.id, why_zh, why_en)
        place([finding], Source(raw.file, None, (raw.record,)), household.region)
        return PartResult([Entry(outcome.errors, household.id, [finding], household.region,
                                 rule_errors=1)])

    def _entries(self, dataset: Dataset, combiner: Combiner,
                 wrap: Callable[[Iterable[Any]], Iterable[Any]]) -> Iterator[tuple[Checked, Any]]:
        with Pool(self.recipe, self.workers, self._lost, planning=self.planning,
                  stall=self.stall) as pool:
            feeder = _Feeder(pool, combiner, self.part_size, 2 * self.workers)
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
