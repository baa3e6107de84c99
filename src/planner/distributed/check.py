"""``planner check --scheduler``: each household part of a dataset checked by one task, the
dataset-wide checks merged from the parts' states, results written per part.

The output folder holds ``part-00000.jsonl`` … (the findings of each household file, in the
order ``planner check`` reads the files), ``areas.jsonl`` (villages, then projects),
``dataset.jsonl`` (dataset findings and the waivers judged at the end) and ``summary.json`` (the
files in order and the ``summary`` of ``planner check --output-format json``). Read in that order
the JSON Lines files are exactly the output of ``planner check --output-format jsonl`` in one
process. JSON Lines rather than Parquet: the same records as the one-process output, streamed by
the worker in bounded memory, and appended by ``cat``.

Workers read the parts and write their files by path: the dataset and the output folder must be
on a filesystem the client and the workers share (always so on a local cluster).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.atomic import atomic_open
from planner.backends.python.engine import Checker
from planner.distributed.ids import AcceptedIds, PartIds, Place, earlier_places
from planner.distributed.recipe import RunRecipe
from planner.distributed.shard import Partial, check_households, finish_dataset, mergeable
from planner.errors import BilingualError
from planner.finding import Finding
from planner.io import Dataset
from planner.io.api import read_sourced
from planner.io.errors import InputError, ReadStats
from planner.model import Household
from planner.output import InputSummary, RunInfo, get_writer
from planner.output.structured import summary_dict
from planner.results import CheckStats
from planner.rule import RuleContext
from planner.source import RuleSkipped, Sourced

AREAS, DATASET, SUMMARY = "areas.jsonl", "dataset.jsonl", "summary.json"


class DistributedError(BilingualError):
    """A part could not be checked (its task failed), or the dataset cannot be split."""


def part_name(index: int) -> str:
    """The output file of the ``index``-th household file."""
    return f"part-{index:05d}.jsonl"


@dataclass
class PartResult:
    """What the task of one part returns besides its findings file (small: counts, errors)."""

    index: int
    file: str
    stats: CheckStats
    read: ReadStats
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    skipped: list[RuleSkipped] = field(default_factory=list)


def _write_findings(path: Path, findings: Any, info: RunInfo) -> None:
    """Findings as JSON Lines, the file replaced whole (a retried task rewrites it)."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as stream:
        writer = get_writer("jsonl", stream, info)
        writer.start()
        for finding in findings:
            writer.write(finding)


def _info(checker: Checker, show_personal: bool) -> RunInfo:
    return RunInfo(rules=checker.rules, reference_date=checker.reference_date,
                   show_personal=show_personal, explain=checker.explain, catalog=checker.catalog)


@dataclass
class PartReader:
    """The households of one part file, read as :class:`~planner.io.Dataset` reads each of its
    files (:func:`~planner.io.api.read_sourced`), with the ids of earlier parts rejected."""

    recipe: RunRecipe
    file: str
    earlier: dict[int, Place] | None = None
    stats: ReadStats = field(default_factory=ReadStats)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids = PartIds(self.earlier)

    def households(self) -> Iterator[Sourced[Household]]:
        """The households accepted, each with its source."""
        options = self.recipe.reading
        return read_sourced(
            "household", self.file, fmt=options.fmt, column_map=options.column_map,
            strict=options.strict, errors=self.errors, warnings=self.warnings, stats=self.stats,
            income_year=options.income_year, mask=options.mask, seen=self.ids)


Checked = tuple[PartResult, Partial, AcceptedIds]


def check_part(recipe: RunRecipe, index: int, file: str, out_dir: str, show_personal: bool,
               earlier: dict[int, Place] | None = None) -> Checked:
    """Check the households of one part file in this worker and write its findings file."""
    checker = Checker(recipe.build())
    reader = PartReader(recipe, file, earlier)
    findings, partial = check_households(checker, reader.households())
    _write_findings(Path(out_dir) / part_name(index), findings, _info(checker, show_personal))
    result = PartResult(index, file, checker.stats, reader.stats, reader.errors,
                        reader.warnings, checker.skipped())
    return result, partial, reader.ids.accepted


def _result(checked: Checked) -> PartResult:
    return checked[0]


def _partial(checked: Checked) -> Partial:
    return checked[1]


def _ids(checked: Checked) -> AcceptedIds:
    return checked[2]


def _merge(first: Partial, second: Partial) -> Partial:
    return first.merge(second)


def tree_reduce(client: Any, futures: Sequence[Any], merge: Callable[[Any, Any], Any]) -> Any:
    """Merge ``futures`` pairwise on the cluster, neighbours with neighbours so the order holds,
    until one future is left (``None`` for none)."""
    level = list(futures)
    while len(level) > 1:
        paired = [client.submit(merge, level[i], level[i + 1], pure=False)
                  for i in range(0, len(level) - 1, 2)]
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0] if level else None


