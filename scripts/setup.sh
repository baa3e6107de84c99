#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install planner (the distribution fuping-planner) with every
# extra and its test tools. The example rule pack is not installed here: a newcomer's findings
# and plans are planner's own (scripts/test.sh installs the pack for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
