"""The Markdown table of a whole-process run and the targets of issue 11, each met or missed."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from measure import Contender, Timing

MILLION = 1_000_000


@dataclass
class Row:
    """A contender and what its best run measured (``timing`` None: not run)."""

    contender: Contender
    timing: Timing
    counts: dict[str, int] | None

    @property
    def ok(self) -> bool:
        return self.timing.returncode in self.contender.ok_codes


def flagged_counts(contender: Contender, timing: Timing, cwd: Path) -> dict[str, int] | None:
    """Households flagged by each check: the peer's printed JSON, or planner's findings."""
    if not contender.counts_from or timing.returncode not in contender.ok_codes:
        return None
    if contender.counts_from == "stdout":
        printed: dict[str, int] = json.loads(timing.stdout.strip().splitlines()[-1])
        # planner lists only the codes that fired; a peer counts zeros too.
        return {code: count for code, count in printed.items() if count}
    subjects: dict[str, set[str]] = defaultdict(set)
    with (cwd / contender.counts_from).open(encoding="utf-8") as findings:
        for line in findings:
            finding = json.loads(line)
            subjects[finding["code"]].add(finding["subject"])
    return {code: len(found) for code, found in subjects.items()}


def _find(rows: list[Row], name: str, group: str, source: str | None = None) -> Row | None:
    for row in rows:
        if (row.ok and row.contender.name == name and row.contender.group == group
                and (source is None or row.contender.input == source)):
            return row
    return None


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "—"
    return f"{numerator / denominator:.1f}×" if numerator / denominator < 100 \
        else f"{numerator / denominator:.0f}×"


def table(rows: list[Row], households: int) -> str:
    """The Markdown table: seconds, peak MB, ratios and the flagged counts of every row."""
    reference = _find(rows, "planner check, python", "six checks", "Parquet")
    bare = _find(rows, "bare Parquet read (pyarrow, planner's file)", "six checks")
    ref_s = reference.timing.seconds if reference else None
    bare_s = bare.timing.seconds if bare else None
    expected = reference.counts if reference else None
    lines = [
        f"| {households:,} households | input | seconds | peak MB | CPU s "
        "| planner python ÷ this | this ÷ bare read | households flagged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    warnings = []
    group = ""
    for row in rows:
        name = row.contender.name
        if row.contender.group != group:
            group = row.contender.group
            lines.append(f"| **{group}** | | | | | | | |")
        if not row.ok:
            tail = (row.timing.stderr.strip().splitlines() or ["?"])[-1][:120]
            lines.append(f"| {name} | {row.contender.input} | failed (exit "
                         f"{row.timing.returncode}) | | | | | {tail} |")
            continue
        seconds = row.timing.seconds
        flagged = "—"
        if row.counts is not None:
            flagged = str(sum(row.counts.values()))
            if expected is not None and row.counts != expected:
                flagged += " ⚠"
                warnings.append(f"| ⚠ {name} ({row.contender.input}) flags other households "
                                f"than planner: {json.dumps(row.counts, sort_keys=True)} vs "
                                f"{json.dumps(expected, sort_keys=True)} | | | | | | | |")
        ratio_ref = _ratio(ref_s, seconds) if row.contender.group == "six checks" else "—"
        lines.append(f"| {name} | {row.contender.input} | {seconds:.2f} | "
                     f"{row.timing.peak_mb:.0f} | {row.timing.cpu_seconds:.2f} | {ratio_ref} | "
                     f"{_ratio(seconds, bare_s)} | "
                     f"{flagged} |")
    return "\n".join(lines + warnings)


@dataclass
class Target:
    """One target of issue 11 and its verdict on this run."""

    text: str
    verdict: str


def _verdict(value: float | None, limit: float, *, below: bool, unit: str) -> str:
    if value is None:
        return "not measured (option absent in this build, or row not run)"
    met = value < limit if below else value >= limit
    if met:
        return f"**met**: {value:.2f}{unit}"
    gap = value / limit if below else limit / value
    return f"**missed**: {value:.2f}{unit}, {gap:.1f}× off the target"


def targets(rows: list[Row], households: int) -> list[Target]:
    """The targets of issue 11, judged on this run (times scaled linearly to 1,000,000)."""
    scale = MILLION / households

    def seconds(name: str, group: str, source: str | None = None) -> float | None:
        row = _find(rows, name, group, source)
        return row.timing.seconds if row else None

    def per_million(value: float | None) -> float | None:
        return None if value is None else value * scale

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a / b

    six = "six checks"
    columnar = seconds("planner check, columnar", six)
    fastest_columnar = _fastest(columnar, seconds("planner check, columnar, --workers 2", six))
    every_columnar = _find(rows, "planner check, columnar", "every built-in rule", "Parquet")
    every = every_columnar or _find(rows, "planner check, python", "every built-in rule",
                                    "Parquet")
    result = [
        Target("six checks from Parquet: planner columnar ≥ 2× OpenFisca's speed",
               _verdict(ratio(seconds("OpenFisca, vectorised", six), fastest_columnar), 2.0,
                        below=False, unit="×")),
        Target("six checks from Parquet: planner columnar ≤ 3× a bare Parquet read",
               _verdict(ratio(fastest_columnar,
                              seconds("bare Parquet read (pyarrow, planner's file)", six)),
                        3.0001, below=True, unit="×")),
        Target("every built-in rule, 1M households from Parquet, < 10 s on 2 cores"
               + ("" if every_columnar else " (python backend: no columnar row)"),
               _verdict(per_million(every.timing.seconds if every else None), 10.0, below=True,
                        unit=" s per million")),
        Target("… and peak memory < 1 GB",
               _verdict(every.timing.peak_mb if every else None, 1024.0, below=True, unit=" MB")),
        Target("every built-in rule from JSONL with full validation < 60 s per million",
               _verdict(per_million(_fastest(
                   seconds("planner check, auto", "every built-in rule", "JSONL"),
                   seconds("planner check, python", "every built-in rule", "JSONL"))),
                   60.0, below=True, unit=" s per million")),
        Target("python backend, six checks from JSONL: within 10× of a plain Python loop",
               _verdict(ratio(seconds("planner check, python", six, "JSONL"),
                              seconds("plain Python loop over orjson", six)), 10.0001,
                        below=True, unit="×")),
        Target("2 workers ≥ 1.7× one worker",
               _verdict(ratio(seconds("planner check, python, --workers 1", six, "JSONL"),
                              seconds("planner check, python, --workers 2", six, "JSONL")),
                        1.7, below=False, unit="×")),
        Target("… columnar backend from typed Parquet, 2 workers ÷ one process",
               _verdict(ratio(columnar, seconds("planner check, columnar, --workers 2", six)),
                        1.7, below=False, unit="×")),
        Target("… python backend from typed Parquet, 2 workers ÷ one process",
               _verdict(ratio(seconds("planner check, python", six, "Parquet"),
                              seconds("planner check, python, --workers 2", six, "Parquet")),
                        1.7, below=False, unit="×")),
        Target("plans for 1M households < 2 minutes on 2 cores",
               _verdict(per_million(seconds("planner plan", "planning")), 120.0, below=True,
                        unit=" s per million")),
        Target("`planner --version` < 0.3 s",
               _verdict(seconds("planner --version", "start-up"), 0.3, below=True, unit=" s")),
    ]
    return result


def _fastest(*seconds: float | None) -> float | None:
    measured = [s for s in seconds if s is not None]
    return min(measured) if measured else None


def targets_table(found: list[Target], households: int) -> str:
    """The targets as a Markdown table."""
    note = "" if households == MILLION else \
        f" (times measured on {households:,} households and scaled ×{MILLION / households:g})"
    lines = [f"| target of issue 11{note} | this run |", "|---|---|"]
    lines += [f"| {target.text} | {target.verdict} |" for target in found]
    return "\n".join(lines)
