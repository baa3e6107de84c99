"""CLI commands of this area (being written)."""

import click

COMMANDS: list[click.Command] = []
