#!/usr/bin/env bash
# The reader fuzz job (outside the default test run): 100,000 mutated inputs per reader by default.
#   bash scripts/fuzz.sh                      # all readers, 100,000 inputs each
#   bash scripts/fuzz.sh --inputs 2000 --readers csv xlsx
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHONPATH="$PWD/src:$PWD${PYTHONPATH:+:$PYTHONPATH}" exec .venv/bin/python -m fuzz.run --progress "$@"
