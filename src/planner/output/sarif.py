"""SARIF 2.1.0 output: rules in ``tool.driver.rules``, findings as results, waivers as suppressions.

A result's location is a *logical* location: the household (kind ``object``) or the member
within it (kind ``member``, ``household:ID/m2``). When the record was read from a file, the
location also has a *physical* location: the file (``run.artifacts`` lists each once; a relative
path is a URI reference against ``%SRCROOT%``, the directory planner ran in), the rows as
``region.startLine``/``endLine`` and the sheet, rows and layout in the location's properties.
Input errors and warnings and the rules skipped for a source
(:class:`planner.source.RuleSkipped`) are the invocation's ``toolExecutionNotifications``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from planner.finding import Finding, region_dict
from planner.fingerprints import keyed_digest
from planner.output import InputSummary, Writer
from planner.output.places import problem_text
from planner.results import CheckStats
from planner.rule import Rule
from planner.source import RuleSkipped, Source
from planner.version import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/planner-project/planner"
SRCROOT = "%SRCROOT%"
# Files whose rows are lines or sheet rows; in others (Parquet, a JSON list) a row number counts
# records, which no SARIF region can express: those rows stay in the location's properties.
ROW_FILES = frozenset({".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".xlsx", ".xlsm", ".xls",
                       ".xlsb", ".ods"})


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
            # SARIF tags are unique items: a family named like its scope (project) is one tag.
            "tags": list(dict.fromkeys((rule.family, rule.scope))),
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


def artifact_location(file: str) -> dict[str, Any]:
    """A SARIF ``artifactLocation`` of a file named as the reader was given it: a ``file://``
    URI when the path is absolute, else a relative reference against ``%SRCROOT%``; names are
    percent-encoded as UTF-8 (``监测.xlsx`` → ``%E7%9B%91%E6%B5%8B.xlsx``)."""
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": Path(path).as_uri()}
    # fsencode: a name read from disk that is not valid UTF-8 holds surrogate escapes.
    return {"uri": quote(os.fsencode(path.as_posix()), safe="/"), "uriBaseId": SRCROOT}


def physical_location(file: str, sheet: str | None = None, rows: tuple[int, ...] = (),
                      layout: str | None = None) -> dict[str, Any]:
    """A SARIF ``location`` with the ``physicalLocation`` of rows of a file (and sheet)."""
    physical: dict[str, Any] = {"artifactLocation": artifact_location(file)}
    if rows and min(rows) >= 1 and PurePath(file).suffix.lower() in ROW_FILES:
        physical["region"] = {"startLine": min(rows), "endLine": max(rows)}
    properties = {key: value for key, value in (("sheet", sheet), ("rows", list(rows)),
                                                 ("layout", layout)) if value}
    location: dict[str, Any] = {"physicalLocation": physical}
    if properties:
        location["properties"] = properties
    return location


def source_location(source: Source) -> dict[str, Any]:
    """The ``location`` of the record a finding is about (:func:`physical_location`)."""
    return physical_location(source.file, source.sheet, source.rows, source.layout)


def problem_location(problem: Any) -> dict[str, Any] | None:
    """The ``location`` of an input error or warning, ``None`` when it names no file."""
    file = getattr(problem, "file", None)
    if not file:
        return None
    row = getattr(problem, "row", None) or getattr(problem, "line", None)
    return physical_location(file, getattr(problem, "sheet", None), (row,) if row else ())


class SarifWriter(Writer):
    """A SARIF log with one run, streamed: the driver first, then results as they come, then the
    invocation and the files met (``run.artifacts``)."""

    _first = True

    def start(self) -> None:
        rules = list(self.info.rules)
        self._index = {rule.code: i for i, rule in enumerate(rules)}
        self._artifacts: dict[str, int] = {}
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
        location: dict[str, Any] = {"logicalLocations": [logical_location(finding)]}
        if finding.source is not None:
            location = {**self._indexed(source_location(finding.source)), **location}
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": LEVELS.get(finding.severity, "warning"),
            "message": {"text": finding.message(self.info.lang)},
            "locations": [location],
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
        region = region_dict(finding.region)
        if region:
            result["properties"]["region"] = region
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

    def _indexed(self, location: dict[str, Any]) -> dict[str, Any]:
        """``location`` with its artifact's index in ``run.artifacts`` (the file listed once)."""
        artifact = location["physicalLocation"]["artifactLocation"]
        key = json.dumps(artifact, sort_keys=True)
        artifact["index"] = self._artifacts.setdefault(key, len(self._artifacts))
        return location

    def _notification(self, level: str, text: str, location: dict[str, Any] | None,
                      ) -> dict[str, Any]:
        notification: dict[str, Any] = {"level": level, "message": {"text": text}}
        if location is not None:
            notification["locations"] = [self._indexed(location)]
        return notification

    def _skipped(self, skipped: RuleSkipped) -> dict[str, Any]:
        notification = self._notification(
            "note", skipped.message(self.info.lang),
            physical_location(skipped.file, skipped.sheet, (), skipped.layout))
        notification["descriptor"] = {"id": skipped.code}
        if skipped.code in self._index:
            notification["associatedRule"] = {"id": skipped.code,
                                              "index": self._index[skipped.code]}
        notification["properties"] = {"missing": list(skipped.missing),
                                      "records": skipped.records}
        return notification

    def _notifications(self, inputs: InputSummary) -> list[dict[str, Any]]:
        show, lang = self.info.show_personal, self.info.lang
        return [
            *(self._notification("error", problem_text(error, show, lang),
                                 problem_location(error))
              for error in inputs.errors),
            *(self._notification("warning", problem_text(warning, show, lang),
                                 problem_location(warning))
              for warning in inputs.warnings),
            *(self._skipped(skipped) for skipped in inputs.skipped),
        ]

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        invocation: dict[str, Any] = {
            "executionSuccessful": stats.rule_errors == 0,
            "properties": {"referenceDate": self.info.reference_date.isoformat(),
                           "inputs": list(self.info.inputs)},
        }
        notifications = self._notifications(inputs) if inputs is not None else []
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        summary: dict[str, Any] = {"checks": stats.to_dict()}
        if inputs is not None:
            summary["inputs"] = {k: v for k, v in inputs.to_dict().items() if k != "errors"}
        self.stream.write('], "invocations": [' + _dumps(invocation) + "]"
                          + self._files() + ', "properties": ' + _dumps(summary) + "}]}\n")

    def _files(self) -> str:
        """``run.artifacts`` (each file met, in the order of its index) and, when one is named
        relative to it, ``%SRCROOT%`` as the directory planner ran in; empty when none."""
        if not self._artifacts:
            return ""
        artifacts = [{"location": json.loads(key), "roles": ["analysisTarget"]}
                     for key in self._artifacts]
        text = ', "artifacts": ' + _dumps(artifacts)
        if any(a["location"].get("uriBaseId") == SRCROOT for a in artifacts):
            root = Path.cwd().as_uri()
            base = {SRCROOT: {"uri": root if root.endswith("/") else root + "/"}}
            text += ', "originalUriBaseIds": ' + _dumps(base)
        return text


def _fingerprint(finding: Finding) -> str:
    key = f"{finding.code}|{finding.subject_kind}|{finding.subject}|{finding.member or ''}"
    return keyed_digest(key, 16)  # keyed: the subject may be an ID number


__all__ = ["LEVELS", "SARIF_VERSION", "SarifWriter", "artifact_location", "logical_location",
           "physical_location", "rule_descriptor", "source_location"]
