"""CLI: ``planner report`` (aggregates and the rectification ledger), ``planner ledger import`` and
``planner diff`` (two runs compared).

Exit codes of ``report``: 0 written (findings are what a report is for), 1 records were rejected
(each listed, the rest reported), 2 usage, configuration or file problems. ``ledger import``:
0 imported, 1 rows refused (each named by sheet, row and column; the others imported), 2 a file
that is no ledger or cannot be read or written.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from planner.cli.backend import backend_line, backend_option, choose_backend, start_checker
from planner.cli.distributed import households_on_cluster
from planner.cli.i18n import lang_option
from planner.cli.inputs import (
    UsageProblem,
    dataset_files,
    file_problem,
    open_inputs,
    prepare_run,
    province_option,
    reading_options,
    refuse_overwriting_inputs,
    with_progress,
    workers_option,
)
from planner.parallel.recipe import Recipe
from planner.selection import Selection, split_selectors

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.config import Config
    from planner.io import Dataset
    from planner.run import Run

T = TypeVar("T")
STATUS_FILE = "ledger-status.json"


def _lines(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder to write ledger.xlsx, report.json and report.html into.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (planner.toml or pyproject.toml).")
@click.option("--select", multiple=True, help="Rules to run: code prefix, name or family, ALL.")
@click.option("--ignore", multiple=True, help="Rules to leave out (code prefix, name or family).")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Local rule file or folder (.py, .yaml) (repeatable).")
@click.option("--params", "param_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District parameter file (repeatable).")
@province_option
@click.option("--measures", "measure_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District measure catalog override (repeatable).")
@click.option("--waivers", "waiver_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Waiver file (.yaml or .csv) (repeatable).")
@click.option("--status", "status_file", type=click.Path(exists=True, dir_okay=False),
              help="Status file written by planner ledger import.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="Reference date (default: configuration, else today).")
@click.option("--plan/--no-plan", default=True, show_default=True,
              help="Plan each household: measures and deadlines in the ledger, on-track counts.")
@lang_option
@backend_option
@workers_option
@click.option(
    "--scheduler", metavar="local[:N]|ADDRESS",
    help="Check on a dask.distributed cluster (extra dask): local, local:N or a scheduler "
         "address; each household file is one task, the report is written here.")
@reading_options
def report(
    paths: tuple[str, ...], out_dir: str, config_file: str | None, select: tuple[str, ...],
    ignore: tuple[str, ...], rule_paths: tuple[str, ...], param_files: tuple[str, ...],
    province: str | None, measure_files: tuple[str, ...], waiver_files: tuple[str, ...],
    status_file: str | None, on: Any, plan: bool, lang: str, backend: str,
    workers: int | None, scheduler: str | None, input_format: str | None, column_map: Path | None,
    income_year: int | None, strict: bool, show_personal: bool,
) -> None:
    """Write the supervision report: aggregates, HTML report and rectification ledger.

    Households are checked as planner check checks them (--backend, --workers, --scheduler)
    and counted, planned and written in input order here: the files are the same for any
    number of workers, on a cluster and on either backend.
    """
    from planner.io.errors import FormatError
    from planner.report.manifest import MANIFEST_FILE, write_manifest
    from planner.report.pipeline import LEDGER_FILE, RENDERERS, run_report
    from planner.report.status import StatusFileError, load_status

    cli_level = Selection(select=split_selectors(select) or None, ignore=split_selectors(ignore),
                          source="command line")
    config, run = prepare_run(
        config_file, paths, selection=cli_level, rule_paths=rule_paths, param_files=param_files,
        measure_files=measure_files, waiver_files=waiver_files,
        reference_date=on.date() if on is not None else None, province=province)
    try:
        entries = load_status(status_file) if status_file is not None else {}
    except StatusFileError as exc:
        raise UsageProblem(str(exc)) from exc
    income_year = income_year if income_year is not None else config.income_year
    column_map = column_map if column_map is not None else config.column_map
    try:
        dataset = open_inputs(paths, fmt=input_format, column_map=column_map,
                              income_year=income_year, strict=strict, mask=not show_personal)
    except Exception as exc:  # the reader reports unreadable inputs by raising
        raise UsageProblem(str(exc)) from exc
    backend = choose_backend(backend, dataset)
    checker = start_checker(run, backend)
    recipe = Recipe(
        config_file, paths, run.reference_date, cli_level, rule_paths, param_files,
        measure_files, waiver_files, column_map=None if column_map is None else str(column_map),
        income_year=income_year, mask=not show_personal, province=province, backend=backend,
        records=True)
    out = Path(out_dir)
    refuse_overwriting_inputs([out / LEDGER_FILE, out / MANIFEST_FILE,
                               *(out / name for name in RENDERERS)],
                              [*dataset_files(dataset), *([status_file] if status_file else [])])
    label = _lines("已检查户数", "households checked", lang)

    def progress(items: Iterable[T]) -> Iterator[T]:
        return with_progress(items, label)

    try:
        with _households(scheduler, workers, config, checker, run, dataset, recipe,
                         input_format, progress) as checked:
            result = run_report(run, dataset, out, lang=lang, show_personal=show_personal,
                                plan=plan, entries=entries, progress=progress,
                                checker=checker, checked=checked)
        write_manifest(run, [*dataset_files(dataset), *([status_file] if status_file else [])],
                       out)
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc
    except FormatError as exc:
        raise UsageProblem(str(exc)) from exc
    except Exception as exc:  # --strict stops at the first bad record
        if not strict:
            raise
        raise UsageProblem(f"输入错误，已停止：{exc}", f"input error, stopped: {exc}") from exc
    _summary(result, out, lang, dataset, show_personal)
    click.echo(backend_line(backend, lang), err=True)


@contextlib.contextmanager
def _households(scheduler: str | None, workers: int | None, config: Config, checker: Checker,
                run: Run, dataset: Dataset, recipe: Recipe, input_format: str | None,
                progress: Callable[[Iterable[Any]], Iterator[Any]]) -> Iterator[Any]:
    """The households checked on a cluster (``--scheduler``) or by worker processes
    (``--workers``, as ``planner check``; why fewer than asked on standard error), each with
    its findings; ``None`` to check them in this process."""
    if scheduler is not None:
        with households_on_cluster(scheduler, config, checker, recipe, dataset,
                                   input_format=input_format, wrap=progress) as checked:
            yield checked
        return
    from planner.parallel import ParallelRun, workers_for

    count, fewer = workers_for(workers, dataset, run)
    if fewer is not None:
        click.echo("\n".join(fewer), err=True)
    yield None if count == 1 else ParallelRun(checker, recipe, count).checked(dataset, progress)


def _summary(result: Any, out: Path, lang: str, dataset: Any, show_personal: bool) -> None:
    """The files written and the totals on standard error, the input errors, the exit code."""
    from planner.output.places import problem_text

    county = result.aggregates.county
    click.echo(_lines(
        f"已写出 {out}：{county.households} 户，{county.findings} 个问题，"
        f"台账 {result.ledger_rows} 条（未整改 {result.ledger_open} 条）",
        f"written to {out}: {county.households} households, {county.findings} findings, "
        f"{result.ledger_rows} ledger rows ({result.ledger_open} not rectified)", lang), err=True)
    for error in dataset.errors:
        click.echo(problem_text(error, show_personal, lang), err=True)
    if any(error.is_file_error for error in dataset.errors):
        sys.exit(2)
    if dataset.errors or dataset.stats.rejected:
        sys.exit(1)


@click.group()
def ledger() -> None:
    """The rectification ledger: read an edited ledger back."""


@ledger.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "output_file", type=click.Path(dir_okay=False),
              help=f"Status file to write or update (default: {STATUS_FILE} beside FILE).")
@lang_option
def import_ledger(file: str, output_file: str | None, lang: str) -> None:
    """Read an edited ledger and write the status file the next report reads."""
    from planner.output.places import problem_text
    from planner.report.status import StatusFileError, load_status, read_ledger, save_status

    target = Path(output_file) if output_file else Path(file).parent / STATUS_FILE
    refuse_overwriting_inputs([target], [file])
    try:
        imported = read_ledger(file)
        entries = load_status(target) if target.exists() else {}
    except StatusFileError as exc:
        raise UsageProblem(str(exc)) from exc
    entries.update(imported.entries)
    try:
        save_status(entries, target)
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc
    for error in imported.errors:
        click.echo(problem_text(error, False), err=True)
    click.echo(_lines(
        f"已导入 {imported.rows} 行，{len(imported.entries)} 行有状态，"
        f"{len(imported.errors)} 行有误；写出 {target}",
        f"imported {imported.rows} rows, {len(imported.entries)} with a status, "
        f"{len(imported.errors)} refused; wrote {target}", lang), err=True)
    if imported.errors:
        sys.exit(1)


@click.command(name="diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--output-format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@lang_option
@click.option("--ledger", "ledger_file", type=click.Path(exists=True, dir_okay=False),
              help="The rectification ledger as returned (ledger.xlsx of planner report): list "
                   "the overdue rectifications per area.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="Date a deadline is overdue on (default: today).")
def diff_command(old: str, new: str, fmt: str, lang: str, ledger_file: str | None,
                 on: Any) -> None:
    """Compare two findings files of planner check: new, resolved, still open.

    OLD and NEW are written by ``planner check --output-format jsonl`` (or json). With
    ``--ledger``, also the ledger rows still open or in progress past their deadline whose
    finding NEW did not resolve, per area. Exit 0 whatever changed; 1 when ledger rows were
    refused (each named by sheet, row and column; the others counted); 2 for a file that is no
    findings file or no ledger.
    """
    import json
    from datetime import date

    from planner.output.places import problem_text
    from planner.report.diff import (
        FindingsFileError,
        add_overdue,
        compare,
        diff_dict,
        diff_lines,
        read_findings,
    )
    from planner.report.status import StatusFileError, read_ledger

    try:
        result = compare(read_findings(old), read_findings(new))
        imported = read_ledger(ledger_file) if ledger_file is not None else None
    except (FindingsFileError, StatusFileError) as exc:
        raise UsageProblem(str(exc)) from exc
    if imported is not None:
        add_overdue(result, imported.states, on.date() if on is not None else date.today())
        for error in imported.errors:
            click.echo(problem_text(error, False, lang), err=True)
    if fmt == "json":
        click.echo(json.dumps(diff_dict(result), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(diff_lines(result, lang)))
    if imported is not None and imported.errors:
        sys.exit(1)


COMMANDS: list[click.Command] = [report, ledger, diff_command]

__all__ = ["COMMANDS", "diff_command", "import_ledger", "ledger", "report"]
