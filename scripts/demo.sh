#!/usr/bin/env bash
# Quick start 1: set up, then check and plan the bundled example district (示范县).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/planner check examples/district --exit-zero
.venv/bin/planner check examples/district --output-format json --output out/findings.json --exit-zero
echo "findings written to out/findings.json"
