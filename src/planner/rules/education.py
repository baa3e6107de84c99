"""Education rules (EDU): compulsory schooling secured and student aid received."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "education.yaml")
