"""A bare read: every column of a Parquet file, or of every table in a folder, with pyarrow.

The floor of any check: the time to bring the data into memory and nothing else.
Run: ``python bare_read.py FILE_OR_FOLDER``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq

if __name__ == "__main__":
    target = Path(sys.argv[1])
    files = sorted(target.glob("*.parquet")) if target.is_dir() else [target]
    print(sum(pq.read_table(path).num_rows for path in files))
