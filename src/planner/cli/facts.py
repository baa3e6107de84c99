"""CLI: ``facts``, the declared facts rules read: formulas, units and the parameters they read."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from planner.cli.i18n import lang_option
from planner.cli.inputs import UsageProblem
from planner.facts import FACTS, DeclaredFact


def fact_document(fact: DeclaredFact) -> dict[str, Any]:
    """One fact as the JSON of ``planner facts --format json``."""
    return {
        "name": fact.qualified,
        "entity": fact.entity,
        "type": fact.fact.type,
        "unit": fact.fact.unit,
        "label_zh": fact.fact.label_zh,
        "label_en": fact.fact.label_en,
        "doc": fact.fact.doc,
        "parameters": sorted(fact.parameters),
        "depends_on": list(fact.depends_on),
        "formula": fact.fact.formula,
        "helper": fact.helper,
    }


def _find(name: str) -> DeclaredFact:
    found = FACTS.facts.get(name)
    if found is None:  # a bare name is accepted when one entity has it
        matches = [f for f in FACTS.facts.values() if f.fact.name == name]
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise UsageProblem(
            f"未知的事实 {name!r}；运行 planner facts 查看全部事实",
            f"unknown fact {name!r}; run planner facts to list them",
        )
    return found


def _page(fact: DeclaredFact, lang: str) -> str:
    zh = lang == "zh"
    rows = [
        (fact.qualified, fact.fact.label_zh if zh else fact.fact.label_en),
        ("类型" if zh else "type", fact.fact.type),
        ("单位" if zh else "unit", fact.fact.unit or "—"),
        ("说明" if zh else "doc", fact.fact.doc),
        ("公式" if zh else "formula", fact.fact.formula),
        ("依赖" if zh else "depends on", ", ".join(fact.depends_on) or "—"),
        ("参数" if zh else "parameters", ", ".join(sorted(fact.parameters)) or "—"),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows)


@click.command()
@click.argument("name", required=False)
@click.option("--output-format", "--format", "fmt", type=click.Choice(["text", "json"]),
              default="text",
              show_default=True)
@lang_option
def facts(name: str | None, fmt: str, lang: str) -> None:
    """List the derived facts rules read, or document one.

    NAME is ``household.per_capita_net_income`` (or a name only one entity has).
    """
    chosen = [_find(name)] if name else list(FACTS.facts.values())
    if fmt == "json":
        documents = [fact_document(fact) for fact in chosen]
        click.echo(json.dumps(documents, ensure_ascii=False, indent=2))
        return
    if name:
        click.echo(_page(chosen[0], lang))
        return
    zh = lang == "zh"
    table = Table(title="派生事实" if zh else "derived facts")
    for column in ("name", "type", "unit", "label", "parameters"):
        table.add_column(column, overflow="fold")
    for fact in chosen:
        label = fact.fact.label_zh if zh else fact.fact.label_en
        parameters = ", ".join(sorted(fact.parameters))
        table.add_row(fact.qualified, fact.fact.type, fact.fact.unit, label, parameters)
    Console(width=160).print(table)


COMMANDS: list[click.Command] = [facts]
