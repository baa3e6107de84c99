"""``planner check --scheduler``: a partitioned Parquet dataset checked on a real dask cluster of
two worker processes gives exactly the findings and totals of ``planner check`` in one process.

One ``LocalCluster`` serves the module; each distributed run joins it by its address, as
``--scheduler tcp://…`` does on a real cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.io import read_households, write_households

from .bilingual import in_both

distributed = pytest.importorskip("distributed")  # setup.sh installs the extra dask (dev: all)

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district"
DATE = "2020-09-30"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    import dask

    # one retry of a task whose worker died (dask's default is three): the tests stay short
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=":0")
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _parts(households: list[dict[str, Any]], folder: Path, count: int) -> None:
    from planner.model import Household

    (folder / "households").mkdir(parents=True)
    total = len(households)
    for index in range(count):
        chunk = households[index * total // count:(index + 1) * total // count]
        write_households((Household.model_validate(h) for h in chunk),
                         folder / "households" / f"part-{index}.parquet")


def _dicts(path: Path) -> list[dict[str, Any]]:
    return [h.model_dump(mode="json", exclude_none=True) for h in read_households(path)]


def _district(folder: Path, same_ids: bool = False) -> Path:
    """The example district with its households in 4 Parquet parts; ``same_ids``: the last
    household of part 1 and two of part 3 take the id of the first household (part 0)."""
    folder.mkdir()
    for name in ("params.yaml", "planner.toml", "projects.json", "villages.json"):
        shutil.copy(DISTRICT / name, folder / name)
    households = _dicts(DISTRICT / "households.jsonl")
    if same_ids:
        for index in (152, 240, 300):
            households[index]["id"] = households[0]["id"]
    _parts(households, folder, 4)
    return folder


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _one_process(dataset: Path, out: Path, *args: str) -> tuple[int, bytes, dict[str, Any]]:
    """Exit code, findings as JSON Lines and the summary of ``planner check`` in one process
    (one JSON run: its findings are the JSON Lines records, each on one line)."""
    code, _ = _check(str(dataset), "--output-format", "json", "--output", str(out), *args)
    document = json.loads(out.read_text())
    lines = "".join(json.dumps(finding, ensure_ascii=False, allow_nan=False) + "\n"
                    for finding in document["findings"])
    return code, lines.encode(), document["summary"]


def _distributed(dataset: Path, out: Path, scheduler: str, *args: str) -> tuple[int, bytes, Any]:
    """Exit code, the result files concatenated in their order, and summary.json."""
    code, output = _check(str(dataset), "--scheduler", scheduler, "--output", str(out), *args)
    if not (out / "summary.json").exists():
        return code, output.encode(), None
    summary = json.loads((out / "summary.json").read_text())
    joined = b"".join((out / name).read_bytes() for name in summary["files"])
    return code, joined, summary


def _codes(lines: bytes) -> Counter[tuple[str, str]]:
    return Counter((f["code"], f["subject"]) for f in map(json.loads, lines.splitlines()))


def test_the_example_district_in_four_parts_gives_the_one_process_findings_and_totals(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = _district(tmp_path / "district")
    code, expected, summary = _one_process(dataset, tmp_path / "one.jsonl")
    got_code, got, written = _distributed(dataset, tmp_path / "out", scheduler)
    assert (got_code, got) == (code, expected) == (1, expected)
    assert written["summary"] == summary
    assert summary["checks"]["households"] == 307
    assert written["files"] == [f"part-{i:05d}.jsonl" for i in range(4)] + [
        "areas.jsonl", "dataset.jsonl"]
    assert written["parts"] == [str(dataset / "households" / f"part-{i}.parquet")
                                for i in range(4)]
    dataset_codes = {f["code"] for f in map(json.loads,
                                            (tmp_path / "out" / "dataset.jsonl").read_text()
                                            .splitlines())}
    assert {"DQ004", "DQ013", "PRJ001", "PRJ002"} <= dataset_codes


def _generated(dataset: Path) -> tuple[str, str]:
    """5,000 generated households in 3 Parquet parts; the head of the last household (part 2)
    given the ID number of the first household's head (part 0). Returns their ids."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    result = CliRunner().invoke(cli, [
        "generate", "-n", "5000", "-s", "7", "--problem-share", "0.3", "--format", "parquet",
        "-o", str(dataset / "gen"), "-q"])
    assert result.exit_code == 0, result.output
    for found in (dataset / "gen").iterdir():
        if found.name.startswith(("villages", "projects")):
            shutil.move(found, dataset / found.name)
    table = pq.read_table(next((dataset / "gen").glob("households.*")))
    shutil.rmtree(dataset / "gen")
    records = table.to_pylist()  # typed Parquet: the members are a list of structs
    first, last = records[0], records[-1]
    last["members"][0]["id_number"] = first["members"][0]["id_number"]
    table = pa.Table.from_pylist(records, schema=table.schema)  # the layout's metadata kept
    (dataset / "households").mkdir()
    bounds = [0, 1700, 3400, len(records)]
    for index in range(3):
        pq.write_table(table.slice(bounds[index], bounds[index + 1] - bounds[index]),
                       dataset / "households" / f"part-{index}.parquet")
    return first["id"], last["id"]


