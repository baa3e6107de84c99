"""Counts of a run, by finding code and severity: kept by the engine, reported by the outputs.

Apart from the engine so that the outputs report them without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.rule import SEVERITY_ORDER


@dataclass(slots=True)
class CheckStats:
    """Counts of a run; ``findings_by_code`` and ``by_severity`` count unwaived findings."""

    households: int = 0
    villages: int = 0
    projects: int = 0
    findings: int = 0
    waived: int = 0
    rule_errors: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("error", "warning", "info"), 0)
    )

    def at_or_above(self, severity: str) -> int:
        """Unwaived findings of ``severity`` or worse."""
        floor = SEVERITY_ORDER[severity]
        return sum(n for s, n in self.by_severity.items() if SEVERITY_ORDER[s] >= floor)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the counts."""
        return {
            "households": self.households,
            "villages": self.villages,
            "projects": self.projects,
            "findings": self.findings,
            "waived": self.waived,
            "rule_errors": self.rule_errors,
            "by_severity": dict(self.by_severity),
            "by_code": dict(sorted(self.findings_by_code.items())),
        }


__all__ = ["CheckStats"]
