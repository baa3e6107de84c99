"""One part of a run checked on its own: raw records in, findings, errors and partial state out.

This is the unit a worker process runs (:mod:`planner.parallel.pool`) and the seam for other
schedulers (Dask): :class:`PartChecker` is built once per process from a
:class:`~planner.parallel.recipe.Recipe`; :meth:`PartChecker.check` validates and checks a
sequence of :class:`~planner.io.raw.RawRecord` and returns a :class:`PartResult` — per record
its input errors, its findings (or plan), and for the whole part the dataset rules' partial
state and the waivers left for the end of the run. :class:`~planner.parallel.combine.Combiner`
puts parts together, in reading order, into exactly what one process would have produced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planner.finding import Finding
from planner.io.errors import InputError
from planner.io.options import Outcome
from planner.io.raw import RawRecord, validate_raw
from planner.model import Household, Project, Region, Village
from planner.parallel.recipe import Recipe
from planner.parallel.typedparts import TypedPart
from planner.rule import RuleContext
from planner.source import Source, Sourced


@dataclass(frozen=True, slots=True)
class PlanSetup:
    """What a worker needs beyond the recipe to plan households (``planner plan``)."""

    villages: tuple[Village, ...] = ()
    projects: tuple[Project, ...] = ()
    start: date | None = None
    show_names: bool = False
    budget: float | None = None
    #: Findings of the dataset rules about single households (a pass over all of them first).
    dataset_findings: tuple[Finding, ...] = ()


@dataclass(slots=True)
class Entry:
    """What became of one raw record.

    ``household`` is the id of a valid record (``None``: rejected, see ``errors``);
    ``findings`` are its findings, or ``None`` when it was not checked because a record
    earlier in the part has the same id (it will be rejected as a duplicate); ``plan`` is its
    plan and village id when planning; ``rule_errors`` counts the PLN001/PLN004 findings of a
    plan run (whose findings are not sent); ``counted`` is False for a notice about the file
    that is no record (see :class:`~planner.io.options.Outcome`).
    """

    errors: list[InputError]
    household: str | None = None
    findings: list[Finding] | None = None
    region: Region | None = None
    plan: tuple[Any, str | None] | None = None
    rule_errors: int = 0
    counted: bool = True
    record: Household | None = None


@dataclass(slots=True)
class PartResult:
    """The result of one part: an entry per raw record in order, the partial state of each
    dataset rule that ran (by code), and the waivers' :meth:`~planner.waivers.WaiverLedger.
    take_partial`."""

    entries: list[Entry]
    partials: dict[str, Any] = field(default_factory=dict)
    waivers: tuple[list[str], list[tuple[str, list[Any]]]] = ([], [])


@dataclass(frozen=True, slots=True)
class Validated:
    """A record its reader has validated already (typed Parquet, checked column-wise), where
    it was read: ``record`` is its 1-based position among the file's records."""

    outcome: Outcome
    file: str
    record: int


def records_of(items: Iterable[Any], file: str, start: int = 0
               ) -> Iterator[RawRecord | Validated | Outcome]:
    """The outcomes of reading ``file`` with ``raw=True`` (from its record ``start + 1`` on),
    a validated record (typed Parquet: a household, or a row left unbuilt for the columnar
    checker) as :class:`Validated`: raw and validated records go to
    :meth:`PartChecker.check`, the other outcomes (rejected records of typed files, notices)
    keep their place."""
    number = start
    for item in items:
        if isinstance(item, RawRecord):
            yield item
            continue
        if item.counted:
            number += 1
        yield Validated(item, file, number) if item.record is not None else item


def mergeable(accumulator: Any) -> bool:
    """True when a dataset rule's accumulator can run in parts (``partial`` and ``merge``)."""
    return callable(getattr(accumulator, "partial", None)) and callable(
        getattr(accumulator, "merge", None))


class _Beat:
    """Progress reported every second while a worker does batch work that runs no rule
    (judging a columnar batch, building its households): on a busy machine it can outlast the
    time a worker may go without progress, and it cannot hang the way a rule can."""

    def __init__(self, progress: Callable[[], None] | None) -> None:
        self.progress = progress
        self.busy = False
        self.thread: threading.Thread | None = None

    def __enter__(self) -> None:
        if self.thread is None and self.progress is not None:
            self.thread = threading.Thread(target=self._run, name="planner-beat", daemon=True)
            self.thread.start()
        self.busy = True

    def __exit__(self, *exc: object) -> None:
        self.busy = False

    def _run(self) -> None:
        assert self.progress is not None
        while True:
            time.sleep(1.0)
            if self.busy:
                self.progress()


class PartChecker:
    """Checks (or plans) parts of one run in this process; build once per process.

    ``progress`` is called after each record (a worker's heartbeat).
    """

    def __init__(self, recipe: Recipe, planning: PlanSetup | None = None,
                 progress: Callable[[], None] | None = None) -> None:
        from planner.backends.python.engine import Checker

        self.run = recipe.build_run()
        self.options = recipe.read_options()
        self.progress = progress
        self.planner: Any = None
        #: Households judged a batch at a time by the columnar checker (typed rows unbuilt).
        self.columnar = planning is None and recipe.backend == "columnar"
        #: Households sent back with their findings (``Recipe.records``): built, not left lazy.
        self.records = recipe.records
        self._beat = _Beat(progress)
        if planning is not None:
            from planner.planning import DistrictPlanner

            self.planner = DistrictPlanner(
                run=self.run, start=planning.start, villages=planning.villages,
                projects=planning.projects, show_names=planning.show_names,
                budget=planning.budget, dataset_findings=planning.dataset_findings)
            self.checker = self.planner.checker
        elif self.columnar:
            from planner.backends.columnar.checker import ColumnarChecker

            self.checker = ColumnarChecker(self.run)
        elif recipe.backend == "durable":
            from planner.backends.durable.checker import DurableChecker

            self.checker = DurableChecker(self.run)
        else:
            self.checker = Checker(self.run)
        self.ctx = RuleContext(self.run.values, self.run.reference_date, explain=self.run.explain,
                               catalog=self.run.catalog)

    def check_file(self, path: str | Path, fmt: str | None = None) -> PartResult:
        """Read, validate and check a whole household file here (a Dask partition): its
        problems as a file (counted or not) are entries too, in their place."""
        from planner.io.api import outcomes
        from planner.io.formats import detect_format

        path = Path(path)
        return self._check_read(outcomes(path, "household", detect_format(path, fmt),
                                         self.options, raw=True), str(path))

    def check_part(self, part: Sequence[RawRecord] | TypedPart) -> PartResult:
        """Check a part a worker is sent: raw records, or row groups of a typed Parquet file
        read here."""
        if not isinstance(part, TypedPart):
            return self.check(part)
        from planner.parallel.typedparts import part_outcomes

        # a part re-run for one record numbers that record, not the row group's first
        first = part.start if part.only is None else part.only - 1
        return self._check_read(part_outcomes(part, self.options,
                                              self.columnar and not self.records),
                                part.file, first)

    def _check_read(self, items: Iterable[Any], file: str, start: int = 0) -> PartResult:
        """Check what reading ``file`` gave (from its record ``start + 1`` on); its outcomes
        that are no record to check keep their place among the entries."""
        raws: list[RawRecord | Validated] = []
        notices: list[tuple[int, Entry]] = []
        for item in records_of(items, file, start):
            if isinstance(item, Outcome):
                notices.append((len(raws), Entry(item.errors, counted=item.counted)))
            else:
                raws.append(item)
            if self.progress is not None:  # reading a part of typed rows is progress too
                self.progress()
        result = self.check(raws)
        for offset, (position, entry) in enumerate(notices):
            result.entries.insert(position + offset, entry)
        return result

    def check(self, raws: Sequence[RawRecord | Validated]) -> PartResult:
        """Validate and check ``raws`` (consecutive records of one file, in order; a
        :class:`Validated` one is checked as it is)."""
        checker = self.checker
        accumulators = []
        if self.planner is None:
            # failures to start are reported once, by the process that combines the parts
            accumulators = [(rule, acc) for rule, acc in checker.start_dataset(self.ctx)[0]
                            if mergeable(acc)]
        entries: list[Entry] = []
        ids: set[str] = set()
        batch: list[tuple[int, list[InputError], Sourced[Any]]] = []
        for raw in raws:
            outcome = (raw.outcome if isinstance(raw, Validated)
                       else validate_raw(raw, Household, self.options))
            household = outcome.record
            if household is None:
                entries.append(Entry(outcome.errors))
            elif household.id in ids:  # type: ignore[attr-defined]
                entries.append(Entry(outcome.errors, household.id))  # type: ignore[attr-defined]
            else:
                ids.add(household.id)  # type: ignore[attr-defined]
                source = Source(raw.file, None, (raw.record,))
                if self.columnar:  # checked below, with the rest of the batch
                    batch.append((len(entries), outcome.errors, Sourced(household, source)))
                    entries.append(Entry(outcome.errors))
                    continue
                entries.append(self._household(household,  # type: ignore[arg-type]
                                               outcome.errors, source, accumulators))
            if self.progress is not None:
                self.progress()
        if batch:
            self._check_batch(batch, entries, accumulators)
        if self.planner is not None:
            return PartResult(entries)
        return PartResult(entries, {rule.code: acc.partial() for rule, acc in accumulators},
                          checker.waivers.take_partial())

    def _check_batch(self, batch: list[tuple[int, list[InputError], Sourced[Any]]],
                     entries: list[Entry], accumulators: list[Any]) -> None:
        """Check the valid households of a part with the columnar checker, judged together
        (typed rows stay unbuilt where no rule reads them), as :meth:`~planner.backends.
        columnar.checker.ColumnarChecker.iter_findings` checks them in one process."""
        checker = self.checker
        judged = iter(checker.judged(item for _, _, item in batch))  # type: ignore[attr-defined]
        for index, errors, _ in batch:
            with self._beat:  # the next household, its batch judged when it is the first
                item = next(judged)
            household = item.record
            facts = checker.rule_facts(household)
            findings = checker.check_household(household, facts, item.source)
            if accumulators:
                self._feed(accumulators, facts, findings)
            entries[index] = Entry(errors, household.id, findings,
                                   getattr(household, "region", None),
                                   record=household if self.records else None)
            if self.progress is not None:
                self.progress()

    def _feed(self, accumulators: list[Any], facts: Any, findings: list[Finding]) -> None:
        """Feed one household to the dataset rules; one that fails is reported and dropped."""
        for failure in self.checker.feed_dataset(accumulators, facts):
            findings.append(failure)
            broken = failure.evidence["rule"]
            accumulators[:] = [(r, a) for r, a in accumulators if r.code != broken]

    def _household(self, household: Household, errors: list[InputError], source: Source,
                   accumulators: list[Any]) -> Entry:
        checker = self.checker
        if self.planner is not None:
            before = checker.stats.rule_errors
            result = self.planner.plan_household(household, source)
            village = self.planner.index.of_household(household)
            return Entry(errors, household.id, [], household.region,
                         (result, village.id if village is not None else None),
                         checker.stats.rule_errors - before)
        # only the facts the run's rules read, as one process derives them (every fact cost a
        # second worker as much as it saved)
        facts = checker.rule_facts(household)
        findings = checker.check_household(household, facts, source)
        if accumulators:
            self._feed(accumulators, facts, findings)
        return Entry(errors, household.id, findings, household.region,
                     record=household if self.records else None)


__all__ = ["Entry", "PartChecker", "PartResult", "PlanSetup", "Validated", "mergeable",
           "records_of"]
