#!/usr/bin/env bash
# Quick start 2: set up, lint, type-check, check the import contract, and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests examples benchmarks fuzz
.venv/bin/mypy src fuzz
.venv/bin/lint-imports
.venv/bin/pytest
