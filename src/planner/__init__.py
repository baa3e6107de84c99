"""planner: household findings and tailored assistance plans for rural assistance offices.

The public API: validate records into :class:`Household`, :func:`check` them against rule packs,
and plan measures. Everything the CLI does is a call to these.
"""

from __future__ import annotations

from planner.backends.python.engine import Checker
from planner.backends.python.facts import derive
from planner.facts import HouseholdFacts, MemberFacts
from planner.finding import Finding
from planner.measures import Measure, MeasureCatalog, default_catalog
from planner.model import Household, Member, Project, Village
from planner.params import ParameterSet, default_parameters, load_parameters
from planner.planning import DistrictPlan, HouseholdPlan, PlanItem, plan, plan_household
from planner.registry import RuleSet, load_rules
from planner.results import CheckResult
from planner.rule import Hit, Rule, RuleContext, from_spec, rule
from planner.run import Run, check
from planner.spec import RuleSpec
from planner.version import __version__
from planner.waivers import FileWaiver

__all__ = [
    "CheckResult",
    "Checker",
    "DistrictPlan",
    "FileWaiver",
    "Finding",
    "Hit",
    "Household",
    "HouseholdFacts",
    "HouseholdPlan",
    "Measure",
    "MeasureCatalog",
    "Member",
    "MemberFacts",
    "ParameterSet",
    "PlanItem",
    "Project",
    "Rule",
    "RuleContext",
    "RuleSet",
    "RuleSpec",
    "Run",
    "Village",
    "__version__",
    "check",
    "default_catalog",
    "default_parameters",
    "derive",
    "from_spec",
    "load_parameters",
    "load_rules",
    "plan",
    "plan_household",
    "rule",
]
