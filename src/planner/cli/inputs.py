"""Input options and file opening shared by ``check``, ``plan``, ``validate`` and ``convert``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from planner.io import FORMATS, Dataset, open_dataset

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def reading_options(func: F) -> F:
    """Add the shared input options.

    ``--input-format``, ``--column-map``, ``--income-year``, ``--strict``, ``--show-personal``.
    """
    options = [
        click.option("--input-format", "input_format", type=click.Choice(FORMATS),
                     help="Input format (default: from the file extension) 输入格式."),
        click.option("--column-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Column map YAML for this district's headers 列映射."),
        click.option("--income-year", type=int,
                     help="Year of income total columns (工资性收入 …) 收入年度."),
        click.option("--strict", is_flag=True, help="Stop at the first rejected record 遇错即停."),
        click.option("--show-personal", is_flag=True,
                     help="Show ID numbers, names and phones unmasked 显示个人信息."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def open_inputs(
    paths: Iterable[str | Path], *, fmt: str | None = None, column_map: Path | None = None,
    income_year: int | None = None, strict: bool = False, mask: bool = True,
) -> Dataset:
    """A dataset over files and folders: ``.households()`` streams, villages and projects loaded."""
    return open_dataset(
        list(paths), fmt=fmt, column_map=column_map, strict=strict, income_year=income_year,
        mask=mask,
    )


def with_progress(items: Iterable[T], label: str, *, every: int = 500) -> Iterator[T]:
    """Yield ``items`` unchanged; on a terminal, show a live count on standard error.

    Long runs (a county's or a province's file) show how far they are; pipes and files see
    nothing, so outputs stay clean.
    """
    if not sys.stderr.isatty():
        yield from items
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed:,}"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=None)
        for count, item in enumerate(items, start=1):
            yield item
            if count % every == 0:
                progress.update(task, completed=count)
