"""CLI: ``planner monitor ingest|status|due``, live monitoring over an event journal.

Exit codes of ``ingest``: 0 every event accepted or a duplicate, 1 events rejected (each listed,
the others ingested), 2 usage or configuration problems, or a file that could not be read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from planner.cli.i18n import lang_option
from planner.cli.inputs import UsageProblem, file_problem, prepare_run, province_option
from planner.io.errors import FormatError

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_JOURNAL = "planner-monitor.sqlite"


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _common(func: F) -> F:
    """Options every ``monitor`` command takes: the journal, the run and the output."""
    for option in reversed((
        click.option("--journal", default=DEFAULT_JOURNAL, show_default=True,
                     type=click.Path(dir_okay=False),
                     help="Event journal (SQLite)."),
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                     help="Configuration file (planner.toml or pyproject.toml)."),
        click.option("--params", "param_files", multiple=True,
                     type=click.Path(exists=True, dir_okay=False),
                     help="District parameter file (repeatable)."),
        province_option,
        click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
                     help="Reference date of the rules (default: configuration, else today)."),
        click.option("--backend", default="python", show_default=True,
                     type=click.Choice(["python", "durable"]), help="Live evaluator."),
        click.option("--output-format", default="text", show_default=True,
                     type=click.Choice(["text", "json"])),
        lang_option,
    )):
        func = option(func)
    return func


def _monitor(journal: str, config_file: str | None, param_files: tuple[str, ...],
             province: str | None, on: datetime | None, backend: str,
             inputs: tuple[str, ...] = ()) -> Any:
    return _configured(journal, config_file, param_files, province, on, backend, inputs)[1]


def _configured(journal: str, config_file: str | None, param_files: tuple[str, ...],
                province: str | None, on: datetime | None, backend: str,
                inputs: tuple[str, ...] = ()) -> tuple[Any, Any]:
    """The configuration and the monitor over ``journal``."""
    from planner.live import Monitor

    config, run = prepare_run(config_file, inputs, param_files=param_files, province=province,
                              reference_date=on.date() if on else None)
    try:
        return config, Monitor(journal, run=run, backend=backend)
    except ValueError as exc:  # the project's bilingual errors (a missing extra)
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法打开事件日志", "cannot open the event journal") from exc


def _finding_dict(finding: Any) -> dict[str, Any]:
    return {"code": finding.code, "severity": finding.severity, "subject": finding.subject,
            "member": finding.member, "message_zh": finding.message_zh,
            "message_en": finding.message_en}


def _line(finding: Any, lang: str) -> str:
    who = finding.subject if finding.member is None else f"{finding.subject} m{finding.member}"
    message = finding.message_zh if lang == "zh" else finding.message_en
    return f"{who}  {finding.code}  {message}"


@click.group()
def monitor() -> None:
    """Live monitoring over an event journal."""


@monitor.command()
@click.argument("events", type=click.Path(exists=True))
@click.option("--income-year", type=int,
              help="Year of an export's income total columns (default: configuration).")
@_common
def ingest(events: str, income_year: int | None, journal: str, config_file: str | None,
           param_files: tuple[str, ...], province: str | None, on: datetime | None,
           backend: str, output_format: str, lang: str) -> None:
    """Ingest events (JSONL, or the national export's sheets: a workbook or a folder):
    journalled, then applied."""
    from planner.live import read_change_sheet, read_events
    from planner.live.sheets import is_table_file

    config, live = _configured(journal, config_file, param_files, province, on, backend,
                               (events,))
    with live:
        try:
            if is_table_file(events):
                year = income_year if income_year is not None else config.income_year
                items = read_change_sheet(events, income_year=year,
                                          column_map=config.column_map)
            else:
                items = read_events(events)
            summary = live.ingest(items, source=events)
        except FormatError as exc:
            raise UsageProblem(str(exc)) from exc
        except OSError as exc:
            raise file_problem(exc, "无法读取", "cannot read") from exc
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        for error in summary.errors:
            click.echo(str(error), err=True)
        click.echo(_say(lang, f"接受 {summary.accepted} 条，重复 {summary.duplicate} 条，"
                              f"拒绝 {summary.rejected} 条；逾期 {len(summary.overdue)} 项",
                        f"accepted {summary.accepted}, duplicate {summary.duplicate}, "
                        f"rejected {summary.rejected}; overdue {len(summary.overdue)}"))
    if summary.rejected:
        raise click.exceptions.Exit(1)


@monitor.command()
@click.argument("household", required=False)
@_common
def status(household: str | None, journal: str, config_file: str | None,
           param_files: tuple[str, ...], province: str | None, on: datetime | None,
           backend: str, output_format: str, lang: str) -> None:
    """Counts, or one household's stage, findings and deadlines."""
    from planner.live.lifecycle import Stage
    from planner.live.monitor import stage_label

    if not Path(journal).exists():
        raise UsageProblem(f"事件日志 {journal} 不存在\nno event journal {journal}")
    with _monitor(journal, config_file, param_files, province, on, backend) as live:
        if household is None:
            counts = live.status()
            if output_format == "json":
                click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
                return
            events = counts["events"]
            click.echo(_say(lang, f"监测户 {counts['households']} 户；事件 {events['events']} 条"
                                  f"（已应用 {events['applied']}，拒绝 {events['rejected']}）；"
                                  f"未到期时限 {counts['open_deadlines']} 项",
                            f"{counts['households']} households; {events['events']} events "
                            f"({events['applied']} applied, {events['rejected']} rejected); "
                            f"{counts['open_deadlines']} open deadlines"))
            for stage, number in counts["stages"].items():
                click.echo(f"  {stage_label(Stage(stage), lang)}: {number}")
            return
        if live.state(household) is None:
            raise UsageProblem(f"日志中没有户 {household}\nno household {household} in the journal")
        findings = live.findings(household)
        deadlines = [d for d in live.journal.deadlines(household) if live.fed(d)]
        if output_format == "json":
            click.echo(json.dumps({
                "household": household, "stage": live.stage(household).value,
                "findings": [_finding_dict(f) for f in findings],
                "deadlines": [{"kind": d.kind.value, "due": d.due.isoformat(),
                               "opened_by": d.opened_by} for d in deadlines],
            }, ensure_ascii=False, indent=2))
            return
        click.echo(f"{household}  {stage_label(live.stage(household), lang)}")
        for finding in findings:
            click.echo("  " + _line(finding, lang))
        for deadline in deadlines:
            click.echo("  " + _say(lang, f"时限 {deadline.kind.value}：{deadline.due}",
                                   f"deadline {deadline.kind.value}: {deadline.due}"))


@monitor.command()
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="Day to judge the deadlines on (default: today).")
@_common
def due(as_of: datetime | None, journal: str, config_file: str | None,
        param_files: tuple[str, ...], province: str | None, on: datetime | None, backend: str,
        output_format: str, lang: str) -> None:
    """Households due for action on a date: deadlines due and overdue findings."""
    if not Path(journal).exists():
        raise UsageProblem(f"事件日志 {journal} 不存在\nno event journal {journal}")
    day = as_of.date() if as_of else date.today()
    with _monitor(journal, config_file, param_files, province, on, backend) as live:
        deadlines = live.due(day)
        overdue = live.tick(day)
    if output_format == "json":
        click.echo(json.dumps({
            "as_of": day.isoformat(),
            "due": [{"household": d.household_id, "kind": d.kind.value, "due": d.due.isoformat(),
                     "opened_by": d.opened_by} for d in deadlines],
            "overdue": [_finding_dict(f) for f in overdue]}, ensure_ascii=False, indent=2))
        return
    click.echo(_say(lang, f"截至 {day}：到期 {len(deadlines)} 项，逾期发现 {len(overdue)} 项",
                    f"as of {day}: {len(deadlines)} due, {len(overdue)} overdue findings"))
    for deadline in deadlines:
        click.echo(f"  {deadline.household_id}  {deadline.kind.value}  {deadline.due}")
    for finding in overdue:
        click.echo("  " + _line(finding, lang))


COMMANDS = (monitor,)
