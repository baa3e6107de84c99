"""``--workers``: whole processes, one worker against two (and more), JSON Lines and Parquet.

Run as a script (outside the test run; each line is a fresh ``planner check`` process)::

    python benchmarks/bench_parallel.py --households 100000 --workers 1 2

It writes the benchmark households (``conftest.write_jsonl``) as JSON Lines and as nested
Parquet, checks each with every built-in rule once per worker count, and prints the wall time,
the CPU time of the process and its workers, the peak memory of the main process, and the speed-up
against one worker. The outputs of every worker count are compared byte for byte.
Under pytest (``pytest benchmarks/bench_parallel.py``) the same comparison runs on 2,000
households as a smoke test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from conftest import write_jsonl  # noqa: E402

PLANNER = str(Path(sys.executable).parent / "planner")
DATE = "2020-09-30"


def run(inputs: Path, workers: int, out: Path) -> dict[str, float]:
    """One whole ``planner check`` process: wall seconds, CPU seconds (with its workers), peak
    resident memory of the main process in MB."""
    command = [PLANNER, "check", str(inputs), "--date", DATE, "--exit-zero",
               "--output-format", "jsonl", "--output", str(out), "--workers", str(workers)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
    # wait4 counts the process and the workers it waited for; maxrss is the largest of them
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def inputs(folder: Path, households: int) -> dict[str, Path]:
    """The same households as JSON Lines and as nested Parquet."""
    (folder / "jsonl").mkdir()
    jsonl = write_jsonl(folder / "jsonl" / "households.jsonl", households)
    parquet = folder / "parquet"
    parquet.mkdir()
    subprocess.run([PLANNER, "convert", str(jsonl), str(parquet / "households.parquet")],
                   check=True, capture_output=True)
    return {"jsonl": jsonl, "parquet": parquet / "households.parquet"}


def table(households: int, counts: list[int], folder: Path) -> list[str]:
    """Run every input with every worker count; the lines of the result table."""
    header = ("input", "workers", "wall s", "cpu s", "peak MB", "speed-up")
    lines = [f"{households:,} households, every built-in rule; one whole process per line",
             f"{header[0]:8} " + " ".join(f"{h:>8}" for h in header[1:])]
    for name, path in inputs(folder, households).items():
        first: dict[str, float] | None = None
        outputs = []
        for count in counts:
            out = folder / f"{name}-{count}.jsonl"
            result = run(path, count, out)
            outputs.append(out.read_bytes())
            first = first or result
            lines.append(f"{name:8} {count:>7} {result['wall']:>8.1f} {result['cpu']:>8.1f}"
                         f" {result['rss']:>8.0f} {first['wall'] / result['wall']:>7.2f}×")
        if any(output != outputs[0] for output in outputs):
            raise SystemExit(f"{name}: the outputs differ between worker counts")
    return lines


def bench_two_workers_give_the_same_output(tmp_path: Path) -> None:
    """Smoke test under pytest: 2,000 households, one and two workers, identical outputs."""
    print("\n".join(table(2_000, [1, 2], tmp_path)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(table(arguments.households, arguments.workers, Path(tmp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
