"""CLI: ``template``, a blank workbook to fill in, in planner's own layout or an export's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from planner.cli.i18n import resolved_lang
from planner.cli.inputs import UsageProblem, file_problem
from planner.i18n import pick
from planner.io.errors import FormatError
from planner.io.headerspec import template_layouts
from planner.io.template import LANGUAGES, write_template


class LayoutName(click.ParamType):
    """A layout name, checked against the layouts when used: listing them reads the export
    layout files, which a plain ``click.Choice`` would do at every start of ``planner``."""

    name = "layout"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """The names, as ``click.Choice`` shows them in the help."""
        return "[" + "|".join(template_layouts()) + "]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        """``value`` when it names a layout; a usage error (exit 2) naming them otherwise."""
        if value in template_layouts():
            return str(value)
        self.fail(f"未知的表头格式 {value!r}（可用：{'、'.join(template_layouts())}）\n"
                  f"unknown layout {value!r} (known: {', '.join(template_layouts())})",
                  param, ctx)


@click.command()
@click.option("--layout", default="households", show_default=True, type=LayoutName(),
              help="The layout of the header row: planner's own households, villages "
                   "or projects, or a shipped export layout (see --list).")
@click.option("--lang", callback=resolved_lang, type=click.Choice(LANGUAGES),
              help="Language of the header notes and, for planner's own layouts, of the "
                   "drop-down labels.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write (its folder is created).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--list", "show_list", is_flag=True, help="List the layouts and exit.")
def template(layout: str, lang: str, output: Path | None, force: bool, show_list: bool) -> None:
    """Write a blank workbook with recognised headers to fill in.

    One sheet per table of the layout; columns with a closed vocabulary get a drop-down of
    the accepted labels, dates and numbers are formatted, each header has a note saying the
    field it feeds, and the header row is frozen. A filled template reads with
    `planner validate` / `planner check` as it is.
    """
    if show_list:
        for name, title in template_layouts().items():
            click.echo(f"{name}\t{title}")
        return
    if output is None:
        raise UsageProblem("需要 -o FILE.xlsx（要写出的模板文件）",
                           "missing -o FILE.xlsx (the template file to write)")
    if output.suffix.lower() != ".xlsx":
        raise UsageProblem(f"模板只能写成 .xlsx 文件：{output}",
                           f"a template is written as an .xlsx file: {output}")
    if output.exists() and not force:
        raise UsageProblem(f"文件已存在：{output}（用 --force 覆盖）",
                           f"the file exists: {output} (pass --force to overwrite it)")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        sheets = write_template(output, layout, lang)
    except FormatError as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc
    columns = sum(len(sheet.headers) for sheet in sheets)
    click.echo(pick(f"{output}：{len(sheets)} 个工作表，{columns} 列（{layout}）",
                    f"{output}: {len(sheets)} sheet(s), {columns} columns ({layout})", lang),
               err=True)


COMMANDS: list[click.Command] = [template]
