"""The reader fuzz job: mutated seed files through every reader, in worker processes.

    .venv/bin/python -m fuzz.run --inputs 100000          # or: bash scripts/fuzz.sh
    .venv/bin/python -m fuzz.run --replay out/fuzz/reproducers/json/RecursionError-1a2b3c4d

Each worker process runs under an address-space limit (``RLIMIT_AS``) and every input under a
time limit, so a hang or a memory blow-up is a finding, not a dead job. A finding is a crash (an
exception other than the whole-file ``FormatError``/``StrictError`` escaping the read), a count
mismatch (``read != accepted + rejected``), a hang or a dead worker; one reproducer per
signature (the smallest) is saved under ``<out>/reproducers/<reader>/``. Exit code 0 when
nothing was found, 1 on any finding, 2 when the harness itself failed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from fuzz.check import Verdict, read_fully
from fuzz.mutate import Files, make_input
from fuzz.seeds import READERS, Seed, build_seeds, load_seeds

STARTUP_SECONDS = 120.0
WALL_FACTOR = 30
"""A hang is an input that used ``--timeout`` seconds of the worker's CPU time, or that took this
many times ``--timeout`` on the clock (a deadlock burns no CPU). Judging by CPU time keeps a slow
but finite read on a machine busy with other work from being counted as a hang; the clock limit
is generous because a worker run at ``nice 19`` beside other work may get a few per cent of a
core (seen: 3.7 s of CPU in 62 s)."""
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds process ``pid`` has used; ``None`` without ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (fields 14, 15)


def input_for(seeds: dict[str, list[Seed]], run_seed: int, reader: str,
              index: int) -> tuple[Seed, Files, list[str]]:
    """Input ``index`` of ``reader``: the same files for the same run seed, in any process."""
    return make_input(seeds[reader], random.Random(f"{run_seed}:{reader}:{index}"))


def _write(folder: Path, files: Files) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _address_space() -> int:
    """Bytes of address space this process holds (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _worker(conn: Connection, seeds_folder: str, scratch: str, memory_mb: int,
            run_seed: int) -> None:
    """Read inputs until told to stop; a MemoryError or a big heap ends the process."""
    folder = Path(scratch)
    # What a dying native library prints (Rust's "memory allocation failed") goes to a log that
    # the parent quotes in the finding, not to the job's terminal.
    log = os.open(f"{scratch}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 2)
    seeds = load_seeds(Path(seeds_folder))
    # pyarrow's pools, calamine and the threads' stacks reserve over a gigabyte of address space
    # on first use and never touch most of it: each reader reads one seed before the budget,
    # what a worker may add to what it holds once warmed up, is set.
    for reader, reader_seeds in seeds.items():
        _write(folder, reader_seeds[0].files)
        read_fully(folder / reader_seeds[0].main, reader)
    start = _address_space()
    limit = start + (memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(("ready", None))
    while (task := conn.recv()) is not None:
        reader, index = task
        try:
            seed, files, _names = input_for(seeds, run_seed, reader, index)
        except MemoryError:  # the heap of earlier inputs: a fresh worker builds it again
            conn.send(("retry", None))
            return
        except Exception as exc:  # a bug of the mutators, reported apart from findings
            conn.send(("harness", f"{type(exc).__name__}: {exc}"))
            continue
        _write(folder, files)
        verdict = read_fully(folder / seed.main, reader)
        # After a big input the heap stays big and the next inputs would fail for want of
        # memory they do not need: the worker says it leaves, and a fresh one takes over.
        leaving = verdict.crash == "MemoryError" or _address_space() > start + (limit - start) // 2
        conn.send(("done", (asdict(verdict), sum(map(len, files.values())), leaving)))
        if leaving:
            return


@dataclass
class Signature:
    """One kind of finding: how often, and the smallest reproducer saved so far."""

    kind: str
    count: int = 0
    size: int = -1
    path: str = ""
    site: str = ""


@dataclass
class ReaderSummary:
    """What the inputs of one reader gave."""

    inputs: int = 0
    clean: int = 0
    refused: int = 0
    crashes: Counter[str] = field(default_factory=Counter)
    hangs: int = 0
    died: int = 0
    mismatches: int = 0
    harness_errors: list[str] = field(default_factory=list)
    signatures: dict[str, Signature] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        """Inputs that show a defect."""
        return sum(self.crashes.values()) + self.hangs + self.died + self.mismatches


class Fuzzer:
    """The worker pool, the bookkeeping of findings and the reproducers."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.out = Path(args.out)
        self.seeds_folder = self.out / "seeds"
        shutil.rmtree(self.seeds_folder, ignore_errors=True)
        build_seeds(self.seeds_folder)
        self.seeds = load_seeds(self.seeds_folder)
        shm = Path("/dev/shm")
        self.scratch = Path(tempfile.mkdtemp(prefix="planner-fuzz-",
                                             dir=shm if shm.is_dir() else None))
        self.summary = {reader: ReaderSummary() for reader in args.readers}
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["planner.io", "planner.io.parquet", "fuzz.mutate"])
        self._count = 0
        self._tasks: deque[tuple[str, int]] = deque()
        self._retried: set[tuple[str, int]] = set()

    # --- workers -------------------------------------------------------------------------------

    def _start(self) -> dict[str, Any]:
        self._count += 1
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker, daemon=True,
            args=(child, str(self.seeds_folder), str(self.scratch / f"w{self._count}"),
                  self.args.memory_mb, self.args.seed))
        process.start()
        child.close()
        return {"process": process, "conn": parent, "task": None,
                "log": self.scratch / f"w{self._count}.log",
                "deadline": time.monotonic() + STARTUP_SECONDS, "ready": False}

    def _stop(self, worker: dict[str, Any]) -> None:
        worker["process"].kill()
        worker["process"].join()
        worker["conn"].close()

    def run(self) -> int:
        """Feed every input to the workers; returns the exit code."""
        first = self.args.start
        tasks = self._tasks = deque((reader, index)
                                    for index in range(first, first + self.args.inputs)
                                    for reader in self.args.readers)
        total = len(tasks)
        workers = [self._start() for _ in range(self.args.jobs)]
        done = reported = 0
        started = time.monotonic()
        try:
            while tasks or any(w["task"] for w in workers):
                for worker in workers:
                    if worker["ready"] and worker["task"] is None and tasks:
                        worker["task"] = tasks.popleft()
                        worker["conn"].send(worker["task"])
                        worker["sent"] = time.monotonic()
                        worker["cpu"] = cpu_seconds(worker["process"].pid)
                        worker["deadline"] = worker["sent"] + self.args.timeout
                now = time.monotonic()
                wait([w["conn"] for w in workers],
                     timeout=max(0.0, min(w["deadline"] for w in workers) - now))
                for position, worker in enumerate(workers):
                    finished, replace = self._poll(worker)
                    done += finished
                    if replace:
                        self._stop(worker)
                        workers[position] = self._start()
                if self.args.progress and done >= reported + 500:
                    reported = done
                    rate = done / (time.monotonic() - started)
                    print(f"  {done}/{total} inputs, {rate:.0f}/s", file=sys.stderr, flush=True)
        finally:
            for worker in workers:
                if worker["process"].is_alive():
                    with contextlib.suppress(OSError):
                        worker["conn"].send(None)
                worker["process"].join(timeout=5)
                if worker["process"].is_alive():
                    self._stop(worker)
            shutil.rmtree(self.scratch, ignore_errors=True)
        return self.report(time.monotonic() - started)

    def _poll(self, worker: dict[str, Any]) -> tuple[int, bool]:
        """(inputs finished, worker must be replaced) for one worker after a wait."""
        conn, task = worker["conn"], worker["task"]
        try:
            if conn.poll():
                kind, payload = conn.recv()
                if kind == "ready":
                    worker["ready"] = True
                    return 0, False
                worker["task"] = None
                if kind == "retry" and task not in self._retried:
                    self._retried.add(task)
                    self._tasks.appendleft(task)
                    return 0, True
                summary = self.summary[task[0]]
                summary.inputs += 1
                if kind in ("harness", "retry"):
                    summary.harness_errors.append(f"input {task[1]}: {payload or 'MemoryError'}")
                    return 1, False
                verdict = Verdict(**payload[0])
                self._judge(task, verdict, payload[1])
                return 1, payload[2]
        except (EOFError, OSError) as exc:
            code = worker["process"].exitcode
            worker["process"].join(timeout=5)
            code = worker["process"].exitcode if code is None else code
            if task is None and worker["ready"]:
                return 0, True  # it stopped between inputs to start afresh
            if task is None:
                raise RuntimeError(f"a fuzz worker died while starting (exit code {code})") from exc
            name = signal.Signals(-code).name if code and code < 0 else f"exit code {code}"
            self.summary[task[0]].inputs += 1
            self.summary[task[0]].died += 1
            log = worker["log"].read_bytes()[-4000:].decode("utf-8", "replace") \
                if worker["log"].exists() else ""
            self._save(task, f"Died-{name}", "worker process", f"the worker died: {name}\n{log}")
            return 1, True
        now = time.monotonic()
        if now > worker["deadline"]:
            if task is None:
                raise RuntimeError("a fuzz worker did not start in time")
            limit = self.args.timeout
            used = cpu_seconds(worker["process"].pid)
            if used is not None and worker["cpu"] is not None:
                used -= worker["cpu"]
                if used < limit and now - worker["sent"] < limit * WALL_FACTOR:
                    worker["deadline"] = now + max(limit - used, 0.5)  # busy machine: wait on
                    return 0, False
            self.summary[task[0]].inputs += 1
            self.summary[task[0]].hangs += 1
            self._save(task, "Hang", f"over {limit:g} s",
                       f"no answer after {used if used is not None else limit:.1f} s of CPU time"
                       f" and {now - worker['sent']:.1f} s on the clock (limits: {limit:g} s of"
                       f" CPU, {limit * WALL_FACTOR:g} s on the clock)")
            return 1, True
        return 0, False

    # --- findings ------------------------------------------------------------------------------

    def _judge(self, task: tuple[str, int], verdict: Verdict, size: int) -> None:
        summary = self.summary[task[0]]
        if verdict.crash is not None:
            summary.crashes[verdict.crash] += 1
            self._save(task, verdict.crash, verdict.site, verdict.detail, size)
        elif verdict.mismatch is not None:
            summary.mismatches += 1
            self._save(task, "CountMismatch", "counts", verdict.mismatch, size)
        elif verdict.refused:
            summary.refused += 1
        else:
            summary.clean += 1

    def _save(self, task: tuple[str, int], kind: str, site: str, detail: str,
              size: int | None = None) -> None:
        """Count the finding; keep its input when it is the smallest of its signature (``size``
        is known unless the worker died or hung)."""
        reader, index = task
        key = f"{kind} @ {site}"
        entry = self.summary[reader].signatures.setdefault(key, Signature(kind, site=site))
        entry.count += 1
        if size is not None and 0 <= entry.size <= size:
            return
        seed, files, names = input_for(self.seeds, self.args.seed, reader, index)
        size = sum(map(len, files.values()))
        if 0 <= entry.size <= size:
            return
        slug = f"{kind}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
        folder = self.out / "reproducers" / reader / slug
        _write(folder / "input", files)
        (folder / "finding.json").write_text(json.dumps({
            "reader": reader, "signature": key, "main": seed.main, "seed_file": seed.name,
            "run_seed": self.args.seed, "input": index, "mutations": names, "bytes": size,
            "replay": f".venv/bin/python -m fuzz.run --replay {folder}",
        }, ensure_ascii=False, indent=1), encoding="utf-8")
        (folder / "detail.txt").write_text(detail, encoding="utf-8", errors="replace")
        entry.size, entry.path = size, str(folder)

    def report(self, seconds: float) -> int:
        """Print the summary per reader, write ``summary.json``; returns the exit code."""
        last = self.args.start + self.args.inputs - 1
        print(f"模糊测试完成，用时 {seconds:.0f} 秒 / fuzzing finished in {seconds:.0f} s "
              f"(run seed {self.args.seed}, inputs {self.args.start}–{last})")
        for reader, summary in self.summary.items():
            print(f"{reader}: {summary.inputs} inputs, {summary.clean} read, "
                  f"{summary.refused} refused whole, {sum(summary.crashes.values())} crashes, "
                  f"{summary.hangs} hangs, {summary.died} workers died, "
                  f"{summary.mismatches} count mismatches")
            for key, entry in sorted(summary.signatures.items(), key=lambda s: -s[1].count):
                print(f"  {entry.count:>6} × {key}\n           smallest ({entry.size} bytes): "
                      f"{entry.path}")
            for error in summary.harness_errors[:5]:
                print(f"  harness error: {error}")
        data = {reader: {"run_seed": self.args.seed, "first_input": self.args.start,
                         "inputs": s.inputs, "clean": s.clean, "refused": s.refused,
                         "crashes": dict(s.crashes), "hangs": s.hangs, "died": s.died,
                         "mismatches": s.mismatches, "harness_errors": s.harness_errors,
                         "signatures": {k: asdict(v) for k, v in s.signatures.items()}}
                for reader, s in self.summary.items()}
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "summary.json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                               encoding="utf-8")
        if any(s.harness_errors for s in self.summary.values()):
            return 2
        return 1 if any(s.findings for s in self.summary.values()) else 0


def replay(folder: Path) -> int:
    """Read a saved reproducer again in this process and print what it gives."""
    finding = json.loads((folder / "finding.json").read_text(encoding="utf-8"))
    verdict = read_fully(folder / "input" / finding["main"], finding["reader"])
    print(json.dumps({k: v for k, v in asdict(verdict).items() if k != "detail"},
                     ensure_ascii=False))
    print(verdict.detail)
    return 1 if verdict.finding else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per reader")
    parser.add_argument("--start", type=int, default=0,
                        help="index of the first input: a long job can be run in parts"
                             " (--start 0 --inputs 50000, then --start 50000 …), same inputs")
    parser.add_argument("--readers", nargs="+", choices=READERS, default=list(READERS))
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help=f"CPU seconds per input ({WALL_FACTOR}× that on the clock)")
    parser.add_argument("--memory-mb", type=int, default=1536,
                        help="address-space limit of a worker (RLIMIT_AS)")
    parser.add_argument("--seed", type=int, default=0, help="run seed: same seed, same inputs")
    parser.add_argument("--out", default="out/fuzz", help="seeds, reproducers and summary.json")
    parser.add_argument("--progress", action="store_true", help="print progress to stderr")
    parser.add_argument("--replay", type=Path, help="read one saved reproducer folder again")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz job (or replay one reproducer); returns the exit code."""
    args = parse_args(argv)
    if args.replay is not None:
        return replay(args.replay)
    # A stopped job still stops its workers and removes its scratch folder.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    return Fuzzer(args).run()


if __name__ == "__main__":
    sys.exit(main())
