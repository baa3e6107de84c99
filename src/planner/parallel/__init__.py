"""Checks and plans on several processes: ``--workers N``, identical results to one process.

Parts of the input are validated and checked in worker processes
(:mod:`~planner.parallel.pool`, :class:`~planner.parallel.part.PartChecker`) and put back
together in reading order (:class:`~planner.parallel.combine.Combiner`); dataset rules run in
parts and are merged. Another scheduler (Dask) uses the same seam: ``PartChecker.check`` on a
part where the part is, ``Combiner`` where the results meet.
"""

from planner.parallel.combine import Checked, Combiner
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
           "PlanSetup", "Pool", "Recipe", "WorkerError", "default_workers", "household_bytes",
           "one_process_reason", "workers_for"]
