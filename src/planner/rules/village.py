"""Village rules (VIL): infrastructure works behind their schedule (declarative: village.yaml)."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "village.yaml")
