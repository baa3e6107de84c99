"""The independent re-check of plans over 5,000 generated households (issue 14, item 3): every
finding with a catalog measure reaches its household's plan and no proposed item breaks a domain
rule of eligibility. Too slow for the normal suite (tests/test_plan_clearing.py runs 600).

Run: ``PYTHONPATH=$PWD/src python benchmarks/plan_recheck.py [HOUSEHOLDS] [SEED]``; exit 1 when
anything was dropped or is ineligible.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plan_recheck import generate_and_plan, recheck


def main() -> int:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = recheck(*generate_and_plan(Path(folder), households, seed=seed))
    print(f"{households} households (seed {seed}), {time.perf_counter() - started:.0f} s: "
          f"{result.findings} findings, {result.with_measure} with a catalog measure, "
          f"{len(result.dropped)} dropped {dict(result.dropped_by_code())}, "
          f"{len(result.ineligible)} ineligible {dict(result.ineligible_by_kind())}")
    for line in (*result.dropped, *result.ineligible):
        print(" ", line)
    return 1 if result.dropped or result.ineligible else 0


if __name__ == "__main__":
    raise SystemExit(main())
