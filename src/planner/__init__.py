"""planner: household findings and tailored assistance plans for rural assistance offices.

The public API: read records (:func:`open_dataset`, :func:`read_households` from paths or binary
file objects, :func:`read_frame` from a pandas or polars frame) into :class:`Household`,
:func:`check` them against rule packs (``check(...).to_frame()``), and :func:`plan` measures
(``plan(...).to_frame()``). Everything the CLI does is a call to these.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from planner.version import __version__

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.backends.python.facts import derive
    from planner.facts import HouseholdFacts, MemberFacts
    from planner.finding import Finding
    from planner.io import open_dataset, read_frame, read_households
    from planner.measures import Measure, MeasureCatalog, default_catalog
    from planner.model import Household, Member, Project, Village
    from planner.params import ParameterSet, default_parameters, load_parameters
    from planner.planning import DistrictPlan, HouseholdPlan, PlanItem, plan, plan_household
    from planner.registry import RuleSet, load_rules
    from planner.results import CheckResult
    from planner.rule import Hit, Rule, RuleContext, from_spec, rule
    from planner.run import Run, check
    from planner.spec import RuleSpec
    from planner.waivers import FileWaiver

# Where each public name lives: imported on first use (PEP 562), so that ``planner --version``
# and a module such as planner.version need not load pydantic, the rules and the engine.
_LAZY = {
    "CheckResult": "planner.results",
    "Checker": "planner.backends.python.engine",
    "DistrictPlan": "planner.planning",
    "FileWaiver": "planner.waivers",
    "Finding": "planner.finding",
    "Hit": "planner.rule",
    "Household": "planner.model",
    "HouseholdFacts": "planner.facts",
    "HouseholdPlan": "planner.planning",
    "Measure": "planner.measures",
    "MeasureCatalog": "planner.measures",
    "Member": "planner.model",
    "MemberFacts": "planner.facts",
    "ParameterSet": "planner.params",
    "PlanItem": "planner.planning",
    "Project": "planner.model",
    "Rule": "planner.rule",
    "RuleContext": "planner.rule",
    "RuleSet": "planner.registry",
    "RuleSpec": "planner.spec",
    "Run": "planner.run",
    "Village": "planner.model",
    "check": "planner.run",
    "default_catalog": "planner.measures",
    "default_parameters": "planner.params",
    "derive": "planner.backends.python.facts",
    "from_spec": "planner.rule",
    "load_parameters": "planner.params",
    "load_rules": "planner.registry",
    "open_dataset": "planner.io",
    "read_frame": "planner.io",
    "read_households": "planner.io",
    "plan": "planner.planning",
    "plan_household": "planner.planning",
    "rule": "planner.rule",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(ModuleType):
    """This package, keeping ``planner.rule`` the decorator when the module of the same name is
    first imported (the import system then binds the module as an attribute of its package)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "open_dataset",
    "plan",
    "plan_household",
    "read_frame",
    "read_households",
    "rule",
]
