"""Findings: what a rule reports about one subject, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planner.model import Region, Waiver
from planner.source import Source
from planner.spec import RuleKind


@dataclass(slots=True)
class Finding:
    """One problem found: which rule, about whom, why (evidence), and what to do (proposes).

    ``subject`` is a household, village or project id or an area name; ``subject_kind`` says which
    (``household``, ``village``, ``project``, ``dataset``); ``member`` is a 1-based member number
    within the household when the finding concerns one person. ``waiver`` is the waiver that
    covered it (a waived finding is reported as waived, not dropped). ``personal`` holds the
    names, ID numbers and phone numbers filled into the messages, so outputs can mask them.
    ``trace`` and ``parameters`` are set by ``--explain``.

    The planner reads the typed contract, never a code, family or evidence key: ``kind`` and
    ``need`` come from the rule (:data:`planner.spec.RuleKind`), ``measure`` is the planned
    measure a mismatch finding is about (its beneficiary is ``member``) and ``refers_to`` the
    code of the finding a meta finding points at.

    ``source`` is where the subject's record was read (file, sheet, rows; ``None`` when it was
    built in code) and ``region`` the subject's region (town, village), both set by the checker.
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
    personal: tuple[str, ...] = ()
    kind: RuleKind = "need"
    need: str | None = None
    measure: str | None = None
    refers_to: str | None = None
    source: Source | None = None
    region: Region | None = None

    @property
    def waived(self) -> bool:
        """Whether a waiver in force covered this finding."""
        return self.waiver is not None

    @property
    def location(self) -> str:
        """``HH001`` or ``HH001 m2``: where the finding is, for people."""
        return self.subject if self.member is None else f"{self.subject} m{self.member}"

    @property
    def explanation(self) -> dict[str, Any] | None:
        """Conditions evaluated, values read and parameters used (``None`` without explain)."""
        if self.trace is None:
            return None
        return {
            "conditions": self.trace,
            "values": self.evidence,
            "parameters": self.parameters or {},
        }

    def message(self, language: str = "zh") -> str:
        """The message in ``zh`` (default) or ``en``."""
        return self.message_zh if language == "zh" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (waiver, explanation, region and source only when present).

        The typed contract (``kind``, ``need``, ``measure``, ``refers_to``) is not written yet:
        the recorded JSON output is pinned (issue 16 adds it).
        """
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
        explanation = self.explanation
        if explanation is not None:
            data["explanation"] = explanation
        region = region_dict(self.region)
        if region:
            data["region"] = region
        if self.source is not None:
            data["source"] = self.source.to_dict()
        return data


REGION_PARTS = ("town", "village")


def region_dict(region: Region | None) -> dict[str, str]:
    """The parts of ``region`` that place a finding within a district (town, village), those
    known only: the province, city and county are the same for a whole run."""
    if region is None:
        return {}
    return {part: value for part in REGION_PARTS if (value := getattr(region, part))}
