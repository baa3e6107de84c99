"""Input options and file opening shared by ``check``, ``plan``, ``validate`` and ``convert``."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from planner.config import Config, ConfigError, resolve_config
from planner.extras import MissingExtra
from planner.i18n import message_of, pick, resolve_lang
from planner.io import FORMATS, Dataset, ReadFailure, open_dataset
from planner.params import ParameterError
from planner.printable import printable
from planner.registry import RegistryError
from planner.run import MeasureFileError, Run
from planner.selection import Selection, SelectionError
from planner.waivers import WaiverError
from planner.watchdog import DEFAULT_RULE_TIMEOUT

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
logger = logging.getLogger("planner.cli")


class UsageProblem(click.ClickException):
    """A usage, configuration, rule-loading or input problem: exit code 2 (as Click's own).

    Exit code 1 is kept for "findings remain" (``check``) and "records rejected" (``validate``,
    ``convert``). Give the message in both languages, Chinese first: ``UsageProblem(zh, en)``.
    ``UsageProblem(str(exc)) from exc`` with a bilingual library exception (one with ``zh`` and
    ``en``, such as :class:`~planner.errors.BilingualError`) takes both from the exception.
    ``.message`` keeps both lines; the CLI prints the run's language only
    (:meth:`format_message`, :func:`planner.i18n.resolve_lang`).
    """

    exit_code = 2

    def __init__(self, message: str, en: str | None = None):
        # Messages quote file names, ids and exception texts: no control character is executed.
        super().__init__(printable(message if en is None else f"{message}\n{en}", lines=True))
        self._given = message
        self.zh = printable(message, lines=True)
        self.en = None if en is None else printable(en, lines=True)

    def in_lang(self, lang: str) -> str:
        """The message in ``lang`` (``zh`` or ``en``); a message given in one language only is
        shown as it is."""
        cause = self.__cause__
        if self.en is None and cause is not None and self._given == str(cause):
            return printable(message_of(cause, lang), lines=True)
        return self.message if self.en is None else pick(self.zh, self.en, lang)

    def format_message(self) -> str:
        """The message in the run's language (what click prints after "错误：" / "Error:")."""
        return self.in_lang(resolve_lang())


def prepare_run(
    config_file: str | None,
    inputs: Iterable[str],
    *,
    selection: Selection | None = None,
    rule_paths: Iterable[str | Path] = (),
    param_files: Iterable[str | Path] = (),
    measure_files: Iterable[str | Path] = (),
    waiver_files: Iterable[str | Path] = (),
    reference_date: date | None = None,
    explain: bool = False,
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
    province: str | None = None,
) -> tuple[Config, Run]:
    """The configuration and the :class:`~planner.run.Run` of ``planner check`` or ``planner
    plan`` (:meth:`Run.from_config`); a configuration, parameter, rule, selection, waiver or
    measure file problem is a :class:`UsageProblem`."""
    try:
        config = resolve_config(config_file, inputs)
        run = Run.from_config(
            config, rule_paths=rule_paths, param_files=param_files, measure_files=measure_files,
            waiver_files=waiver_files, selection=selection, reference_date=reference_date,
            explain=explain, rule_timeout=rule_timeout, province=province,
        )
    except (ConfigError, ParameterError, RegistryError, SelectionError, WaiverError,
            MeasureFileError) as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法读取", "cannot read") from exc
    return config, run


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


def unexpected_input_problem(exc: Exception, file: str | None = None) -> UsageProblem:
    """The last-resort guard of the input path: an exception no reader expected, as exit 2.

    Bad input must never end in a traceback, yet such an exception is a bug, so it is not
    swallowed silently: its type is logged on ``planner.cli`` (its traceback at debug level).
    Its message is left out, as it may quote personal data. A :class:`ReadFailure` already names
    its file and the original type.
    """
    cause = exc.__cause__ if isinstance(exc, ReadFailure) and exc.__cause__ else exc
    if isinstance(cause, MissingExtra):  # not a bug: an optional part to install
        return UsageProblem(cause.zh, cause.en)
    logger.error("unexpected %s while reading input", type(cause).__name__)
    logger.debug("unexpected exception while reading input", exc_info=cause)
    if isinstance(exc, ReadFailure):
        return UsageProblem(exc.zh, exc.en)
    kind = type(exc).__name__
    return UsageProblem(f"读取{file or '输入'}时发生意外错误（{kind}），未能读完",
                        f"unexpected error ({kind}) while reading {file or 'the input'}; it was "
                        "not read to the end")


def reading_options(func: F) -> F:
    """Add the shared input options.

    ``--input-format``, ``--column-map``, ``--income-year``, ``--strict``, ``--show-personal``.
    """
    options = [
        click.option("--input-format", "input_format", type=click.Choice(FORMATS),
                     help="Input format (default: from the file extension)."),
        click.option("--column-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Column map YAML for this district's headers."),
        click.option("--income-year", type=int,
                     help="Year of income total columns."),
        click.option("--strict", is_flag=True, help="Stop at the first rejected record."),
        click.option("--show-personal", is_flag=True,
                     help="Show ID numbers, names and phones unmasked."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


rule_timeout_option = click.option(
    "--rule-timeout", type=click.FloatRange(min=0), default=DEFAULT_RULE_TIMEOUT,
    show_default=True, metavar="SECONDS",
    help="Time budget of one rule call and of loading one rule file; a rule over it is stopped"
         " (PLN004) and the run goes on; 0: no budget.",
)
"""``--rule-timeout`` of ``check`` and ``plan`` (see :mod:`planner.watchdog`)."""

province_option = click.option(
    "--province", metavar="NAME",
    help="Apply the shipped parameters of this province (e.g. 贵州) before the district files;"
         " overrides the configuration's province.",
)
"""``--province`` of ``check``, ``plan`` and ``params`` (:mod:`planner.params.provinces`)."""


def _at_least_one(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(pick(f"工作进程数至少为 1，不能是 {value}", "the number of "
                                      f"worker processes must be at least 1, not {value}"),
                                 ctx, param)
    return value


workers_option = click.option(
    "--workers", type=int, default=None, metavar="N", callback=_at_least_one,
    help="Worker processes checking households (default: all cores for a large JSON Lines or"
         " Parquet input; 1: this process only).",
)
"""``--workers`` of ``check`` and ``plan`` (see :mod:`planner.parallel`)."""


def open_inputs(
    paths: Iterable[str | Path], *, fmt: str | None = None, column_map: Path | None = None,
    income_year: int | None = None, strict: bool = False, mask: bool = True,
) -> Dataset:
    """A dataset over files and folders: ``.households()`` streams, villages and projects loaded."""
    return open_dataset(
        list(paths), fmt=fmt, column_map=column_map, strict=strict, income_year=income_year,
        mask=mask,
    )


def with_part_files(paths: Iterable[str | Path]) -> list[Path]:
    """``paths`` and the sibling part files of a flat layout beside each
    (``households.csv`` → ``households.income.csv`` …), whether or not they exist."""
    from planner.io.layout import layout_for
    from planner.io.options import KINDS
    from planner.io.tabular import sibling_path

    parts = sorted({part.name for kind in KINDS for part in layout_for(kind).parts})
    found = []
    for path in map(Path, paths):
        found.append(path)
        found.extend(sibling_path(path, part) for part in parts)
    return found


def dataset_files(dataset: Dataset) -> list[Path]:
    """Every file a dataset reads: household, village and project files with their part files,
    and the export files recognised by their headers."""
    return [*with_part_files([*dataset.household_files, *dataset.village_files,
                              *dataset.project_files]), *dataset.export_files]


def refuse_overwriting_inputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Raise a :class:`UsageProblem` when an output is an input: the same file, a symbolic link
    to it or a hard link of it (same device and inode), so that it is never overwritten."""
    read: dict[tuple[int, int], Path] = {}
    for path in inputs:
        try:
            status = os.stat(path)
        except OSError:
            continue
        read.setdefault((status.st_dev, status.st_ino), Path(path))
    for output in outputs:
        try:
            status = os.stat(output)
        except OSError:  # not there yet (or unreachable): it cannot be an input
            continue
        source = read.get((status.st_dev, status.st_ino))
        if source is not None:
            same = "" if Path(output) == source else f"（即输入文件 {source}）"
            same_en = "" if Path(output) == source else f" (it is the input {source})"
            raise UsageProblem(
                f"输出文件 {output} 也是输入文件{same}，写出会覆盖输入；请换一个输出路径",
                f"the output {output} is also an input{same_en}; writing it would destroy "
                "the input; choose another output path",
            )


def with_progress(items: Iterable[T], label: str, *, every: int = 500,
                  size: Callable[[T], int] | None = None) -> Iterator[T]:
    """Yield ``items`` unchanged; on a terminal, show a live count on standard error (of the
    items, or of what ``size`` says each holds: a batch its households).

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
        count = shown = 0
        for item in items:
            yield item
            count += 1 if size is None else size(item)
            if count - shown >= every:
                progress.update(task, completed=count)
                shown = count


#: How many years the reference date may lie from the data's income year before ``check`` and
#: ``plan`` warn (an interface heuristic, not a rule threshold: income of year Y is usually
#: checked in Y or Y+1, domain.md §1.1).
FAR_YEARS = 1


def data_year(dataset: Dataset, income_year: int | None = None) -> int | None:
    """The data's income year: ``income_year`` (``--income-year`` or the configuration), else
    that of the first household read (one record; the next read starts afresh)."""
    if income_year is not None:
        return income_year
    from planner.extras import installed

    if installed("parquet"):  # a typed Parquet row is read from its columns, not built
        from planner.io.typedparquet import TypedRow, unbuilt_rows

        typed: tuple[type, ...] = (TypedRow,)
        rows: contextlib.AbstractContextManager[Any] = unbuilt_rows()
    else:  # the core alone reads no Parquet
        typed, rows = (), contextlib.nullcontext()
    records = dataset.sourced()
    try:
        with rows:
            for item in records:
                record: Any = item.record
                typed_row = isinstance(record, typed)
                return record.value("income_year") if typed_row else record.income_year
    except Exception:  # a bad first record is reported by the run itself
        return None
    finally:
        close = getattr(records, "close", None)  # a generator: stop reading
        if close is not None:
            close()
    return None


def warn_far_reference_date(dataset: Dataset, when: date, income_year: int | None,
                            lang: str) -> str | None:
    """Warn once on standard error when the reference date is more than :data:`FAR_YEARS`
    from the data's income year (:func:`data_year`); returns the warning shown, if any."""
    year = data_year(dataset, income_year)
    if year is None or abs(when.year - year) <= FAR_YEARS:
        return None
    message = (
        f"警告：基准日 {when.isoformat()} 与数据的收入年度 {year} 年相差 {abs(when.year - year)} "
        f"年；参数与规则按基准日取值，请用 --date 指定（如 --date {year + 1}-09-30）"
        if lang == "zh" else
        f"warning: the reference date {when.isoformat()} is {abs(when.year - year)} years from "
        f"the data's income year {year}; parameters and rules follow the reference date, give "
        f"one with --date (e.g. --date {year + 1}-09-30)")
    click.echo(message, err=True)
    return message
