"""CLI: ``validate`` (read files, report rejected records) and ``convert`` (between formats)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from planner.cli.inputs import (
    UsageProblem,
    dataset_files,
    file_problem,
    reading_options,
    refuse_overwriting_inputs,
    unexpected_input_problem,
    with_part_files,
    with_progress,
)
from planner.i18n import pick
from planner.io import (
    FORMATS,
    FormatError,
    InputError,
    ReadFailure,
    ReadStats,
    StrictError,
    open_dataset,
    read_records,
    write_records,
)
from planner.io.dataset import Dataset, is_export, kind_of
from planner.io.formats import detect_format
from planner.io.sources import HOUSEHOLD_SIDE, SourceTable

EXTENSIONS = {"json": ".json", "jsonl": ".jsonl", "csv": ".csv", "xlsx": ".xlsx",
              "parquet": ".parquet", "parquet-flat": ".parquet"}
LABELS = {"household": ("户", "households"), "village": ("行政村", "villages"),
          "project": ("项目", "projects")}


def _summary_line(kind: str, stats: ReadStats) -> str:
    zh, en = LABELS[kind]
    return pick(f"{zh}：读取 {stats.read}，接受 {stats.accepted}，拒绝 {stats.rejected}",
                f"{en}: read {stats.read}, accepted {stats.accepted}, rejected {stats.rejected}")


def _usage(exc: FormatError) -> UsageProblem:
    """Unreadable input, a bad column map or an unknown format: exit 2, not 1 (rejected)."""
    return UsageProblem(str(exc))


@contextlib.contextmanager
def _guarded(source: str | None = None, *, read_only: bool = False) -> Iterator[None]:
    """Turn what reading or writing records raises into the command's exits: ``--strict``
    stops with 1; a file problem or an unexpected error is a :class:`UsageProblem` (2), never a
    traceback. An ``OSError`` is "cannot read" when ``read_only`` or when it names ``source``
    (the input file), else "cannot write"."""
    try:
        yield
    except StrictError as exc:
        click.echo(str(exc.error), err=True)
        click.echo(pick("已按 --strict 停止", "stopped (--strict)"), err=True)
        sys.exit(1)
    except ReadFailure as exc:
        raise unexpected_input_problem(exc) from exc
    except FormatError as exc:
        raise _usage(exc) from exc
    except OSError as exc:
        reading = read_only or (source is not None and exc.filename == source)
        action = ("无法读取", "cannot read") if reading else ("无法写出", "cannot write")
        raise file_problem(exc, *action) from exc
    except Exception as exc:  # the last resort: never a traceback for input
        raise unexpected_input_problem(exc, source) from exc


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@reading_options
@click.option("--output-format", "--format", "output", type=click.Choice(["text", "json"]),
              default="text",
              show_default=True, help="Report format.")
@click.option("--max-errors", type=click.IntRange(min=0), default=100, show_default=True,
              help="Errors printed in text output (JSON lists all).")
@click.option("--warnings/--no-warnings", "show_warnings", default=True, show_default=True,
              help="Also list columns that were not read.")
def validate(paths: tuple[Path, ...], input_format: str | None, column_map: Path | None,
             income_year: int | None, strict: bool, show_personal: bool, output: str,
             max_errors: int, show_warnings: bool) -> None:
    """Read household, village and project files and report rejected records.

    Prints records read, accepted and rejected, and each error with its file, row and reason.
    Exits with 1 when anything was rejected, 2 when a file cannot be read at all.
    """
    with _guarded(read_only=True):
        dataset = open_dataset(paths, fmt=input_format, column_map=column_map, strict=strict,
                               income_year=income_year, mask=not show_personal)
        with _counted_only(dataset):
            label = pick("已读取户数", "households read")
            for _household in with_progress(dataset.households(), label):
                pass
    counts = {"household": dataset.stats, "village": dataset.village_stats,
              "project": dataset.project_stats}
    shown = {kind: stats for kind, stats in counts.items()
             if kind == "household" or stats.read or _has_files(dataset, kind)}
    tables = [*dataset.area_tables, *dataset.tables]
    if output == "json":
        report = {
            "files": [str(p) for p in (*dataset.household_files, *dataset.village_files,
                                       *dataset.project_files, *dataset.export_files)],
            **{LABELS[kind][1]: stats.to_dict() for kind, stats in shown.items()},
            "tables": [_table_dict(table) for table in tables],
            "errors": [e.to_dict() for e in dataset.errors],
            "warnings": [w.to_dict() for w in dataset.warnings],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        _print_errors(dataset.errors, max_errors)
        if show_warnings and dataset.warnings:
            click.echo(pick("提示：", "warnings:"))
            for warning in dataset.warnings:
                click.echo(str(warning))
        for table in tables:
            click.echo(_table_line(table))
        for kind, stats in shown.items():
            click.echo(_summary_line(kind, stats))
        if dataset.errors:
            click.echo(pick(f"错误 {len(dataset.errors)} 条", f"{len(dataset.errors)} errors"))
    if any(e.is_file_error for e in dataset.errors):
        sys.exit(2)  # a file, or the rest of one, was not read: not "records rejected"
    if dataset.errors or dataset.rejected:
        sys.exit(1)


def _counted_only(dataset: Dataset) -> contextlib.AbstractContextManager[None]:
    """Typed Parquet households left unbuilt: ``validate`` counts the rows the column checks
    pass and gives the model only the others. Not with export files, whose work rows are joined
    to the households read."""
    if dataset.export_files or not any(
            _is_parquet(path, dataset.fmt) for path in dataset.household_files):
        return contextlib.nullcontext()
    from planner.io.typedparquet import unbuilt_rows

    return unbuilt_rows()


def _is_parquet(path: Path, fmt: str | None) -> bool:
    try:
        return detect_format(path, fmt) == "parquet"
    except FormatError:
        return False  # reported when the file is read


def _table_dict(table: SourceTable) -> dict[str, Any]:
    return {"file": table.file, "sheet": table.sheet, "kind": table.kind,
            "layout": table.layout, **table.stats.to_dict()}


def _table_line(table: SourceTable) -> str:
    """``监测对象信息.xlsx [sheet]（monitoring_2023_members）：读取 35 …`` for one sheet read."""
    where = table.file if table.sheet is None else f"{table.file} [{table.sheet}]"
    stats = table.stats
    layout = table.layout or pick("按文件名读取", "read by its name")
    return pick(f"{where}（{layout}）：读取 {stats.read} 条，接受 {stats.accepted} 条，拒绝 "
                f"{stats.rejected} 条",
                f"{where} ({layout}): read {stats.read}, accepted {stats.accepted}, rejected "
                f"{stats.rejected}")


def _has_files(dataset: Any, kind: str) -> bool:
    return bool(dataset.village_files if kind == "village" else dataset.project_files)


def _print_errors(errors: list[InputError], limit: int) -> None:
    for error in errors[:limit]:
        click.echo(str(error))
    if len(errors) > limit:
        more = len(errors) - limit
        click.echo(pick(f"……另有 {more} 条错误未显示（--max-errors 或 --format json）",
                        f"… {more} more errors not shown (--max-errors or --format json)"))


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@reading_options
@click.option("--to", "to_fmt", type=click.Choice(FORMATS),
              help="Output format (default: from TARGET's extension; needed for a folder).")
def convert(sources: tuple[Path, ...], target: Path, input_format: str | None,
            column_map: Path | None, income_year: int | None, strict: bool, show_personal: bool,
            to_fmt: str | None) -> None:
    """Convert household (village, project) files between formats.

    SOURCES and TARGET are files, or folders (a district folder is converted file by file into
    TARGET, which needs --to). National export files (several, or a folder of them; any names,
    recognised by their headers) are written as planner's own files into the folder TARGET:
    households with their work records joined, villages. Rejected records are reported and left
    out; exits with 1 then, and with 2 when a file cannot be read or written at all.
    """
    source = sources[0]
    jobs: list[tuple[str, Path, Path]] = []
    if len(sources) > 1 or source.is_dir() or is_export(source, input_format):
        one_file = _file_target(target, to_fmt) if len(sources) == 1 and not source.is_dir() \
            else None
        dataset, fmt = _open(sources, one_file or to_fmt, input_format, column_map, income_year,
                             strict, show_personal)
        if len(sources) > 1 or dataset.export_files:
            _convert_dataset(dataset, target, fmt, one_file is not None)
            return
        try:  # a folder of planner's own files: converted file by file
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_problem(exc, "无法写出", "cannot write") from exc
        for kind, files in (("household", dataset.household_files),
                            ("village", dataset.village_files), ("project", dataset.project_files)):
            for path in files:
                jobs.append((kind, path, target / f"{LABELS[kind][1]}{EXTENSIONS[fmt]}"))
        inputs = dataset_files(dataset)
    else:
        if to_fmt is None:
            try:
                detect_format(target)
            except FormatError as exc:
                raise UsageProblem(
                    f"无法从扩展名判断输出文件 {target} 的格式，请用 --to 指定"
                    f"（可用：{'、'.join(FORMATS)}）",
                    f"cannot tell the format of {target} from its extension; pass --to "
                    f"({', '.join(FORMATS)})",
                ) from exc
        jobs.append((kind_of(source), source, target))
        inputs = with_part_files([source])
    # Part files of a flat output (households.income.csv …) are written or removed too.
    refuse_overwriting_inputs(with_part_files(out for _kind, _path, out in jobs), inputs)
    failed = unreadable = False
    for kind, path, out in jobs:
        errors: list[InputError] = []
        stats = ReadStats()
        with _guarded(str(path)):
            records = read_records(kind, path, fmt=input_format, column_map=column_map,
                                   strict=strict, errors=errors, stats=stats,
                                   income_year=income_year,
                                   mask=not show_personal, warnings=[])
            written = write_records(kind, records, out, fmt=to_fmt)
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(pick(f"{path} → {out}：写出 {written}", f"{path} → {out}: wrote {written}"),
                   err=True)
        click.echo(_summary_line(kind, stats), err=True)
        failed = failed or bool(errors or stats.rejected)
        unreadable = unreadable or any(e.is_file_error for e in errors)
    if unreadable:
        sys.exit(2)
    if failed:
        sys.exit(1)


def _open(sources: tuple[Path, ...], to_fmt: str | None, input_format: str | None,
          column_map: Path | None, income_year: int | None, strict: bool,
          show_personal: bool) -> tuple[Dataset, str]:
    """The dataset of several sources or a folder, converted into a folder: --to is needed."""
    if to_fmt is None:
        raise click.UsageError(pick(
            "转换目录、多个文件或导出文件需要 --to，输出为文件夹",
            "converting a folder, several files or export files needs --to; the output is a "
            "folder"))
    try:
        dataset = open_dataset(sources, fmt=input_format, column_map=column_map, strict=strict,
                               income_year=income_year, mask=not show_personal)
    except FormatError as exc:
        raise _usage(exc) from exc
    return dataset, to_fmt


def _file_target(target: Path, to_fmt: str | None) -> str | None:
    """The format of ``target`` when it names one file (it has an extension), else None."""
    if target.is_dir() or not target.suffix:
        return None
    try:
        return detect_format(target, to_fmt)
    except FormatError:
        return None


def _kinds_read(dataset: Dataset) -> list[str]:
    kinds = dataset.export_kinds.values()
    present = {"household": bool(dataset.household_files) or any(k & HOUSEHOLD_SIDE for k in kinds),
               "village": bool(dataset.village_files) or any("village" in k for k in kinds),
               "project": bool(dataset.project_files)}
    return [kind for kind, found in present.items() if found]


def _convert_dataset(dataset: Dataset, target: Path, to_fmt: str, one_file: bool) -> None:
    """Several files or export files, read as one dataset and written kind by kind into the
    folder ``target`` (``households.<ext>``, ``villages.<ext>``, ``projects.<ext>``), or into
    the file ``target`` when they hold one kind of record."""
    kinds = _kinds_read(dataset)
    if one_file and len(kinds) > 1:
        raise click.UsageError(pick(
            "输入含有多种记录（户、行政村……），请给出输出文件夹和 --to",
            "the inputs hold several kinds of record (households, villages …); give an output "
            "folder and --to"))
    if not one_file:
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise file_problem(exc, "无法写出", "cannot write") from exc
    records: dict[str, Any] = {"household": dataset.households(), "village": dataset.villages,
                               "project": dataset.projects}
    outputs = {kind: target if one_file else target / f"{LABELS[kind][1]}{EXTENSIONS[to_fmt]}"
               for kind in kinds}
    refuse_overwriting_inputs(with_part_files(outputs.values()), dataset_files(dataset))
    counts = {"household": lambda: dataset.stats, "village": lambda: dataset.village_stats,
              "project": lambda: dataset.project_stats}
    for kind, out in outputs.items():
        with _guarded():
            written = write_records(kind, records[kind], out, fmt=to_fmt)
        click.echo(pick(f"→ {out}：写出 {written}", f"→ {out}: wrote {written}"), err=True)
        click.echo(_summary_line(kind, counts[kind]()), err=True)
    for error in dataset.errors:
        click.echo(str(error), err=True)
    if any(e.is_file_error for e in dataset.errors):
        sys.exit(2)
    if dataset.errors or dataset.rejected:
        sys.exit(1)


COMMANDS: list[click.Command] = [validate, convert]
