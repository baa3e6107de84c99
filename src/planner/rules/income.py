"""Income rules (INC): per-capita net income against the line, the monitoring range and plans."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "income.yaml")
