"""Scoring rules against a manifest: which expected findings were found, which were not, and
which findings nobody expected (precision and recall on generated data)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planner.finding import Finding

Key = tuple[str, str, int | None]  # (subject, code, member)


def read_manifest(path: str | Path) -> set[Key]:
    """Every (subject, code, member) a manifest promises; lines for one subject are merged."""
    keys: set[Key] = set()
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                entry = json.loads(line)
                keys.update((entry["subject"], e["code"], e["member"]) for e in entry["expected"])
    return keys


def finding_keys(findings: Iterable[Finding], subjects: set[str] | None = None) -> set[Key]:
    """(subject, code, member) of unwaived findings, optionally only about ``subjects``."""
    return {
        (f.subject, f.code, f.member)
        for f in findings
        if not f.waived and (subjects is None or f.subject in subjects)
    }


@dataclass(frozen=True, slots=True)
class Score:
    """Precision and recall of findings against expectations, with the differences."""

    expected: frozenset[Key]
    found: frozenset[Key]

    @property
    def missed(self) -> frozenset[Key]:
        return self.expected - self.found

    @property
    def unexpected(self) -> frozenset[Key]:
        return self.found - self.expected

    @property
    def precision(self) -> float:
        return len(self.expected & self.found) / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return len(self.expected & self.found) / len(self.expected) if self.expected else 1.0

    def by_code(self) -> dict[str, tuple[int, int, int]]:
        """Per code: (expected, found and expected, found but unexpected)."""
        codes = sorted({k[1] for k in self.expected | self.found})
        return {
            code: (
                sum(1 for k in self.expected if k[1] == code),
                sum(1 for k in self.expected & self.found if k[1] == code),
                sum(1 for k in self.unexpected if k[1] == code),
            )
            for code in codes
        }


def score(expected: Iterable[Key], found: Iterable[Key]) -> Score:
    """Compare expected and found keys."""
    return Score(frozenset(expected), frozenset(found))
