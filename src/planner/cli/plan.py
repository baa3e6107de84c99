"""CLI: ``planner plan`` (assistance plans) and ``planner measures`` (the measure catalog)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from planner.atomic import atomic_open
from planner.cli.distributed import plan_on_cluster, scheduler_option
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
from planner.i18n import pick, resolve_lang, settle_lang
from planner.io import StrictError
from planner.measures import (
    GRAPH_FORMATS,
    CatalogError,
    MeasureCatalog,
    default_catalog,
    write_graph,
)
from planner.selection import Selection, split_selectors

if TYPE_CHECKING:
    from planner.io import Dataset
    from planner.parallel import Recipe
    from planner.planning import DistrictPlan, DistrictPlanner
    from planner.planning.model import HouseholdPlan

OUTPUT_FORMATS = ("text", "json", "jsonl", "csv", "xlsx")
#: Formats written household by household: without a budget or charts, plans are not kept.
STREAMED_FORMATS = ("text", "jsonl", "csv")


def _catalog(*paths: str | Path) -> MeasureCatalog:
    catalog = default_catalog()
    try:
        for path in paths:
            catalog = catalog.with_overrides(path)
    except CatalogError as exc:
        raise UsageProblem(str(exc)) from exc
    return catalog


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@click.command("plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (planner.toml or pyproject.toml).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="Reference date of facts and parameters (default: today).")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]),
              help="Date the plan starts (default: the reference date).")
@click.option("--budget", type=click.FloatRange(min=0),
              help="Budget in yuan (≥ 0) to allocate to income measures.")
@click.option("--method", type=click.Choice(["auto", "milp", "greedy"]), default="auto",
              show_default=True, help="Budget allocation method.")
@click.option("--output-format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="text",
              show_default=True)
@click.option("--output", "output", type=click.Path(dir_okay=False),
              help="Write to this file (required for xlsx).")
@click.option("--gantt", "gantt_dir", type=click.Path(file_okay=False),
              help="Write a Gantt chart per household and per village into this folder.")
@click.option("--gantt-format", type=click.Choice(["svg", "png"]), default="svg", show_default=True)
@click.option("--catalog", "--measures", "catalog_file",
              type=click.Path(exists=True, dir_okay=False),
              help="District measure file overriding the shipped catalog.")
@click.option("--select", multiple=True, help="Rules whose findings are planned for: code "
              "prefix, name or family, ALL.")
@click.option("--ignore", multiple=True, help="Rules whose findings are not planned for.")
@click.option("--waivers", "waiver_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Waiver file (.yaml or .csv): waived findings are not planned for.")
@click.option("--params", "param_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District parameter file (repeatable).")
@province_option
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Local rule file or folder (repeatable).")
@click.option("--show-names", is_flag=True,
              help="Show personal data in the plan unmasked: helpers' names and names, ID and "
                   "phone numbers in rule messages "
                   "(implied by --show-personal).")
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help="Language of messages (default: PLANNER_LANG, the configuration, the "
                   "locale, else zh).")
@rule_timeout_option
@workers_option
@reading_options
@scheduler_option
def plan_command(
    paths: tuple[str, ...], config_file: str | None, on: datetime | None, start: datetime | None,
    budget: float | None, method: str, fmt: str, output: str | None, gantt_dir: str | None,
    gantt_format: str, catalog_file: str | None, select: tuple[str, ...],
    ignore: tuple[str, ...], waiver_files: tuple[str, ...], param_files: tuple[str, ...],
    province: str | None, rule_paths: tuple[str, ...], show_names: bool, lang: str,
    input_format: str | None,
    column_map: Path | None, income_year: int | None, strict: bool, show_personal: bool,
    rule_timeout: float, workers: int | None, scheduler: str | None,
) -> None:
    """Plan assistance measures for households.

    Reads households (and villages and projects) from PATHS, checks them against the rules, and
    writes each household's plan: measures, why, start and due dates, responsible department,
    helper, cost, gain, and the projected per-capita income against the poverty line.
    Text, CSV and JSON Lines are written household by household in bounded memory unless
    --budget or --gantt needs every plan; JSON and XLSX hold every plan until the end.
    Personal data is masked unless --show-names (the plan) or --show-personal (the plan and
    input errors).

    Rules, parameters, measures, waivers, rule selection and the reference date also come from
    the configuration (planner.toml), as for ``planner check``.
    """
    from planner.planning import DistrictPlanner
    from planner.planning.dataset_pass import dataset_findings

    if fmt == "xlsx" and output is None:
        raise UsageProblem("--output-format xlsx 需要 --output FILE.xlsx",
                           "--output-format xlsx needs --output FILE.xlsx")
    cli_level = Selection(select=split_selectors(select) or None,
                          ignore=split_selectors(ignore), source="command line")
    config, run = prepare_run(
        config_file, paths, selection=cli_level, rule_paths=rule_paths, param_files=param_files,
        measure_files=[catalog_file] if catalog_file else [], waiver_files=waiver_files,
        reference_date=_day(on), rule_timeout=rule_timeout or None, province=province,
    )
    income_year = income_year if income_year is not None else config.income_year
    column_map = column_map if column_map is not None else config.column_map
    lang = resolve_lang(lang, config.lang)
    settle_lang(lang)  # the errors from here on, in the configuration's language too
    budget = budget if budget is not None else config.budget
    try:
        dataset = open_inputs(paths, fmt=input_format, column_map=column_map,
                              income_year=income_year, strict=strict, mask=not show_personal)
    except Exception as exc:  # the reader reports unreadable inputs by raising
        raise UsageProblem(str(exc)) from exc
    warn_far_reference_date(dataset, run.reference_date, income_year, lang)
    if output is not None:
        refuse_overwriting_inputs([output], [
            *dataset_files(dataset), *config.params, *param_files, *config.measures,
            *config.waivers, *waiver_files, *([catalog_file] if catalog_file else []),
            *([config.path] if config.path else [])])
    from planner.parallel import Recipe, workers_for

    recipe = Recipe(config_file, paths, run.reference_date, selection=cli_level,
                    waiver_files=waiver_files, rule_paths=rule_paths,
                    param_files=param_files, measure_files=(catalog_file,) if catalog_file else (),
                    rule_timeout=rule_timeout or None,
                    column_map=None if column_map is None else str(column_map),
                    income_year=income_year, mask=not show_personal, province=province)
    if scheduler is not None:
        outcome = plan_on_cluster(
            scheduler, output, fmt, gantt_dir, config, run, recipe, dataset,
            start=_day(start), show_names=show_names or show_personal, budget=budget,
            method=method, lang=lang, input_format=input_format)
        _plan_notices(outcome.rule_errors, outcome.skipped, outcome.district)
        return
    workers, fewer = workers_for(workers, dataset, run)
    if fewer is not None:
        click.echo("\n".join(fewer), err=True)
    try:
        # rules comparing households (duplicate ID numbers, shared phones) read every household
        # first: their findings are needs of the plans (a data correction)
        planner = DistrictPlanner(
            run=run, start=_day(start), villages=dataset.villages, projects=dataset.projects,
            show_names=show_names or show_personal, budget=budget,
            dataset_findings=dataset_findings(run, dataset.sourced()),
        )
        plans = _plans(planner, dataset, recipe, workers)
        if fmt in STREAMED_FORMATS:
            district = _write_streamed(planner, plans, fmt, output, lang, method,
                                       keep=budget is not None or gantt_dir is not None,
                                       dataset=dataset, charts=gantt_dir is not None)
        else:
            district = planner.finish(list(plans),
                                      method=method,  # type: ignore[arg-type]
                                      errors=dataset.errors)
            _write_whole(district, fmt, output)
    except StrictError as exc:
        click.echo(str(exc.error), err=True)
        click.echo(pick("已按 --strict 停止", "stopped (--strict)"), err=True)
        sys.exit(2)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc
    if gantt_dir:
        from planner.measures.drawing import cjk_font
        from planner.planning.gantt import write_gantts

        try:
            written = write_gantts(district, gantt_dir, gantt_format, lang)
        except OSError as exc:
            raise file_problem(exc, "无法写出", "cannot write") from exc
        click.echo(pick(f"已写入 {len(written)} 张甘特图：{gantt_dir}",
                        f"wrote {len(written)} Gantt charts to {gantt_dir}", lang), err=True)
        if lang == "zh" and cjk_font() is None:
            click.echo("未找到中文字体，图中使用英文标签", err=True)
    quality = district.allocation.quality() if district.allocation is not None else None
    if quality is not None:  # an approximate allocation says how far from optimal it may be
        click.echo(pick(f"预算分配 {quality[0]}", f"budget allocation {quality[1]}", lang),
                   err=True)
    failed = planner.checker.stats.rule_errors if planner.checker is not None else 0
    _plan_notices(failed, planner.checker.skipped() if planner.checker is not None else [],
                  district)


def _plan_notices(failed: int, skipped: list[Any], district: DistrictPlan) -> None:
    """Rule errors, rules skipped and input errors on standard error; then the exit code."""
    if failed:  # PLN001/PLN004 are no needs: say here that some households were not fully checked
        click.echo(pick(f"规则出错或超时 {failed} 次（PLN001/PLN004），相关户的计划可能不完整",
                        f"{failed} rule errors or timeouts (PLN001/PLN004): the plans of those"
                        " households may be incomplete"), err=True)
    for notice in skipped:  # rules not run for sources lacking their fields, once each
        click.echo(notice.message(resolve_lang()), err=True)
    for error in district.errors:
        click.echo(pick(f"输入错误：{error}", f"input error: {error}"), err=True)
    if any(error.is_file_error for error in district.errors):
        sys.exit(2)  # a file (or the rest of it) could not be read
    if district.errors:
        sys.exit(1)  # records rejected, each error listed: the rest was planned


def _plans(planner: DistrictPlanner, dataset: Dataset, recipe: Recipe,
           workers: int) -> Iterator[HouseholdPlan]:
    """Each household's plan, made in this process alone or by ``workers`` processes."""
    from planner.parallel import ParallelRun, PlanSetup

    label = pick("已规划户数", "households planned")
    if workers == 1 or planner.checker is None:
        return planner.iter_plans(with_progress(dataset.sourced(), label))
    setup = PlanSetup(tuple(planner.villages), tuple(planner.projects), planner.start,
                      planner.show_names, planner.budget, planner.dataset_findings())
    return ParallelRun(planner.checker, recipe, workers, planning=setup).plans(
        planner, dataset, lambda items: with_progress(items, label))


