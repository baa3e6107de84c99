"""Running the code blocks of the README and of docs/*.md as a reader would: one machinery for
both (tests/test_readme.py, tests/test_readme_commands.py, tests/test_docs_examples.py).

A block is a fenced ```python or ```bash block. Python blocks run with ``exec`` in a folder;
bash blocks are one ``planner`` command a line (a trailing ``\\`` continues a line, ``#`` starts
a comment), each run through click's runner in that folder."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner, Result

from .conftest import ROOT


def code_blocks(path: Path, language: str, after: str | None = None) -> list[tuple[int, str]]:
    """The ``language`` blocks of a Markdown file as (first code line number, code); with
    ``after``, only those following that heading text."""
    text = path.read_text(encoding="utf-8")
    offset = 0
    if after is not None:
        offset = text.index(after)
    found = []
    for match in re.finditer(rf"^```{language}\n(.*?)^```", text[offset:], flags=re.S | re.M):
        line = text[: offset + match.start()].count("\n") + 2
        found.append((line, match.group(1)))
    return found


def commands(code: str) -> list[list[str]]:
    """The commands of a bash block: one a line, ``\\`` continuing it, comments dropped."""
    joined = re.sub(r"\\\n", " ", code)
    return [shlex.split(line, comments=True) for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run the body with ``folder`` as the working directory."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(cwd)


def fresh_checkout(folder: Path) -> Path:
    """A new folder holding only ``examples/`` (a link to the project's), as on a fresh clone."""
    (folder / "examples").symlink_to(ROOT / "examples")
    return folder


def run_command(folder: Path, command: list[str]) -> Result:
    """One ``planner`` command run in ``folder``; it must end with exit 0 or 1 (findings), never
    a traceback, and write every ``out/…`` file it names."""
    from planner.cli import cli

    assert command[0] == "planner", command
    with inside(folder):
        result = CliRunner().invoke(cli, command[1:])
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    for argument in command[1:]:
        if argument.startswith("out/") and "." in Path(argument).name:
            assert (folder / argument).is_file(), argument
    return result


def run_python(folder: Path, code: str, name: str) -> str:
    """A Python block run in ``folder`` as a script of its own; what it printed."""
    out = io.StringIO()
    with inside(folder), contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), {"__name__": "docs", "__file__": str(folder / name)})
    return out.getvalue()
