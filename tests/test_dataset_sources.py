"""``open_dataset`` over national export files (any names, recognised by their headers) and
``Dataset.sourced()``: every household, village and project paired with where it was read."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from planner.io import open_dataset, write_households
from planner.source import Source

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

SET = Path(__file__).parent / "data" / "io" / "export_set"
MANIFEST = json.loads((SET / "manifest.json").read_text(encoding="utf-8"))
MEMBERS_CSV = SET / "csv" / "（自定义）监测对象信息.csv"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "households"
WORK_HEADER = ["县", "乡", "行政村", "户编号", "户类型", "监测对象类别", "证件号码", "是否已务工",
               "开始时间", "结束时间", "务工所在县", "就业渠道", "务工月收入"]


def _member_rows(household_id: str) -> tuple[int, ...]:
    """The 1-based line numbers of a household's rows in the GBK member CSV (title rows above)."""
    with MEMBERS_CSV.open(encoding="gbk", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[2].index("户编号")
    return tuple(n for n, row in enumerate(rows, start=1)
                 if len(row) > column and row[column] == household_id)


@pytest.mark.parametrize("variant", ["xlsx", "xls", "csv"])
def test_an_export_folder_gives_every_household_with_its_file_sheet_rows_and_fields(variant):
    dataset = open_dataset(SET / variant, income_year=MANIFEST["income_year"])
    sourced = list(dataset.sourced())
    expected_ids = [h["id"] for h in MANIFEST["households"]]
    assert [item.record.id for item in sourced] == expected_ids
    assert [h.id for h in dataset.households()] == expected_ids  # the same, plain
    assert dataset.errors == [] and dataset.stats.accepted == len(expected_ids)
    third = sourced[2]
    member_file = SET / variant / f"（自定义）监测对象信息.{variant}"
    assert third.source.file == str(member_file)
    assert third.source.sheet == (None if variant == "csv" else "（自定义）监测对象信息")
    assert third.source.rows == _member_rows(third.record.id)
    assert len(third.source.rows) == len(third.record.members)
    assert third.source.layout == "monitoring_2023_members"
    fields = third.source.fields
    assert fields is not None
    # the member sheet's fields, and the work-record sheet's joined into the same households
    assert {"member.id_number", "member.benefits.dibao", "income.wage"} <= fields
    assert "member.benefits" not in fields  # only the benefit kinds its columns answer
    assert {"member.employment.0.monthly_pay", "member.employment.0.start"} <= fields
    assert "member.employment.0.id_number" not in fields  # names the member; no field
    assert "member.birth_date" not in fields and "helper.name" not in fields
    assert "water.reliability" not in fields
    villages = dataset.sourced_villages()
    assert [v.record for v in villages] == dataset.villages and len(villages) == 2
    assert villages[0].source == Source(
        str(SET / variant / f"（自定义）行政村信息.{variant}"),
        None if variant == "csv" else "（自定义）行政村信息", (4,), "monitoring_2023_villages",
        villages[0].source.fields)
    assert "dibao_people" in (villages[0].source.fields or ())


def test_export_files_named_one_by_one_read_as_the_folder_does():
    folder = open_dataset(SET / "xlsx", income_year=2023)
    named = open_dataset(sorted((SET / "xlsx").iterdir(), reverse=True), income_year=2023)
    assert list(named.sourced()) == list(folder.sourced())
    assert named.villages == folder.villages


def test_a_planner_jsonl_and_csv_household_carry_their_record_and_rows(tmp_path):
    households = [json.loads(p.read_text(encoding="utf-8"))
                  for p in sorted(EXAMPLES.glob("*.json"))][:2]
    jsonl = tmp_path / "households.jsonl"
    jsonl.write_text("".join(json.dumps(h, ensure_ascii=False) + "\n" for h in households),
                     encoding="utf-8")
    read = list(open_dataset(jsonl).sourced())
    assert [item.source for item in read] == [
        Source(str(jsonl), None, (1,)), Source(str(jsonl), None, (2,))]
    folder = tmp_path / "flat"
    folder.mkdir()
    write_households([item.record for item in read], folder / "households.csv")
    flat = list(open_dataset(folder).sourced())
    sizes = [len(item.record.members) for item in read]
    first_rows = tuple(range(2, 2 + sizes[0]))  # the header is row 1
    second_rows = tuple(range(2 + sizes[0], 2 + sizes[0] + sizes[1]))
    assert [item.source for item in flat] == [
        Source(str(folder / "households.csv"), None, first_rows),
        Source(str(folder / "households.csv"), None, second_rows)]
    assert [item.record for item in flat] == [item.record for item in read]


def _work_book(path: Path, *rows: list[str]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("务工")
    sheet.write_row(0, 0, ["示范县防止返贫监测对象信息：（务工月监测）已外出务工信息"])
    sheet.write_row(1, 0, ["导出时间：2023-12-31"])
    sheet.write_row(2, 0, WORK_HEADER)
    for number, row in enumerate(rows, start=3):
        sheet.write_row(number, 0, row)
    book.close()
    return path


def test_a_work_row_matching_no_member_is_one_input_error_never_a_household(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(SET / "xlsx", folder)
    extra = _work_book(folder / "补充务工.xlsx", [
        "示范县", "青山乡", "松林村", "", "脱贫户", "", "522425199901010011", "是", "2023年03月",
        "", "长顺县", "务工", "3000"])
    dataset = open_dataset(folder, income_year=2023)
    households = list(dataset.households())
    assert len(households) == len(MANIFEST["households"])
    assert [(e.file, e.sheet, e.row, e.field, e.value, e.is_warning)
            for e in dataset.errors] == [
        (str(extra), "务工", 4, "id_number", "522425**********11", False)]
    table = next(t for t in dataset.tables if t.file == str(extra))
    assert (table.kind, table.stats.read, table.stats.accepted, table.stats.rejected) == (
        "work_record", 1, 0, 1)


def test_a_folder_mixes_export_files_with_planner_named_files(tmp_path):
    folder = tmp_path / "district"
    shutil.copytree(SET / "csv", folder)
    (folder / "villages.csv").write_text("村编号,县,乡,村\nV9,示范县,河口镇,新村\n",
                                         encoding="utf-8")
    shutil.copy(EXAMPLES.parent / "district" / "projects.json", folder / "projects.json")
    (folder / "planner.toml").write_text("", encoding="utf-8")
    (folder / "说明.csv").write_text("说明,内容\n一,二\n", encoding="utf-8")
    dataset = open_dataset(folder, income_year=2023)
    assert dataset.config_path == folder / "planner.toml"
    assert dataset.villages[0].id == "V9" and len(dataset.villages) == 3
    assert len(dataset.projects) == len(dataset.sourced_projects()) > 0
    assert dataset.sourced_projects()[0].source == Source(str(folder / "projects.json"), None,
                                                          (1,))
    assert dataset.sourced_villages()[0].source == Source(str(folder / "villages.csv"), None,
                                                          (2,))
    # a table in a folder that no layout recognises and no planner name explains is left out
    (notice,) = [w for w in dataset.warnings if w.file == str(folder / "说明.csv")]
    assert notice.is_warning and "not recognised" in notice.reason_en
    assert len(list(dataset.households())) == len(MANIFEST["households"])
    assert dataset.errors == []


def test_a_file_no_layout_recognises_is_read_by_its_name_when_named(tmp_path):
    households = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES.glob("*.json")]
    path = tmp_path / "我的户.csv"
    from planner.model import Household

    write_households([Household.model_validate(h) for h in households], path)
    dataset = open_dataset([path, SET / "csv" / "（务工月监测）已外出务工信息.csv"])
    assert dataset.household_files == [path] and len(dataset.export_files) == 1
    read = list(dataset.sourced())
    assert len(read) == len(households) and read[0].source.layout is None
    # the work rows name members of the export's households, not read here: input errors
    assert dataset.errors and all(e.field in ("id_number", "household_id")
                                  for e in dataset.errors)


def test_households_stream_and_a_row_naming_an_id_number_of_two_households_joins_the_first(
        tmp_path):
    head = "522425197005060016"
    members = tmp_path / "members.csv"
    members.write_text("户编号,证件号码,与户主关系,劳动技能,在校生状况\n"
                       f"H1,{head},户主,普通劳动力,非在校生\n"
                       f"H2,{head},户主,普通劳动力,非在校生\n", encoding="utf-8")
    work = tmp_path / "work.csv"
    work.write_text("户编号,证件号码,是否已务工,开始时间,务工所在县\n"
                    f",{head},是,2023年03月,长顺县\n"
                    f"H2,{head},是,2023年05月,长顺县\n", encoding="utf-8")
    dataset = open_dataset([members, work])
    stream = dataset.sourced()
    first = next(stream)  # yielded before the household sheet is read to its end
    assert [t.kind for t in dataset.tables] == ["work_record", "household"]
    assert first.record.id == "H1"
    assert [e.start.isoformat() for e in first.record.members[0].employment] == ["2023-03-01"]
    (second,) = list(stream)
    assert [e.start.isoformat() for e in second.record.members[0].employment] == ["2023-05-01"]
    assert [(Path(e.file).name, e.row, e.field, e.household) for e in dataset.errors] == [
        ("work.csv", 2, "id_number", "H2")]
    assert "joined to household H1, read first" in dataset.errors[0].reason_en
    assert second.source.fields is not None
    assert "member.employment.0.county" in second.source.fields


def test_a_sheet_that_cannot_be_read_is_reported_once_though_its_workbook_is_read_twice(
        tmp_path):
    whole = tmp_path / "whole.xlsx"
    book = xlsxwriter.Workbook(str(whole))
    for name, part in (("成员", "（自定义）监测对象信息"), ("务工", "（务工月监测）已外出务工信息"),
                       ("村", "（自定义）行政村信息")):
        sheet = book.add_worksheet(name)
        with (SET / "csv" / f"{part}.csv").open(encoding="gbk", newline="") as handle:
            for number, row in enumerate(csv.reader(handle)):
                sheet.write_row(number, 0, row)
    book.add_worksheet("坏表").write_row(0, 0, ["x"])
    book.close()
    folder = tmp_path / "export"
    folder.mkdir()
    broken = folder / "导出.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet4.xml":  # the sheet 坏表 loses its data
                target.writestr(item, source.read(item.filename))
    dataset = open_dataset(folder, income_year=2023)
    assert len(dataset.villages) == 2
    for _ in range(2):  # each read of the households starts its errors afresh
        households = list(dataset.households())
        assert len(households) == len(MANIFEST["households"])
        assert sum(1 for h in households for m in h.members if m.employment) == 31
        assert [(e.sheet, e.reason_en) for e in dataset.errors] == [
            ("坏表", "the data of sheet 坏表 is missing; the sheet was not read")]


def test_a_folder_with_no_planner_file_and_no_recognised_export_is_refused(tmp_path):
    from planner.io import FormatError

    (tmp_path / "说明.csv").write_text("说明,内容\n一,二\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no recognised export file"):
        open_dataset(tmp_path)
