"""``planner diff`` and ``planner check --baseline``: two runs of the example district, in real
processes, the second on a copy with two problems fixed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
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


ON = "2021-06-30"


def _ledger_rows(path: Path) -> list[tuple[str, object, dict[str, object]]]:
    """Every row of a ledger's town sheets: (sheet, row number, cells by header)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    found = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows or rows[0][0] != "问题编号":
            continue
        found += [(sheet.title, number, dict(zip(rows[0], row, strict=True)))
                  for number, row in enumerate(rows[1:], start=2)]
    book.close()
    return found


@pytest.fixture(scope="module")
def returned(runs: Path) -> dict[str, str]:
    """The old run's ledger as an office returns it: one row in progress, one rectified, one
    given a later deadline, one with a status no one knows. Returns the edited rows' ids."""
    import openpyxl

    done = planner("report", DISTRICT, "--out", runs / "report", cwd=runs)
    assert done.returncode == 0, done.stderr
    edited: dict[str, str] = {}
    book = openpyxl.load_workbook(runs / "report" / "ledger.xlsx")
    for sheet, number, cells in _ledger_rows(runs / "report" / "ledger.xlsx"):
        mark = str(cells["问题编号"])
        key = (cells["问题代码"], cells["户编号/对象"])
        status = book[sheet].cell(number, 14)
        if key == ("INC002", "522425-101-0001"):
            status.value, edited["in_progress"] = "整改中", mark
        elif key == ("INC003", "522425-101-0001"):
            status.value, edited["done"] = "已整改", mark
        elif key == ("HOU001", "522425-102-0002"):
            book[sheet].cell(number, 13).value, edited["later"] = date(2099, 12, 31), mark
        elif key == ("WAT001", "522425-102-0002"):
            status.value, edited["bad"] = "不知道", mark
    book.save(runs / "returned.xlsx")
    assert len(edited) == 4
    return edited


def test_overdue_rectifications_per_area_from_the_returned_ledger(
        runs: Path, returned: dict[str, str]) -> None:
    done = planner("diff", "old.jsonl", "new.jsonl", "--ledger", "returned.xlsx", "--date", ON,
                   "--output-format", "json", cwd=runs)
    assert done.returncode == 1, done.stderr  # the row with an unknown status is refused
    assert "整改状态" in done.stderr and "不知道" in done.stderr
    result = json.loads(done.stdout)
    # counted independently: open or in progress, deadline before ON, not resolved by NEW
    expected = {str(c["问题编号"]): c for _, _, c in _ledger_rows(runs / "returned.xlsx")
                if c["整改状态"] in ("待整改", "整改中") and c["整改时限"] < datetime(2021, 6, 30)
                and str(c["问题编号"]) not in FIXED}
    overdue = {item["fingerprint"]: item for item in result["overdue"]}
    assert set(overdue) == set(expected)
    assert returned["in_progress"] in overdue and overdue[returned["in_progress"]]["status"] \
        == "in_progress"
    assert not {returned["done"], returned["later"], returned["bad"]} & set(overdue)
    fixed_rows = [c for _, _, c in _ledger_rows(runs / "returned.xlsx")
                  if str(c["问题编号"]) in FIXED]
    assert fixed_rows and all(c["整改时限"] < datetime(2021, 6, 30) for c in fixed_rows)
    assert not FIXED & set(overdue)  # fixed in the second run: not overdue
    assert result["overdue_on"] == ON and result["totals"]["overdue"] == len(expected)
    by_area = Counter((str(c["乡镇"] or ""), str(c["村"] or "")) for c in expected.values())
    assert {(a["town"], a["village"]): a["overdue"] for a in result["areas"] if a["overdue"]} \
        == dict(by_area)
    assert overdue[returned["in_progress"]]["code"] == "INC002"


def test_overdue_rectifications_in_the_text_comparison(runs: Path, returned: dict[str, str],
                                                       ) -> None:
    zh = planner("diff", "old.jsonl", "new.jsonl", "--ledger", "returned.xlsx", "--date", ON,
                 cwd=runs)
    first = zh.stdout.splitlines()[0]
    assert first.startswith("新增 0 个，已解决 4 个") and f"截至 {ON} 逾期未整改" in first
    assert "乡镇\t村\t新增\t已解决\t仍未解决\t逾期未整改" in zh.stdout
    section = zh.stdout.split("逾期未整改:\n", 1)[1]
    assert f"{returned['in_progress']}  INC002  522425-101-0001  河口镇/石桥村" in section
    assert "整改中" in section
    en = planner("diff", "old.jsonl", "new.jsonl", "--ledger", "returned.xlsx", "--date", ON,
                 "--lang", "en", cwd=runs)
    assert f"rectifications overdue on {ON}" in en.stdout.splitlines()[0]
    assert "\toverdue" in en.stdout and "in progress" in en.stdout.split("overdue:\n", 1)[1]
    # on the reference date no deadline has passed yet
    early = planner("diff", "old.jsonl", "new.jsonl", "--ledger", "returned.xlsx", "--date",
                    "2020-09-30", "--output-format", "json", cwd=runs)
    assert json.loads(early.stdout)["totals"]["overdue"] == 0


def test_a_ledger_that_is_no_ledger_exits_2(runs: Path) -> None:
    done = planner("diff", "old.jsonl", "new.jsonl", "--ledger", "old.jsonl", cwd=runs)
    assert done.returncode == 2 and "Traceback" not in done.stderr
