"""Peak memory of reading a large household file, streamed and into a list (a script, not a test).

Usage (from the repository root)::

    .venv/bin/python benchmarks/memory_io.py --households 1000000 --dir /tmp/planner-bench

It writes ``households.jsonl`` (generated households repeated with new ids, see
``benchmarks/conftest.py``) and ``households.parquet`` (written by planner from the JSONL,
streamed), then reads each in a fresh process and reports the peak resident set size
(``VmHWM``) next to the size of the process before reading. Reading everything into a list is
measured on the first ``--list-households`` households only, for contrast.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    """Peak resident set size of this process in MB.

    ``VmHWM`` from /proc on Linux (``ru_maxrss`` survives ``exec`` and would report the parent's
    peak); ``ru_maxrss`` elsewhere.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(path: Path, into_list: bool, limit: int | None) -> dict[str, float]:
    """Read ``path`` in this process; return count, seconds and peak RSS before and after."""
    from planner.io import ReadStats, read_households

    baseline = _peak_mb()
    stats = ReadStats()
    started = time.perf_counter()
    households = islice(read_households(path, stats=stats), limit)
    if into_list:
        kept = list(households)
        count = len(kept)
    else:
        count = sum(1 for _ in households)
    return {"households": count, "seconds": round(time.perf_counter() - started, 1),
            "baseline_rss_mb": round(baseline, 1), "peak_rss_mb": round(_peak_mb(), 1),
            "rejected": stats.rejected}


def _prepare(folder: Path, total: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(HERE))
    from conftest import write_jsonl  # the benchmark input builder
    from planner.io import read_households, write_households

    folder.mkdir(parents=True, exist_ok=True)
    jsonl, parquet = folder / "households.jsonl", folder / "households.parquet"
    marker = folder / "count"
    if not marker.exists() or marker.read_text() != str(total):
        started = time.perf_counter()
        write_jsonl(jsonl, total)
        print(f"wrote {jsonl} in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        write_households(read_households(jsonl), parquet)
        print(f"wrote {parquet} in {time.perf_counter() - started:.0f} s", flush=True)
        marker.write_text(str(total))
    return jsonl, parquet


def _child(path: Path, into_list: bool, limit: int | None) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", str(path)]
    if into_list:
        command.append("--into-list")
    if limit:
        command += ["--limit", str(limit)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Prepare the files, measure each way of reading, print a table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--list-households", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/planner-bench"))
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--into-list", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.into_list, args.limit)))
        return
    jsonl, parquet = _prepare(args.dir, args.households)
    results = []
    for path in (jsonl, parquet):
        for into_list, limit in ((False, None), (True, args.list_households)):
            result = {"file": path.name, "mode": "list" if into_list else "streamed",
                      **_child(path, into_list, limit)}
            results.append(result)
            print(f"{result['file']:<20} {result['mode']:<9} {result['households']:>9,} households "
                  f"{result['seconds']:>7} s  peak {result['peak_rss_mb']:>8} MB "
                  f"(before reading {result['baseline_rss_mb']} MB)", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