def _write_streamed(planner: DistrictPlanner, plans: Iterable[HouseholdPlan],
                    fmt: str,
                    output: str | None, lang: str, method: str, *, keep: bool,
                    dataset: Dataset, charts: bool = False) -> DistrictPlan:
    """Write text, CSV or JSON Lines household by household; keep the plans only when ``keep``
    (Gantt charts group them by village; a budget marks funded items after all are planned, so
    without charts only the plans the allocation may change are kept, the rest spooled)."""
    from planner.planning.export import plan_stream, write_allocated

    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with ExitStack() as stack:
        # A file appears whole once the plan is written (planner.atomic); stdout is streamed.
        out: IO[str] = sys.stdout if output is None else stack.enter_context(
            atomic_open(output, "w", encoding=encoding, newline="" if fmt == "csv" else None))
        writer = plan_stream(fmt, out, lang, mask=not planner.show_names)
        if keep and not charts:
            return write_allocated(planner, plans, writer,
                                   method=method,  # type: ignore[arg-type]
                                   errors=dataset.errors)
        if keep:
            kept = list(plans)
            district = planner.finish(kept, method=method,  # type: ignore[arg-type]
                                      errors=dataset.errors)
            for result in kept:
                writer.write(result)
        else:
            for result in plans:
                writer.write(result)
            district = planner.finish(None, errors=dataset.errors)
        writer.close(district)
    return district


