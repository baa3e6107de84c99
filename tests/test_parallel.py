"""``--workers``: check and plan on worker processes give exactly what one process gives.

Real processes throughout: the CLI runs as a subprocess, its workers are spawned. The inputs
span several parts (the first parts hold 25 records, then 50, 100 …), so that rejected records,
duplicate household ids and duplicate ID numbers fall in different parts; hostile local rule
files kill or hang a worker in one part, or run out of their time budget in one.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .bilingual import in_both
from .conftest import EXAMPLES

PLANNER = [str(Path(sys.executable).parent / "planner")]
DISTRICT = EXAMPLES / "district"
TIMEOUT = 600


def _planner(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANNER, *map(str, args)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


def _same_with_workers(command: str, inputs: Path, out: Path, *options: str) -> bytes:
    """Run ``command`` with --workers 1 and 2; assert the same output, stderr and exit code;
    return the output."""
    runs = []
    for workers in ("1", "2"):
        target = out.with_name(f"{out.stem}-{workers}{out.suffix}")
        done = _planner(command, inputs, "--output", target, "--workers", workers, *options)
        assert done.returncode in (0, 1), done.stderr
        runs.append((done.returncode, done.stderr, target.read_bytes()))
    assert runs[0][0] == runs[1][0]
    assert runs[0][1] == runs[1][1]
    assert runs[0][2] == runs[1][2]
    return runs[0][2]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example district cut to 80 households, with a malformed line, a blank line, an
    invalid record, a household id read again in a later part, one read twice within a part,
    and a household whose members' ID numbers are those of a household in an earlier part."""
    folder = tmp_path_factory.mktemp("awkward") / "district"
    shutil.copytree(DISTRICT, folder)
    lines = _lines(DISTRICT / "households.jsonl")[:80]
    twin = json.loads(lines[1])
    twin["id"] = "522425-999-0001"
    invalid = json.loads(lines[7])
    invalid["id"] = "522425-999-0002"
    invalid["status"] = "no-such-status"
    lines[4:4] = ["{not json", ""]
    lines[30:30] = [lines[2]]  # the third household again, two parts later
    lines[45:45] = [json.dumps(twin, ensure_ascii=False), json.dumps(invalid, ensure_ascii=False)]
    lines[60:60] = [lines[58], lines[58]]  # a household twice more, in the same part
    (folder / "households.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["jsonl", "sarif", "text"])
def test_district_check_is_the_same_with_two_workers(tmp_path: Path, fmt: str) -> None:
    output = _same_with_workers("check", DISTRICT, tmp_path / f"findings.{fmt}",
                                "--output-format", fmt, "--exit-zero")
    assert output


def test_district_plan_is_the_same_with_two_workers(tmp_path: Path) -> None:
    output = _same_with_workers("plan", DISTRICT, tmp_path / "plan.jsonl",
                                "--output-format", "jsonl")
    assert len(output.splitlines()) >= 307


def test_rejected_records_and_duplicates_across_parts_are_the_same(awkward: Path,
                                                                   tmp_path: Path) -> None:
    output = _same_with_workers("check", awkward, tmp_path / "findings.jsonl",
                                "--output-format", "jsonl", "--exit-zero")
    findings = [json.loads(line) for line in output.splitlines()]
    shared = [f for f in findings if f["code"] == "DQ004" and f["subject"] == "522425-999-0001"]
    assert shared, "the twin's members share ID numbers with a household two parts earlier"
    done = _planner("check", awkward, "--workers", "2", "--output-format", "jsonl",
                    "--exit-zero", "--output", tmp_path / "again.jsonl", "--lang", "en")
    assert done.returncode == 1  # records rejected
    # 86 records: the malformed line, the invalid record and three repeated ids are rejected
    assert "Records read: 86; accepted 81, rejected 5" in done.stderr


def test_awkward_plan_is_the_same_with_two_workers(awkward: Path, tmp_path: Path) -> None:
    _same_with_workers("plan", awkward, tmp_path / "plan.jsonl", "--output-format", "jsonl")


def test_nested_parquet_is_the_same_with_two_workers(awkward: Path, tmp_path: Path) -> None:
    folder = tmp_path / "district"
    shutil.copytree(awkward, folder)
    households = folder / "households.jsonl"
    from planner.io import read_households
    from planner.io.parquet import write_nested

    # the JSON-text layout, whose cells workers validate (typed Parquet: by row groups)
    write_nested(list(read_households(households)), folder / "households.parquet")
    households.unlink()
    _same_with_workers("check", folder, tmp_path / "findings.jsonl", "--output-format", "jsonl",
                       "--exit-zero")


#: The household hostile rules pick on: the 100th, in the third part.
IDS = [json.loads(line)["id"] for line in _lines(DISTRICT / "households.jsonl")]
TARGET = IDS[99]
HOSTILE = '''
import os
import time
from planner import Hit, rule

TARGET = {target!r}


@rule(code="TST981", name="hostile-on-one", family="hostile",
      message={{"zh": "敌意规则", "en": "hostile rule"}})
def hostile_on_one(ctx):
    """A hostile rule of the tests: {what} on one household, a finding on the others."""
    if ctx.household.id == TARGET:
        {body}
    {others}


RULES = (hostile_on_one,)
'''


def _hostile(tmp_path: Path, what: str, body: str, others: str = "yield from ()") -> Path:
    path = tmp_path / "hostile.py"
    path.write_text(HOSTILE.format(what=what, body=body, others=others, target=TARGET),
                    encoding="utf-8")
    return path


def test_a_rule_out_of_time_in_one_part_is_disabled_from_there_on(tmp_path: Path) -> None:
    rules = _hostile(tmp_path, "loops", "while True:\n            pass", "yield Hit()")
    output = _same_with_workers("check", DISTRICT, tmp_path / "findings.jsonl",
                                "--rules", rules, "--rule-timeout", "0.5", "--ignore", "DQ004",
                                "--output-format", "jsonl", "--exit-zero")
    findings = [json.loads(line) for line in output.splitlines()]
    assert [f["subject"] for f in findings if f["code"] == "PLN004"] == [TARGET]
    assert [f["subject"] for f in findings if f["code"] == "TST981"] == IDS[:99]


@pytest.mark.parametrize(("what", "body", "why"), [
    ("exits the process", "os._exit(3)", "exit code 3"),
    ("hangs in a C call", "time.sleep(3600)", "no progress"),
])
def test_a_household_that_kills_or_hangs_its_worker_alone_is_lost(
    tmp_path: Path, what: str, body: str, why: str,
) -> None:
    rules = _hostile(tmp_path, what, body)
    common = ("--output-format", "jsonl", "--exit-zero", "--rule-timeout", "0.5", "--lang", "en")
    alone = _planner("check", DISTRICT, "--workers", "1", "--output", tmp_path / "clean.jsonl",
                     *common)
    hostile = _planner("check", DISTRICT, "--workers", "2", "--rules", rules,
                       "--output", tmp_path / "hostile.jsonl", *common)
    assert hostile.returncode == alone.returncode == 0, hostile.stderr
    clean = _lines(tmp_path / "clean.jsonl")
    found = _lines(tmp_path / "hostile.jsonl")
    lost = [json.loads(line) for line in found if json.loads(line)["code"] == "PLN001"]
    assert [f["subject"] for f in lost] == [TARGET]
    assert why in json.dumps(lost[0], ensure_ascii=False)
    # only the lost household's own findings are missing (it shares no ID number with others)
    assert [line for line in found if TARGET not in line] == [
        line for line in clean if TARGET not in line]
    assert sum(TARGET in line for line in found) == 1


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_below_one_are_refused(workers: str) -> None:
    for command in ("check", "plan"):
        done = in_both(lambda: _planner(command, DISTRICT, "--workers", workers))  # noqa: B023
        assert done.returncode == 2
        assert "工作进程数至少为 1" in done.stderr
        assert "must be at least 1" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden test's 20,000 generated households (tests/golden/record.py)."""
    from tests.golden import record

    return record.generate(tmp_path_factory.mktemp("generated") / "generated")


def test_generated_findings_with_two_workers_are_the_recorded_ones(
    generated: Path, tmp_path: Path,
) -> None:
    from tests.golden import record

    out = tmp_path / "findings.jsonl"
    done = subprocess.run(
        [*PLANNER, "check", generated.name, "--date", record.REFERENCE_DATE, "--exit-zero",
         "--output-format", "jsonl", "--output", str(out), "--workers", "2"],
        cwd=generated.parent, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    recorded = gzip.decompress((record.HERE / "generated_findings.jsonl.gz").read_bytes())
    assert out.read_bytes() == recorded


def test_generated_plans_are_the_same_with_two_workers(generated: Path, tmp_path: Path) -> None:
    _same_with_workers("plan", generated, tmp_path / "plan.jsonl", "--output-format", "jsonl",
                       "--date", "2020-09-30")


def test_waivers_are_judged_the_same_with_two_workers(awkward: Path, tmp_path: Path) -> None:
    """A waiver of a household in a late part, an expired one, one of a household not in the
    input, and one of a dataset rule (judged at the end of the run)."""
    first = _planner("check", awkward, "--workers", "1", "--output-format", "jsonl",
                     "--exit-zero", "--output", tmp_path / "plain.jsonl")
    assert first.returncode == 1, first.stderr
    findings = [json.loads(line) for line in _lines(tmp_path / "plain.jsonl")]
    late = [f for f in findings if f["subject_kind"] == "household" and f["code"] != "DQ004"]
    late = late[len(late) * 3 // 4]
    waivers = [
        (late["subject"], late["code"], "2021-06-30"),
        (findings[0]["subject"], findings[0]["code"], "2020-01-01"),
        ("522425-000-0000", "HOU001", "2021-06-30"),
        ("522425-999-0001", "DQ004", "2021-06-30"),
    ]
    path = tmp_path / "waivers.yaml"
    path.write_text("".join(
        f'- {{household: "{household}", code: {code}, reason: 核实中, approver: 镇政府,'
        f" expires: {expires}}}\n" for household, code, expires in waivers), encoding="utf-8")
    output = _same_with_workers("check", awkward, tmp_path / "waived.jsonl", "--waivers", path,
                                "--output-format", "jsonl", "--exit-zero")
    codes = [json.loads(line)["code"] for line in output.splitlines()]
    assert "PLN002" in codes and "PLN003" in codes
    assert b'"waiver"' in output


@pytest.mark.parametrize(("suffix", "zh", "en"), [
    ("csv", "不是 JSON Lines 或 Parquet 文件", "is not a JSON Lines or Parquet file"),
    ("parquet", "是按列存储的 Parquet 文件，只有一个行组，整个文件由一个进程读取",
     "is typed Parquet and has one row group: one process reads it whole"),
])
def test_an_input_workers_cannot_share_is_checked_in_one_process(
    tmp_path: Path, suffix: str, zh: str, en: str,
) -> None:
    folder = tmp_path / "district"
    shutil.copytree(DISTRICT, folder)
    households = folder / "households.jsonl"
    done = _planner("convert", households, folder / f"households.{suffix}")
    assert done.returncode in (0, 1), done.stderr
    households.unlink()
    one = _planner("check", folder, "--workers", "1", "--output-format", "jsonl", "--exit-zero",
                   "--output", tmp_path / "one.jsonl")
    two = _planner("check", folder, "--workers", "2", "--output-format", "jsonl", "--exit-zero",
                   "--output", tmp_path / "two.jsonl")
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert f"{zh}，只用一个进程" in two.stderr
    assert f"{en}; one process is used" in two.stderr
    assert "只用一个进程" not in one.stderr
