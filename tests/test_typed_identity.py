"""Households read from typed Parquet are the households read from JSON Lines: the records
(every example household, the 20,000 golden generated ones) and the golden run's findings, byte
for byte, with the Python backend."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from planner.io import open_dataset, read_households, write_households
from planner.model import Household
from tests.golden import record

PLANNER = Path(sys.executable).with_name("planner")


def _planner(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *args], capture_output=True, text=True, timeout=1800,
                          cwd=cwd)


def _households(folder: Path) -> list[Household]:
    dataset = open_dataset(folder)
    households = list(dataset.households())
    assert not dataset.errors
    return households


def _same_records(read: list[Household], validated: list[Household]) -> None:
    assert len(read) == len(validated)
    for built, model in zip(read, validated, strict=True):
        assert built.model_dump() == model.model_dump()
        assert built == model


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The golden run's generated folder (JSON Lines) and the same folder as typed Parquet."""
    work = tmp_path_factory.mktemp("typed-golden")
    jsonl = record.generate(work / "generated")
    typed = work / "typed" / "generated"
    done = _planner("convert", str(jsonl), str(typed), "--to", "parquet")
    assert done.returncode == 0, done.stderr
    return jsonl, typed


def test_every_example_household_reads_back_from_typed_parquet(tmp_path):
    named = [Household.model_validate_json(path.read_text(encoding="utf-8"))
             for path in sorted((record.ROOT / "examples" / "households").glob("*.json"))]
    assert len(named) >= 8
    for name, households in (("named", named), ("district", _households(record.DISTRICT))):
        path = tmp_path / f"{name}.parquet"
        write_households(households, path)
        _same_records(list(read_households(path)), households)


def test_the_20000_golden_households_read_back_from_typed_parquet(golden):
    jsonl, typed = golden
    assert list(typed.glob("households*.parquet"))
    _same_records(_households(typed), _households(jsonl))


def test_the_golden_run_from_typed_parquet_gives_the_recorded_findings_byte_for_byte(golden):
    _jsonl, typed = golden
    out = typed.parent / "findings.jsonl"
    done = _planner("check", typed.name, "--date", record.REFERENCE_DATE, "--exit-zero",
                    "--backend", "python", "--output-format", "jsonl", "--output", str(out),
                    cwd=typed.parent)
    assert done.returncode == 0, done.stderr
    recorded = gzip.decompress((record.HERE / "generated_findings.jsonl.gz").read_bytes())
    # the findings name the file they were read from: the same name but for its extension
    expected = recorded
    for before, after in (("households.jsonl", "households.parquet"),
                          ("villages.json", "villages.parquet"),
                          ("projects.json", "projects.parquet")):
        expected = expected.replace(f'generated/{before}"'.encode(), f'generated/{after}"'.encode())
    assert expected != recorded
    assert out.read_bytes() == expected
