"""Benchmark inputs: households from the data generator, repeated with new ids to any size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMED = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")
BASE_SIZE = 2_000


def base_households(count: int = BASE_SIZE, seed: int = 7) -> list[dict]:
    """``count`` distinct households from :mod:`planner.generate` (the named examples if absent)."""
    try:
        from planner.generate import GeneratorConfig, generate_households
    except ImportError:
        examples = ROOT / "examples" / "households"
        return [json.loads((examples / f"{name}.json").read_text(encoding="utf-8"))
                for name in NAMED]
    config = GeneratorConfig(households=count, seed=seed)
    return [item.household for item in generate_households(config)]


def repeated_lines(base: list[dict], total: int) -> Iterator[str]:
    """JSON lines of ``total`` households: ``base`` over and over, each copy with a new id."""
    texts = [json.dumps(h, ensure_ascii=False, separators=(",", ":")) for h in base]
    ids = [json.dumps(h["id"], ensure_ascii=False) for h in base]
    for number in range(total):
        index = number % len(base)
        new_id = json.dumps(f"B{number:07d}-{base[index]['id']}", ensure_ascii=False)
        yield texts[index].replace(f'"id":{ids[index]}', f'"id":{new_id}', 1) + "\n"


def write_jsonl(path: Path, total: int, base: list[dict] | None = None) -> Path:
    """Write ``total`` benchmark households to ``path`` as JSON Lines."""
    base = base if base is not None else base_households()
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(repeated_lines(base, total))
    return path


@pytest.fixture(scope="session")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the same 2,000 households as JSONL, Parquet (nested and flat), CSV and XLSX."""
    from planner.io import read_households, write_households

    folder = tmp_path_factory.mktemp("bench_io")
    source = write_jsonl(folder / "households.jsonl", BASE_SIZE)
    households = list(read_households(source))
    write_households(households, folder / "households.parquet")
    (folder / "flat").mkdir()
    write_households(households, folder / "flat" / "households.parquet", fmt="parquet-flat")
    write_households(households, folder / "households.csv")
    write_households(households, folder / "households.xlsx")
    return folder


def pytest_configure(config: pytest.Config) -> None:
    """Collect ``bench_*.py`` files and ``bench_*`` functions when benchmarks/ is run."""
    config.addinivalue_line("python_files", "bench_*.py")
    config.addinivalue_line("python_functions", "bench_*")
