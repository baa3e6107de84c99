"""Policy-awareness rules (POL): households know the policies that concern them."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "policy.yaml")
