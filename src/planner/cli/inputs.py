"""Input options and file opening shared by ``check``, ``plan``, ``validate`` and ``convert``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.io import FORMATS, Dataset, open_dataset

F = TypeVar("F", bound=Callable[..., Any])


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
