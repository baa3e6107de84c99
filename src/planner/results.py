"""What a check produces, whichever backend ran it: the findings and the counts of the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.finding import Finding
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


@dataclass(slots=True)
class CheckResult:
    """Findings of a whole run plus its counts."""

    findings: list[Finding]
    stats: CheckStats

    def to_frame(self, library: str | None = None, show_personal: bool = False) -> Any:
        """The findings as a data frame, one a row (:data:`planner.frames.FINDING_COLUMNS`).

        ``library``: ``"pandas"`` or ``"polars"`` (``None``: the first installed; neither
        raises :class:`~planner.extras.MissingExtra`). Personal data in subjects, messages and
        evidence is masked unless ``show_personal``.
        """
        from planner.frames import findings_frame

        return findings_frame(self.findings, library, show_personal)

    def codes(self, subject: str | None = None) -> list[str]:
        """Sorted unwaived finding codes, optionally for one subject."""
        return sorted(
            f.code
            for f in self.findings
            if not f.waived and (subject is None or f.subject == subject)
        )

__all__ = ["CheckResult", "CheckStats"]
