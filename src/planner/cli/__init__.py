"""The ``planner`` command line: a thin layer over the library, one module per area."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Any

import click

from planner.cli.i18n import install, localize
from planner.extras import MissingExtra
from planner.i18n import LANGUAGES, chosen_lang, lang_in_args, pick, resolve_lang
from planner.version import __version__

install()

#: The modules of ``planner.cli`` defining commands (each a ``COMMANDS`` tuple), in help order.
MODULES = ("foundation", "facts", "generate", "io", "check", "plan", "report", "template",
           "rulecases", "monitor")

#: Which module defines each command, so that running one imports that module only (and
#: ``planner --version`` none); a command missing here is still found, by importing them all.
WHERE = {
    "schema": "foundation", "params": "foundation", "facts": "facts", "generate": "generate",
    "validate": "io", "convert": "io", "check": "check", "rules": "check", "plan": "plan",
    "measures": "plan", "report": "report", "ledger": "report", "diff": "report",
    "template": "template",
    "test": "rulecases", "monitor": "monitor",
}


def _commands(module: str) -> tuple[click.Command, ...]:
    commands: tuple[click.Command, ...] = import_module(f"planner.cli.{module}").COMMANDS
    return commands


class _LazyGroup(click.Group):
    """A group importing a command's module when the command is run or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {c.name for module in MODULES for c in _commands(module) if c.name}
        return sorted(names | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self._find(cmd_name)
        return None if found is None else localize(found, resolve_lang(), cmd_name)

    def _find(self, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        modules = (WHERE[cmd_name],) if cmd_name in WHERE else MODULES
        for module in modules:
            for command in _commands(module):
                if command.name == cmd_name:
                    return command
        return None

    def main(self, args: Sequence[str] | None = None, *extra: Any, **kwargs: Any) -> Any:
        """Run in the language of ``--lang`` (anywhere on the command line), else
        ``PLANNER_LANG``, the locale, Chinese (:func:`planner.i18n.resolve_lang`)."""
        import sys

        argv = list(sys.argv[1:] if args is None else args)
        with chosen_lang(lang_in_args(argv)):
            localize(self, resolve_lang(), "planner")
            return super().main(argv, *extra, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        # Ctrl-C is not "findings found" (1): exit 130 like any interrupted Unix command.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\n" + pick("已中断", "interrupted"), err=True)
            raise click.exceptions.Exit(130) from None
        except MissingExtra as exc:  # an optional part is not installed: exit 2, naming it
            from planner.cli.inputs import UsageProblem

            raise UsageProblem(exc.zh, exc.en) from exc


def version_line(lang: str) -> str:
    """``planner --version`` in ``lang``: ``planner 0.1.0（Python 3.11.4）`` or
    ``planner 0.1.0 (Python 3.11.4)``."""
    import platform

    python = platform.python_version()
    return pick(f"planner {__version__}（Python {python}）",
                f"planner {__version__} (Python {python})", lang)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_line(resolve_lang()))
        ctx.exit()


# click translates some help when a decorator runs (--version's): define the group in English.
with chosen_lang("en"):
    @click.group(cls=_LazyGroup,
                 context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True,
                  callback=_show_version, help="Show the version and exit.")
    @click.option("--lang", type=click.Choice(LANGUAGES), expose_value=False, is_eager=True,
                  help="Language of help and messages (default: PLANNER_LANG, the configuration, "
                       "the locale, else zh).")
    def cli() -> None:
        """planner: household findings and assistance plans.

        Check household records against the rules, plan tailored measures, and read or write
        district files (JSON, JSONL, CSV, Excel, Parquet).
        """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="planner")
