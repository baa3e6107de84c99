"""The README's command-line block runs as written on a fresh checkout: line after line, in one
new folder holding only ``examples/``, each ends with exit 0 or 1 (findings) and writes what it
names (a later line may read what an earlier one wrote, as a user's would)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

from .conftest import ROOT


def readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The command line", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [shlex.split(line, comments=True) for line in block.group(1).splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fresh")
    (folder / "examples").symlink_to(ROOT / "examples")
    return folder


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: " ".join(c[1:4]))
def test_the_readme_command_runs_as_written(fresh: Path, command: list[str]) -> None:
    assert command[0] == "planner"
    tmp_path = fresh
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, command[1:])
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    for argument in command[1:]:
        if argument.startswith("out/") and "." in Path(argument).name:
            assert (tmp_path / argument).is_file(), argument
