"""``planner check``, ``plan``, ``validate`` and ``convert`` over a district's national export
files: a folder of them, or the files named one by one (any names), run as real processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from planner.io import open_dataset, read_households

SET = Path(__file__).parent / "data" / "io" / "export_set"
MANIFEST = json.loads((SET / "manifest.json").read_text(encoding="utf-8"))
IDS = {h["id"] for h in MANIFEST["households"]}
PLANNER = Path(sys.executable).with_name("planner")


def _planner(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PLANNER), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _check(*paths: object) -> subprocess.CompletedProcess[str]:
    return _planner("check", *paths, "--income-year", "2023", "--date", "2023-12-31",
                    "--output-format", "jsonl")


def _subjects(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    return [(f["code"], f["subject"]) for f in findings]


@pytest.fixture(scope="module")
def folder_check() -> subprocess.CompletedProcess[str]:
    return _check(SET / "xlsx")


def test_checking_an_export_folder_gives_findings_for_its_households(folder_check):
    assert folder_check.returncode == 1, folder_check.stderr
    assert "Traceback" not in folder_check.stderr
    found = _subjects(folder_check)
    households = {subject for _code, subject in found if subject in IDS}
    planted = {h["id"] for h in MANIFEST["households"] if h["expected_codes"]}
    assert planted <= households  # the planted problems are found, on the export's households
    assert "读取记录 35 条：接受 35 条，拒绝 0 条" in folder_check.stderr


def test_the_export_files_named_one_by_one_give_the_same_findings(folder_check, tmp_path):
    named = [tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"]
    for source, target in zip(sorted((SET / "xlsx").iterdir()), named, strict=True):
        shutil.copy(source, target)  # any names: each is recognised by its headers
    result = _check(*reversed(named))
    assert result.returncode == 1, result.stderr
    assert _subjects(result) == _subjects(folder_check)


def test_a_work_row_naming_no_member_is_one_input_error_with_its_place(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(SET / "xls", folder)
    book = xlsxwriter.Workbook(str(folder / "补充.xlsx"))
    sheet = book.add_worksheet("务工")
    for number, row in enumerate([
            ["已外出务工信息"],
            ["户编号", "证件号码", "是否已务工", "开始时间", "务工所在县", "务工月收入"],
            ["522425-101-0001", "522425199901010011", "是", "2023年03月", "长顺县", "3000"]]):
        sheet.write_row(number, 0, row)
    book.close()
    result = _planner("validate", folder, "--income-year", "2023", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(Path(e["file"]).name, e["sheet"], e["row"], e["field"], e["value"])
            for e in report["errors"]] == [
        ("补充.xlsx", "务工", 3, "id_number", "522425**********11")]
    assert report["households"] == {"read": 35, "accepted": 35, "rejected": 0}
    checked = _check(folder)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "补充.xlsx" in checked.stdout + checked.stderr


def test_validate_lists_each_sheet_with_the_layout_recognised():
    result = _planner("validate", SET / "csv", "--income-year", "2023")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    members = SET / "csv" / "（自定义）监测对象信息.csv"
    assert f"{members}（monitoring_2023_members）：读取 35 条，接受 35 条，拒绝 0 条" in lines
    assert any("已外出务工信息.csv（monitoring_2023_work_records）：读取 31 条" in line
               for line in lines)
    assert "户：读取 35，接受 35，拒绝 0" in lines
    assert "行政村：读取 2，接受 2，拒绝 0" in lines
    report = json.loads(_planner("validate", SET / "csv", "--income-year", "2023",
                                 "--format", "json").stdout)
    assert [(Path(t["file"]).name, t["kind"], t["layout"], t["accepted"])
            for t in report["tables"]] == [
        ("（自定义）行政村信息.csv", "village", "monitoring_2023_villages", 2),
        ("（务工月监测）已外出务工信息.csv", "work_record", "monitoring_2023_work_records", 31),
        ("（自定义）监测对象信息.csv", "household", "monitoring_2023_members", 35)]
    assert len(report["files"]) == 3


def test_convert_writes_an_export_folder_as_planners_own_files(tmp_path):
    out = tmp_path / "out"
    result = _planner("convert", SET / "xls", out, "--to", "jsonl", "--income-year", "2023")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["households.jsonl", "villages.jsonl"]
    written = list(read_households(out / "households.jsonl"))
    exported = open_dataset(SET / "xls", income_year=2023)
    assert written == list(exported.households())
    assert any(m.employment and m.employment[0].monthly_pay for h in written for m in h.members)
    converted = open_dataset(out)
    assert converted.villages == exported.villages
    # one export file into one file; a set holding several kinds needs a folder and --to
    one = tmp_path / "members.csv"
    single = _planner("convert", SET / "xls" / "（自定义）监测对象信息.xls", one,
                      "--income-year", "2023")
    assert single.returncode == 0, single.stderr
    assert len(list(read_households(one))) == 35
    refused = _planner("convert", SET / "xls", tmp_path / "x.jsonl", "--income-year", "2023")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


def test_plan_reads_an_export_folder(tmp_path):
    result = _planner("plan", SET / "csv", "--income-year", "2023", "--date", "2023-12-31",
                      "--output-format", "json", "--output", tmp_path / "plan.json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert {h["household"] for h in plan["households"]} == IDS
