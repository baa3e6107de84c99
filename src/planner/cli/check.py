"""CLI: ``planner check`` (findings for households, villages and projects) and ``planner rules``.

Exit codes of ``check``: 0 clean, 1 findings at or above ``--fail-on`` remain or records were
rejected (each listed, the rest checked), 2 usage, configuration or rule-loading problems, or a
file that could not be read.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from planner.output import InputSummary

from planner.atomic import atomic_open
from planner.backends.python.engine import Checker
from planner.cli.backend import (
    backend_line,
    backend_option,
    choose_backend,
    explain_backend_option,
    explain_lines,
    start_checker,
)
from planner.cli.distributed import check_on_cluster, scheduler_option
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
    rule_timeout_option,
    warn_far_reference_date,
    with_progress,
    workers_option,
)
from planner.config import OUTPUT_FORMATS, ConfigError, resolve_config
from planner.i18n import message_of, resolve_lang, settle_lang
from planner.measures import default_catalog
from planner.params import ParameterError
from planner.registry import RegistryError, RuleSet
from planner.results import CheckStats
from planner.rule import Rule
from planner.rule_docs import rule_page, rules_markdown
from planner.run import configured_rules
from planner.selection import Selection, SelectionError, select_rules, split_selectors

if TYPE_CHECKING:
    from planner.finding import Finding
    from planner.io import Dataset
    from planner.parallel import Recipe
    from planner.report.diff import Baseline

FAIL_ON = ("error", "warning", "info", "none")
T = TypeVar("T")
DEFAULT_FAIL_ON = "error"


def _lines(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


@contextlib.contextmanager
def _opened(path: str | None, fmt: str) -> Iterator[TextIO]:
    """Standard output (streamed), or a file written whole or not at all (planner.atomic)."""
    if path is None:
        yield sys.stdout
        return
    with contextlib.ExitStack() as stack:
        try:
            out = stack.enter_context(atomic_open(
                path, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline=""))
        except OSError as exc:
            raise file_problem(exc, "无法写出", "cannot write") from exc
        yield out


def _setup(config_file: str | None, rule_paths: tuple[str, ...]) -> RuleSet:
    """Every rule ``planner rules`` lists: installed packs and the configured and named files."""
    try:
        config = resolve_config(config_file, ())
        return configured_rules(config, rule_paths)[1]
    except (ConfigError, ParameterError, RegistryError) as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法读取", "cannot read") from exc


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (planner.toml or pyproject.toml).")
@click.option("--select", multiple=True, help="Rules to run: code prefix, name or family, ALL.")
@click.option("--ignore", multiple=True, help="Rules to leave out (code prefix, name or family).")
@click.option("--extend-select", multiple=True, help="Rules to add to the configured selection.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Local rule file or folder (.py, .yaml) (repeatable).")
@click.option("--params", "param_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District parameter file (repeatable).")
@province_option
@click.option("--measures", "--catalog", "measure_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District measure catalog override (repeatable).")
@click.option("--waivers", "waiver_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Waiver file (.yaml or .csv) (repeatable).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="Reference date (default: configuration, else today).")
@click.option("--explain", is_flag=True, help="Record conditions, values and parameters.")
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), help="Default: text.")
@click.option("--output", "output_file", type=click.Path(),
              help="Write findings to this file instead of standard output (with --scheduler: "
                   "a folder).")
@click.option("--fail-on", type=click.Choice(FAIL_ON),
              help=f"Exit 1 when findings this severe remain (default {DEFAULT_FAIL_ON}).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False),
              help="Findings file of an earlier run (jsonl or json): report only findings not "
                   "in it.")
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help="Language of messages (default: PLANNER_LANG, the configuration, the "
                   "locale, else zh).")
@rule_timeout_option
@workers_option
@backend_option
@explain_backend_option
@reading_options
@click.option("--color/--no-color", default=None, help="Colour the text output (default: auto).")
@scheduler_option
def check(
    paths: tuple[str, ...], config_file: str | None, select: tuple[str, ...],
    ignore: tuple[str, ...], extend_select: tuple[str, ...], rule_paths: tuple[str, ...],
    param_files: tuple[str, ...], province: str | None, measure_files: tuple[str, ...],
    waiver_files: tuple[str, ...], on: Any, explain: bool, output_format: str | None,
    output_file: str | None,
    fail_on: str | None, exit_zero: bool, baseline_file: str | None, lang: str | None,
    color: bool | None,
    input_format: str | None,
    column_map: Path | None, income_year: int | None, strict: bool, show_personal: bool,
    rule_timeout: float, workers: int | None, backend: str, scheduler: str | None,
    explain_backend: bool = False,
) -> None:
    """Check household files against the rules."""
    from planner.output import InputSummary, RunInfo, get_writer

    cli_level = Selection(
        select=split_selectors(select) or None, ignore=split_selectors(ignore),
        extend_select=split_selectors(extend_select), source="command line",
    )
    config, run = prepare_run(
        config_file, paths, selection=cli_level, rule_paths=rule_paths, param_files=param_files,
        measure_files=measure_files, waiver_files=waiver_files,
        reference_date=on.date() if on is not None else None, explain=explain,
        rule_timeout=rule_timeout or None, province=province,
    )
    waiver_paths: list[str | Path] = [*config.waivers, *waiver_files]
    measure_paths: list[str | Path] = [*config.measures, *measure_files]
    rules, catalog, when = run.rules, run.catalog, run.reference_date
    fmt = output_format or config.output_format or "text"
    threshold = fail_on or config.fail_on or DEFAULT_FAIL_ON
    income_year = income_year if income_year is not None else config.income_year
    column_map = column_map if column_map is not None else config.column_map
    lang = resolve_lang(lang, config.lang)
    settle_lang(lang)  # the errors from here on, in the configuration's language too
    baseline = _baseline(baseline_file, show_personal, scheduler)
    try:
        dataset = open_inputs(paths, fmt=input_format, column_map=column_map,
                              income_year=income_year, strict=strict, mask=not show_personal)
    except Exception as exc:  # the reader reports unreadable inputs by raising
        raise UsageProblem(str(exc)) from exc
    warn_far_reference_date(dataset, when, income_year, lang)
    requested, backend = backend, choose_backend(backend, dataset)
    checker = start_checker(run, backend)
    if explain_backend:
        click.echo("\n".join(explain_lines(requested, backend, dataset, checker, lang)), err=True)
    if output_file is not None:
        refuse_overwriting_inputs([output_file], [
            *dataset_files(dataset), *waiver_paths, *measure_paths, *config.params, *param_files,
            *([config.path] if config.path else []), *([baseline_file] if baseline_file else [])])
    from planner.parallel import Recipe, workers_for

    recipe = Recipe(config_file, paths, when, cli_level, rule_paths, param_files, measure_files,
                    waiver_files, explain, rule_timeout or None,
                    None if column_map is None else str(column_map), income_year,
                    not show_personal, province, backend)
    if scheduler is not None:
        stats, inputs, failure = check_on_cluster(
            scheduler, output_file, output_format, config, checker, recipe, dataset,
            show_personal=show_personal, input_format=input_format)
        _report(stats, inputs, "jsonl", output_file, lang, show_personal, failure, threshold,
                exit_zero)
        return
    workers, fewer = workers_for(workers, dataset, run)
    if fewer is not None:
        click.echo("\n".join(fewer), err=True)
    info = RunInfo(
        rules=rules, reference_date=when, lang=lang, show_personal=show_personal,
        explain=explain, inputs=list(paths), config=str(config.path) if config.path else None,
        color=False if output_file else color, catalog=catalog,
    )
    input_failure: str | None = None
    with _opened(output_file, fmt) as stream:
        writer = get_writer(fmt, stream, info)
        writer.start()
        try:
            label = _lines("已检查户数", "households checked", lang)
            with _rows_for(backend):
                for finding in _findings(checker, dataset, recipe, workers, label):
                    if baseline is None or not baseline.hides(finding):
                        writer.write(finding)
        except Exception as exc:  # --strict stops at the first bad record
            input_failure = message_of(exc, lang)
        inputs = InputSummary(
            read=dataset.stats.read, accepted=dataset.stats.accepted,
            rejected=dataset.stats.rejected, errors=list(dataset.errors),
            warnings=list(dataset.warnings), skipped=checker.skipped(),
        )
        stats = checker.stats if baseline is None else baseline.stats(checker.stats)
        writer.finish(stats, inputs)
    if baseline is not None:
        hidden = baseline.hidden.findings
        click.echo(_lines(f"基线隐藏 {hidden} 个问题", f"{hidden} findings hidden by the baseline",
                          lang), err=True)
    _report(stats, inputs, fmt, output_file, lang, show_personal, input_failure,
            threshold, exit_zero, backend)


def _baseline(path: str | None, show_personal: bool, scheduler: str | None) -> Baseline | None:
    """The baseline named by ``--baseline``, if any (not with ``--scheduler``)."""
    if path is None:
        return None
    if scheduler is not None:
        raise UsageProblem("--baseline 不能与 --scheduler 同用", "--baseline cannot be used with "
                           "--scheduler")
    from planner.report.diff import Baseline, FindingsFileError, read_findings

    try:
        return Baseline(read_findings(path), show_personal)
    except FindingsFileError as exc:
        raise UsageProblem(str(exc)) from exc


def _report(
    stats: CheckStats, inputs: InputSummary, fmt: str, output_file: str | None, lang: str,
    show_personal: bool, input_failure: str | None, threshold: str, exit_zero: bool,
    backend: str | None = None,
) -> None:
    """The notices and totals on standard error, then the exit code of the run."""
    from planner.output.text import notice_lines, summary_lines

    if fmt in ("jsonl", "csv"):  # one row per finding: the notices have no place in the file
        for line in notice_lines(inputs, lang, show_personal):
            click.echo(line, err=True)
    if fmt != "text" or output_file:
        for line in summary_lines(stats, inputs, lang, show_personal):
            click.echo(line, err=True)
    if backend is not None:
        click.echo(backend_line(backend, lang), err=True)
    if input_failure is not None:
        raise UsageProblem(_lines(f"输入错误，已停止：{input_failure}",
                                  f"input error, stopped: {input_failure}", lang))
    if any(error.is_file_error for error in inputs.errors):
        sys.exit(2)  # a file (or the rest of it) could not be read
    if inputs.errors or inputs.rejected:
        sys.exit(1)  # records rejected, each error listed: the rest was checked
    if not exit_zero and threshold != "none" and stats.at_or_above(threshold):
        sys.exit(1)


def _findings(checker: Checker, dataset: Dataset, recipe: Recipe, workers: int,
              label: str) -> Iterator[Finding]:
    """The run's findings, from this process alone or from ``workers`` processes."""
    from planner.parallel import ParallelRun

    def progress(items: Iterable[T]) -> Iterator[T]:
        return with_progress(items, label)

    if workers == 1:
        batches = _batch_path(checker, dataset)
        if batches is not None:
            # a batch counts its households
            return batches(lambda items: with_progress(items, label, size=len))
        return checker.iter_findings(progress(dataset.sourced()), dataset.sourced_villages(),
                                     dataset.sourced_projects())
    return ParallelRun(checker, recipe, workers).findings(dataset, progress)


