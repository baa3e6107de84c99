"""Every ```python and ```bash block of docs/*.md runs as written, each on its own in a new
folder holding only ``examples/`` (self-contained: a block reads only the examples and what its
earlier lines wrote). The machinery is the README's (tests/docblocks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT
from .docblocks import code_blocks, commands, fresh_checkout, run_command, run_python

BLOCKS = [
    pytest.param(page, language, code, id=f"{page.name}:{line}")
    for page in sorted((ROOT / "docs").glob("*.md"))
    for language in ("python", "bash")
    for line, code in code_blocks(page, language)
]


def test_the_docs_have_runnable_blocks() -> None:
    names = {param.values[0].name for param in BLOCKS}
    assert {"io.md", "plans.md", "report.md", "rules-guide.md", "distributed.md"} <= names


@pytest.mark.parametrize(("page", "language", "code"), BLOCKS)
def test_the_docs_block_runs_as_written(
    tmp_path: Path, page: Path, language: str, code: str
) -> None:
    folder = fresh_checkout(tmp_path)
    if language == "python":
        run_python(folder, code, page.name)
    else:
        for command in commands(code):
            run_command(folder, command)
