"""Several export files of one district read together: each recognised by its headers, part
sheets joined to members by ID number, unmatched rows reported as input errors."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from planner.io.sources import read_sources

EXPORT = Path(__file__).parent / "data" / "io" / "export_2023.csv"
HEAD_ID = "522425197005060016"  # the head of 522425-101-0101 in export_2023.csv
TITLES = ["已外出务工信息", "导出时间：2023-12-31"]


def _csv(path: Path, header: list[str], *rows: list[str], encoding: str = "gbk") -> Path:
    lines = [*TITLES, ",".join(header), *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


WORK = ["户编号", "证件号码", "是否已务工", "开始时间", "结束时间", "务工所在县", "就业渠道",
        "务工月收入"]


def test_work_records_join_to_members_by_id_number_under_any_file_name(tmp_path):
    _csv(tmp_path / "a.csv", WORK,
         ["", HEAD_ID, "是", "2023年03月", "2023年06月", "长顺县", "帮扶车间", "2800"],
         ["522425-101-0101", HEAD_ID, "是", "2023年08月", "", "东莞市", "务工", "4500"])
    read = read_sources([EXPORT, tmp_path / "a.csv"], income_year=2023)
    assert read.errors == []
    head = read.households[0].members[0]
    assert [(e.start.isoformat(), e.end, e.county, e.channel, e.monthly_pay)
            for e in head.employment] == [
        ("2023-03-01", head.employment[0].end, "长顺县", "帮扶车间", 2800),
        ("2023-08-01", None, "东莞市", "务工", 4500)]
    assert head.employment[0].place.value == "out_of_province"  # 务工所在地 of the member sheet
    assert [t.layout for t in read.tables] == ["monitoring_2023_members",
                                                "monitoring_2023_work_records"]
    # what each file can say: the fields its header row feeds
    members, work = read.tables
    assert {"member.id_number", "member.benefits.dibao", "member.benefits_declined",
            "income.wage"} <= members.fields
    assert "member.birth_date" in members.fields  # export_2023.csv has 出生日期
    assert "helper.name" not in members.fields and "water.reliability" not in members.fields
    # month columns: the dates and their precision (a month only is read as its first day)
    assert work.fields == {"household_id", "id_number", "employed", "start", "end", "county",
                           "channel", "monthly_pay", "start_precision", "end_precision"}


def test_an_unmatched_work_row_is_an_input_error_never_a_household(tmp_path):
    _csv(tmp_path / "work.csv", WORK,
         ["", "522425199901010011", "是", "2023年03月", "", "长顺县", "务工", "3000"],
         ["522425-999-9999", HEAD_ID, "是", "2023年03月", "", "长顺县", "务工", "3000"],
         ["522425-101-0101", "", "是", "2023年03月", "", "长顺县", "务工", "3000"])
    read = read_sources([EXPORT, tmp_path / "work.csv"], income_year=2023)
    assert [h.id for h in read.households] == ["522425-101-0101", "522425-203-0102"]
    assert [(Path(e.file).name, e.row, e.field, e.household, e.value) for e in read.errors] == [
        ("work.csv", 4, "id_number", None, "522425**********11"),
        ("work.csv", 5, "household_id", "522425-999-9999", "522425-999-9999"),
        ("work.csv", 6, "id_number", "522425-101-0101", None),
    ]
    assert read.errors[0].reason_en == (
        "no member with this ID number among the households read")
    work = read.tables[1]  # rows joined to nothing are rejected after all
    assert (work.stats.read, work.stats.accepted, work.stats.rejected) == (3, 0, 3)
    assert all(e.reason_zh and not e.is_warning for e in read.errors)


def test_a_row_may_name_its_member_by_household_and_position(tmp_path):
    _csv(tmp_path / "work.csv", ["户编号", "成员序号", "开始时间", "务工所在县"],
         ["522425-101-0101", "2", "202304", "贵阳市"],
         ["522425-101-0101", "9", "202304", "贵阳市"])
    read = read_sources([EXPORT, tmp_path / "work.csv"], income_year=2023)
    spouse = read.households[0].members[1]
    assert [(e.start.isoformat(), e.county) for e in spouse.employment] == [
        ("2023-04-01", "贵阳市")]
    assert [(e.row, e.field, e.value) for e in read.errors] == [(5, "member_number", "9")]


def test_sheets_of_one_workbook_are_recognised_in_any_order(tmp_path):
    path = tmp_path / "导出.xlsx"
    book = xlsxwriter.Workbook(str(path))
    villages = book.add_worksheet("Sheet1")
    for r, row in enumerate([["行政村信息"], ["县", "乡", "村", "是否出列", "总户数", "低保人口数",
                                             "到乡镇是否通沥青（水泥）路"],
                             ["示范县", "河口镇", "石桥村", "是", "320", "40", "是"]]):
        villages.write_row(r, 0, row)
    plans = book.add_worksheet("Sheet2")
    for r, row in enumerate([["户编号", "证件号码", "是否计划务工", "就业服务需求"],
                             ["522425-101-0101", HEAD_ID, "是", "技能培训、岗位推荐"]]):
        plans.write_row(r, 0, row)
    book.close()
    read = read_sources([path, EXPORT], income_year=2023)
    assert read.errors == []
    assert [(t.sheet, t.kind) for t in read.tables] == [
        ("Sheet1", "village"), ("Sheet2", "work_plan"), (None, "household")]
    (village,) = read.villages
    assert (village.id, village.dibao_people, village.paved_road_to_town) == (
        "示范县/河口镇/石桥村", 40, True)
    plan = read.households[0].members[0].work_plan
    assert (plan.planned, plan.service_needs) == (True, ["技能培训", "岗位推荐"])


def test_the_household_sheet_fills_what_the_member_sheet_left_blank(tmp_path):
    _csv(tmp_path / "户信息.csv", ["县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户类型",
                                 "卫生厕所是否能正常使用"],
         ["示范县", "河口镇", "石桥村", "522425-101-0101", "脱贫户", "否"],
         ["示范县", "河口镇", "石桥村", "522425-101-0999", "脱贫户", "是"])
    read = read_sources([EXPORT, tmp_path / "户信息.csv"], income_year=2023)
    assert read.households[0].living.sanitary_toilet_usable is False
    assert [(e.row, e.field, e.household) for e in read.errors] == [
        (5, "household_id", "522425-101-0999")]


def test_a_folder_is_read_and_files_no_layout_knows_are_read_by_their_name(tmp_path):
    (tmp_path / "监测.csv").write_bytes(EXPORT.read_bytes())
    (tmp_path / "villages.csv").write_text("村编号,县,乡,村\nV1,示范县,河口镇,石桥村\n",
                                           encoding="utf-8")
    read = read_sources(tmp_path, income_year=2023)
    assert read.errors == []
    assert [(Path(t.file).name, t.kind, t.layout) for t in read.tables] == [
        ("villages.csv", "village", None), ("监测.csv", "household", "monitoring_2023_members")]
    assert [v.id for v in read.villages] == ["V1"]
    assert len(read.households) == 2


def test_a_folder_written_by_planner_reads_its_part_files_with_their_main_file(tmp_path):
    from planner.io import read_households, write_households

    households = list(read_households(EXPORT, income_year=2023))
    write_households(households, tmp_path / "households.csv")
    assert (tmp_path / "households.income.csv").exists()
    read = read_sources(tmp_path)
    assert read.errors == [] and read.households == households
    assert [Path(t.file).name for t in read.tables] == ["households.csv"]


def test_an_id_number_in_two_households_needs_the_rows_household_id(tmp_path):
    members = tmp_path / "members.csv"
    members.write_text("户编号,证件号码,与户主关系,劳动技能,在校生状况\n"
                       f"H1,{HEAD_ID},户主,普通劳动力,非在校生\n"
                       f"H2,{HEAD_ID},户主,普通劳动力,非在校生\n", encoding="utf-8")
    _csv(tmp_path / "work.csv", WORK,
         ["", HEAD_ID, "是", "2023年03月", "", "长顺县", "务工", "3000"],
         ["H2", HEAD_ID, "是", "2023年05月", "", "长顺县", "务工", "3000"],
         ["H2", HEAD_ID, "是", "2023年13月", "", "长顺县", "务工", "3000"])
    read = read_sources([members, tmp_path / "work.csv"])
    first, second = read.households
    assert first.members[0].employment == []
    assert [e.start.isoformat() for e in second.members[0].employment] == ["2023-05-01"]
    # cells are judged as the sheet is read, the joins after every file is read
    assert [(e.row, e.field) for e in read.errors] == [(6, "start"), (4, "id_number")]
    assert read.errors[1].reason_en == (
        "this ID number is in several households and the row has no household id")
