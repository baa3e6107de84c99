#!/usr/bin/env bash
# Quick start 1: set up, then run the main job on the bundled example district (示范县):
# check every household, village and project, then plan measures for the households.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/planner check examples/district --exit-zero
.venv/bin/planner check examples/district --exit-zero --output-format json --output out/findings.json
# the monitoring-era district of 2023, as the national system's export files
.venv/bin/planner check examples/district_2023 --exit-zero --output-format json --output out/findings_2023.json
.venv/bin/planner plan examples/district --output-format xlsx --output out/plan.xlsx --gantt out/gantt
echo "问题清单 / findings: out/findings.json, out/findings_2023.json; 帮扶计划 / plans: out/plan.xlsx, out/gantt/"
