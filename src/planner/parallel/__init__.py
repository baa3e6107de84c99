"""Checks and plans on several processes: ``--workers N``, identical results to one process.

Parts of the input are validated and checked in worker processes
(:mod:`~planner.parallel.pool`, :class:`~planner.parallel.part.PartChecker`) and put back
together in reading order (:class:`~planner.parallel.combine.Combiner`); dataset rules run in
parts and are merged.

Another scheduler (Dask) uses the same seam. Where a partition is, once per worker process and
then per partition file (the result is picklable and compact)::

    checker = PartChecker(recipe)          # the run rebuilt from its Recipe
    result = checker.check_file(path)      # findings, input errors, dataset partials, waivers

Where the results meet, in partition order (one process's counting: duplicate household ids
across partitions rejected, then the dataset rules merged and finished)::

    combiner = Combiner(Checker(run), villages, projects)
    for finding in combine(combiner, [(str(path), result), ...], stats=stats, errors=errors):
        ...
"""

from planner.parallel.combine import Checked, Combiner, combine
from planner.parallel.part import Entry, PartChecker, PartResult, PlanSetup
from planner.parallel.pool import Pool, WorkerError
from planner.parallel.recipe import Recipe
from planner.parallel.runner import (
    ParallelRun,
    default_workers,
    household_bytes,
    one_process_reason,
    workers_for,
)

__all__ = ["Checked", "Combiner", "Entry", "ParallelRun", "PartChecker", "PartResult",
           "PlanSetup", "Pool", "Recipe", "WorkerError", "combine", "default_workers",
           "household_bytes", "one_process_reason", "workers_for"]
