"""Speed of the synthetic data generator (pytest-benchmark) and the peak memory of a million.

Speed (from the repository root)::

    .venv/bin/pytest benchmarks/bench_generate.py

Generating households one at a time (streamed, each dropped once counted) is compared with
building a list of them in the same process, and with writing JSON Lines through
``write_dataset``. Peak memory needs a fresh process per run, so it is a script::

    .venv/bin/python benchmarks/bench_generate.py --households 1000000 --dir /tmp/planner-gen

which runs ``planner generate`` in a child process and reports its wall time and peak resident
set size (``resource.getrusage(RUSAGE_CHILDREN)``), then, for contrast, the peak of a process that
keeps ``--list-households`` generated households in a list.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from planner.generate import GeneratorConfig, generate_households, output_paths, write_dataset

N = 2_000


def _config(count: int, share: float = 0.1) -> GeneratorConfig:
    return GeneratorConfig(households=count, seed=1, problem_share=share)


def _streamed(count: int, share: float = 0.1) -> int:
    return sum(1 for _ in generate_households(_config(count, share)))


def _as_list(count: int) -> int:
    return len(list(generate_households(_config(count))))


def bench_generate_streamed(benchmark) -> None:
    """Households generated and dropped one at a time."""
    assert benchmark(_streamed, N) == N


def bench_generate_into_a_list(benchmark) -> None:
    """The same households kept in a list (what streaming avoids)."""
    assert benchmark(_as_list, N) == N


def bench_generate_with_many_problems(benchmark) -> None:
    """Half the households with an injected problem (injectors retry on unsuitable households)."""
    assert benchmark(_streamed, N, 0.5) == N


def bench_write_jsonl(benchmark, tmp_path: Path) -> None:
    """Generation plus compact JSON Lines output, manifest, villages and projects."""
    paths = output_paths(tmp_path / "county")
    summary = benchmark(write_dataset, _config(N), paths)
    assert summary.households == N


def _peak_mb_children() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    """Run ``planner generate`` for a large count in a child process; print time and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/planner-gen"))
    parser.add_argument(
        "--list-households",
        type=int,
        default=100_000,
        help="households kept in a list for the contrast run (0: skip)",
    )
    args = parser.parse_args()
    planner = Path(sys.executable).parent / "planner"
    started = time.perf_counter()
    subprocess.run(
        [
            str(planner),
            "generate",
            "--households",
            str(args.households),
            "--seed",
            "1",
            "--out",
            str(args.dir),
            "--quiet",
        ],
        check=True,
    )
    elapsed = time.perf_counter() - started
    size = (args.dir / "households.jsonl").stat().st_size / 2**30
    print(
        f"planner generate --households {args.households}: {elapsed:.0f} s, "
        f"peak RSS {_peak_mb_children():.0f} MB, households.jsonl {size:.2f} GiB"
    )
    if args.list_households:
        code = (
            "import resource; from planner.generate import GeneratorConfig, generate_households;"
            f"items = list(generate_households(GeneratorConfig({args.list_households}, seed=1)));"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        print(
            f"contrast: {args.list_households} households kept in a list: "
            f"peak RSS {float(done.stdout):.0f} MB"
        )


if __name__ == "__main__":
    main()
