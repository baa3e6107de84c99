"""``planner check --scheduler``: each household file of a dataset read and checked by one dask
task, put together in the client in reading order, results written per part.

The output folder holds ``part-00000.jsonl`` … (the findings of each household file, in the
order ``planner check`` reads the files), ``areas.jsonl`` (villages, then projects),
``dataset.jsonl`` (dataset findings — duplicate people across every part — and the waivers
judged at the end) and ``summary.json`` (the files in order and the ``summary`` of ``planner
check --output-format json``). Read in that order the JSON Lines files are exactly the output of
``planner check --output-format jsonl`` in one process. JSON Lines rather than Parquet: the same
records as the one-process output, appended with ``cat``.

Workers read the parts by path: the dataset and the run's files must be on a filesystem the
client and the workers share (always so on a local cluster); see :mod:`.recipe`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from planner.atomic import atomic_open
from planner.distributed.feed import DistributedError, Feed
from planner.distributed.recipe import Digests
from planner.finding import Finding
from planner.io import Dataset
from planner.model import Household
from planner.output import InputSummary, RunInfo, Writer, get_writer
from planner.output.structured import summary_dict
from planner.parallel import Checked, Combiner, Recipe, one_process_reason
from planner.parallel.combine import households
from planner.results import CheckStats
from planner.source import Sourced

AREAS, DATASET, SUMMARY = "areas.jsonl", "dataset.jsonl", "summary.json"


def part_name(index: int) -> str:
    """The output file of the ``index``-th household file."""
    return f"part-{index:05d}.jsonl"


def _unreadable_parquet(path: Path, fmt: str | None) -> bool:
    """A ``.parquet`` part that is not readable Parquet: its task reports it as one process
    does (a whole-file input error), so it does not keep the others from running in parts."""
    from planner.io.formats import detect_format
    from planner.io.parquet import is_nested
    from planner.io.tabular import SourceError

    try:
        if detect_format(path, fmt) != "parquet":
            return False
        is_nested(path)
    except SourceError:
        return True
    except ValueError:
        return False
    return False


def refuse_unsplittable(dataset: Dataset, run: Any) -> None:
    """Raise :class:`DistributedError` when ``dataset`` cannot be checked in parts (export
    files, flat household files, a dataset rule that cannot be merged)."""
    readable = [p for p in dataset.household_files if not _unreadable_parquet(p, dataset.fmt)]
    reason = one_process_reason(dataclasses.replace(dataset, household_files=readable), run)
    if reason is not None:
        raise DistributedError(f"--scheduler 不能用于此输入：{reason[0]}",
                               f"--scheduler cannot run this input: {reason[1]}")


class PartFiles:
    """One JSON Lines file per household file, opened in order as the findings reach them
    (a file with no finding is written empty), each replaced whole (:mod:`planner.atomic`)."""

    def __init__(self, out: Path, files: list[str], info: RunInfo):
        self.out = out
        self.index = {file: i for i, file in enumerate(files)}
        self.info = info
        self.stack = contextlib.ExitStack()
        self.opened = -1
        self.writer: Writer | None = None

    def __enter__(self) -> PartFiles:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.upto(len(self.index) - 1)
        # with the exception: the part being written is discarded, never left half written
        self.stack.__exit__(kind, error, trace)

    def upto(self, index: int) -> Writer:
        """The writer of part ``index``, the parts before it closed."""
        while self.opened < index:
            self.stack.close()
            self.opened += 1
            stream: TextIO = self.stack.enter_context(atomic_open(
                self.out / part_name(self.opened), "w", encoding="utf-8", newline=""))
            self.writer = get_writer("jsonl", stream, self.info)
        assert self.writer is not None
        return self.writer

    def write(self, file: str | None, findings: list[Finding]) -> None:
        """Findings of a household of ``file`` (``None``: the run's first part)."""
        writer = self.upto(self.index.get(file or "", max(self.opened, 0)))
        for finding in findings:
            writer.write(finding)


def _write_all(path: Path, findings: Iterator[Finding], info: RunInfo) -> None:
    with atomic_open(path, "w", encoding="utf-8", newline="") as stream:
        writer = get_writer("jsonl", stream, info)
        for finding in findings:
            writer.write(finding)


def check_dataset(
    client: Any, recipe: Recipe, expected: Digests, checker: Any, dataset: Dataset,
    out_dir: str | Path, *, show_personal: bool = False, fmt: str | None = None,
) -> tuple[CheckStats, InputSummary]:
    """Check ``dataset`` on the cluster of ``client``, writing the output folder; returns the
    totals and input summary of the whole run (as ``planner check`` counts them).

    ``checker`` is the client's, of the run ``recipe`` rebuilds: it counts, checks the villages
    and projects and finishes the dataset rules. Raises :class:`DistributedError` for an input
    that cannot be split or a part whose task failed; no summary is written then.
    """
    refuse_unsplittable(dataset, checker.run)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in [out / SUMMARY, *out.glob("part-*.jsonl")]:  # of an earlier run: not ours
        stale.unlink(missing_ok=True)
    files = [str(p) for p in dataset.household_files]
    combiner = Combiner(checker, dataset.sourced_villages(), dataset.sourced_projects())
    feed = Feed(client, combiner, recipe, expected, files, fmt)
    info = RunInfo(rules=checker.rules, reference_date=checker.reference_date,
                   show_personal=show_personal, explain=checker.explain, catalog=checker.catalog)
    with PartFiles(out, files, info) as parts:
        if combiner.started:  # dataset rules that failed to start: first, as in one process
            parts.write(None, list(combiner.started))
        for item in dataset.sourced(feed.through):
            source = item.source
            stand_in = cast(Checked, item.record)  # the reader passes the stand-ins through
            parts.write(source.file if source else None, combiner.take(stand_in, source))
    ending = combiner.finish()
    areas: list[Finding] = []
    first_dataset: list[Finding] = []
    for finding in ending:  # villages', projects', then the dataset findings
        if finding.subject_kind not in ("village", "project"):
            first_dataset.append(finding)
            break
        areas.append(finding)
    _write_all(out / AREAS, iter(areas), info)
    _write_all(out / DATASET, _chain(first_dataset, ending), info)
    inputs = InputSummary(read=dataset.stats.read, accepted=dataset.stats.accepted,
                          rejected=dataset.stats.rejected, errors=list(dataset.errors),
                          warnings=list(dataset.warnings), skipped=checker.skipped())
    summary = {"parts": files, "files": [*map(part_name, range(len(files))), AREAS, DATASET],
               "summary": summary_dict(checker.stats, inputs, show_personal)}
    with atomic_open(out / SUMMARY, "w", encoding="utf-8", newline="") as stream:
        stream.write(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n")
    return checker.stats, inputs


def checked_dataset(
    client: Any, recipe: Recipe, expected: Digests, checker: Any, dataset: Dataset, *,
    fmt: str | None = None, wrap: Callable[[Iterable[Any]], Iterable[Any]] = iter,
) -> Iterator[tuple[Sourced[Household] | None, list[Finding]]]:
    """Check ``dataset`` on the cluster of ``client`` and give the run grouped by household
    (:func:`planner.parallel.combine.households`; ``recipe`` asks for ``records``), for a
    caller that counts and plans the households here (``planner report --scheduler``).
    ``wrap`` wraps the households as they come back (a progress count). Raises
    :class:`DistributedError` as :func:`check_dataset` does."""
    refuse_unsplittable(dataset, checker.run)
    combiner = Combiner(checker, dataset.sourced_villages(), dataset.sourced_projects())
    feed = Feed(client, combiner, recipe, expected, [str(p) for p in dataset.household_files],
                fmt)
    stand_ins = ((cast(Checked, item.record), item.source)  # the reader passes them through
                 for item in wrap(dataset.sourced(feed.through)))
    return households(combiner, stand_ins)


def _chain(first: list[Finding], rest: Iterator[Finding]) -> Iterator[Finding]:
    yield from first
    yield from rest


__all__ = ["AREAS", "DATASET", "SUMMARY", "DistributedError", "check_dataset", "checked_dataset",
           "part_name"]
