"""CLI: ``schema`` and ``params`` (``generate`` lives with the generator)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from planner.atomic import write_text
from planner.cli.inputs import UsageProblem, file_problem, province_option
from planner.i18n import pick
from planner.model import Household, Project, Village
from planner.output.schemas import SCHEMAS as FINDINGS_SCHEMAS
from planner.params import ParameterError, load_parameters
from planner.planning.schema import SCHEMAS as PLAN_SCHEMAS

SCHEMA_ENTITIES: dict[str, type[BaseModel]] = {
    "household": Household, "village": Village, "project": Project,
}
#: The machine outputs' schemas: check's (finding, findings) and plan's (plan, plan-item).
OUTPUT_SCHEMAS = {**FINDINGS_SCHEMAS, **PLAN_SCHEMAS}


@click.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
@click.option("--entity", type=click.Choice([*SCHEMA_ENTITIES, *OUTPUT_SCHEMAS]),
              default="household", show_default=True,
              help="The record whose schema to print: an input record, or an output: "
                   "finding (a JSON Lines line), findings (check's JSON document), plan (plan's "
                   "JSON document), plan-item (one item of a plan).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of standard output.")
def schema(indent: int, entity: str, output: Path | None) -> None:
    """Print the JSON Schema of an input record or of an output."""
    document = (OUTPUT_SCHEMAS[entity] if entity in OUTPUT_SCHEMAS
                else SCHEMA_ENTITIES[entity].model_json_schema())
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    if output is None:
        click.echo(text)
        return
    try:
        write_text(output, text + "\n")
    except OSError as exc:
        raise file_problem(exc, "无法写出", "cannot write") from exc


@click.command()
@click.option("--year", type=int, help="Show values in force at the end of this year.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="Show values in force on this date.")
@click.option("--district", "districts", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="District parameter file overriding the shipped values (repeatable).")
@province_option
@click.option("--name", "prefix", default="", help="Only parameters whose name starts with this.")
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "json"]),
              default="text",
              show_default=True)
def params(
    year: int | None, on: datetime | None, districts: tuple[str, ...], province: str | None,
    prefix: str, fmt: str,
) -> None:
    """Show the parameters in force and where each value came from.

    A series that has ended (the poverty line after 2020) shows no value, the date it ended and
    why; --province shows a province's values, with their source, over the national ones.
    """
    if on is not None:
        when = on.date()
    elif year is not None:
        when = date(year, 12, 31)
    else:
        when = date.today()
    try:
        parameters = load_parameters(*districts, province=province)
    except ParameterError as exc:
        raise UsageProblem(str(exc)) from exc
    except OSError as exc:
        raise file_problem(exc, "无法读取", "cannot read") from exc
    values = parameters.at(when)
    rows: list[dict[str, Any]] = []
    for name in parameters:
        if not name.startswith(prefix):
            continue
        dated = values.provenance(name) if name in values else None
        ended = values.ended(name)
        rows.append({
            "name": name,
            "value": None if dated is None else dated.value,
            "since": None if dated is None else dated.start.isoformat(),
            "confirmed": None if dated is None else dated.confirmed,
            "series": None if dated is None else dated.series,
            "ended": None if ended is None else ended.start.isoformat(),
            "source": dated.source if dated else ended.source if ended else None,
            "reference": (
                dated.reference if dated and dated.reference
                else ended.reference if ended is not None
                else parameters[name].reference
            ),
            "description": parameters[name].description,
        })
    if fmt == "json":
        document = {"date": when.isoformat(), "parameters": rows}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table = Table(title=pick(f"{when.isoformat()} 现行参数",
                             f"parameters in force on {when.isoformat()}"))
    for column in ("name", "value", "since", "source", "reference"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if row["ended"] is not None:
            value = pick(f"—（{row['ended']} 起终止）", f"— (ended {row['ended']})")
        elif row["value"] is None:
            value = pick("—（未生效）", "— (not in force)")
        else:
            value = str(row["value"])
        if row["confirmed"] is False:
            value += " (UNCONFIRMED)"
        table.add_row(
            row["name"], value, row["since"] or "", row["source"] or "", row["reference"] or ""
        )
    Console(width=160).print(table)


COMMANDS: list[click.Command] = [schema, params]
