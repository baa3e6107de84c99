#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install planner with its test tools and the example plugin pack.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev,columnar,dask,durable]' -e examples/plugin_pack
