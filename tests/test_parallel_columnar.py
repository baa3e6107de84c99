"""``--workers`` on typed Parquet and with the columnar backend: the same run as one process.

Typed Parquet is split by row groups: workers are sent a file's path and a range of its row
groups, read and validate them column-wise and check them with either backend. Real files and
real processes throughout: the CLI runs as a subprocess and spawns its workers; the rule cases
run through a worker of :class:`planner.parallel.Pool`.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("polars")

from planner.generate import GeneratorConfig, generate_households
from planner.io.raw import RawRecord
from planner.io.typedschema import typed_schema
from planner.model import Household
from planner.parallel import Pool, Recipe
from planner.parallel.part import PartResult
from planner.parallel.typedparts import typed_parts
from planner.selection import Selection

from .conftest import HOUSEHOLDS, ROOT

PLANNER = [str(Path(sys.executable).parent / "planner")]
TIMEOUT = 900
SCHEMA = typed_schema(Household, "household")
SIX_AND_PEOPLE = "INC001,INC002,HOU001,EDU001,MED001,WAT001,DQ004"
RUNS = [(backend, workers) for backend in ("python", "columnar") for workers in ("1", "2")]


def _planner(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANNER, *map(str, args)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False, cwd=cwd)


def _four_ways(inputs: str | Path, out: Path, *options: str | Path, cwd: Path | None = None
               ) -> tuple[int, str, bytes]:
    """Check ``inputs`` on each backend with one and two workers; assert the same output,
    notices, totals and exit code (the last line of standard error names the backend);
    return them (what one process gives, on either backend).

    The two runs of one process each use one core: they run side by side, the runs with two
    workers one after the other."""
    def start(backend: str, workers: str) -> tuple[subprocess.Popen[str], Path]:
        target = out.with_name(f"{out.stem}-{backend}-{workers}{out.suffix}")
        args = ["check", inputs, "--output", target, "--backend", backend, "--workers",
                workers, "--output-format", "jsonl", "--lang", "en", *options]
        return subprocess.Popen([*PLANNER, *map(str, args)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=cwd), target

    runs = {}
    one = [key for key in RUNS if key[1] == "1"]
    for keys in (one, *([key] for key in RUNS if key not in one)):
        started = {key: start(*key) for key in keys}
        for key, (process, target) in started.items():
            _, stderr = process.communicate(timeout=TIMEOUT)
            assert process.returncode in (0, 1), stderr
            notices = stderr.splitlines()
            assert notices[-1] == f"backend: {key[0]}"
            runs[key] = (process.returncode, "\n".join(notices[:-1]), target.read_bytes())
    first = runs["python", "1"]
    for key, run in runs.items():
        assert run[0] == first[0], key
        assert run[1] == first[1], key
        assert run[2] == first[2], key
    return first


# -- the golden run, as typed Parquet -------------------------------------------------------
@pytest.fixture(scope="module")
def typed_generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden test's 20,000 generated households, their households file typed Parquet
    in row groups of 8,192 (what ``planner convert`` writes): three parts."""
    from tests.golden import record

    folder = record.generate(tmp_path_factory.mktemp("typed") / "generated")
    households = folder / "households.jsonl"
    done = _planner("convert", households, folder / "households.parquet")
    assert done.returncode == 0, done.stderr
    households.unlink()
    return folder


def test_the_golden_run_as_typed_parquet_is_the_same_on_both_backends_and_workers(
    typed_generated: Path, tmp_path: Path,
) -> None:
    from tests.golden import record

    parts, why = typed_parts(typed_generated / "households.parquet")
    assert why is None
    assert [(p.groups, p.start) for p in parts] == [((0,), 0), ((1,), 8192), ((2,), 16384)]
    code, notices, output = _four_ways(typed_generated.name, tmp_path / "findings.jsonl",
                                       "--date", record.REFERENCE_DATE, "--exit-zero",
                                       cwd=typed_generated.parent)
    assert code == 0
    assert "--workers" not in notices
    assert "Records read: 20000; accepted 20000, rejected 0" in notices
    # the findings are the recorded ones, read from the typed file instead of JSON Lines
    recorded = gzip.decompress((record.HERE / "generated_findings.jsonl.gz").read_bytes())
    assert output == recorded.replace(b"generated/households.jsonl",
                                      b"generated/households.parquet")


# -- rejected rows, duplicates across parts, a lost worker -----------------------------------
def _generated(count: int, seed: int) -> list[dict[str, Any]]:
    config = GeneratorConfig(households=count, seed=seed)
    return [Household.model_validate(item.household).model_dump()
            for item in generate_households(config)]


def _person(row: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in row["members"] if m["id_number"])


@pytest.fixture(scope="module")
def awkward_typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """9,000 generated households in row groups of 1,024 (two parts: 8,192 and 808 records),
    with rejected rows, a row the model accepts once it strips a name, a household id read
    again in the second part and a person of the first part recorded again in the second."""
    rows = _generated(9000, 11)
    rows[100]["housing"]["safety_grade"] = "E"  # rejected
    rows[8500]["members"].append(None)  # rejected, second part
    rows[9]["members"][0]["name"] = " 王五 "  # accepted after stripping: judged by the model
    rows[8600]["id"] = rows[50]["id"]  # read again: rejected as a duplicate
    _person(rows[8700])["id_number"] = _person(rows[60])["id_number"]  # DQ004 across parts
    folder = tmp_path_factory.mktemp("awkward-typed")
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), folder / "households.parquet",
                   row_group_size=1024)
    return folder


