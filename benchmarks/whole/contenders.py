"""The rows of the whole-process benchmark: planner's commands, the peers and the bare reads.

planner's options are detected, not assumed: ``--backend`` and ``--workers`` rows appear when
``planner check --help`` lists those options, so the same script measures every branch.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from measure import Contender

SIX = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")
SIX_GROUP = "six checks"
PEERS = Path(__file__).resolve().parent.parent / "peers"
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setup:
    """Where the data is and which interpreters run what."""

    work: Path
    households: int
    reference_date: str
    python: str
    planner: list[str]
    openfisca_python: str | None
    rows: str  # "all", or "cheap": leave out every-rule and plan rows (for 1,000,000 on a
    # shared machine)

    @property
    def jsonl(self) -> Path:
        return self.work / "households.jsonl"

    @property
    def parquet(self) -> Path:
        return self.work / "households.parquet"

    @property
    def flat(self) -> Path:
        return self.work / "flat"

    @property
    def params(self) -> Path:
        return self.work / "params.json"


def check_options(setup: Setup) -> str:
    """The text of ``planner check --help`` (to detect ``--backend`` and ``--workers``)."""
    done = subprocess.run([*setup.planner, "check", "--help"], capture_output=True, text=True,
                          check=False)
    return done.stdout


def builtin_codes(setup: Setup) -> tuple[str, ...]:
    """The codes of planner's own rules in the build measured (none when it cannot say): the
    every-rule rows select them, so that a rule pack installed beside planner (the example
    pack of the dev setup, whose Python rule makes the columnar backend build every household)
    is not timed as built-in."""
    done = subprocess.run(
        [setup.python, "-c", "from planner.rule_docs import builtin_rules\n"
         "print(','.join(rule.code for rule in builtin_rules()))"],
        capture_output=True, text=True, check=False)
    return tuple(done.stdout.strip().split(",")) if done.returncode == 0 and done.stdout.strip() \
        else ()


def _check(setup: Setup, name: str, group: str, source: Path, out: str, *extra: str,
           select: bool = True, codes: tuple[str, ...] = ()) -> Contender:
    argv = [*setup.planner, "check", "--date", setup.reference_date, "--output-format", "jsonl",
            "--output", out, "--exit-zero", *extra]
    if select:
        argv += ["--select", ",".join(SIX)]
    elif codes:
        argv += ["--select", ",".join(codes)]
    kind = "Parquet" if source.suffix == ".parquet" else "JSONL"
    return Contender(name, group, [*argv, str(source)], kind,
                     counts_from=out if select else "", ok_codes=(0,))


def contenders(setup: Setup) -> list[Contender]:
    """Every row to time, in the order of the table."""
    help_text = check_options(setup)
    backend = "--backend" in help_text
    workers = "--workers" in help_text
    python_backend = ("--backend", "python") if backend else ()
    # typed Parquet is read by workers too where this build splits it: the plain rows stay one
    # process, the "--workers 2" rows use two
    one = ("--workers", "1") if workers else ()
    rows = [
        Contender("bare Parquet read (pyarrow, planner's file)", SIX_GROUP,
                  [setup.python, str(HERE / "bare_read.py"), str(setup.parquet)], "Parquet"),
        Contender("bare Parquet read (pyarrow, the peers' typed tables)", SIX_GROUP,
                  [setup.python, str(HERE / "bare_read.py"), str(setup.flat)], "typed Parquet"),
        Contender("polars, written by hand", SIX_GROUP,
                  [setup.python, str(PEERS / "polars_six.py"), str(setup.flat),
                   str(setup.params)], "typed Parquet", counts_from="stdout"),
        Contender("plain Python loop over orjson", SIX_GROUP,
                  [setup.python, str(PEERS / "plain.py"), str(setup.jsonl), str(setup.params)],
                  "JSONL", counts_from="stdout"),
    ]
    if setup.openfisca_python:
        rows.append(Contender("OpenFisca, vectorised", SIX_GROUP,
                              [setup.openfisca_python, str(PEERS / "openfisca_six.py"),
                               str(setup.flat), str(setup.params)], "typed Parquet",
                              counts_from="stdout"))
    if backend:
        rows.append(_check(setup, "planner check, columnar", SIX_GROUP, setup.parquet,
                           "six-columnar.jsonl", "--backend", "columnar", *one))
        if workers:
            rows.append(_check(setup, "planner check, columnar, --workers 2", SIX_GROUP,
                               setup.parquet, "six-columnar-workers2.jsonl", "--backend",
                               "columnar", "--workers", "2"))
    rows += [
        _check(setup, "planner check, python", SIX_GROUP, setup.parquet, "six-python.jsonl",
               *python_backend, *one),
        _check(setup, "planner check, python", SIX_GROUP, setup.jsonl,
               "six-python-jsonl.jsonl", *python_backend),
    ]
    if workers:
        rows.append(_check(setup, "planner check, python, --workers 2", SIX_GROUP,
                           setup.parquet, "six-python-workers2.jsonl", *python_backend,
                           "--workers", "2"))
        for count in ("1", "2"):
            rows.append(_check(setup, f"planner check, python, --workers {count}", SIX_GROUP,
                               setup.jsonl, f"six-workers{count}.jsonl", *python_backend,
                               "--workers", count))
    rows += [
        Contender("planner validate", "validation", [*setup.planner, "validate",
                                                     str(setup.jsonl)], "JSONL", ok_codes=(0, 1)),
        Contender("planner validate", "validation", [*setup.planner, "validate",
                                                     str(setup.parquet)], "Parquet",
                  ok_codes=(0, 1)),
    ]
    rows.append(Contender("planner --version", "start-up", [*setup.planner, "--version"], "—"))
    # The slow rows last: a run stopped half-way has the six checks already.
    if setup.rows == "all":
        every = builtin_codes(setup)
        chosen = ("--select", ",".join(every)) if every else ()
        if backend:
            rows.append(_check(setup, "planner check, columnar", "every built-in rule",
                               setup.parquet, "all-columnar.jsonl", "--backend", "columnar",
                               select=False, codes=every))
            # From JSONL the columnar backend pays one conversion step: auto decides.
            rows.append(_check(setup, "planner check, auto", "every built-in rule",
                               setup.jsonl, "all-auto-jsonl.jsonl", "--backend", "auto",
                               select=False, codes=every))
        rows += [
            _check(setup, "planner check, python", "every built-in rule", setup.parquet,
                   "all-python.jsonl", *python_backend, select=False, codes=every),
            _check(setup, "planner check, python", "every built-in rule", setup.jsonl,
                   "all-python-jsonl.jsonl", *python_backend, select=False, codes=every),
            Contender("planner plan", "planning",
                      [*setup.planner, "plan", "--date", setup.reference_date,
                       "--output-format", "jsonl", "--output", "plans.jsonl", *chosen,
                       str(setup.parquet)], "Parquet", ok_codes=(0, 1)),
        ]
    return rows


def planner_command(python: str) -> list[str]:
    """planner run by the interpreter given (its own ``planner`` script, else ``-m``)."""
    script = Path(python).with_name("planner")
    return [str(script)] if script.exists() else [python, "-m", "planner"]


def openfisca_interpreter(candidates: list[str]) -> str | None:
    """The first interpreter that imports ``openfisca_core``, numpy and pyarrow; None if none."""
    for python in candidates:
        if not python or not Path(python).exists():
            continue
        done = subprocess.run([python, "-c", "import openfisca_core, pyarrow"],
                              capture_output=True, check=False)
        if done.returncode == 0:
            return python
    return None


def default_python() -> str:
    """This interpreter (the project's venv when run through scripts/bench.sh)."""
    return sys.executable
