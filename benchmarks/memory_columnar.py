"""Peak memory of an every-rule columnar check of typed Parquet files (a script, not a test).

Usage (from the repository root; each file is checked in a fresh process)::

    .venv/bin/python benchmarks/memory_columnar.py a.parquet b.parquet [--batch N]

For each file it prints one JSON line: findings, CPU seconds and the peak resident set size
(``ru_maxrss``) of the process that checked it, every built-in rule on the columnar backend
with typed rows left unbuilt, findings written to a JSONL file as ``planner check`` streams them.
Two files of different sizes show whether memory grows with the file (it must not, beyond
the dataset rules' arrays of about 16 bytes per ID number or phone).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def check(path: Path, batch: int | None, out: Path) -> dict[str, object]:
    """Check ``path`` in this process; what it found, cost and peaked at."""
    from planner.backends.columnar.checker import ColumnarChecker
    from planner.io import open_dataset
    from planner.io.typedparquet import unbuilt_rows
    from planner.run import Run

    run = Run.build(reference_date=date(2020, 9, 30))
    checker = ColumnarChecker(run, batch_size=batch)
    dataset = open_dataset(path)
    started = time.process_time()
    count = 0
    with unbuilt_rows(), out.open("w", encoding="utf-8") as handle:
        for finding in checker.iter_findings(dataset.sourced()):
            handle.write(json.dumps(finding.to_dict(), ensure_ascii=False, default=str) + "\n")
            count += 1
    return {"file": str(path), "batch": checker.batch_size, "findings": count,
            "cpu_s": round(time.process_time() - started, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    """Check each file in a child process and print its line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--batch", type=int, default=None,
                        help="households per batch (default: the checker's own choice)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(check(args.files[0], args.batch, args.out)))
        return
    with tempfile.TemporaryDirectory() as folder:
        for path in args.files:
            command = [sys.executable, __file__, str(path), "--child",
                       "--out", str(Path(folder) / "findings.jsonl")]
            if args.batch is not None:
                command += ["--batch", str(args.batch)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