@pytest.fixture(scope="module")
def awkward_checked(awkward_typed: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[int, str, bytes]:
    """The awkward file checked four ways (:func:`_four_ways`, all the same): exit code,
    notices, findings."""
    return _four_ways(awkward_typed, tmp_path_factory.mktemp("awkward-checked") / "findings.jsonl",
                      "--date", "2020-09-30", "--select", SIX_AND_PEOPLE, "--exit-zero")


def test_rejected_rows_and_duplicates_across_typed_parts_are_the_same(
    awkward_typed: Path, awkward_checked: tuple[int, str, bytes],
) -> None:
    parts, _ = typed_parts(awkward_typed / "households.parquet")
    assert [(p.start, p.records) for p in parts] == [(0, 8192), (8192, 808)]
    code, notices, output = awkward_checked
    assert code == 1  # records rejected
    assert "Records read: 9000; accepted 8997, rejected 3" in notices
    assert "record 8601" in notices and "record 101" in notices and "record 8501" in notices
    findings = [json.loads(line) for line in output.splitlines()]
    people = [f for f in findings if f["code"] == "DQ004"]
    rows = pq.read_table(awkward_typed / "households.parquet", columns=["id"]).column("id")
    twins = {rows[60].as_py(), rows[8700].as_py()}
    assert any({f["subject"], *json.dumps(f, ensure_ascii=False).split('"')} >= twins
               for f in people)


def test_plans_from_typed_parquet_are_the_same_with_two_workers(
    awkward_typed: Path, tmp_path: Path,
) -> None:
    runs = []
    for workers in ("1", "2"):
        out = tmp_path / f"plans-{workers}.jsonl"
        done = _planner("plan", awkward_typed, "--workers", workers, "--date", "2020-09-30",
                        "--output-format", "jsonl", "--output", out)
        assert done.returncode == 1, done.stderr  # records rejected
        runs.append((done.stderr, out.read_bytes()))
    assert runs[0] == runs[1]
    assert "--workers" not in runs[1][0]


def test_a_damaged_page_in_a_typed_part_ends_the_file_there_as_in_one_process(
    awkward_typed: Path, tmp_path: Path,
) -> None:
    """Row group 3 (records 3,073–4,096, in the first part) damaged: the records before it are
    checked, the rest of the file — the second part too — is not read."""
    source = awkward_typed / "households.parquet"
    data = bytearray(source.read_bytes())
    metadata = pq.ParquetFile(source).metadata
    for index in range(metadata.num_columns):
        chunk = metadata.row_group(3).column(index)
        start = chunk.dictionary_page_offset or chunk.data_page_offset
        for offset in range(start, start + 16):
            data[offset] ^= 0x55
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "households.parquet").write_bytes(bytes(data))
    # The typed reader reads a row group a batch on both backends, so the damage is met after
    # the records of the row groups before it; two workers give what one process gives.
    where, counted = "damaged near record 3073", "Records read: 3072; accepted 3071"
    for backend in ("python", "columnar"):
        runs = []
        for workers in ("1", "2"):
            out = tmp_path / f"findings-{backend}-{workers}.jsonl"
            done = _planner("check", folder, "--output", out, "--backend", backend,
                            "--workers", workers, "--output-format", "jsonl", "--lang", "en",
                            "--date", "2020-09-30", "--select", SIX_AND_PEOPLE, "--exit-zero")
            assert done.returncode == 2, done.stderr
            assert where in done.stderr and counted in done.stderr
            runs.append((done.stderr, out.read_bytes()))
        assert runs[0] == runs[1]


HOSTILE = '''
import os
from planner import rule

TARGET = {target!r}


@rule(code="TST982", name="hostile-on-one-row", family="hostile",
      message={{"zh": "敌意规则", "en": "hostile rule"}})
def hostile_on_one_row(ctx):
    """A hostile rule of the tests: exits the worker process on one household."""
    if ctx.household.id == TARGET:
        os._exit(3)
    yield from ()


RULES = (hostile_on_one_row,)
'''


