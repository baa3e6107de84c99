"""Drinking-water rules (WAT): water quality, quantity, convenience and reliability."""

from planner.registry import packaged_yaml_rules

RULES = packaged_yaml_rules(__package__, "water.yaml")
