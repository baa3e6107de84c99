"""One message catalogue for the user-facing texts: Chinese by default, English on request.

The English text is written in the code (click needs it, and it is the message id); the Chinese
lives in one catalogue file, ``planner/locale/zh.toml``, keyed by that English text (click's own
messages), by command and option (the CLI's help), or by rule code (rule summaries). See
``docs/i18n.md`` for how to add a command's help.

Why a TOML catalogue and not gettext ``.po``/``.mo``: the project has one target language, the
catalogue is read once per process with the standard library (:mod:`tomllib`), it needs no build
step or dev dependency (Babel) to compile, the wheel carries the file as it is, and reviewers
read one plain file. The keys are the gettext message ids click itself uses, so the file converts
to a ``.po`` mechanically should a second translation ever be wanted.

The language of a run: ``--lang`` on the command line, else the ``PLANNER_LANG`` environment
variable, else the configuration's ``lang``, else the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``: ``en_*`` gives English), else Chinese.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"
ENV_VAR = "PLANNER_LANG"

#: The language chosen on the command line for the current invocation (``--lang``), if any.
_CHOSEN: ContextVar[str | None] = ContextVar("planner_lang", default=None)


@cache
def catalogue() -> dict[str, Any]:
    """The Chinese catalogue (``planner/locale/zh.toml``), read once."""
    text = files("planner").joinpath("locale", "zh.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def locale_lang(environ: Any = None) -> str | None:
    """The language the locale asks for: ``en`` for ``en_*``, ``zh`` for ``zh_*``, else None.

    ``C`` and ``POSIX`` (the usual value on servers and in containers) ask for nothing.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else None
    return None


def resolve_lang(explicit: str | None = None, configured: str | None = None) -> str:
    """The language of this run: ``explicit`` (a ``--lang`` option), the invocation's
    ``--lang``, ``PLANNER_LANG``, ``configured`` (the configuration's ``lang``), the locale,
    else Chinese."""
    for candidate in (explicit, _CHOSEN.get(), os.environ.get(ENV_VAR, "").strip().lower(),
                      configured, locale_lang()):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANG


def lang_in_args(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` in a command line (``--lang en`` or ``--lang=en``), if any."""
    found: str | None = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found if found in LANGUAGES else None


@contextmanager
def chosen_lang(lang: str | None) -> Iterator[None]:
    """Make ``lang`` the invocation's language (None: leave it to the environment)."""
    token = _CHOSEN.set(lang)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def settle_lang(lang: str) -> None:
    """Make ``lang`` the language of the rest of this invocation: a command that has read its
    configuration's ``lang`` (:func:`resolve_lang` ``configured``) settles it so that its
    later errors and click's own labels ("错误：" / "Error:") follow. The CLI runs each
    invocation inside :func:`chosen_lang`, which restores the previous language after it."""
    _CHOSEN.set(lang)


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` (an English message id of click's) in the run's language."""
    if (lang or resolve_lang()) == "en":
        return message
    translated: str = catalogue().get("click", {}).get(message, message)
    return translated


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural form of ``singular`` in the run's language (Chinese has one form)."""
    if resolve_lang() == "en":
        return singular if n == 1 else plural
    translated: str = catalogue().get("click", {}).get(singular, singular if n == 1 else plural)
    return translated


def rule_summary(code: str, lang: str, english: str) -> str:
    """A rule's one-line summary: ``english`` (its doc page's first line) or, in Chinese,
    the catalogue's ``[rules]`` entry (falling back to the English when a pack has none)."""
    if lang == "en":
        return english
    summary: str = catalogue().get("rules", {}).get(code, english)
    return summary


def rule_doc(code: str) -> str | None:
    """The Chinese doc page of built-in rule ``code`` (the catalogue's ``[rule_docs]``), or
    None where it has not been translated yet."""
    found: str | None = catalogue().get("rule_docs", {}).get(code)
    return found.strip() if found else None


def pick(zh: str, en: str, lang: str | None = None) -> str:
    """One message given in both languages, in ``lang`` (else the run's language): the CLI
    prints the chosen line only, where a library exception's ``str`` keeps both."""
    return en if (lang or resolve_lang()) == "en" else zh


def message_of(exc: BaseException, lang: str | None = None) -> str:
    """The message of ``exc`` in ``lang`` (else the run's language): one of its ``zh`` and
    ``en`` where it carries both (:class:`planner.errors.BilingualError`, the readers' format
    errors), else ``str(exc)``."""
    zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
    if isinstance(zh, str) and isinstance(en, str):
        return pick(zh, en, lang)
    return str(exc)


def text(key: str, lang: str | None = None) -> str:
    """A planner message of the ``[messages]`` table: ``key`` is its English text."""
    if (lang or resolve_lang()) == "en":
        return key
    translated: str = catalogue().get("messages", {}).get(key, key)
    return translated


__all__ = [
    "DEFAULT_LANG", "ENV_VAR", "LANGUAGES", "catalogue", "chosen_lang", "gettext", "lang_in_args",
    "locale_lang", "message_of", "ngettext", "pick", "resolve_lang", "rule_doc", "rule_summary",
    "settle_lang", "text",
]
