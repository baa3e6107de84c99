"""The run manifest (manifest.json): what a report was made from, to tell two runs apart.

It records the reference date, the planner version, the rules run per pack (their codes), the
parameters in force on the reference date, the SHA-256 of every input file and the id of the
fingerprint key (:func:`planner.fingerprints.key_id`: two runs whose finding ids were made with
different keys cannot be compared by fingerprint). Rules carry no
version of their own: a pack's rules are named by code, under the planner version that ran them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.atomic import atomic_open
from planner.fingerprints import key_id
from planner.run import Run
from planner.version import __version__

MANIFEST_FILE = "manifest.json"


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(run: Run, inputs: Iterable[str | Path]) -> dict[str, Any]:
    """The manifest of a run under ``run`` over the files ``inputs`` (those that exist)."""
    packs: dict[str, list[str]] = {}
    for rule in run.rules:
        packs.setdefault(rule.pack or rule.origin or "", []).append(rule.code)
    return {
        "tool": {"name": "planner", "version": __version__},
        "reference_date": run.reference_date.isoformat(),
        # Part files (households.employment.jsonl…) are named whether they exist or not.
        "inputs": [{"file": str(path), "sha256": file_digest(path)} for path in inputs
                   if Path(path).is_file()],
        "rules": {pack: sorted(codes) for pack, codes in sorted(packs.items())},
        "parameters": dict(sorted(run.values.items())),
        "fingerprint_key": key_id(),
    }


def write_manifest(run: Run, inputs: Iterable[str | Path], out_dir: str | Path) -> Path:
    """Write :data:`MANIFEST_FILE` into ``out_dir`` (whole or not at all); its path."""
    path = Path(out_dir) / MANIFEST_FILE
    data = manifest(run, inputs)
    with atomic_open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


__all__ = ["MANIFEST_FILE", "file_digest", "manifest", "write_manifest"]
