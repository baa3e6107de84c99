#!/usr/bin/env bash
# Whole-process benchmark of issue 11: planner (Python and columnar backends, 1 and 2 workers when
# this build has them), a plain Python loop, polars by hand, OpenFisca and a bare Parquet read on the
# same generated households; prints a Markdown table and the issue's targets, met or missed.
#   scripts/bench.sh                      # 100,000 households (about 15 minutes on 2 cores)
#   scripts/bench.sh --households 1000000 --rows cheap
#   scripts/bench.sh --readme README.md   # also rewrite the table in README's "Speed" section
# More options: scripts/bench.sh --help. Data and outputs go to .bench/N (kept for the next run).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${BENCH_PROJECT_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  bash scripts/setup.sh
fi
# The "bench" extra of pyproject.toml: its peers' packages, by name.
bench_extra() {
  "$VENV/bin/python" -c "import sys, tomllib
with open('pyproject.toml', 'rb') as f:
    extra = tomllib.load(f)['project']['optional-dependencies']['bench']
print(' '.join(s for s in extra if s.startswith('openfisca') == (sys.argv[1] == 'openfisca')))" "$1"
}
if ! "$VENV/bin/python" -c "import orjson, polars" 2>/dev/null; then
  read -r -a PEERS < <(bench_extra others)
  "$VENV/bin/python" -m pip install -q "${PEERS[@]}"
fi
# OpenFisca is a benchmark-only extra ("bench" in pyproject.toml). It gets a venv of its own so that
# its pins never move the project's packages; the project venv is used when it already has it.
if [ -z "${BENCH_OPENFISCA_PYTHON:-}" ]; then
  if "$VENV/bin/python" -c "import openfisca_core, pyarrow" 2>/dev/null; then
    BENCH_OPENFISCA_PYTHON="$VENV/bin/python"
  else
    BENCH_VENV=${BENCH_VENV:-.venv-bench}
    if ! "$BENCH_VENV/bin/python" -c "import openfisca_core, pyarrow" 2>/dev/null; then
      PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
      "$PY" -m venv "$BENCH_VENV"
      read -r -a OPENFISCA < <(bench_extra openfisca)
      "$BENCH_VENV/bin/python" -m pip install -q "${OPENFISCA[@]}" pyarrow
    fi
    BENCH_OPENFISCA_PYTHON="$BENCH_VENV/bin/python"
  fi
fi
# absolute (not resolved: a venv's python is a symlink): run.py starts it from the data folder
BENCH_OPENFISCA_PYTHON=$(realpath -s "$BENCH_OPENFISCA_PYTHON")
export BENCH_OPENFISCA_PYTHON
exec "$VENV/bin/python" benchmarks/whole/run.py "$@"
