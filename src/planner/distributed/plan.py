"""``planner plan --scheduler``: each household part planned by one task, the district (counts,
department loads, village works, critical path, budget allocation) put together in the client.

A worker checks and plans the households of its part (the expensive half: facts, rules, needs,
selection, schedule) and sends the plans back with each household's village; the client adds
them to one :class:`~planner.planning.DistrictPlanner` in part order, exactly as one process
adds its own plans, writes them (``part-00000.jsonl`` …) and, after the last part, writes the
village works and the district summary (``district.jsonl``): read in order the files are the
output of ``planner plan --output-format jsonl`` in one process. With a budget the plans are
kept until the allocation has been applied to them, as in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planner.atomic import atomic_open
from planner.distributed.check import (
    DistributedError,
    PartReader,
    part_failed,
    part_name,
    refuse_unsplittable,
)
from planner.distributed.ids import AcceptedIds, Place, earlier_places
from planner.distributed.recipe import RunRecipe
from planner.io import Dataset
from planner.io.errors import InputError, ReadStats
from planner.model import Project, Village
from planner.source import RuleSkipped

DISTRICT = "district.jsonl"


@dataclass(frozen=True)
class PlanSettings:
    """What a worker needs beyond the recipe to plan: the district's villages and projects
    (read once by the client), the plan's start, whether names are shown, the budget."""

    villages: tuple[Village, ...] = ()
    projects: tuple[Project, ...] = ()
    start: date | None = None
    show_names: bool = False
    budget: float | None = None


@dataclass
class PlannedPart:
    """The plans of one part (each with its village id) and what reading it found."""

    plans: list[tuple[Any, str | None]]
    read: ReadStats
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    skipped: list[RuleSkipped] = field(default_factory=list)
    rule_errors: int = 0
    ids: AcceptedIds = field(default_factory=AcceptedIds)


def _planner(recipe: RunRecipe, settings: PlanSettings) -> Any:
    from planner.planning import DistrictPlanner

    return DistrictPlanner(run=recipe.build(), start=settings.start, villages=settings.villages,
                           projects=settings.projects, show_names=settings.show_names,
                           budget=settings.budget)


def plan_part(recipe: RunRecipe, settings: PlanSettings, file: str,
              earlier: dict[int, Place] | None = None) -> PlannedPart:
    """Check and plan the households of one part file in this worker (``earlier``: the ids
    read in earlier parts, rejected here)."""
    planner = _planner(recipe, settings)
    reader = PartReader(recipe, file, earlier)
    plans = []
    checker = planner.checker
    before = checker.stats.rule_errors  # the villages' are the client's to count
    for household, source in reader.households():
        village = planner.index.of_household(household)
        plans.append((planner.plan_household(household, source),
                      None if village is None else village.id))
    return PlannedPart(plans, reader.stats, reader.errors, reader.warnings,
                       [n for n in checker.skipped() if n.file == file],
                       checker.stats.rule_errors - before, reader.ids.accepted)


@dataclass
class PlanOutcome:
    """The district plan of a distributed run and what the command reports after it."""

    district: Any
    rule_errors: int
    skipped: list[RuleSkipped]


def plan_dataset(
    client: Any, recipe: RunRecipe, dataset: Dataset, out_dir: str | Path, *,
    start: date | None = None, show_names: bool = False, budget: float | None = None,
    method: str = "auto", lang: str = "zh",
) -> PlanOutcome:
    """Plan ``dataset`` on the cluster of ``client`` into the folder ``out_dir``.

    Raises :class:`DistributedError` naming the part whose task failed.
    """
    from planner.backends.python.selection import sorted_notices
    from planner.planning.export import plan_stream

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    settings = PlanSettings(tuple(dataset.villages), tuple(dataset.projects), start, show_names,
                            budget)
    planner = _planner(recipe, settings)
    refuse_unsplittable(dataset, planner.checker)
    files = [str(p) for p in dataset.household_files]
    for stale in [out / DISTRICT, *out.glob("part-*.jsonl")]:  # of an earlier run: not ours
        stale.unlink(missing_ok=True)
    futures = [client.submit(plan_part, recipe, settings, file, pure=False) for file in files]
    try:
        accepted = client.gather([client.submit(_ids, f, pure=False) for f in futures])
    except Exception:
        accepted = None  # the failing part is named below
    if accepted is not None:
        # ids read again in a later part: that part again, rejecting them as one process does
        for index, places in earlier_places(accepted).items():
            futures[index] = client.submit(plan_part, recipe, settings, files[index], places,
                                           pure=False)
    read = ReadStats()
    errors: list[InputError] = list(dataset.area_errors)
    skipped: list[RuleSkipped] = []
    rule_errors = planner.checker.stats.rule_errors
    kept: list[tuple[int, Any]] = []
    for index, (file, future) in enumerate(zip(files, futures, strict=True)):
        try:
            part: PlannedPart = future.result()
        except Exception as exc:
            raise part_failed(file, exc) from exc
        future.release()  # the plans of a part are held once, here
        for result, village in part.plans:
            if budget is not None:
                planner._village_of[result.household] = village
            planner._add(result, planner.works.get(village, {}) if village else {})
        read.add(part.read)
        errors.extend(part.errors)
        skipped.extend(part.skipped)
        rule_errors += part.rule_errors
        if budget is not None:
            kept.extend((index, result) for result, _ in part.plans)
        else:
            _write(out / part_name(index), (r for r, _ in part.plans), lang, show_names)
    plans = [result for _, result in kept] if budget is not None else None
    district = planner.finish(plans, method=method, errors=errors)  # type: ignore[arg-type]
    if budget is not None:
        for index in range(len(files)):
            _write(out / part_name(index), (r for i, r in kept if i == index), lang, show_names)
    with atomic_open(out / DISTRICT, "w", encoding="utf-8") as stream:
        plan_stream("jsonl", stream, lang, mask=not show_names).close(district)
    return PlanOutcome(district, rule_errors,
                       sorted_notices([*skipped, *planner.checker.skipped()]))


def _ids(part: PlannedPart) -> AcceptedIds:
    return part.ids


def _write(path: Path, plans: Iterator[Any], lang: str, show_names: bool) -> None:
    from planner.planning.export import plan_stream

    with atomic_open(path, "w", encoding="utf-8") as stream:
        writer = plan_stream("jsonl", stream, lang, mask=not show_names)
        for result in plans:
            writer.write(result)


__all__ = ["DISTRICT", "DistributedError", "PlanOutcome", "PlanSettings", "plan_dataset",
           "plan_part"]