def _batch_path(checker: Checker, dataset: Dataset
                ) -> Callable[[Callable[[Iterable[Any]], Iterator[Any]]], Iterator[Finding]] | None:
    """The run's findings judged a batch at a time, no household built where no rule fires
    (:meth:`~planner.backends.columnar.checker.ColumnarChecker.iter_chunk_findings`), when the
    backend is columnar, every selected rule is compiled and the input is typed Parquet."""
    # only a columnar checker has batch_ready (importing its module would import polars)
    batch_ready = getattr(checker, "batch_ready", None)
    if batch_ready is None or not batch_ready():
        return None
    columnar: Any = checker
    chunks = dataset.typed_chunks()
    if chunks is None:
        return None

    def findings(progress: Callable[[Iterable[Any]], Iterator[Any]]) -> Iterator[Finding]:
        return columnar.iter_chunk_findings(progress(chunks), dataset.sourced_villages(),
                                            dataset.sourced_projects())

    return findings


def _rows_for(backend: str) -> contextlib.AbstractContextManager[None]:
    """Typed Parquet rows left unbuilt for the columnar checker, which builds what it needs."""
    if backend != "columnar":
        return contextlib.nullcontext()
    from planner.io.typedparquet import unbuilt_rows

    return unbuilt_rows()


@click.command(name="rules")
@click.argument("code", required=False)
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file naming local rules.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Local rule file or folder to list as well (repeatable).")
@click.option("--select", multiple=True, help="Only rules matching these selectors.")
@click.option("--ignore", multiple=True, help="Leave out rules matching these selectors.")
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text",
              show_default=True)
