"""The JSON Schema of ``planner plan --output-format json``, versioned like the findings' document
(:mod:`planner.output.schemas`): the document names its format and version in ``format``
(:data:`PLAN_FORMAT`); a key is never removed or changes meaning within a version, and a new key
raises the version (the schema allows no other key, so a test notices an addition).
``planner schema --entity plan`` prints the document's schema, ``--entity plan-item`` one item's.

It lives with the plans, not with the findings' outputs, as planning never imports the outputs
(pyproject's import contracts).
"""

from __future__ import annotations

from typing import Any

from planner.version import __version__

PLAN_FORMAT = {"name": "planner.plan", "version": 1}

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_OPTIONAL_TEXT = {"type": ["string", "null"]}
_DATE = {"type": "string", "format": "date"}
_OPTIONAL_DATE = {"type": ["string", "null"], "format": "date"}
_NUMBER = {"type": "number"}
_OPTIONAL_NUMBER = {"type": ["number", "null"]}
_COUNT = {"type": "integer", "minimum": 0}
_MEMBER = {"type": ["integer", "null"], "minimum": 1,
           "description": "1-based member number for a member's measure"}


def _bilingual(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["zh", "en"], "additionalProperties": False,
            "properties": {"zh": value, "en": value}}


def _closed(description: str, properties: dict[str, Any]) -> dict[str, Any]:
    """An object holding exactly ``properties``, every one required."""
    return {"description": description, "type": "object", "required": list(properties),
            "additionalProperties": False, "properties": properties}


PLAN_ITEM = _closed("One measure for one beneficiary: why, when, by whom 一项帮扶措施", {
    "key": {**_TEXT, "description": "measure, measure@mN (a member's) or measure@village"},
    "household": _TEXT, "member": _MEMBER, "measure": _TEXT, "label": _bilingual(_TEXT),
    "family": _TEXT,
    "status": _TEXT,
    "action": {"enum": ["add", "keep", "cancel", "done"]},
    "why": {**_TEXTS, "description": "The finding codes the item answers"},
    "why_codes": {**_TEXTS, "description": "Finding codes, income-gap, existing, "
                                           "prerequisite:<key>"},
    "why_labels": _bilingual(_TEXTS),
    "need": _OPTIONAL_TEXT, "reason": _bilingual(_TEXT), "causes": _TEXTS,
    "prerequisite_of": _TEXTS, "waits_for": _TEXTS, "duration_days": _COUNT,
    "start": _OPTIONAL_DATE, "due": _OPTIONAL_DATE, "late": {"type": "boolean"},
    "responsible": _bilingual(_TEXT),
    "helper": {**_OPTIONAL_TEXT, "description": "Masked unless --show-personal"},
    "cost": _NUMBER, "gain": _NUMBER, "income_category": _OPTIONAL_TEXT,
    "funded": {"type": ["boolean", "null"]},
})

_NOTE = _closed("A note on the plan (late, allocation, unfit …)", {
    "kind": _TEXT, "code": _OPTIONAL_TEXT, "member": _MEMBER, "measure": _OPTIONAL_TEXT,
    "message": _bilingual(_TEXT),
})

_INCOME = _closed("Per-capita net income now and after the plan", {
    "size": _COUNT, "net_income": _OPTIONAL_NUMBER, "per_capita": _OPTIONAL_NUMBER,
    "planned_gain": _NUMBER, "new_gain": _NUMBER, "projected_per_capita": _OPTIONAL_NUMBER,
    "poverty_line": _OPTIONAL_NUMBER, "monitoring_threshold": _OPTIONAL_NUMBER,
    "target": _NUMBER, "target_parameter": _TEXT, "clears_line": {"type": ["boolean", "null"]},
    "clears_threshold": {"type": ["boolean", "null"]}, "transfer_share": _OPTIONAL_NUMBER,
    # projected_per_capita is an annualised run-rate; within_year_per_capita what the household
    # has by within_year_until (31 December of the plan's year)
    "projected_basis": {"type": "string", "enum": ["annualised"]},
    "within_year_per_capita": _OPTIONAL_NUMBER, "within_year_until": _OPTIONAL_DATE,
})

