"""The README's command-line block runs as written on a fresh checkout: line after line, in one
new folder holding only ``examples/``, each ends with exit 0 or 1 (findings) and writes what it
names (a later line may read what an earlier one wrote, as a user's would)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT
from .docblocks import code_blocks, commands, fresh_checkout, run_command


def readme_commands() -> list[list[str]]:
    [(_, block)] = code_blocks(ROOT / "README.md", "bash", after="## The command line")[:1]
    return commands(block)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_checkout(tmp_path_factory.mktemp("fresh"))


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: " ".join(c[1:4]))
def test_the_readme_command_runs_as_written(fresh: Path, command: list[str]) -> None:
    run_command(fresh, command)
