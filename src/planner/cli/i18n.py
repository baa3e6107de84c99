"""The CLI's help and click's own messages in the run's language (see :mod:`planner.i18n`).

click asks :func:`gettext.gettext` for every text it prints itself ("Usage:", "Error: …",
"No such option …", "Show this message and exit."); :func:`install` points those calls at the
catalogue. Help texts are written in English in the code; :func:`localize` swaps a command's
help and its options' help for the catalogue's Chinese (``[commands]`` by command path,
``[options]`` by the English help text) before click renders them, and back for English.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click

from planner.i18n import LANGUAGES, catalogue, gettext, ngettext, resolve_lang

#: click modules that bind ``_ = gettext.gettext`` (and ``ngettext``) at import time.
_CLICK_MODULES = ("core", "exceptions", "formatting", "types", "parser", "decorators",
                  "termui", "utils")
_ORIGINAL = "_planner_en"


def install() -> None:
    """Route click's own messages through the catalogue (idempotent)."""
    for name in _CLICK_MODULES:
        module = import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _english(thing: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    original: dict[str, Any] | None = getattr(thing, _ORIGINAL, None)
    if original is None:
        original = {field: getattr(thing, field) for field in fields}
        setattr(thing, _ORIGINAL, original)
    return original


def command_help(path: str) -> str | None:
    """The Chinese help of the command at ``path`` (``check``, ``ledger import``; the group
    itself is ``planner``), or None."""
    found: str | None = catalogue().get("commands", {}).get(path)
    return found


def option_help(english: str) -> str | None:
    """The Chinese of an option's English help text, or None."""
    found: str | None = catalogue().get("options", {}).get(english)
    return found


def localize(command: click.Command, lang: str, path: str) -> click.Command:
    """Give ``command`` (and its subcommands) the help texts of ``lang``; returns it.

    A text without a Chinese entry stays English (``tests/test_i18n.py`` lists them).
    """
    original = _english(command, ("help", "short_help"))
    zh_help = command_help(path) if lang == "zh" else None
    command.help = zh_help or original["help"]
    command.short_help = original["short_help"]
    if hasattr(command, "_help_option"):
        command._help_option = None  # click keeps --help's text once made: make it again
    for param in command.params:
        if isinstance(param, click.Option):
            english = _english(param, ("help",))["help"]
            param.help = (option_help(english) if lang == "zh" and english else None) or english
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            localize(sub, lang, name if path == "planner" else f"{path} {name}")
    return command




def resolved_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """Option callback: the ``--lang`` given, else the run's language
    (:func:`planner.i18n.resolve_lang`)."""
    return resolve_lang(value)


#: ``--lang`` of a command without configuration: the value given, else ``PLANNER_LANG``, the
#: locale, Chinese (the command receives ``zh`` or ``en``).
lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), callback=resolved_lang,
    help="Language of messages (default: PLANNER_LANG, else the locale, else zh).")


__all__ = ["command_help", "install", "lang_option", "localize", "option_help", "resolved_lang"]
