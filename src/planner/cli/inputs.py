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
from planner.printable import printable

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class UsageProblem(click.ClickException):
    """A usage, configuration, rule-loading or input problem: exit code 2 (as Click's own).

    Exit code 1 is kept for "findings remain" (``check``) and "records rejected" (``validate``,
    ``convert``). Give the message in both languages, Chinese first: ``UsageProblem(zh, en)``
    puts them on two lines; a single argument is used as it is (already bilingual).
    """

    exit_code = 2

    def __init__(self, message: str, en: str | None = None):
        # Messages quote file names, ids and exception texts: no control character is executed.
        super().__init__(printable(message if en is None else f"{message}\n{en}", lines=True))


def file_problem(
    exc: OSError, zh_action: str, en_action: str, hint_zh: str = "", hint_en: str = ""
) -> UsageProblem:
    """A bilingual usage problem for a file that cannot be read or written.

    ``zh_action``/``en_action`` say what was attempted (``无法写出``/``cannot write``); the file
    name and the system's reason are kept, then the optional hint.
    """
    name = exc.filename if exc.filename is not None else ""
    reason = exc.strerror or str(exc)
    if isinstance(exc, NotADirectoryError) and not hint_zh:
        hint_zh, hint_en = "（路径中有一段是文件而不是文件夹）", " (part of the path is a file)"
    return UsageProblem(f"{zh_action} {name}：{reason}{hint_zh}",
                        f"{en_action} {name}: {reason}{hint_en}")


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
