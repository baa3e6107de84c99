"""SARIF 2.1.0 output: rules in ``tool.driver.rules``, findings as results, waivers as suppressions.

Households are not files, so a result's location is a *logical* location: the household (kind
``object``) or the member within it (kind ``member``, ``household:ID/m2``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from planner.finding import Finding
from planner.output import InputSummary, Writer
from planner.results import CheckStats
from planner.rule import Rule
from planner.version import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/planner-project/planner"


def _dumps(data: Any) -> str:
    # Bare Infinity/NaN is not JSON: SARIF viewers would refuse the whole log (ValueError instead).
    return json.dumps(data, ensure_ascii=False, default=str, allow_nan=False)


def rule_descriptor(rule: Rule, lang: str = "zh") -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` for one rule, with its doc page as help."""
    sections = rule.doc_sections()
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": sections.get("What it checks") or rule.summary},
        "messageStrings": {
            "zh": {"text": rule.message.zh},
            "en": {"text": rule.message.en},
        },
        "help": {"text": rule.doc or rule.summary, "markdown": rule.doc or rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "family": rule.family,
            "scope": rule.scope,
            "tags": [rule.family, rule.scope],
            "parameters": list(rule.parameters),
            "proposes": list(rule.proposes),
            "references": list(rule.references),
        },
    }
    if rule.aliases:
        descriptor["deprecatedIds"] = list(rule.aliases)
    return descriptor


def logical_location(finding: Finding) -> dict[str, Any]:
    """Where a finding is: a household, a member of one, a village, a project or the dataset."""
    qualified = f"{finding.subject_kind}:{finding.subject}"
    if finding.member is not None:
        member = f"m{finding.member}"
        return {"name": member, "fullyQualifiedName": f"{qualified}/{member}", "kind": "member"}
    return {"name": finding.subject, "fullyQualifiedName": qualified, "kind": "object"}


class SarifWriter(Writer):
    """A SARIF log with one run, streamed: the driver first, then results as they come."""

    _first = True

    def start(self) -> None:
        rules = list(self.info.rules)
        self._index = {rule.code: i for i, rule in enumerate(rules)}
        driver = {
            "name": "planner",
            "version": __version__,
            "informationUri": INFORMATION_URI,
            "language": "zh-CN" if self.info.lang == "zh" else "en",
            "rules": [rule_descriptor(rule, self.info.lang) for rule in rules],
        }
        head = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION}
        self.stream.write(_dumps(head)[:-1] + ', "runs": [{"tool": {"driver": '
                          + _dumps(driver) + '}, "results": [')

    def result(self, finding: Finding) -> dict[str, Any]:
        """The SARIF ``result`` of one finding."""
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": LEVELS.get(finding.severity, "warning"),
            "message": {"text": finding.message(self.info.lang)},
            "locations": [{"logicalLocations": [logical_location(finding)]}],
            "partialFingerprints": {"plannerFinding/v1": _fingerprint(finding)},
            "properties": {
                "name": finding.name,
                "family": finding.family,
                "subject": finding.subject,
                "subjectKind": finding.subject_kind,
                "messageZh": finding.message_zh,
                "messageEn": finding.message_en,
                "evidence": finding.evidence,
                "proposes": list(finding.proposes),
            },
        }
        if finding.code in self._index:
            result["ruleIndex"] = self._index[finding.code]
        if finding.member is not None:
            result["properties"]["member"] = finding.member
        if finding.explanation is not None:
            result["properties"]["explanation"] = finding.explanation
        if finding.waiver is not None:
            w = finding.waiver
            result["suppressions"] = [{
                "kind": "external",
                "status": "accepted",
                "justification": w.reason,
                "properties": {"approver": w.approver, "expires": w.expires.isoformat()},
            }]
        return result

    def emit(self, finding: Finding) -> None:
        self.stream.write(("\n" if self._first else ",\n") + _dumps(self.result(finding)))
        self._first = False

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        invocation: dict[str, Any] = {
            "executionSuccessful": stats.rule_errors == 0,
            "properties": {"referenceDate": self.info.reference_date.isoformat(),
                           "inputs": list(self.info.inputs)},
        }
        notifications = [
            {"level": "error", "message": {"text": str(error)}}
            for error in (inputs.errors if inputs is not None else [])
        ]
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        summary: dict[str, Any] = {"checks": stats.to_dict()}
        if inputs is not None:
            summary["inputs"] = {k: v for k, v in inputs.to_dict().items() if k != "errors"}
        self.stream.write('], "invocations": [' + _dumps(invocation) + '], "properties": '
                          + _dumps(summary) + "}]}\n")


def _fingerprint(finding: Finding) -> str:
    key = f"{finding.code}|{finding.subject_kind}|{finding.subject}|{finding.member or ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


__all__ = ["LEVELS", "SARIF_VERSION", "SarifWriter", "logical_location", "rule_descriptor"]
