"""One contender timed as a whole process: wall seconds and peak resident memory of that child."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Contender:
    """A command to time, the row it makes and how its flagged-household counts are read."""

    name: str
    group: str
    argv: list[str]
    input: str
    #: "stdout" (the peer prints JSON counts), a findings JSONL path, or "" (nothing to compare).
    counts_from: str = ""
    ok_codes: tuple[int, ...] = (0,)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Timing:
    """The best of a contender's runs (its peak memory is that run's)."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    #: User + system time of the process and the children it waited for: far steadier than wall
    #: time on a machine shared with other jobs.
    cpu_seconds: float = 0.0


def run_once(contender: Contender, cwd: Path) -> Timing:
    """Run ``contender`` once; the peak memory is the child's own (``wait4``), not the maximum
    over every child this process has had (``RUSAGE_CHILDREN``)."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    env = {**os.environ, **contender.env}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(contender.argv, cwd=cwd, stdout=stdout, stderr=stderr,
                                   stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Timing(seconds, usage.ru_maxrss / 1024, process.returncode,
                  out.read_text(encoding="utf-8", errors="replace"),
                  err.read_text(encoding="utf-8", errors="replace"),
                  usage.ru_utime + usage.ru_stime)


def best_of(contender: Contender, cwd: Path, repeat: int) -> Timing:
    """The fastest of ``repeat`` runs; a failed run ends the series (and is what is returned)."""
    best: Timing | None = None
    for _ in range(max(repeat, 1)):
        timing = run_once(contender, cwd)
        if timing.returncode not in contender.ok_codes:
            return timing
        if best is None or timing.seconds < best.seconds:
            best = timing
    assert best is not None
    return best
