"""Findings and plans stay exactly what was recorded: the refactoring guard.

The example district's findings and plans, and the findings on 20,000 generated households, are
compared line by line with files recorded by ``tests/golden/record.py`` before the change under
test. A change of findings that is intended is re-recorded in the same commit, which says why.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.golden import record


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return record.outputs(tmp_path_factory.mktemp("golden"))


def _codes(lines: list[bytes]) -> Counter[str]:
    return Counter(json.loads(line).get("code", "?") for line in lines if line.strip())


@pytest.mark.parametrize("name", ["district_findings", "district_plan", "generated_findings"])
def test_output_is_as_recorded(produced: dict[str, bytes], name: str) -> None:
    recorded = gzip.decompress((Path(record.HERE) / f"{name}.jsonl.gz").read_bytes())
    got = produced[name]
    if got == recorded:
        return
    old, new = recorded.splitlines(), got.splitlines()
    pairs = enumerate(zip(old, new, strict=False))
    first = next((i for i, (a, b) in pairs if a != b), min(len(old), len(new)))
    lost, gained = _codes(old) - _codes(new), _codes(new) - _codes(old)
    pytest.fail(
        f"{name}: {len(old)} lines recorded, {len(new)} produced; first difference at line"
        f" {first + 1}\n recorded: {old[first][:400] if first < len(old) else b'<end>'!r}\n"
        f" produced: {new[first][:400] if first < len(new) else b'<end>'!r}\n"
        f" codes fewer: {dict(lost)}  codes more: {dict(gained)}"
    )
