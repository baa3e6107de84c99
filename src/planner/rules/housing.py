"""Housing rules (HOU): safe housing and enough usable living space."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "housing.yaml")
