"""Repeat the households of a JSON-lines file, each copy with a new id, up to a total count.

Generating a million households takes most of an hour on two busy cores; tiling a generated
sample takes seconds. Run: ``python tile.py HOUSEHOLDS.jsonl TOTAL`` (rewrites the file).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# benchmarks/conftest.py tiles the pytest-benchmark inputs the same way.
from conftest import repeated_lines

if __name__ == "__main__":
    path, total = Path(sys.argv[1]), int(sys.argv[2])
    with path.open(encoding="utf-8") as lines:
        base = [json.loads(line) for line in lines]
    partial = path.with_suffix(".tiling")
    with partial.open("w", encoding="utf-8") as out:
        out.writelines(repeated_lines(base, total))
    os.replace(partial, path)
