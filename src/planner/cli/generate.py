"""CLI: ``planner generate`` — synthetic households with a known mix of injected problems."""

from __future__ import annotations

import time
from pathlib import Path

import click

from planner.cli.inputs import UsageProblem, file_problem
from planner.generate import FORMATS, GeneratorConfig, all_injectors, output_paths, write_dataset
from planner.i18n import pick


def _weights(items: tuple[str, ...]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for item in items:
        for part in item.split(","):
            code, sep, value = part.partition("=")
            if not sep or not code.strip():
                raise click.BadParameter(
                    pick(f"{part!r}：应为 代码=权重", f"{part!r}: expected CODE=WEIGHT"),
                    param_hint="--weight",
                )
            try:
                weights[code.strip().upper()] = float(value)
            except ValueError as exc:
                raise click.BadParameter(
                    pick(f"{part!r}：权重不是数字", f"{part!r}: weight is not a number"),
                    param_hint="--weight",
                ) from exc
    return weights


@click.command()
@click.option(
    "--households", "-n", type=click.IntRange(min=0), help="Number of households (required)."
)
@click.option(
    "--seed",
    "-s",
    type=int,
    default=0,
    show_default=True,
    help="Random seed; the same seed gives byte-identical output.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Household file (e.g. households.jsonl), or a folder that receives "
    "households.jsonl, villages.json, projects.json and expected.jsonl.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Household file format (default: from the file suffix, else jsonl).",
)
@click.option(
    "--problem-share",
    type=click.FloatRange(0, 1),
    default=0.1,
    show_default=True,
    help="Share of households (villages, projects, towns) given a problem.",
)
@click.option(
    "--near-share",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of the other households (villages, projects, towns) built just on the safe side "
    "of one rule's threshold (the precision corpus).",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="CODE=W[,CODE=W…]",
    help="Relative weight of a problem code (default 1; 0 turns it off). Repeatable.",
)
@click.option(
    "--year",
    type=int,
    default=2020,
    show_default=True,
    help="Income year; the reference date is 30 September of it.",
)
@click.option(
    "--villages",
    "village_count",
    type=click.IntRange(min=1),
    help="Number of villages (default: one per 250 households).",
)
@click.option(
    "--towns",
    "town_count",
    type=click.IntRange(min=1),
    help="Number of towns (default: one per 12 villages).",
)
@click.option(
    "--villages-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Villages file (file layout only; a folder gets villages.json).",
)
@click.option(
    "--projects-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Projects file (file layout only; a folder gets projects.json).",
)
@click.option("--list-problems", is_flag=True, help="List the problem codes and exit.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def generate(
    households: int | None,
    seed: int,
    out: Path | None,
    fmt: str | None,
    problem_share: float,
    near_share: float,
    weights: tuple[str, ...],
    year: int,
    village_count: int | None,
    town_count: int | None,
    villages_out: Path | None,
    projects_out: Path | None,
    list_problems: bool,
    quiet: bool,
) -> None:
    """Generate synthetic households, streamed to a file.

    Every injected problem is listed in a manifest of expected findings
    (expected.jsonl in a folder, FILE.expected.jsonl beside a file).
    """
    if list_problems:
        for code, variants in all_injectors().items():
            click.echo(f"{code}  {variants[0].kind:<9}  {' / '.join(v.summary for v in variants)}")
        return
    if households is None or out is None:
        raise click.UsageError(pick("需要 --households 和 --out",
                                    "--households and --out are required"))
    try:
        config = GeneratorConfig(
            households=households,
            seed=seed,
            year=year,
            problem_share=problem_share,
            near_share=near_share,
            weights=_weights(weights),
            villages=village_count,
            towns=town_count,
        )
        paths = output_paths(out, fmt, villages_out, projects_out)
        started = time.perf_counter()
        summary = write_dataset(config, paths)
    except FileExistsError as exc:  # --out names an existing file and has no suffix
        raise file_problem(
            exc, "无法写出", "cannot write",
            "（已有同名文件：输出到文件夹须用新名称，输出到文件须带后缀，如 .jsonl）",
            " (a file of that name exists: a folder needs a new name, a file a suffix such as"
            " .jsonl)",
        ) from exc
    except OSError as exc:  # an unwritable or impossible path
        raise file_problem(exc, "无法写出", "cannot write") from exc
    except ValueError as exc:
        raise UsageProblem(str(exc)) from exc
    if quiet:
        return
    elapsed = time.perf_counter() - started
    injected = sum(summary.problems.values())
    click.echo(
        f"已生成 {summary.households} 户（其中 {injected} 户注入问题）、{summary.villages} 个村、"
        f"{summary.projects} 个项目，用时 {elapsed:.1f} 秒 → {paths.households}"
    )
    click.echo(
        f"generated {summary.households} households ({injected} with a problem), "
        f"{summary.villages} village(s), {summary.projects} project(s) in {elapsed:.1f} s "
        f"→ {paths.households}"
    )
    if summary.near:
        near = sum(summary.near.values())
        click.echo(pick(f"临界户（应无问题）：{near}", f"near-threshold clean households: {near}"))
    if summary.near_area:
        near = sum(summary.near_area.values())
        click.echo(pick(f"临界村、项目和乡镇（应无问题）：{near}",
                        f"near-threshold clean villages, projects and towns: {near}"))
    click.echo(pick(f"预期问题清单：{paths.manifest}", f"expected findings: {paths.manifest}"))
    if summary.skipped:
        skipped = ", ".join(f"{code}×{n}" for code, n in sorted(summary.skipped.items()))
        click.echo(pick(f"未能注入：{skipped}", f"could not inject: {skipped}"))


COMMANDS: list[click.Command] = [generate]
