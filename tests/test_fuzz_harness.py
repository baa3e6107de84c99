"""The reader fuzz job runs end to end on a few inputs, so the harness cannot rot unnoticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from fuzz.run import cpu_seconds
from fuzz.seeds import READERS

ROOT = Path(__file__).resolve().parent.parent
INPUTS = 50


def test_the_fuzz_job_reads_every_input_of_every_reader_and_keeps_reproducers(tmp_path):
    out = tmp_path / "fuzz"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.run", "--inputs", str(INPUTS), "--start", "7",
         "--out", str(out), "--timeout", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sorted(summary) == sorted(READERS)
    findings = 0
    for reader, counts in summary.items():
        assert counts["harness_errors"] == []
        assert (counts["run_seed"], counts["first_input"]) == (0, 7)
        outcomes = (counts["clean"] + counts["refused"] + sum(counts["crashes"].values())
                    + counts["hangs"] + counts["died"] + counts["mismatches"])
        assert counts["inputs"] == outcomes == INPUTS, reader
        for signature in counts["signatures"].values():
            findings += signature["count"]
            folder = Path(signature["path"])
            finding = json.loads((folder / "finding.json").read_text(encoding="utf-8"))
            assert finding["reader"] == reader
            assert (folder / "input" / finding["main"]).is_file()
        assert f"{reader}: {INPUTS} inputs" in done.stdout
    assert done.returncode == (1 if findings else 0), done.stderr


def test_hangs_are_judged_by_the_cpu_time_a_worker_used_not_by_a_busy_clock():
    before = cpu_seconds(os.getpid())
    assert before is not None
    end = time.process_time() + 0.3
    while time.process_time() < end:  # burn CPU
        pass
    used = cpu_seconds(os.getpid()) - before
    assert 0.2 <= used <= 2.0
    idle = cpu_seconds(os.getpid())
    time.sleep(0.3)  # the clock runs, the CPU time does not
    assert cpu_seconds(os.getpid()) - idle < 0.1
