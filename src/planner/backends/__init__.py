"""Backends that run rules: each compiles lazily what it runs (``planner.backends.python``)."""
