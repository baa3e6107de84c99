"""``planner diff`` and ``planner check --baseline``: two runs of the example district, in real
processes, the second on a copy with two problems fixed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.report.ledger import fingerprint

from .conftest import EXAMPLES

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
LOW_INCOME = "522425-101203-0000004"  # per-capita 2,809 yuan, below the 2020 line (INC001)
UNINSURED = "522425-203-0005"  # member 2 has no basic medical insurance (MED001)
#: What the two fixes resolve: the low income (INC001) and, as its income now reaches the
#: monitoring threshold, the example pack's idle labour (EX001, gated on that income); the
#: missing insurance (MED001) and the need it raised without a planned measure (SUP004).
FIXED_KEYS = {("INC001", LOW_INCOME, None), ("EX001", LOW_INCOME, None),
              ("MED001", UNINSURED, 2), ("SUP004", UNINSURED, 2)}
FIXED = {fingerprint(subject, code, member) for code, subject, member in FIXED_KEYS}


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def _fixed_district(target: Path) -> Path:
    """A copy of the example district with the low income raised above the line and the
    uninsured member insured."""
    shutil.copytree(DISTRICT, target)
    path = target / "households.jsonl"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        household = json.loads(line)
        if household["id"] == LOW_INCOME:  # planting income up, per capita 6,309.25 yuan
            household["income"][3]["amount"] += 14000.0
            household["recorded_per_capita_income"] += 3500.0
        if household["id"] == UNINSURED:
            household["members"][1].update(medical_insurance="resident",
                                           serious_illness_insurance=True)
        lines.append(json.dumps(household, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("diff")
    fixed = _fixed_district(work / "fixed")
    for name, district, fmt in (("old.jsonl", DISTRICT, "jsonl"), ("new.jsonl", fixed, "jsonl"),
                                ("new.json", fixed, "json")):
        done = planner("check", district, "--output-format", fmt, "--output", work / name,
                       cwd=work)
        assert done.returncode == 1, done.stderr
    return work


def still_open(runs: Path) -> int:
    """The old run's unwaived findings but the four fixed: what stays open."""
    lines = (runs / "old.jsonl").read_text(encoding="utf-8").splitlines()
    return sum(not json.loads(line)["waived"] for line in lines) - 4


def test_the_two_fixed_problems_and_only_they_are_resolved(runs: Path) -> None:
    done = planner("diff", "old.jsonl", "new.jsonl", "--output-format", "json", cwd=runs)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {item["fingerprint"] for item in result["resolved"]} == FIXED
    assert {(item["code"], item["subject"], item["member"])
            for item in result["resolved"]} == FIXED_KEYS
    assert result["new"] == []
    assert result["totals"] == {"new": 0, "resolved": 4, "still_open": still_open(runs)}
    areas = {(a["town"], a["village"]): a for a in result["areas"]}
    assert areas[("河口镇", "杨柳村")]["resolved"] == 2
    assert sum(a["resolved"] for a in result["areas"]) == 4
    assert sum(a["still_open"] for a in result["areas"]) == still_open(runs)


def test_a_json_findings_file_compares_like_jsonl(runs: Path) -> None:
    done = planner("diff", "old.jsonl", "new.json", "--output-format", "json", cwd=runs)
    assert done.returncode == 0, done.stderr
    assert {item["fingerprint"] for item in json.loads(done.stdout)["resolved"]} == FIXED


def test_the_other_way_round_the_fixed_problems_are_new(runs: Path) -> None:
    done = planner("diff", "new.jsonl", "old.jsonl", "--output-format", "json", cwd=runs)
    result = json.loads(done.stdout)
    assert {item["fingerprint"] for item in result["new"]} == FIXED
    assert result["resolved"] == []


def test_the_text_comparison_is_chinese_first_english_with_lang_en(runs: Path) -> None:
    zh = planner("diff", "old.jsonl", "new.jsonl", cwd=runs)
    assert zh.returncode == 0, zh.stderr
    assert zh.stdout.startswith(f"新增 0 个，已解决 4 个，仍未解决 {still_open(runs)} 个")
    assert "河口镇\t杨柳村\t0\t2\t" in zh.stdout
    en = planner("diff", "old.jsonl", "new.jsonl", "--lang", "en", cwd=runs)
    assert en.stdout.startswith(f"0 new, 4 resolved, {still_open(runs)} still open")
    resolved = en.stdout.split("resolved:\n", 1)[1]
    assert f"INC001  {LOW_INCOME}" in resolved and f"MED001  {UNINSURED}" in resolved


def test_a_file_that_is_no_findings_file_exits_2_without_a_traceback(runs: Path) -> None:
    (runs / "bad.jsonl").write_text('{"code": "INC001", "subject": "x"}\nnot json\n',
                                    encoding="utf-8")
    done = planner("diff", "old.jsonl", "bad.jsonl", cwd=runs)
    assert done.returncode == 2
    assert "第 2 行不是 JSON" in done.stderr and "line 2 is not JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_baseline_hides_the_old_findings_and_counts_them(runs: Path) -> None:
    # The fixed copy against the original's baseline: nothing new, exit 0.
    done = planner("check", runs / "fixed", "--baseline", "old.jsonl", "--output-format", "jsonl",
                   cwd=runs)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"基线隐藏 {still_open(runs)} 个问题" in done.stderr
    # The original against the fixed copy's baseline: exactly the fixed problems are reported.
    done = planner("check", DISTRICT, "--baseline", "new.jsonl", "--output-format", "jsonl",
                   "--lang", "en", cwd=runs)
    assert done.returncode == 1, done.stderr
    shown = [json.loads(line) for line in done.stdout.splitlines()]
    assert {(f["code"], f["subject"], f["member"]) for f in shown} == FIXED_KEYS
    assert f"{still_open(runs)} findings hidden by the baseline" in done.stderr


def test_a_report_writes_its_manifest_beside_the_ledger(tmp_path: Path) -> None:
    done = planner("report", DISTRICT, "--out", tmp_path / "out", "--no-plan", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reference_date"] == "2020-09-30"
    households = DISTRICT / "households.jsonl"
    assert {"file": str(households), "sha256": hashlib.sha256(households.read_bytes()).hexdigest()
            } in manifest["inputs"]
    assert "INC001" in manifest["rules"]["income"]
    assert manifest["parameters"]["income.poverty_line"] == 4000


def test_a_baseline_with_a_scheduler_is_refused_as_usage(runs: Path) -> None:
    done = planner("check", DISTRICT, "--baseline", "old.jsonl", "--scheduler",
                   "tcp://127.0.0.1:9", cwd=runs)
    assert done.returncode == 2
    assert "--baseline 不能与 --scheduler 同用" in done.stderr
    assert "Traceback" not in done.stderr
