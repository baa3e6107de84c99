"""``planner report``: ledger.xlsx (整改台账, 责任清单) and report.json, in real processes."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from planner.report.ledger import fingerprint

from .conftest import EXAMPLES

PLANNER = Path(sys.executable).with_name("planner")
DISTRICT = EXAMPLES / "district"
PRE_EXIT_2808 = "522425-101-0001"
ONE_ROOM = "522425-102-0002"


def planner(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@functools.cache
def ledger_rows() -> int:
    """What the ledger must hold: one row per unwaived finding of ``planner check``."""
    done = planner("check", DISTRICT, "--output-format", "jsonl", "--exit-zero", cwd=DISTRICT)
    return sum(not json.loads(line)["waived"] for line in done.stdout.splitlines())


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    done = planner("report", DISTRICT, "--out", out / "zh", cwd=out)
    assert done.returncode == 0, done.stderr
    assert f"台账 {ledger_rows()} 条" in done.stderr
    return out / "zh"


def rows(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_speech_households_are_in_the_ledger_with_measure_person_and_deadline(
        written: Path) -> None:
    book = openpyxl.load_workbook(written / "ledger.xlsx")
    assert book.sheetnames[:4] == ["汇总", "_ids", "村责任清单", "帮扶责任人清单"]
    assert set(book.sheetnames[4:]) == {"河口镇", "青山乡", "龙场镇"}
    assert book["_ids"].sheet_state == "hidden"
    town = rows(book["河口镇"])
    by_key = {(r["户编号/对象"], r["问题代码"]): r for r in town}
    for household, code, measure in ((PRE_EXIT_2808, "INC001", "扶贫小额信贷"),
                                     (ONE_ROOM, "HOU001", "农村危房改造"),
                                     (ONE_ROOM, "WAT001", "接入安全饮水")):
        row = by_key[(household, code)]
        assert str(row["整改措施"]).startswith(measure)
        assert row["责任单位"] and row["责任人"]
        assert str(row["责任人"]).endswith("*")  # a name, masked
        assert isinstance(row["整改时限"], datetime)  # a real Excel date
        assert row["整改状态"] == "待整改"
        assert row["乡镇"] == "河口镇"
        assert row["问题编号"] == fingerprint(household, code, None)
    # A need left without a measure (SUP004 about HOU001) gets the measure that answers HOU001.
    sup = [r for r in town if r["户编号/对象"] == ONE_ROOM and r["问题代码"] == "SUP004"]
    assert {str(r["整改措施"]) for r in sup} == {"农村危房改造", "接入安全饮水（集中供水入户）"}
    assert "河口镇项目竣工率 52.6%" in by_key[("河口镇", "PRJ001")]["问题"]
    assert by_key[("河口镇", "PRJ001")]["严重程度"] == "警告"
    # Every finding of the run has one row, each with its own id.
    ids = [r["_ids"] for r in rows(book["_ids"])]
    assert len(ids) == len(set(ids)) == ledger_rows()


def test_the_summary_shows_the_rates_beside_the_benchmark(written: Path) -> None:
    summary = rows(openpyxl.load_workbook(written / "ledger.xlsx")["汇总"])
    hekou = summary[0]
    assert hekou["乡镇"] == "河口镇"
    assert (hekou["项目竣工率(%)"], hekou["竣工率基准(%)"]) == (52.6, 87.9)
    assert (hekou["资金拨付率(%)"], hekou["拨付率基准(%)"]) == (45, 88.5)
    assert summary[-1]["乡镇"] == "示范县（合计）"
    assert summary[-1]["台账条数"] == ledger_rows() == sum(r["台账条数"] for r in summary[:-1])
    report = json.loads((written / "report.json").read_text(encoding="utf-8"))
    assert report["ledger"] == {"rows": ledger_rows(), "open": ledger_rows()}
    assert report["county"]["households"] == 307
    assert report["rankings"]["towns_by_completion"][0] == "河口镇"
    assert report["planned"] is True
    assert report["county"]["on_track_exit"] is not None


def test_responsibility_lists_name_measure_unit_person_deadline_status(written: Path) -> None:
    book = openpyxl.load_workbook(written / "ledger.xlsx")
    village = rows(book["村责任清单"])
    helper = rows(book["帮扶责任人清单"])
    assert len(village) == len(helper) > 0
    mine = [r for r in village if r["户编号"] == ONE_ROOM]
    assert "农村危房改造" in {r["措施"] for r in mine}
    for row in mine:
        assert row["村"] == "白岩村" and row["责任单位"] and row["状态"] in ("新增", "已计划")
        assert isinstance(row["完成时限"], datetime)
    assert all(str(r["帮扶责任人"]).endswith("*") for r in helper if r["帮扶责任人"])


def test_every_sheet_has_a_bold_frozen_header_a_filter_and_fitted_widths(written: Path) -> None:
    book = openpyxl.load_workbook(written / "ledger.xlsx")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    town = book["河口镇"]
    widths = {letter: town.column_dimensions[letter].width for letter in "ABCI"}
    assert widths["I"] > widths["B"] > 0  # the problem text is wider than the town
    assert widths["I"] < 63  # capped (MAX_WIDTH + 2, and the padding Excel adds)


def test_personal_data_is_masked_unless_shown(written: Path, tmp_path: Path) -> None:
    names = set()
    for line in (DISTRICT / "households.jsonl").read_text(encoding="utf-8").splitlines():
        household = json.loads(line)
        names.add((household.get("helper") or {}).get("name"))
        names.update(m.get("name") for m in household.get("members", []))
    names.discard(None)

    def cells(path: Path) -> set[str]:
        book = openpyxl.load_workbook(path, read_only=True)
        return {str(c) for s in book.worksheets for r in s.iter_rows(values_only=True)
                for c in r if c is not None}

    assert not cells(written / "ledger.xlsx") & names
    assert not any(name in (written / "report.json").read_text(encoding="utf-8")
                   for name in names)
    done = planner("report", DISTRICT, "--out", tmp_path, "--show-personal", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert cells(tmp_path / "ledger.xlsx") & names


def test_english_labels_with_lang_en(tmp_path: Path) -> None:
    done = planner("report", DISTRICT, "--out", tmp_path, "--lang", "en", "--no-plan",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{ledger_rows()} ledger rows" in done.stderr
    book = openpyxl.load_workbook(tmp_path / "ledger.xlsx")
    assert book.sheetnames[:2] == ["Summary", "_ids"]
    assert "By village" not in book.sheetnames  # no plan, no responsibility lists
    town = rows(book["河口镇"])
    assert {r["status"] for r in town} == {"open"}
    assert {r["severity"] for r in town} <= {"error", "warning", "info"}
    inc = next(r for r in town if r["household / subject"] == PRE_EXIT_2808
               and r["code"] == "INC001")
    assert inc["kind"] == "income" and inc["measure"]  # the rule's proposal without a plan
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["planned"] is False and report["county"]["on_track_exit"] is None


def test_usage_problems_exit_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "status.json"
    bad.write_text("{not json", encoding="utf-8")
    done = planner("report", DISTRICT, "--out", tmp_path / "out", "--status", bad, cwd=tmp_path)
    assert done.returncode == 2
    assert "无法读取整改状态文件" in done.stderr
    assert "cannot read the status file" not in done.stderr
    assert "Traceback" not in done.stderr
    done = planner("report", DISTRICT, cwd=tmp_path)
    assert done.returncode == 2 and "--out" in done.stderr


def test_rejected_records_are_listed_and_exit_1_with_the_rest_reported(tmp_path: Path) -> None:
    district = tmp_path / "district"
    shutil.copytree(DISTRICT, district)
    with (district / "households.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "BAD-1", "members": [{"number": "one"}]}\n')
    done = planner("report", district, "--out", tmp_path / "out", "--no-plan", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "households.jsonl" in done.stderr and "第308行" in done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["inputs"] == {"read": 308, "accepted": 307, "rejected": 1}
    assert report["county"]["households"] == 307
