"""Fuzzing of the household readers: seeds, mutations, one-input checks and the runner.

Run from the repository root, outside the default test run::

    .venv/bin/python -m fuzz.run --inputs 100000
"""
