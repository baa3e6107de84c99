"""Monitoring rules (MON): who should be monitored, identification delays, premature elimination."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "monitoring.yaml")
