#!/usr/bin/env bash
# Quick start 2: set up, lint, type-check, check the import contract, and run the tests; then the
# core alone: a venv of its own with `pip install .` (no extra), running the tests marked core.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install -q -e examples/plugin_pack  # the tests run its rule cases
.venv/bin/ruff check src tests examples benchmarks fuzz
.venv/bin/mypy src fuzz
.venv/bin/lint-imports
.venv/bin/pytest
# The core without extras (pyarrow, scipy, matplotlib, polars, dask): an import of an extra
# outside planner.extras' guard fails here. Only the modules holding core tests are collected,
# as the others import the extras at the top.
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv-core/bin/python ]; then
  "$PY" -m venv .venv-core
fi
.venv-core/bin/python -m pip install -q --upgrade pip
.venv-core/bin/python -m pip install -q . pytest hypothesis
.venv-core/bin/python -m pytest -m core -p no:cacheprovider $(grep -l "pytest.mark.core" tests/test_*.py)
