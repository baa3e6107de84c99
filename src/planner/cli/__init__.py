"""The ``planner`` command line: a thin layer over the library, one module per area."""

from __future__ import annotations

import click

from planner import __version__
from planner.cli import check as check_commands
from planner.cli import facts as facts_commands
from planner.cli import foundation as foundation_commands
from planner.cli import generate as generate_commands
from planner.cli import io as io_commands
from planner.cli import plan as plan_commands
from planner.cli import template as template_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="planner")
def cli() -> None:
    """planner — 精准帮扶检查与规划 / household findings and assistance plans.

    Check household records against the rules, plan tailored measures, and read or write
    district files (JSON, JSONL, CSV, Excel, Parquet).
    """


for module in (
    foundation_commands, facts_commands, generate_commands, io_commands, check_commands,
    plan_commands, template_commands,
):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="planner")
