"""``planner ledger import``: an edited ledger read back, checked, and shown by the next report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from planner.report.ledger import fingerprint
from planner.report.status import load_status

from .bilingual import in_both
from .conftest import EXAMPLES
from .test_report_ledger import ledger_rows

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
PRE_EXIT_2808 = "522425-101-0001"
ONE_ROOM = "522425-102-0002"


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("first")
    done = planner("report", DISTRICT, "--out", out, "--no-plan", cwd=out)
    assert done.returncode == 0, done.stderr
    return out / "ledger.xlsx"


def _row_of(sheet, household: str, code: str) -> int:
    header = [c.value for c in sheet[1]]
    subject, column = header.index("户编号/对象"), header.index("问题代码")
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[subject] == household and row[column] == code:
            return number
    raise AssertionError(f"no row for {household} {code}")


def _edit(ledger: Path, target: Path, edits: dict[tuple[str, str], dict[str, object]]) -> None:
    """Edit cells of the 河口镇 sheet as an office would, with openpyxl, and save."""
    book = openpyxl.load_workbook(ledger)
    sheet = book["河口镇"]
    header = [c.value for c in sheet[1]]
    for (household, code), cells in edits.items():
        number = _row_of(sheet, household, code)
        for name, value in cells.items():
            sheet.cell(row=number, column=header.index(name) + 1, value=value)
    book.save(target)


def test_an_edited_ledger_changes_the_next_runs_statuses(first: Path, tmp_path: Path) -> None:
    edited = tmp_path / "returned.xlsx"
    _edit(first, edited, {
        (PRE_EXIT_2808, "INC001"): {"整改状态": "已整改", "核验人": "县乡村振兴局 王核验"},
        (ONE_ROOM, "HOU001"): {"整改状态": "in progress", "备注": "鉴定已申请"},
    })
    done = planner("ledger", "import", edited, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 行有状态" in done.stderr and "0 行有误" in done.stderr
    status = tmp_path / "ledger-status.json"
    entries = load_status(status)
    assert entries[fingerprint(PRE_EXIT_2808, "INC001", None)].status == "done"
    assert entries[fingerprint(ONE_ROOM, "HOU001", None)].status == "in_progress"
    assert entries[fingerprint(ONE_ROOM, "HOU001", None)].note == "鉴定已申请"
    assert len(entries) == 2

    done = planner("report", DISTRICT, "--out", tmp_path / "next", "--no-plan", "--status",
                   status, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "next" / "ledger.xlsx")
    sheet = book["河口镇"]
    header = [c.value for c in sheet[1]]
    state, verifier = header.index("整改状态"), header.index("核验人")
    changed = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[state] != "待整改":
            changed[(row[header.index("户编号/对象")], row[header.index("问题代码")])] = (
                row[state], row[verifier])
    assert changed == {(PRE_EXIT_2808, "INC001"): ("已整改", "县乡村振兴局 王核验"),
                       (ONE_ROOM, "HOU001"): ("整改中", None)}
    report = json.loads((tmp_path / "next" / "report.json").read_text(encoding="utf-8"))
    # in progress is still open
    assert report["ledger"] == {"rows": ledger_rows(), "open": ledger_rows() - 1}


def test_bad_rows_are_named_by_sheet_row_and_column_and_the_rest_imported(
        first: Path, tmp_path: Path) -> None:
    edited = tmp_path / "returned.xlsx"
    _edit(first, edited, {
        (PRE_EXIT_2808, "INC001"): {"整改状态": "搞定了"},
        (PRE_EXIT_2808, "INC002"): {"整改时限": "下个月"},
        (PRE_EXIT_2808, "INC003"): {"问题编号": "0123456789abcdef"},
        (ONE_ROOM, "WAT001"): {"整改状态": "verified"},
    })
    sheet = openpyxl.load_workbook(edited)["河口镇"]
    lines = {code: _row_of(sheet, PRE_EXIT_2808, code) for code in ("INC001", "INC002")}
    done = planner("ledger", "import", edited, "--output", tmp_path / "s.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert (f"returned.xlsx 工作表「河口镇」 第{lines['INC001']}行 列「整改状态 status (N)」："
            "未知的整改状态") in done.stderr
    assert "（值：搞定了）" in done.stderr
    assert f"第{lines['INC002']}行 列「整改时限 deadline (M)」：整改时限不是日期" in done.stderr
    assert "unknown finding id" in done.stderr
    assert "3 行有误" in done.stderr
    entries = load_status(tmp_path / "s.json")
    assert {e.status for e in entries.values()} == {"verified"}


def test_an_import_adds_to_the_status_file_it_updates(first: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    _edit(first, one, {(PRE_EXIT_2808, "INC001"): {"整改状态": "已整改"}})
    _edit(first, two, {(ONE_ROOM, "WAT001"): {"整改状态": "已销号"}})
    for path in (one, two):
        assert planner("ledger", "import", path, cwd=tmp_path).returncode == 0
    entries = load_status(tmp_path / "ledger-status.json")
    assert {e.status for e in entries.values()} == {"done", "verified"}


def test_a_file_that_is_no_ledger_exits_2(first: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(str(plain))
    book.add_worksheet("河口镇").write_row(0, 0, ["问题编号", "整改状态"])
    book.close()
    done = in_both(lambda: planner("ledger", "import", plain, cwd=tmp_path))
    assert done.returncode == 2
    assert "不是 planner report 写出的整改台账" in done.stderr
    assert "is not a ledger written by planner report" in done.stderr
    text = tmp_path / "ledger.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    done = planner("ledger", "import", text, cwd=tmp_path)
    assert done.returncode == 2 and "无法读取整改台账" in done.stderr
    assert "Traceback" not in done.stderr
    copy = tmp_path / "copy.xlsx"
    shutil.copy(first, copy)
    done = planner("ledger", "import", copy, "--output", copy, cwd=tmp_path)
    assert done.returncode == 2  # the status file would overwrite the ledger
    assert openpyxl.load_workbook(copy).sheetnames[0] == "汇总"


def test_fingerprints_are_stable_and_tell_repeated_findings_apart() -> None:
    assert fingerprint("H1", "DQ008", None) == fingerprint("H1", "DQ008", None)
    assert fingerprint("H1", "DQ008", None) != fingerprint("H1", "DQ008", 1)
    assert fingerprint("H1", "DQ008", None, 2) == fingerprint("H1", "DQ008", None) + "-2"
    assert len(fingerprint("H1", "DQ008", None)) == 16
