"""``--scheduler`` of ``planner check`` and ``planner plan``: the run handed to a dask cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.cli.inputs import UsageProblem, file_problem
from planner.config import Config
from planner.i18n import pick
from planner.io import Dataset, StrictError
from planner.run import Run

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.distributed.plan import PlanOutcome
    from planner.output import InputSummary
    from planner.parallel import Recipe
    from planner.results import CheckStats

scheduler_option = click.option(
    "--scheduler", metavar="local[:N]|ADDRESS",
    help="Run on a dask.distributed cluster (extra dask): local (a local cluster, one worker "
         "per core), local:N, or a scheduler address (tcp://host:8786); each household file is "
         "one task, results are written per part into the --output folder.")
"""``--scheduler`` (see :mod:`planner.distributed`)."""


def _folder(output: str | None, fine: bool, zh: str, en: str) -> str:
    """``output`` when it can be the results folder, else a :class:`UsageProblem`."""
    if output is None or not fine:
        raise UsageProblem(zh, en)
    if Path(output).is_file():
        raise UsageProblem(f"--output {output} 是文件；--scheduler 需要一个文件夹",
                           f"--output {output} is a file; --scheduler needs a folder")
    return output


@contextlib.contextmanager
def _problems() -> Iterator[None]:
    """Cluster, recipe, split and part problems as :class:`UsageProblem` (exit 2)."""
    from planner.distributed import ClusterError, RecipeError
    from planner.distributed.feed import DistributedError

    try:
        yield
    except (ClusterError, RecipeError, DistributedError) as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc


def _digests(config: Config, recipe: Recipe) -> Any:
    from planner.distributed import digests

    return digests(config, recipe.rule_paths, recipe.param_files, recipe.measure_files,
                   recipe.waiver_files, recipe.column_map)


def check_on_cluster(
    scheduler: str, output: str | None, output_format: str | None, config: Config,
    checker: Checker, recipe: Recipe, dataset: Dataset, *, show_personal: bool,
    input_format: str | None,
) -> tuple[CheckStats, InputSummary, str | None]:
    """Check ``dataset`` on the cluster ``scheduler`` into the folder ``output``: the totals,
    the input summary and the input error that stopped a ``--strict`` run."""
    from planner.distributed import connect
    from planner.distributed.check import check_dataset
    from planner.output import InputSummary

    folder = _folder(
        output, output_format in (None, "jsonl"),
        "--scheduler 需要 --output 输出文件夹（每个分区一个 JSON Lines 文件，及 summary.json）",
        "--scheduler needs --output FOLDER (one JSON Lines file per part and summary.json); the "
        "output format is jsonl")
    with _problems():
        expected = _digests(config, recipe)
        with connect(scheduler) as client:
            try:
                stats, inputs = check_dataset(client, recipe, expected, checker, dataset, folder,
                                              show_personal=show_personal, fmt=input_format)
            except StrictError as exc:  # --strict stops at the first bad record
                stats = checker.stats
                inputs = InputSummary(read=dataset.stats.read, accepted=dataset.stats.accepted,
                                      rejected=dataset.stats.rejected,
                                      errors=list(dataset.errors))
                return stats, inputs, str(exc)
    return stats, inputs, None


@contextlib.contextmanager
def households_on_cluster(
    scheduler: str, config: Config, checker: Checker, recipe: Recipe, dataset: Dataset, *,
    input_format: str | None, wrap: Any = iter,
) -> Iterator[Any]:
    """The households of ``dataset`` checked on the cluster ``scheduler``, with their findings
    (:func:`planner.distributed.check.checked_dataset`; ``recipe`` asks for ``records``), for
    ``planner report --scheduler``, which counts and plans them here; cluster, recipe and part
    problems are :class:`UsageProblem`."""
    from planner.distributed import connect
    from planner.distributed.check import checked_dataset

    with _problems():
        expected = _digests(config, recipe)
        with connect(scheduler) as client:
            yield checked_dataset(client, recipe, expected, checker, dataset, fmt=input_format,
                                  wrap=wrap)


def plan_on_cluster(
    scheduler: str, output: str | None, output_format: str, gantt_dir: str | None,
    config: Config, run: Run, recipe: Recipe, dataset: Dataset, *, start: Any,
    show_names: bool, budget: float | None, method: str, lang: str, input_format: str | None,
) -> PlanOutcome:
    """Plan ``dataset`` on the cluster ``scheduler`` into the folder ``output``
    (:func:`planner.distributed.plan.plan_dataset`); problems are :class:`UsageProblem`."""
    from planner.distributed import connect
    from planner.distributed.plan import plan_dataset

    folder = _folder(
        output, output_format in ("text", "jsonl") and gantt_dir is None,
        "--scheduler 需要 --output 输出文件夹（每个分区一个 JSON Lines 文件，及 district.jsonl），"
        "不能与 --gantt 同用",
        "--scheduler needs --output FOLDER (one JSON Lines file per part and district.jsonl); "
        "the output format is jsonl, and --gantt is not available with it")
    with _problems():
        expected = _digests(config, recipe)
        with connect(scheduler) as client:
            try:
                return plan_dataset(client, recipe, expected, run, dataset, folder, start=start,
                                    show_names=show_names, budget=budget, method=method,
                                    lang=lang, fmt=input_format)
            except StrictError as exc:
                click.echo(str(exc.error), err=True)
                click.echo(pick("已按 --strict 停止", "stopped (--strict)"), err=True)
                raise SystemExit(2) from exc
            except ValueError as exc:
                raise UsageProblem(str(exc)) from exc


__all__ = ["check_on_cluster", "households_on_cluster", "plan_on_cluster", "scheduler_option"]
