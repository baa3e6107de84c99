"""``python -m planner`` runs the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def test_python_dash_m_planner_runs_the_cli() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-m", "planner", "monitor", "--help"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "ingest" in done.stdout and "status" in done.stdout and "due" in done.stdout
    done = subprocess.run([sys.executable, "-m", "planner", "no-such-command"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "no-such-command" in done.stderr
