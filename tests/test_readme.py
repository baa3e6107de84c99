"""The README's Python example runs and prints exactly what its comments say."""

from __future__ import annotations

from .conftest import ROOT
from .docblocks import code_blocks, run_python


def test_the_readme_example_prints_what_it_shows() -> None:
    [(_, code)] = code_blocks(ROOT / "README.md", "python")
    shown = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert run_python(ROOT, code, "README.md").splitlines() == shown
