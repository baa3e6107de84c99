"""Findings: what a rule reports about one subject, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.model import Waiver


@dataclass(slots=True)
class Finding:
    """One problem found: which rule, about whom, why (evidence), and what to do (proposes).

    ``subject`` is a household, village or project id or an area name; ``member`` is a 1-based
    member number within the household when the finding concerns one person.
    """

    code: str
    name: str
    family: str
    severity: str
    subject: str
    subject_kind: str
    message_zh: str
    message_en: str
    member: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    proposes: tuple[str, ...] = ()
    waiver: Waiver | None = None
    trace: list[dict[str, Any]] | None = None
    parameters: dict[str, Any] | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def location(self) -> str:
        """``HH001`` or ``HH001 m2``: where the finding is, for people."""
        return self.subject if self.member is None else f"{self.subject} m{self.member}"

    def message(self, language: str = "zh") -> str:
        return self.message_zh if language == "zh" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (waiver and trace only when present)."""
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": self.severity,
            "subject": self.subject,
            "subject_kind": self.subject_kind,
            "member": self.member,
            "message": {"zh": self.message_zh, "en": self.message_en},
            "evidence": self.evidence,
            "references": list(self.references),
            "proposes": list(self.proposes),
            "waived": self.waived,
        }
        if self.waiver is not None:
            data["waiver"] = self.waiver.model_dump(mode="json", exclude_none=True)
        if self.trace is not None:
            data["explanation"] = {"conditions": self.trace, "parameters": self.parameters or {}}
        return data