@lang_option
def rules_command(
    code: str | None, config_file: str | None, rule_paths: tuple[str, ...],
    select: tuple[str, ...], ignore: tuple[str, ...], fmt: str, lang: str,
) -> None:
    """List the rules, or print the doc page of one."""
    all_rules = _setup(config_file, rule_paths)
    try:
        rules = select_rules(all_rules, [Selection(
            select=split_selectors(select) or None, ignore=split_selectors(ignore),
        )])
    except SelectionError as exc:
        raise UsageProblem(str(exc)) from exc
    catalog = default_catalog()  # for the labels of proposed measures
    if code is not None:
        rule = all_rules.get(code) or all_rules.by_name(code)
        if rule is None:
            raise UsageProblem(_lines(f"没有规则 {code}（用 planner rules 查看全部规则）",
                                      f"no rule {code} (planner rules lists them all)", lang))
        if fmt == "json":
            click.echo(json.dumps(_rule_dict(rule), ensure_ascii=False, indent=2))
        else:
            click.echo(rule_page(rule, catalog, lang))
        return
    if fmt == "markdown":
        click.echo(rules_markdown(rules, catalog), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps([_rule_dict(r) for r in rules], ensure_ascii=False, indent=2))
        return
    table = Table(title=_lines(f"规则 {len(rules)} 条", f"{len(rules)} rules", lang))
    for column in ("code", "name", "severity", "family", "scope"):
        table.add_column(column)
    table.add_column(_lines("说明", "summary", lang), overflow="fold")
    for rule in rules:
        table.add_row(*(Text(cell) for cell in (
            rule.code, rule.name, rule.severity, rule.family, rule.scope,
            rule.summary_in(lang))))
    Console(width=160).print(table)


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code, "name": rule.name, "severity": rule.severity, "family": rule.family,
        "scope": rule.scope, "body": rule.body, "pack": rule.pack, "summary": rule.summary,
        "summary_zh": rule.summary_in("zh"),
        "message": {"zh": rule.message.zh, "en": rule.message.en},
        "parameters": list(rule.parameters), "needs": list(rule.needs),
        "proposes": list(rule.proposes),
        "references": list(rule.references), "aliases": list(rule.aliases),
        "source": rule.source, "doc": rule.doc,
        "doc_zh": rule.doc_in("zh") if rule.has_doc_in("zh") else None,
    }


COMMANDS: list[click.Command] = [check, rules_command]

__all__ = ["COMMANDS", "check", "rules_command"]
