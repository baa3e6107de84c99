"""The hand-written peers of the six checks in pytest-benchmark, beside planner's two backends.

Same 20,000 households and same group as :mod:`bench_columnar`'s ``bench_six_checks``, so one
``pytest benchmarks/bench_columnar.py benchmarks/bench_peers.py --benchmark-only`` table holds
planner python, planner columnar, a plain Python loop and polars. What each times: planner's
rows check households already validated; the plain loop decodes its JSON lines with orjson; the
polars peer scans its typed Parquet tables (:mod:`peers.flatten`). The whole-process numbers,
start-up and reading included, come from ``scripts/bench.sh``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import base_households, repeated_lines

PEERS = Path(__file__).resolve().parent / "peers"
sys.path.insert(0, str(PEERS))

from params import six_check_params  # noqa: E402  (peers/ is a folder of scripts)
from plain import SixChecks  # noqa: E402

ON = date(2020, 9, 30)
SIZE = 20_000
GROUP = "six checks, 20,000 households"


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    return [line.encode("utf-8") for line in repeated_lines(base_households(), SIZE)]


@pytest.fixture(scope="module")
def params() -> dict:
    return six_check_params(ON)


def _plain(lines: list[bytes], params: dict) -> int:
    import orjson

    checks = SixChecks(params)
    for line in lines:
        checks.check(orjson.loads(line))
    return sum(checks.counts.values())


@pytest.mark.benchmark(group=GROUP)
def bench_six_checks_plain_python(benchmark, lines: list[bytes], params: dict) -> None:
    """A plain Python loop over orjson-decoded lines."""
    pytest.importorskip("orjson")
    assert benchmark(_plain, lines, params) > 0


@pytest.mark.benchmark(group=GROUP)
def bench_six_checks_polars(benchmark, lines: list[bytes], params: dict,
                            tmp_path_factory: pytest.TempPathFactory) -> None:
    """polars written by hand over the typed tables."""
    pytest.importorskip("polars")
    pytest.importorskip("orjson")
    from flatten import flatten
    from polars_six import six_checks

    folder = tmp_path_factory.mktemp("peers")
    (folder / "households.jsonl").write_bytes(b"".join(lines))
    flatten(folder / "households.jsonl", folder / "flat")
    counts = benchmark(six_checks, folder / "flat", params)
    assert sum(counts.values()) > 0
