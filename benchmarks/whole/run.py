"""Whole-process benchmark: planner and its peers on the same households, one table.

Generates N households once (seeded, the generator's default problem share) as JSONL, converts
them with ``planner convert`` to Parquet (whatever layout this build writes) and lays them out
as typed tables for the vectorised peers (:mod:`flatten`), then times every row in its own
process: wall seconds and peak resident memory, best of ``--repeat`` runs. Prints a Markdown
table (ratios against planner's Python backend and against a bare Parquet read), a warning row
for any peer that flags other households than planner, and the targets of issue 11.

Run: ``scripts/bench.sh`` (or ``python benchmarks/whole/run.py --households 100000``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from contenders import (
    PEERS,
    Setup,
    contenders,
    default_python,
    openfisca_interpreter,
    planner_command,
)
from measure import best_of
from report import Row, flagged_counts, table, targets, targets_table

SEED = 7
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def prepare(setup: Setup, seed: int, problem_share: float | None, tile: int | None) -> None:
    """Write the households once per size and seed (kept for later runs in the same folder)."""
    stamp = setup.work / "data.json"
    wanted = {"households": setup.households, "seed": seed, "date": setup.reference_date,
              "problem_share": problem_share, "tile": tile}
    share = [] if problem_share is None else ["--problem-share", str(problem_share)]
    generated = setup.households if tile is None else min(tile, setup.households)
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")) == wanted:
        return
    setup.work.mkdir(parents=True, exist_ok=True)
    year = setup.reference_date[:4]
    steps = [
        [*setup.planner, "generate", "-n", str(generated), "-s", str(seed), "--year", year,
         "-o", str(setup.jsonl), "-q", *share],
        *([] if generated == setup.households else
          [[setup.python, str(Path(__file__).resolve().parent / "tile.py"), str(setup.jsonl),
            str(setup.households)]]),
        [*setup.planner, "convert", str(setup.jsonl), str(setup.parquet)],
        [setup.python, str(PEERS / "flatten.py"), str(setup.jsonl), str(setup.flat)],
        [setup.python, str(PEERS / "params.py"), setup.reference_date, str(setup.params)],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"preparing the data failed: {' '.join(step)}\n{done.stderr}")
    stamp.write_text(json.dumps(wanted), encoding="utf-8")


def replace_block(path: Path, report: str) -> None:
    """Put ``report`` between the bench markers of ``path`` (README's "Speed" section)."""
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        sys.exit(f"{path}: no {START} … {END} block to replace")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{START}\n{report.strip()}\n{END}{tail}", encoding="utf-8")


def machine() -> str:
    """Date, cores and Python of this run, for the table's caption."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{when}, {os.cpu_count()} cores, {platform.machine()}, "
            f"Python {platform.python_version()}")


def report(households: int, repeat: int, prepared: float, setup: Setup,
           rows: list[Row], note: str = "") -> str:
    """The Markdown report of the rows measured so far."""
    return "\n".join([
        f"Whole-process benchmark, {households:,} households, best of {repeat} "
        f"({machine()}; data "
        + (f"prepared in {prepared:.0f} s" if prepared >= 1 else "of an earlier run")
        + f"). {note}".rstrip(),
        "" if setup.openfisca_python else
        "OpenFisca row left out: no interpreter with openfisca-core (scripts/bench.sh makes one).",
        "",
        table(rows, households),
        "",
        targets_table(targets(rows, households), households),
        "",
    ])


def write_outputs(args: argparse.Namespace, rows: list[Row], text: str) -> None:
    """The ``--markdown`` and ``--json`` files of the rows so far."""
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([
            {"name": r.contender.name, "group": r.contender.group, "input": r.contender.input,
             "argv": r.contender.argv, "seconds": r.timing.seconds, "peak_mb": r.timing.peak_mb,
             "cpu_seconds": r.timing.cpu_seconds,
             "exit": r.timing.returncode, "counts": r.counts} for r in rows], indent=1),
            encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Prepare the data, time every row and print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per row, best kept (default: 3 below 100,000 households, "
                             "else 1)")
    parser.add_argument("--work", type=Path, default=None,
                        help="data and outputs folder (default: .bench/N under the repository)")
    parser.add_argument("--date", default="2020-09-30", help="reference date")
    parser.add_argument("--problem-share", type=float, default=None,
                        help="share of households given a problem (default: the generator's)")
    parser.add_argument("--tile", type=int, default=None,
                        help="generate this many households and repeat them with new ids up to "
                             "--households (quick for 1,000,000; the six checks are unaffected, "
                             "dataset-wide rules see the copies as duplicate people)")
    parser.add_argument("--rows", choices=("all", "cheap"), default="all",
                        help="cheap: leave out every-rule and plan rows")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="time only the rows of this name (repeatable; the table's "
                             "reference rows are there when named too)")
    parser.add_argument("--openfisca-python", default=os.environ.get("BENCH_OPENFISCA_PYTHON"),
                        help="interpreter with openfisca-core (default: this one if it can)")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument("--note", default="",
                        help="a sentence printed under the caption (e.g. how busy the machine was)")
    parser.add_argument("--readme", type=Path,
                        help=f"replace the block between {START} and {END} of this file")
    args = parser.parse_args(argv)

    root = Path(__file__).resolve().parent.parent.parent
    work = (args.work or root / ".bench" / str(args.households)).resolve()
    python = default_python()
    setup = Setup(work, args.households, args.date, python, planner_command(python),
                  openfisca_interpreter([args.openfisca_python or "",
                                         str(root / ".venv-bench" / "bin" / "python"), python]),
                  args.rows)
    repeat = args.repeat or (3 if args.households < 100_000 else 1)
    started = time.perf_counter()
    prepare(setup, SEED, args.problem_share, args.tile)
    prepared = time.perf_counter() - started

    rows: list[Row] = []
    chosen = [c for c in contenders(setup)
              if not args.only or c.name in args.only]
    for contender in chosen:
        timing = best_of(contender, work, repeat)
        rows.append(Row(contender, timing, flagged_counts(contender, timing, work)))
        print(f"  {contender.group}: {contender.name} ({contender.input}): "
              f"{timing.seconds:.2f} s, {timing.peak_mb:.0f} MB, exit {timing.returncode}",
              file=sys.stderr)
        # Written after every row, so that a run stopped half-way still leaves its numbers.
        write_outputs(args, rows, report(args.households, repeat, prepared, setup, rows,
                                                 args.note))
    final = report(args.households, repeat, prepared, setup, rows, args.note)
    print(final)
    if args.readme:
        replace_block(args.readme, final)
    failed = [r for r in rows if not r.ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
