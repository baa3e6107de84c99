"""``planner plan --scheduler``: each household file read, checked and planned by one dask task;
the district (counts, department loads, village works, critical path, budget allocation) put
together in the client.

A task plans the households of its file (facts, rules, needs, selection, schedule: the expensive
half) with :class:`planner.parallel.PartChecker` and sends the plans back with each household's
village; the client adds them to one :class:`~planner.planning.DistrictPlanner` in reading order
(``add_planned``), as ``--workers`` does, and writes them (``part-00000.jsonl`` …); after the last
part it writes the village works and the district summary (``district.jsonl``). Read in order the
files are the output of ``planner plan --output-format jsonl`` in one process. With a budget the
plans are kept until the allocation has been applied to them, as in one process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from planner.atomic import atomic_open
from planner.distributed.check import part_name, refuse_unsplittable
from planner.distributed.feed import Feed
from planner.distributed.recipe import Digests
from planner.io import Dataset
from planner.parallel import Checked, Combiner, PlanSetup, Recipe
from planner.run import Run
from planner.source import RuleSkipped

DISTRICT = "district.jsonl"


@dataclass
class PlanOutcome:
    """The district plan of a distributed run and what the command reports after it."""

    district: Any
    rule_errors: int
    skipped: list[RuleSkipped]


def plan_dataset(
    client: Any, recipe: Recipe, expected: Digests, run: Run, dataset: Dataset,
    out_dir: str | Path, *,
    start: date | None = None, show_names: bool = False, budget: float | None = None,
    method: str = "auto", lang: str = "zh", fmt: str | None = None,
) -> PlanOutcome:
    """Plan ``dataset`` on the cluster of ``client`` into the folder ``out_dir``.

    Raises :class:`~planner.distributed.feed.DistributedError` for an input that cannot be
    split or a part whose task failed.
    """
    from planner.planning import DistrictPlanner
    from planner.planning.dataset_pass import dataset_findings
    from planner.planning.export import plan_stream

    # as in one process: the dataset rules' findings about single households are needs of the
    # plans, found by a pass over every household before the parts are planned
    planner = DistrictPlanner(run=run, start=start, villages=dataset.villages,
                              projects=dataset.projects, show_names=show_names, budget=budget,
                              dataset_findings=dataset_findings(run, dataset.sourced()))
    checker = planner.checker
    assert checker is not None  # the planner checks: no findings were handed over
    refuse_unsplittable(dataset, run)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in [out / DISTRICT, *out.glob("part-*.jsonl")]:  # of an earlier run: not ours
        stale.unlink(missing_ok=True)
    files = [str(p) for p in dataset.household_files]
    index = {file: i for i, file in enumerate(files)}
    setup = PlanSetup(tuple(planner.villages), tuple(planner.projects), planner.start,
                      show_names, budget, planner.dataset_findings())
    combiner = Combiner(checker)
    feed = Feed(client, combiner, recipe, expected, files, fmt, setup)
    kept: list[tuple[int, Any]] = []
    with contextlib.ExitStack() as stack:
        opened, writer = -1, None

        def upto(part: int) -> Any:
            nonlocal opened, writer
            while opened < part:
                stack.close()
                opened += 1
                stream: IO[str] = stack.enter_context(
                    atomic_open(out / part_name(opened), "w", encoding="utf-8"))
                writer = plan_stream("jsonl", stream, lang, mask=not show_names)
            return writer

        for item in dataset.sourced(feed.through):
            stand_in, source = cast(Checked, item.record), item.source  # passed through
            combiner.take(stand_in, source)
            entry = stand_in.entry
            checker.stats.rule_errors += entry.rule_errors
            if entry.plan is None:
                continue
            result, village = entry.plan
            planner.add_planned(result, village)
            part = index.get(source.file if source else "", max(opened, 0))
            if budget is not None:
                kept.append((part, result))
            else:
                upto(part).write(result)
        if budget is None:
            upto(len(files) - 1)
    plans = [result for _, result in kept] if budget is not None else None
    district = planner.finish(plans, method=method,  # type: ignore[arg-type]
                              errors=dataset.errors)
    if budget is not None:
        for part in range(len(files)):
            _write(out / part_name(part), (r for i, r in kept if i == part), lang, show_names)
    with atomic_open(out / DISTRICT, "w", encoding="utf-8") as stream:
        plan_stream("jsonl", stream, lang, mask=not show_names).close(district)
    return PlanOutcome(district, checker.stats.rule_errors, checker.skipped())


def _write(path: Path, plans: Iterable[Any], lang: str, show_names: bool) -> None:
    from planner.planning.export import plan_stream

    with atomic_open(path, "w", encoding="utf-8") as stream:
        writer = plan_stream("jsonl", stream, lang, mask=not show_names)
        for result in plans:
            writer.write(result)


__all__ = ["DISTRICT", "PlanOutcome", "plan_dataset"]