@pytest.fixture(scope="module")
def short_tail(awkward_typed: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[Path, tuple[int, str, bytes]]:
    """The awkward file's first 8,240 rows in row groups of 1,024: two parts, the second of 48
    records (a lost worker's part is re-run record by record, each in a worker of its own:
    its size is what that costs, and 48 prove what 808 do); and the file checked in one
    process (the same on both backends: :func:`awkward_checked`)."""
    folder = tmp_path_factory.mktemp("short-tail")
    table = pq.read_table(awkward_typed / "households.parquet").slice(0, 8240)
    pq.write_table(table, folder / "households.parquet", row_group_size=1024)
    out = folder.with_name(f"{folder.name}-clean.jsonl")
    done = _planner("check", folder, "--workers", "1", "--output", out, "--select",
                    SIX_AND_PEOPLE, "--output-format", "jsonl", "--exit-zero", "--lang", "en",
                    "--date", "2020-09-30", "--backend", "python")
    return folder, (done.returncode, done.stderr, out.read_bytes())


@pytest.mark.parametrize("backend", ["python", "columnar"])
def test_a_typed_row_that_kills_its_worker_alone_is_lost(
    short_tail: tuple[Path, tuple[int, str, bytes]], tmp_path: Path, backend: str,
) -> None:
    folder, (code, notices, output) = short_tail
    parts, _ = typed_parts(folder / "households.parquet")
    assert [(p.start, p.records) for p in parts] == [(0, 8192), (8192, 48)]
    ids = pq.read_table(folder / "households.parquet", columns=["id"]).column("id")
    target = ids[8200].as_py()  # in the second part
    rules = tmp_path / "hostile.py"
    rules.write_text(HOSTILE.format(target=target), encoding="utf-8")
    hostile = _planner("check", folder, "--workers", "2", "--rules", rules,
                       "--output", tmp_path / "hostile.jsonl",
                       "--select", f"{SIX_AND_PEOPLE},TST982", "--output-format", "jsonl",
                       "--exit-zero", "--lang", "en", "--date", "2020-09-30",
                       "--backend", backend)
    assert hostile.returncode == code == 1, hostile.stderr
    clean = output.decode("utf-8").splitlines()
    found = (tmp_path / "hostile.jsonl").read_text(encoding="utf-8").splitlines()
    lost = [json.loads(line) for line in found if json.loads(line)["code"] == "PLN001"]
    assert [f["subject"] for f in lost] == [target]
    assert lost[0]["source"]["rows"] == [8201]
    assert "exit code 3" in json.dumps(lost[0], ensure_ascii=False)
    assert [line for line in found if target not in line] == [
        line for line in clean if target not in line]
    assert "Records read: 8240; accepted 8239, rejected 1" in notices
    assert "Records read: 8240; accepted 8239, rejected 1" in hostile.stderr


# -- the decision, and its notice -----------------------------------------------------------
def test_a_typed_file_of_one_row_group_is_read_whole_and_says_so(tmp_path: Path) -> None:
    rows = _generated(300, 12)
    path = tmp_path / "households.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), path)
    _, why = typed_parts(path)
    assert why == "one row group"
    done = _planner("check", path, "--workers", "2", "--output-format", "jsonl", "--exit-zero",
                    "--output", tmp_path / "out.jsonl", "--backend", "columnar")
    assert done.returncode == 0, done.stderr
    assert (f"--workers：{path} 是按列存储的 Parquet 文件，只有一个行组，整个文件由一个进程读取，"
            "只用一个进程") in done.stderr
    assert (f"--workers: {path} is typed Parquet and has one row group: one process reads it "
            "whole; one process is used") in done.stderr


# -- the rule cases, in a worker ------------------------------------------------------------
def _case_households() -> dict[date, list[dict[str, Any]]]:
    """Every household of every YAML rule case (built-in rules), by reference date."""
    from planner.testing import collect_cases

    by_date: dict[date, list[dict[str, Any]]] = {}
    for folder in (ROOT / "tests" / "rules",):
        for case in collect_cases(folder, HOUSEHOLDS):
            by_date.setdefault(case.reference_date, []).extend(case.households)
    return by_date


def _raws(households: list[dict[str, Any]]) -> list[RawRecord]:
    """One raw record per household, each id made unique (a case's household ids are
    reused by others) so that every one is checked."""
    raws = []
    for number, household in enumerate(households, 1):
        record = dict(household, id=f"{household.get('id', 'case')}-{number}")
        raws.append(RawRecord(json.dumps(record, ensure_ascii=False, default=str), "cases.jsonl",
                              number))
    return raws


def _in_worker(backend: str, on: date, raws: list[RawRecord]) -> PartResult:
    recipe = Recipe(None, (), on, Selection(select=("ALL",)), backend=backend)

    def lost(part: Any, zh: str, en: str) -> PartResult:
        raise AssertionError(f"a worker was lost: {en}")

    with Pool(recipe, 1, lost) as pool:
        (result,) = pool.result(pool.submit(raws))
    return result


def test_every_rule_case_in_one_worker_batch_is_the_same_on_both_backends() -> None:
    checked = found = 0
    for on, households in sorted(_case_households().items()):
        raws = _raws(households)
        python, columnar = (_in_worker(backend, on, raws) for backend in ("python", "columnar"))
        assert len(python.entries) == len(columnar.entries) == len(raws)
        for raw, one, other in zip(raws, python.entries, columnar.entries, strict=True):
            assert one.household == other.household, raw.record
            assert [str(e) for e in one.errors] == [str(e) for e in other.errors], raw.record
            assert ([f.to_dict() for f in one.findings or []]
                    == [f.to_dict() for f in other.findings or []]), raw.record
            checked += one.household is not None
            found += bool(one.findings)
        assert python.partials.keys() == columnar.partials.keys()
    assert checked > 350 and found > 350
