"""The declarative rule spec: one typed condition language that every backend compiles.

A condition is data (pydantic models), never Python or SQL text; :mod:`planner.spec.paths`
resolves the fact paths it reads and :mod:`planner.spec.validate` checks a whole rule against the
declared facts and parameters without compiling it. Backends (:mod:`planner.backends.python`)
compile what they run; this package never imports one.
"""

from pydantic import ValidationError

from planner.spec.conditions import (
    COMPARISON_OPS,
    CONDITION_KEYS,
    COUNT_OPS,
    MAX_CONDITION_DEPTH,
    All,
    AllMeasures,
    AllMembers,
    Any_,
    AnyMeasure,
    AnyMember,
    Compare,
    Condition,
    CountMembers,
    Exists,
    FactRef,
    Missing,
    Not,
    ParamRef,
    check_condition_depth,
    condition_depth,
    parse_condition,
)
from planner.spec.dataset import Duplicates, GroupedRate
from planner.spec.paths import FactPath, SpecError, resolve_path
from planner.spec.rule_spec import (
    CODE_PATTERN,
    ITEMS,
    NAME_PATTERN,
    RULE_KINDS,
    SCOPES,
    SEVERITIES,
    SPEC_SCOPES,
    Check,
    FactValue,
    ItemsValue,
    MatchedValue,
    Message,
    RuleKind,
    RuleSpec,
    TextValue,
    Value,
)
from planner.spec.validate import Reader, validate_form, validate_spec

__all__ = [
    "CODE_PATTERN",
    "COMPARISON_OPS",
    "CONDITION_KEYS",
    "COUNT_OPS",
    "ITEMS",
    "MAX_CONDITION_DEPTH",
    "NAME_PATTERN",
    "RULE_KINDS",
    "SCOPES",
    "SEVERITIES",
    "SPEC_SCOPES",
    "All",
    "AllMeasures",
    "AllMembers",
    "AnyMeasure",
    "AnyMember",
    "Any_",
    "Check",
    "Compare",
    "Condition",
    "CountMembers",
    "Duplicates",
    "Exists",
    "FactPath",
    "FactRef",
    "FactValue",
    "GroupedRate",
    "ItemsValue",
    "MatchedValue",
    "Message",
    "Missing",
    "Not",
    "ParamRef",
    "Reader",
    "RuleKind",
    "RuleSpec",
    "SpecError",
    "TextValue",
    "ValidationError",
    "Value",
    "check_condition_depth",
    "condition_depth",
    "parse_condition",
    "resolve_path",
    "validate_form",
    "validate_spec",
]
