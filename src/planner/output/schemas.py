"""JSON Schemas of planner's machine outputs, versioned: what an integrating tool may rely on.

``finding`` is one finding (a line of ``--output-format jsonl``, an item of the JSON document's
``findings``); ``findings`` is the JSON document of ``planner check --output-format json``, which
names its format and version in ``format`` (:data:`FINDINGS_FORMAT`). A key is never removed or
changes meaning within a version; a new optional key may be added (the schemas allow no other key,
so a test notices an addition and the version is raised with it). ``planner schema --entity
finding|findings`` prints them.
"""

from __future__ import annotations

from typing import Any

FINDINGS_FORMAT = {"name": "planner.findings", "version": 1}

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_TEXT = {"type": "string"}
_BILINGUAL = {"type": "object", "required": ["zh", "en"], "additionalProperties": False,
              "properties": {"zh": _TEXT, "en": _TEXT}}
_CODE = {"type": "string", "pattern": "^[A-Z][A-Z0-9]*[0-9]{3}$"}

FINDING: dict[str, Any] = {
    "title": "planner finding",
    "description": "One finding: a rule's verdict on a household, member, village, project, "
                   "town or the dataset 一条问题",
    "type": "object",
    "required": ["code", "name", "family", "severity", "subject", "subject_kind", "member",
                 "message", "evidence", "references", "proposes", "waived"],
    "additionalProperties": False,
    "properties": {
        "code": {**_CODE, "description": "Stable rule code (INC002, HOU001, DQ001…)"},
        "name": _TEXT,
        "family": _TEXT,
        "severity": {"enum": ["error", "warning", "info"]},
        "subject": {**_TEXT, "description": "Household, village or project id, or an area"},
        "subject_kind": _TEXT,
        "member": {"type": ["integer", "null"], "minimum": 1,
                   "description": "1-based member number for a member's finding"},
        "message": _BILINGUAL,
        "evidence": {"type": "object", "description": "Values the rule read (masked unless "
                                                      "--show-personal)"},
        "references": {"type": "array", "items": _TEXT},
        "proposes": {"type": "array", "items": _TEXT,
                     "description": "Catalog measure ids that address the finding"},
        "waived": {"type": "boolean"},
        "waiver": {"type": "object", "required": ["code", "reason", "approver", "expires"],
                   "properties": {"code": _TEXT, "reason": _TEXT, "approver": _TEXT,
                                  "expires": {"type": "string", "format": "date"},
                                  "member": {"type": "integer", "minimum": 1}}},
        "explanation": {"type": "object", "description": "With --explain: conditions, values "
                                                         "and parameters"},
        "region": {"type": "object", "additionalProperties": False,
                   "properties": {"town": _TEXT, "village": _TEXT}},
        "source": {"type": "object", "required": ["file", "rows"],
                   "properties": {"file": _TEXT, "sheet": {"type": ["string", "null"]},
                                  "rows": {"type": "array", "items": {"type": "integer"}},
                                  "layout": {"type": ["string", "null"]}}},
    },
}

_COUNT = {"type": "integer", "minimum": 0}

FINDINGS: dict[str, Any] = {
    "$schema": _DRAFT,
    "title": "planner check --output-format json",
    "type": "object",
    "required": ["format", "tool", "reference_date", "inputs", "findings", "summary"],
    "additionalProperties": False,
    "properties": {
        "format": {"type": "object", "required": ["name", "version"],
                   "properties": {"name": {"const": FINDINGS_FORMAT["name"]},
                                  "version": {"const": FINDINGS_FORMAT["version"]}}},
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "planner"}, "version": _TEXT}},
        "reference_date": {"type": "string", "format": "date"},
        "inputs": {"type": "array", "items": _TEXT},
        "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        "summary": {
            "type": "object", "required": ["checks"],
            "properties": {
                "checks": {"type": "object",
                           "required": ["households", "villages", "projects", "findings",
                                        "waived", "rule_errors", "by_severity", "by_code"],
                           "properties": {"households": _COUNT, "villages": _COUNT,
                                          "projects": _COUNT, "findings": _COUNT,
                                          "waived": _COUNT, "rule_errors": _COUNT,
                                          "by_severity": {"type": "object",
                                                          "additionalProperties": _COUNT},
                                          "by_code": {"type": "object",
                                                      "additionalProperties": _COUNT}}},
                "inputs": {"type": "object"},
                "input_warnings": {"type": "array"},
                "skipped_rules": {"type": "array"},
            },
        },
    },
    "$defs": {"finding": FINDING},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "finding": {"$schema": _DRAFT, **FINDING},
    "findings": FINDINGS,
}
