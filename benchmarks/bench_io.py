"""Reading and writing speed of planner.io (pytest-benchmark).

Run ``.venv/bin/pytest benchmarks/bench_io.py`` (``benchmarks/conftest.py`` collects ``bench_*``).

Streamed reads (count households as they come) are compared with reading everything into a
list, per format, and python-calamine with openpyxl on the same XLSX file: the measurement behind
the choice of calamine for reading. Peak memory for a million households is measured by
``benchmarks/memory_io.py`` (a script: memory needs a fresh process per run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.io import read_households, write_households

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _count(path: Path, **options: object) -> int:
    return sum(1 for _ in read_households(path, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["households.jsonl", "households.parquet",
                                  "flat/households.parquet", "households.csv", "households.xlsx"])
def bench_read_streamed(benchmark, bench_dir: Path, name: str) -> None:
    """Households validated one at a time and dropped."""
    assert benchmark(_count, bench_dir / name) == 2_000


@pytest.mark.parametrize("name", ["households.jsonl", "households.parquet"])
def bench_read_into_list(benchmark, bench_dir: Path, name: str) -> None:
    """The same households kept in one list (what streaming avoids)."""
    assert len(benchmark(lambda: list(read_households(bench_dir / name)))) == 2_000


@pytest.mark.parametrize("fmt", ["jsonl", "json", "parquet", "parquet-flat", "csv", "xlsx"])
def bench_write(benchmark, bench_dir: Path, tmp_path: Path, fmt: str) -> None:
    """Writing 2,000 households."""
    households = list(read_households(bench_dir / "households.jsonl"))
    suffix = {"parquet-flat": "parquet"}.get(fmt, fmt)
    target = tmp_path / f"households.{suffix}"
    assert benchmark(write_households, households, target, fmt=fmt) == 2_000


def _calamine_rows(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = sum(1 for _ in book.get_sheet_by_name("households").iter_rows())
    book.close()
    return rows


def _openpyxl_rows(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book["households"].iter_rows(values_only=True))
    book.close()
    return rows


@pytest.mark.parametrize("engine", [_calamine_rows, _openpyxl_rows], ids=["calamine", "openpyxl"])
def bench_xlsx_engine(benchmark, bench_dir: Path, engine) -> None:
    """Raw rows of the households sheet: python-calamine against openpyxl's streaming reader."""
    rows = benchmark.pedantic(engine, args=(bench_dir / "households.xlsx",), rounds=3)
    assert rows > 2_000
