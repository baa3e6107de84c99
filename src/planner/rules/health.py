"""Health rules (MED): basic medical insurance and support for ill members."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "health.yaml")
