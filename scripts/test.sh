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
# The core without extras (pyarrow, scipy, matplotlib, polars, dask), on every supported Python
# the machine has (the classifiers name 3.11 to 3.13): a venv each with `pip install .` and the
# test runner, running the tests marked core. An import of an extra outside planner.extras' guard
# fails here. Only the modules holding core tests are collected (the others import the extras).
CORE_TESTS=$(grep -l "pytest.mark.core" tests/test_*.py)
python_for() {  # the interpreter of Python $1: on the PATH, else an installed pyenv version
  local found version
  found=$(command -v "python$1" || true)
  if [ -n "$found" ] && "$found" -c "" 2>/dev/null; then echo "$found"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    version=$(pyenv versions --bare 2>/dev/null | grep -E "^$1(\.|$)" | tail -1 || true)
    if [ -n "$version" ]; then echo "$(pyenv root)/versions/$version/bin/python$1"; fi
  fi
}
for version in 3.11 3.12 3.13; do
  PYV=$(python_for "$version")
  if [ -z "$PYV" ] || ! "$PYV" -c "import sys" 2>/dev/null; then
    echo "core tests: python$version not on this machine, skipped"
    continue
  fi
  VENV=.venv-core-$version
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYV" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps .
  "$VENV/bin/python" -m pip install -q . pytest hypothesis
  "$VENV/bin/python" -m pytest -m core -q -p no:cacheprovider $CORE_TESTS
done