_ITEMS = {"type": "array", "items": {"$ref": "#/$defs/item"}}

HOUSEHOLD_PLAN = _closed("The plan of one household 户帮扶计划", {
    "household": _TEXT, "village": _OPTIONAL_TEXT, "village_name": _OPTIONAL_TEXT,
    "status": _OPTIONAL_TEXT, "reference_date": _OPTIONAL_DATE, "start": _OPTIONAL_DATE,
    "target_date": _OPTIONAL_DATE, "finish": _OPTIONAL_DATE, "helper": _OPTIONAL_TEXT,
    "income": _INCOME, "cost": _NUMBER, "items": _ITEMS, "history": _ITEMS,
    "to_cancel": _ITEMS, "critical_path": _TEXTS,
    "notes": {"type": "array", "items": _NOTE}, "unplanned": {"type": "array"},
})

_WORK = _closed("A village work the plans wait for 村级工程", {
    "key": _TEXT, "village": _TEXT, "village_name": _OPTIONAL_TEXT, "measure": _TEXT,
    "label": _bilingual(_TEXT), "start": _DATE, "due": _DATE, "cost": _NUMBER,
    "remaining_share": _OPTIONAL_NUMBER, "why": _TEXTS, "reason": _bilingual(_TEXT),
    "responsible": _bilingual(_TEXT), "source": _TEXT, "behind": {"type": "boolean"},
    "households": _COUNT,
})

_STATS = _closed("Counts over the households planned", {
    name: _COUNT for name in ("households", "with_new_items", "new_items", "below_line",
                              "lifted_by_plan", "unmet_needs", "late_items", "cancelled")
} | {"cost": _NUMBER})

_DEPARTMENT = _closed("A department's load", {
    "department": _bilingual(_TEXT), "items": _COUNT, "cost": _NUMBER,
    "cost_by_month": {"type": "object", "additionalProperties": _NUMBER},
    "active_by_month": {"type": "object", "additionalProperties": _COUNT},
})

PLAN: dict[str, Any] = {
    "$schema": _DRAFT,
    "title": "planner plan --output-format json",
    "description": "A district's plan: summary, village works, allocation and household plans "
                   "帮扶计划",
    "type": "object",
    "required": ["format", "tool", "reference_date", "start", "finish", "stats",
                 "critical_path", "departments", "works", "allocation", "households", "errors"],
    "additionalProperties": False,
    "properties": {
        "format": {"type": "object", "required": ["name", "version"],
                   "properties": {"name": {"const": PLAN_FORMAT["name"]},
                                  "version": {"const": PLAN_FORMAT["version"]}}},
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "planner"}, "version": _TEXT}},
        "reference_date": _DATE, "start": _DATE, "finish": _OPTIONAL_DATE,
        "stats": _STATS,
        "critical_path": {"type": "array", "items": {
            "type": "object", "required": ["subject", "key", "measure", "start", "due"],
            "properties": {"subject": _TEXT, "key": _TEXT, "measure": _TEXT,
                           "label": _bilingual(_TEXT), "start": _DATE, "due": _DATE}}},
        "departments": {"type": "array", "items": _DEPARTMENT},
        "works": {"type": "array", "items": _WORK},
        "allocation": {"type": ["object", "null"],
                       "description": "With --budget: the funded bundles (method, budget, spent, "
                                      "lifted, chosen …)",
                       "required": ["method", "budget", "spent", "lifted", "chosen"]},
        "households": {"type": "array", "items": {"$ref": "#/$defs/household"}},
        "errors": _TEXTS,
    },
    "$defs": {"household": HOUSEHOLD_PLAN, "item": PLAN_ITEM},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "plan": PLAN,
    "plan-item": {"$schema": _DRAFT, **PLAN_ITEM},
}


def versioned(data: dict[str, Any]) -> dict[str, Any]:
    """The plan document ``data`` (``DistrictPlan.to_dict()``) led by its format and tool."""
    return {"format": dict(PLAN_FORMAT), "tool": {"name": "planner", "version": __version__},
            **data}


__all__ = ["HOUSEHOLD_PLAN", "PLAN", "PLAN_FORMAT", "PLAN_ITEM", "SCHEMAS", "versioned"]
