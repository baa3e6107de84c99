"""``--scheduler`` of ``planner check`` and ``planner plan``: the run handed to a dask cluster."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.cli.inputs import UsageProblem
from planner.config import Config
from planner.io import Dataset
from planner.run import Run

if TYPE_CHECKING:
    from planner.output import InputSummary
    from planner.results import CheckStats

scheduler_option = click.option(
    "--scheduler", metavar="local[:N]|ADDRESS",
    help="Run on a dask.distributed cluster (planner[dask]): local (a local cluster, one worker "
         "per core), local:N, or a scheduler address (tcp://host:8786); each household file is "
         "one task, results are written per part into the --output folder "
         "在 dask 集群上按分区运行.")
"""``--scheduler`` (see :mod:`planner.distributed`)."""


def _recipe(config: Config, run: Run, **options: Any) -> Any:
    from planner.distributed import ReadingOptions, RunRecipe

    reading = ReadingOptions(
        fmt=options.pop("input_format"), column_map=(
            None if options["column_map"] is None else str(options.pop("column_map"))),
        income_year=options.pop("income_year"), strict=options.pop("strict"),
        mask=not options["show_personal"])
    options.pop("column_map", None)
    options.pop("show_personal")
    tuples = {k: tuple(map(str, v)) if isinstance(v, Iterable) and not isinstance(v, str) else v
              for k, v in options.items()}
    return RunRecipe.of(config, run, reading=reading, **tuples)


def check_on_cluster(
    scheduler: str, output: str | None, output_format: str | None, config: Config, run: Run,
    dataset: Dataset, **options: Any,
) -> tuple[CheckStats, InputSummary]:
    """Check ``dataset`` on the cluster ``scheduler`` into the folder ``output``; every problem
    of the cluster, the recipe or a part is a :class:`UsageProblem` (exit 2)."""
    from planner.backends.python.engine import Checker
    from planner.distributed import ClusterError, RecipeError, connect
    from planner.distributed.check import DistributedError, check_dataset
    from planner.distributed.shard import NotMergeable

    if output is None or output_format not in (None, "jsonl"):
        raise UsageProblem(
            "--scheduler 需要 --output 输出文件夹（每个分区一个 JSON Lines 文件，"
            "及 summary.json）",
            "--scheduler needs --output FOLDER (one JSON Lines file per part and summary.json);"
            " the output format is jsonl")
    if Path(output).is_file():
        raise UsageProblem(f"--output {output} 是文件；--scheduler 需要一个文件夹",
                           f"--output {output} is a file; --scheduler needs a folder")
    show_personal = bool(options.get("show_personal"))
    try:
        recipe = _recipe(config, run, **options)
        with connect(scheduler) as client:
            return check_dataset(client, recipe, Checker(run), dataset, output,
                                 show_personal=show_personal)
    except (ClusterError, RecipeError, DistributedError, NotMergeable) as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        from planner.cli.inputs import file_problem

        raise file_problem(exc, "无法写出", "cannot write") from exc


def plan_on_cluster(
    scheduler: str, output: str | None, output_format: str, gantt_dir: str | None,
    config: Config, run: Run, dataset: Dataset, *, start: Any, show_names: bool,
    budget: float | None, method: str, lang: str, **options: Any,
) -> Any:
    """Plan ``dataset`` on the cluster ``scheduler`` into the folder ``output``
    (:func:`planner.distributed.plan.plan_dataset`); problems are :class:`UsageProblem`."""
    from planner.distributed import ClusterError, RecipeError, connect
    from planner.distributed.check import DistributedError
    from planner.distributed.plan import plan_dataset
    from planner.distributed.shard import NotMergeable

    if output is None or output_format not in ("text", "jsonl") or gantt_dir is not None:
        raise UsageProblem(
            "--scheduler 需要 --output 输出文件夹（每个分区一个 JSON Lines 文件，及 "
            "district.jsonl），不能与 --gantt 同用",
            "--scheduler needs --output FOLDER (one JSON Lines file per part and "
            "district.jsonl); the output format is jsonl, and --gantt is not available with it")
    if Path(output).is_file():
        raise UsageProblem(f"--output {output} 是文件；--scheduler 需要一个文件夹",
                           f"--output {output} is a file; --scheduler needs a folder")
    try:
        recipe = _recipe(config, run, **options)
        with connect(scheduler) as client:
            return plan_dataset(client, recipe, dataset, output, start=start,
                                show_names=show_names, budget=budget, method=method, lang=lang)
    except (ClusterError, RecipeError, DistributedError, NotMergeable) as exc:
        raise UsageProblem(str(exc)) from exc
    except ValueError as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        from planner.cli.inputs import file_problem

        raise file_problem(exc, "无法写出", "cannot write") from exc


__all__ = ["check_on_cluster", "plan_on_cluster", "scheduler_option"]