def add_stats(total: CheckStats, part: CheckStats) -> None:
    """Add the counts of ``part`` to ``total``."""
    for name in ("households", "villages", "projects", "findings", "waived", "rule_errors"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for code, count in part.findings_by_code.items():
        total.findings_by_code[code] = total.findings_by_code.get(code, 0) + count
    for severity, count in part.by_severity.items():
        total.by_severity[severity] = total.by_severity.get(severity, 0) + count


def refuse_unsplittable(dataset: Dataset, checker: Checker) -> None:
    """Raise :class:`DistributedError` for inputs a distributed run cannot split by file
    (export files join rows across files), or a dataset rule that cannot be merged."""
    if dataset.export_files:
        names = ", ".join(str(p) for p in dataset.export_files)
        raise DistributedError(
            f"--scheduler 只能检查 planner 自己格式的户文件（如 households/ 下的 Parquet 分区），"
            f"不能检查按表头识别的导出表：{names}",
            "--scheduler checks planner's own household files (e.g. Parquet parts in a "
            f"households/ folder), not export files recognised by their headers: {names}")
    ctx = RuleContext(checker.values, checker.reference_date, catalog=checker.catalog)
    for rule, function in checker._dataset_rules:
        try:
            accumulator = function(ctx)
        except Exception:  # reported as PLN001 by the run, as in one process
            continue
        mergeable(rule, accumulator)


def part_failed(file: str, exc: BaseException) -> DistributedError:
    detail = f"{type(exc).__name__}: {exc}"
    return DistributedError(f"分区 {file} 未能检查完：{detail}；结果不完整，未写出汇总",
                            f"the part {file} could not be checked: {detail}; the results are "
                            "incomplete and no summary was written")


def check_dataset(
    client: Any, recipe: RunRecipe, checker: Checker, dataset: Dataset, out_dir: str | Path,
    *, show_personal: bool = False,
) -> tuple[CheckStats, InputSummary]:
    """Check ``dataset`` on the cluster of ``client``, writing the output folder; returns the
    totals and input summary of the whole run (as ``planner check`` counts them).

    ``checker`` is the client's, built from the same run as ``recipe``: it checks the villages
    and projects and finishes the dataset rules. Raises :class:`DistributedError` naming the
    part whose task failed; no summary is written then.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    refuse_unsplittable(dataset, checker)
    files = [str(p) for p in dataset.household_files]
    for stale in [out / SUMMARY, *out.glob("part-*.jsonl")]:  # of an earlier run: not ours
        stale.unlink(missing_ok=True)
    # pure=False: a rerun of the same command is checked again (the files may have changed).
    pairs = [client.submit(check_part, recipe, index, file, str(out), show_personal,
                           pure=False) for index, file in enumerate(files)]
    try:
        accepted = client.gather([client.submit(_ids, pair, pure=False) for pair in pairs])
    except Exception:
        accepted = None  # the failing part is named below
    if accepted is not None:
        # ids read again in a later part: that part again, rejecting them as one process does
        for index, places in earlier_places(accepted).items():
            pairs[index] = client.submit(check_part, recipe, index, files[index], str(out),
                                         show_personal, places, pure=False)
    results = [client.submit(_result, pair, pure=False) for pair in pairs]
    merged = tree_reduce(client, [client.submit(_partial, p, pure=False) for p in pairs],
                         _merge)
    stats, read = CheckStats(), ReadStats()
    errors: list[InputError] = []
    warnings: list[InputError] = []
    skipped: list[RuleSkipped] = []
    for file, future in zip(files, results, strict=True):
        try:
            part: PartResult = future.result()
        except Exception as exc:
            raise part_failed(file, exc) from exc
        add_stats(stats, part.stats)
        read.add(part.read)
        errors.extend(part.errors)
        warnings.extend(part.warnings)
        skipped.extend(part.skipped)
    try:
        partial = Partial() if merged is None else merged.result()
    except Exception as exc:
        raise part_failed("(dataset)", exc) from exc
    info = _info(checker, show_personal)
    area: list[Finding] = []
    for village, source in dataset.sourced_villages():
        area.extend(checker.check_village(village, source=source))
    for project, source in dataset.sourced_projects():
        area.extend(checker.check_project(project, source=source))
    _write_findings(out / AREAS, area, info)
    ctx = RuleContext(checker.values, checker.reference_date, villages=tuple(dataset.villages),
                      projects=tuple(dataset.projects), explain=checker.explain,
                      catalog=checker.catalog)
    _write_findings(out / DATASET, finish_dataset(checker, partial, ctx), info)
    add_stats(stats, checker.stats)
    from planner.backends.python.selection import sorted_notices

    inputs = InputSummary(read=read.read, accepted=read.accepted, rejected=read.rejected,
                          errors=[*dataset.area_errors, *errors],
                          warnings=[*dataset.area_warnings, *warnings],
                          skipped=sorted_notices([*skipped, *checker.skipped()]))
    summary = {"parts": files, "files": [*map(part_name, range(len(files))), AREAS, DATASET],
               "summary": summary_dict(stats, inputs, show_personal)}
    with atomic_open(out / SUMMARY, "w", encoding="utf-8", newline="") as stream:
        stream.write(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n")
    return stats, inputs
