"""One household file read and checked (or planned) by a dask task; its results handed back to
the client's reader in reading order.

A task reads the raw records of its file where the file is (JSON Lines lines, nested Parquet
cells) and validates and checks them with :class:`planner.parallel.PartChecker`, the seam of
``--workers``; file-level outcomes (a damaged page) keep their place between the records. The
client reads no household file: :meth:`Feed.through` gives the reader of its
:class:`~planner.io.Dataset` the task's outcomes instead, so that the reader counts, rejects
an id read in an earlier part and lists errors exactly as when one process reads, and a
:class:`planner.parallel.Combiner` merges each part's dataset and waiver state in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planner.distributed.recipe import Digests, verify
from planner.errors import BilingualError
from planner.io.options import Outcome
from planner.parallel import Combiner, PartChecker, PartResult, PlanSetup, Recipe
from planner.parallel.part import Validated, records_of

#: Raw records checked together: a part's results are sent back as a few results this size.
CHUNK = 2000

_CHECKERS: dict[str, PartChecker] = {}


class DistributedError(BilingualError):
    """A part could not be checked (its task failed), or the dataset cannot be split."""


def read_and_check(token: str, recipe: Recipe, expected: Digests, file: str, fmt: str | None,
                   planning: PlanSetup | None = None) -> list[Outcome | PartResult]:
    """Run in a worker: the outcomes and checked parts of household file ``file``, in order.

    ``token`` names the run: the worker builds its :class:`PartChecker` once per run, after
    comparing the run's files with the client's (``expected``).
    """
    from planner.io.api import outcomes
    from planner.io.formats import detect_format
    from planner.io.raw import RawRecord

    checker = _CHECKERS.get(token)
    if checker is None:
        verify(expected)
        _CHECKERS.clear()  # one run at a time per worker: the last run's rules are let go
        checker = _CHECKERS[token] = PartChecker(recipe, planning)
    path = Path(file)
    results: list[Outcome | PartResult] = []
    raws: list[RawRecord | Validated] = []
    for item in records_of(outcomes(path, "household", detect_format(path, fmt),
                                    recipe.read_options(), raw=True), file):
        if isinstance(item, RawRecord | Validated):
            raws.append(item)
            if len(raws) >= CHUNK:
                results.append(checker.check(raws))
                raws = []
            continue
        if raws:  # the outcome sits between records: keep the order
            results.append(checker.check(raws))
            raws = []
        results.append(item)
    if raws:
        results.append(checker.check(raws))
    return results


def part_failed(file: str, exc: BaseException) -> DistributedError:
    """The error of a part whose task failed (after dask's retries of a worker that died)."""
    detail = str(exc) if isinstance(exc, BilingualError) else f"{type(exc).__name__}: {exc}"
    return DistributedError(f"分区 {file} 未能检查完：{detail}；结果不完整，未写出汇总",
                            f"the part {file} could not be checked: {detail}; the results are "
                            "incomplete and no summary was written")


class Feed:
    """The tasks of a run's household files and the ``through`` that hands their results to
    the client's reader (see the module docstring)."""

    def __init__(self, client: Any, combiner: Combiner, recipe: Recipe, expected: Digests,
                 files: list[str], fmt: str | None, planning: PlanSetup | None = None):
        import uuid

        token = uuid.uuid4().hex
        self.combiner = combiner
        # pure=False: a rerun of the same command is checked again (the files may have changed)
        self.futures = {file: client.submit(read_and_check, token, recipe, expected, file, fmt,
                                            planning, pure=False) for file in files}

    def through(self, file: str, items: Iterator[Any]) -> Iterator[Outcome]:
        """The outcomes of ``file`` from its task (``items``, the client's own reading of the
        file, is never started)."""
        future = self.futures.pop(file)
        try:
            results = future.result()
        except Exception as exc:
            raise part_failed(file, exc) from exc
        future.release()  # a part's results are held once, here
        for result in results:
            if isinstance(result, Outcome):
                yield result
                continue
            pairs = self.combiner.outcomes(result)
            for outcome, _ in pairs:
                yield outcome
            # the reader has now counted the part's records: those it rejected are known
            self.combiner.merge(result, [stand_in for _, stand_in in pairs])


__all__ = ["CHUNK", "DistributedError", "Feed", "part_failed", "read_and_check"]