def _write_whole(district: DistrictPlan, fmt: str, output: str | None) -> None:
    from planner.planning.export import write_json, write_xlsx

    if fmt == "xlsx":
        write_xlsx(district, output)  # type: ignore[arg-type]
    elif output:
        write_json(district, output)
    else:
        write_json(district, sys.stdout)


def _prerequisites(measure: Any) -> str:
    short = {"finish_to_start": "FS", "start_to_start": "SS"}
    return ", ".join(
        f"{p.measure} ({short[p.relation]}{f' +{p.lead_days}d' if p.lead_days else ''})"
        for p in measure.prerequisites
    )


@click.command("measures")
@click.option("--catalog", "catalog_file", type=click.Path(exists=True, dir_okay=False),
              help="District measure file overriding the shipped catalog.")
@click.option("--graph", "graphs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the intervention graph: FILE.dot, .mmd, .json or .svg (repeatable).")
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "json"]),
              default="text",
              show_default=True)
@lang_option
def measures_command(
    catalog_file: str | None, graphs: tuple[str, ...], fmt: str, lang: str
) -> None:
    """List the measure catalog 帮扶措施目录, or write its intervention graph (--graph)."""
    catalog = _catalog(*([catalog_file] if catalog_file else []))
    if graphs:
        for target in graphs:
            suffix = Path(target).suffix.lower().lstrip(".")
            if suffix not in (*GRAPH_FORMATS, "mermaid"):
                raise UsageProblem(f"{target}：图文件须为 .dot、.mmd、.json 或 .svg",
                                   f"{target}: graph files are .dot, .mmd, .json or .svg")
            try:
                write_graph(catalog.graph, target, lang)
            except OSError as exc:
                raise file_problem(exc, "无法写出", "cannot write") from exc
            click.echo(pick(f"已写入 {target}", f"wrote {target}", lang), err=True)
        return
    if fmt == "json":
        data = [m.model_dump(mode="json", exclude_defaults=False) for m in catalog.values()]
        click.echo(json.dumps({"measures": data}, ensure_ascii=False, indent=2))
        return
    zh = lang == "zh"
    table = Table(title="帮扶措施目录" if zh else "Measure catalog")
    for column in (("编号", "id"), ("名称", "label"), ("类别", "family"), ("对象", "for"),
                   ("前置措施", "prerequisites"), ("天数", "days"), ("成本", "cost"),
                   ("年增收", "gain"), ("责任单位", "responsible")):
        table.add_column(column[0] if zh else column[1], overflow="fold")
    for measure in catalog.values():
        table.add_row(measure.id, measure.label.text(lang), measure.family, measure.beneficiary,
                      _prerequisites(measure), str(measure.duration_days), f"{measure.unit_cost:g}",
                      f"{measure.annual_gain:g}", measure.responsible.text(lang))
    Console(width=180).print(table)


COMMANDS: list[click.Command] = [plan_command, measures_command]
