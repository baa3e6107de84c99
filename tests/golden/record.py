"""Record the golden outputs that ``tests/test_golden.py`` compares against.

    .venv/bin/python -m tests.golden.record

Run it only when a change of findings or plans is intended, and say why in the commit: the
recorded files pin what the rules find on the example district and on 20,000 generated
households, so that a refactoring of the engine, the facts or the spec changes nothing.
"""

from __future__ import annotations

import contextlib
import gzip
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
DISTRICT = ROOT / "examples" / "district"
GENERATED = {"households": 20_000, "seed": 10, "problem_share": 0.3}
REFERENCE_DATE = "2020-09-30"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
    if result.exit_code not in (0, 1):
        raise SystemExit(f"planner {' '.join(args)} failed ({result.exit_code}):\n{result.output}")
    return result.output


def generate(folder: Path) -> Path:
    """The 20,000 generated households (with villages and projects) in ``folder``."""
    _run("generate", "-n", str(GENERATED["households"]), "-s", str(GENERATED["seed"]),
         "--problem-share", str(GENERATED["problem_share"]), "-o", str(folder), "-q")
    return folder


# Inputs are named relative to the folder the command runs in, as people type them: findings
# carry their source file as given, so the recorded outputs do not depend on the checkout's path.
def district_findings(out: Path) -> bytes:
    with contextlib.chdir(ROOT):
        _run("check", str(DISTRICT.relative_to(ROOT)), "--exit-zero", "--output-format", "jsonl",
             "--output", str(out))
    return out.read_bytes()


def district_plan(out: Path) -> bytes:
    with contextlib.chdir(ROOT):
        _run("plan", str(DISTRICT.relative_to(ROOT)), "--output-format", "jsonl", "--output",
             str(out))
    return out.read_bytes()


def generated_findings(folder: Path, out: Path) -> bytes:
    with contextlib.chdir(folder.parent):
        _run("check", folder.name, "--date", REFERENCE_DATE, "--exit-zero",
             "--output-format", "jsonl", "--output", str(out))
    return out.read_bytes()


def outputs(work: Path) -> dict[str, bytes]:
    """Every golden output, produced in ``work``; names are the recorded files' stems."""
    generated = generate(work / "generated")
    return {
        "district_findings": district_findings(work / "district.jsonl"),
        "district_plan": district_plan(work / "plan.jsonl"),
        "generated_findings": generated_findings(generated, work / "generated.jsonl"),
    }


def main_() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in outputs(Path(tmp)).items():
            target = HERE / f"{name}.jsonl.gz"
            target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            lines = data.count(b"\n")
            print(f"{target.relative_to(ROOT)}: {lines} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
