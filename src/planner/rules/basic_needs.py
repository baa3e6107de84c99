"""Basic-needs rules (BAS): 两不愁, food and clothing secure."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "basic_needs.yaml")
