"""Backends: each compiles the rule spec for one way of running it."""