def test_5000_generated_households_in_three_parts_with_a_person_in_part_0_and_part_2(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    first, last = _generated(dataset)
    code, expected, summary = _one_process(dataset, tmp_path / "one.jsonl", "--date", DATE)
    got_code, got, written = _distributed(dataset, tmp_path / "out", scheduler, "--date", DATE)
    assert got_code == code
    assert _codes(got) == _codes(expected)  # the same multiset …
    assert got == expected  # … in the same order, byte for byte
    assert written["summary"] == summary
    assert summary["inputs"]["read"] == 5000
    duplicates = [f for f in map(json.loads, (tmp_path / "out" / "dataset.jsonl").read_text()
                                 .splitlines()) if f["code"] == "DQ004"]
    parts = {f["subject"]: f["source"]["file"] for f in duplicates}
    assert parts[first].endswith("part-0.parquet")
    assert parts[last].endswith("part-2.parquet")


def test_a_damaged_part_and_a_part_with_rejected_records_are_reported_as_in_one_process(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = _district(tmp_path / "district")
    parts = dataset / "households"
    # Part 1: a record that breaks the model (a member's sex that is no sex); part 3: not Parquet.
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(parts / "part-1.parquet")  # typed Parquet: members are structs
    records = table.to_pylist()
    records[5]["members"][0]["sex"] = "unknown-sex"
    pq.write_table(pa.Table.from_pylist(records, schema=table.schema), parts / "part-1.parquet")
    (parts / "part-3.parquet").write_bytes(b"PAR1 not a parquet file at all")
    code, expected, summary = _one_process(dataset, tmp_path / "one.jsonl")
    got_code, got, written = _distributed(dataset, tmp_path / "out", scheduler)
    assert code == got_code == 2  # a whole file could not be read
    assert got == expected
    assert written["summary"] == summary
    errors = summary["inputs"]["errors"]
    assert summary["inputs"]["rejected"] == 1
    assert any("part-1.parquet" in e and "sex" in e for e in errors)
    assert any("part-3.parquet" in e for e in errors)


KILLER = '''
"""A rule that kills its worker process the first time it runs (a marker file says so)."""

import os
from pathlib import Path

from planner import rule

MARKER = Path({marker!r})


@rule(code="KIL001", name="kill-worker", family="local", severity="info",
      message={{"zh": "不会出现", "en": "never shown"}})
def kill_worker(ctx):
    """Kills the process checking the first household it sees, once.

    ## Why it matters
    It tests that a killed worker's task is run again.

    ## Example
    Any household.

    ## Proposed measures
    None.

    ## Parameters
    None.

    ## References
    None.
    """
    if not MARKER.exists() or ctx.household.id == MARKER.read_text():
        MARKER.write_text(MARKER.read_text() if MARKER.exists() else "killed")
        os._exit(1)
    return []


RULES = (kill_worker,)
'''


def test_a_worker_killed_mid_run_has_its_part_checked_again_and_nothing_is_lost(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = _district(tmp_path / "district")
    marker = tmp_path / "killed"
    rules = tmp_path / "killer.py"
    rules.write_text(KILLER.format(marker=str(marker)))
    marker.write_text("not in the one-process run")
    code, expected, summary = _one_process(dataset, tmp_path / "one.jsonl", "--rules",
                                           str(rules))
    marker.unlink()
    got_code, got, written = _distributed(dataset, tmp_path / "out", scheduler, "--rules",
                                          str(rules))
    assert marker.read_text() == "killed"  # a worker did die
    assert got_code == code
    assert got == expected
    assert written["summary"] == summary
    assert written["summary"]["checks"]["households"] == 307


def test_a_rule_file_that_differs_on_the_workers_stops_the_run_naming_it(tmp_path: Path) -> None:
    """The digests of the run's files: here the file is changed after the client read it, which
    a worker sees as a different file (as on a worker whose copy differs)."""
    from planner.config import Config
    from planner.distributed import RecipeError, digests, verify

    rules = tmp_path / "local.yaml"
    shutil.copy(ROOT / "examples" / "local_rules" / "district_rules.yaml", rules)
    expected = digests(Config(), [str(rules)], None)
    verify(expected)
    with rules.open("a") as stream:
        stream.write("\n# changed\n")
    with pytest.raises(RecipeError, match=r"local\.yaml"):
        verify(expected)


def test_without_dask_the_scheduler_option_exits_2_with_the_pip_hint(tmp_path: Path) -> None:
    hide = tmp_path / "hide"
    (hide / "distributed").mkdir(parents=True)
    (hide / "distributed" / "__init__.py").write_text("raise ImportError('hidden for a test')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(hide), *os.environ.get("PYTHONPATH", "").split(os.pathsep)])}
    done = in_both(lambda: subprocess.run(
        [str(Path(sys.executable).parent / "planner"), "check", str(DISTRICT), "--scheduler",
         "local:2", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, env={**env, "PLANNER_LANG": os.environ["PLANNER_LANG"]},
        timeout=120, check=False))
    assert done.returncode == 2, done.stderr
    assert "pip install 'fuping-planner[dask]'" in done.stderr
    assert "未安装" in done.stderr and "not installed" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_core_and_the_cli_import_without_dask() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, planner, planner.cli.check, planner.cli.plan, "
         "planner.distributed; assert not [m for m in sys.modules if m.split('.')[0] in "
         "('dask', 'distributed')], 'dask imported'"],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("value", "message"), [
    ("local:0", "positive number"), ("local:x", "positive number"), ("somewhere", "tcp://"),
])
def test_a_malformed_scheduler_exits_2_saying_what_is_expected(
    tmp_path: Path, value: str, message: str,
) -> None:
    code, output = _check(str(DISTRICT), "--scheduler", value, "--output", str(tmp_path / "o"),
                          "--lang", "en")
    assert code == 2
    assert message in output


def test_the_scheduler_needs_an_output_folder(tmp_path: Path) -> None:
    code, output = _check(str(DISTRICT), "--scheduler", "local:1", "--lang", "en")
    assert code == 2
    assert "--output FOLDER" in output


def _plan(*args: str) -> int:
    result = CliRunner().invoke(cli, ["plan", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code


@pytest.mark.parametrize("budget", [[], ["--budget", "300000"]], ids=["streamed", "budget"])
def test_plans_of_the_district_in_four_parts_are_the_one_process_plans(
    tmp_path: Path, scheduler: str, budget: list[str],
) -> None:
    dataset = _district(tmp_path / "district")
    one = tmp_path / "one.jsonl"
    assert _plan(str(dataset), "--output-format", "jsonl", "--output", str(one), *budget) == 0
    out = tmp_path / "out"
    assert _plan(str(dataset), "--scheduler", scheduler, "--output", str(out), *budget) == 0
    names = [f"part-{i:05d}.jsonl" for i in range(4)] + ["district.jsonl"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert b"".join((out / name).read_bytes() for name in names) == one.read_bytes()
    district = json.loads((out / "district.jsonl").read_text().splitlines()[-1])
    assert district["stats"]["households"] == 307
    assert (district["allocation"] is not None) == bool(budget)


def test_a_household_id_read_again_in_later_parts_is_rejected_there_as_in_one_process(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = _district(tmp_path / "district", same_ids=True)
    code, expected, summary = _one_process(dataset, tmp_path / "one.jsonl")
    got_code, got, written = _distributed(dataset, tmp_path / "out", scheduler)
    assert code == got_code == 1
    assert got == expected
    assert written["summary"] == summary
    assert summary["inputs"]["rejected"] == 3
    assert sum("part-0.parquet" in e for e in summary["inputs"]["errors"]) == 3  # first read
    one = tmp_path / "plan.jsonl"
    assert _plan(str(dataset), "--output-format", "jsonl", "--output", str(one)) == 1
    out = tmp_path / "plans"
    assert _plan(str(dataset), "--scheduler", scheduler, "--output", str(out)) == 1
    names = [f"part-{i:05d}.jsonl" for i in range(4)] + ["district.jsonl"]
    assert b"".join((out / name).read_bytes() for name in names) == one.read_bytes()


def test_a_part_whose_worker_always_dies_stops_the_run_naming_it_and_writes_no_summary(
    tmp_path: Path, scheduler: str,
) -> None:
    dataset = _district(tmp_path / "district")
    households = _dicts(DISTRICT / "households.jsonl")
    marker = tmp_path / "killed"
    marker.write_text(households[200]["id"])  # in part 2: every worker checking it dies
    rules = tmp_path / "killer.py"
    rules.write_text(KILLER.format(marker=str(marker)))
    out = tmp_path / "out"
    code, output = _check(str(dataset), "--scheduler", scheduler, "--output", str(out),
                          "--rules", str(rules), "--lang", "en")
    assert code == 2
    assert "part-2.parquet" in output and "could not be checked" in output
    assert not (out / "summary.json").exists()
    assert not (out / "part-00002.jsonl").exists()  # never half written
    # parts before it written whole (the last one may be left out with the failure)
    assert "part-00000.jsonl" in {p.name for p in out.iterdir()} <= {
        "part-00000.jsonl", "part-00001.jsonl"}
