"""The whole-process benchmark (scripts/bench.sh) runs end to end on 400 households, untimed.

Every row runs in its own process and exits as expected, and every peer (plain Python, polars,
OpenFisca) flags exactly the households planner flags for each of the six checks — on data with
many problems, so that each check has something to find. The OpenFisca peer needs an interpreter
with openfisca-core (scripts/bench.sh makes one); without it only that test is skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "whole" / "run.py"
PEERS = ROOT / "benchmarks" / "peers"
PLANNER = str(Path(sys.executable).with_name("planner"))
SIX = {"INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001"}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--households", "400", "--repeat", "1",
         "--problem-share", "0.8", "--work", str(work), "--json", str(work / "rows.json")],
        capture_output=True, text=True, timeout=900, check=False)
    rows = json.loads((work / "rows.json").read_text(encoding="utf-8")) \
        if (work / "rows.json").exists() else []
    return {"done": done, "rows": rows, "work": work}


def _row(rows: list[dict[str, Any]], name: str, source: str) -> dict[str, Any]:
    found = [r for r in rows if r["name"] == name and r["input"] == source
             and r["group"] == "six checks"]
    assert len(found) == 1, [r["name"] for r in rows]
    return found[0]


def test_every_row_runs_and_the_report_is_printed(bench: dict[str, Any]) -> None:
    done = bench["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    names = {(r["group"], r["name"], r["input"]) for r in bench["rows"]}
    assert {
        ("six checks", "bare Parquet read (pyarrow, planner's file)", "Parquet"),
        ("six checks", "polars, written by hand", "typed Parquet"),
        ("six checks", "plain Python loop over orjson", "JSONL"),
        ("six checks", "planner check, python", "Parquet"),
        ("six checks", "planner check, python", "JSONL"),
        ("validation", "planner validate", "JSONL"),
        ("every built-in rule", "planner check, python", "Parquet"),
        ("planning", "planner plan", "Parquet"),
        ("start-up", "planner --version", "—"),
    } <= names
    assert "| 400 households | input | seconds | peak MB |" in done.stdout
    assert "| target of issue 11" in done.stdout
    assert all(r["peak_mb"] > 0 and r["seconds"] > 0 for r in bench["rows"])


def test_the_hand_written_peers_flag_the_households_planner_flags(bench: dict[str, Any]) -> None:
    rows = bench["rows"]
    planner = _row(rows, "planner check, python", "Parquet")["counts"]
    assert set(planner) == SIX  # with 80 % of households given a problem, every check fires
    assert _row(rows, "planner check, python", "JSONL")["counts"] == planner
    assert _row(rows, "plain Python loop over orjson", "JSONL")["counts"] == planner
    assert _row(rows, "polars, written by hand", "typed Parquet")["counts"] == planner
    assert "⚠" not in bench["done"].stdout


def test_the_openfisca_peer_flags_the_households_planner_flags(bench: dict[str, Any]) -> None:
    rows = bench["rows"]
    if not any(r["name"] == "OpenFisca, vectorised" for r in rows):
        pytest.skip("no interpreter with openfisca-core (scripts/bench.sh makes .venv-bench)")
    planner = _row(rows, "planner check, python", "Parquet")["counts"]
    assert _row(rows, "OpenFisca, vectorised", "typed Parquet")["counts"] == planner


def test_the_readme_has_the_block_the_script_rewrites() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("<!-- bench:start -->") == 1
    assert readme.count("<!-- bench:end -->") == 1


def _peer(*args: object) -> dict[str, int]:
    done = subprocess.run([*map(str, args)], capture_output=True, text=True, check=True,
                          timeout=300)
    return {code: n for code, n in json.loads(done.stdout.splitlines()[-1]).items() if n}


def test_the_peers_age_members_from_their_id_number_as_planner_does(
        bench: dict[str, Any], tmp_path: Path) -> None:
    # No recorded birth dates: ages come from the ID numbers, and every third member's number
    # has a wrong check digit (age unknown: never flagged out of school).
    lines = (bench["work"] / "households.jsonl").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "households.jsonl"
    count = 0
    with source.open("w", encoding="utf-8") as out:
        for line in lines:
            household = json.loads(line)
            for member in household["members"]:
                member.pop("birth_date", None)
                count += 1
                if count % 3 == 0 and len(member.get("id_number") or "") == 18:
                    last = member["id_number"][-1]
                    member["id_number"] = member["id_number"][:-1] + ("1" if last != "1" else "2")
            out.write(json.dumps(household, ensure_ascii=False) + "\n")
    findings = tmp_path / "six.jsonl"
    subprocess.run([PLANNER, "check", "--date", "2020-09-30", "--select",
                    ",".join(sorted(SIX)), "--output-format", "jsonl", "--output", str(findings),
                    "--exit-zero", str(source)], capture_output=True, check=True, timeout=300)
    flagged: dict[str, set[str]] = {}
    for line in findings.read_text(encoding="utf-8").splitlines():
        finding = json.loads(line)
        flagged.setdefault(finding["code"], set()).add(finding["subject"])
    planner = {code: len(subjects) for code, subjects in flagged.items()}
    assert planner.get("EDU001")  # children still found out of school by their ID's age
    params = bench["work"] / "params.json"
    assert _peer(sys.executable, PEERS / "plain.py", source, params) == planner
    subprocess.run([sys.executable, str(PEERS / "flatten.py"), str(source), str(tmp_path / "flat")],
                   capture_output=True, check=True, timeout=300)
    assert _peer(sys.executable, PEERS / "polars_six.py", tmp_path / "flat", params) == planner
    openfisca = [r for r in bench["rows"] if r["name"] == "OpenFisca, vectorised"]
    if openfisca:  # the interpreter the benchmark found with openfisca-core
        python = openfisca[0]["argv"][0]
        assert _peer(python, PEERS / "openfisca_six.py", tmp_path / "flat", params) == planner
