"""The shipped export layouts: every documented header is read or deliberately ignored (with
why), every value label the exports use is accepted, and a sheet is recognised by its headers."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from planner.io.columns import default_column_map
from planner.io.exportlayouts import export_layouts, recognise

LAYOUTS = {layout.name: layout for layout in export_layouts()}
DEFAULT_YAML = yaml.safe_load(
    resources.files("planner.io").joinpath("default_columns.yaml").read_text(encoding="utf-8"))


def test_the_2023_monitoring_sheets_are_shipped():
    assert sorted(LAYOUTS) == [
        "monitoring_2023_household_info", "monitoring_2023_members", "monitoring_2023_villages",
        "monitoring_2023_work_plans", "monitoring_2023_work_records", "registration_households"]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_documented_header_is_mapped_or_ignored_with_a_reason(name):
    layout = LAYOUTS[name]
    table = default_column_map().table(layout.table)
    ignored = DEFAULT_YAML["tables"][layout.table].get("ignore") or {}
    unread = [h for h in layout.headers if table.entry(h) is None and not table.ignores(h)]
    assert unread == []
    assert isinstance(ignored, dict)
    assert all(isinstance(why, str) and why for why in ignored.values())
    assert set(layout.signature) <= set(layout.headers)


def test_the_member_sheet_has_no_birth_date_column_and_says_so():
    members = LAYOUTS["monitoring_2023_members"]
    assert "出生日期" not in members.headers
    assert "member.birth_date" in dict(members.cannot_express)
    carried = members.carried_fields(default_column_map())
    assert {"member.id_number", "member.id_type", "member.benefits.dibao",
            "member.benefits_declined",
            "assistance.health", "monitoring.house_damaged_after_elimination",
            "tekun_support_amount", "no_labour_safety_net", "living.orchard_mu",
            "living.grain_to_green_mu", "income.wage"} <= carried
    assert "member.birth_date" not in carried and "helper.name" not in carried


# Value labels the county checker (Gzuwkj/fuping) compares these columns with.
LABELS = {
    "性别": ["1", "2", "男", "女"],
    "享受低保政策情况": ["农村低保", "城市低保", "低保", "是", "否", "不享受", "未享受"],
    "享受特困供养政策情况": ["农村特困", "城市特困", "特困", "特困供养", "是", "否", "不享受"],
    "是否接受医疗救助": ["是", "否"],
    "健康状况": ["健康", "长期慢性病", "患有大病", "残疾"],
    "劳动技能": ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力",
             "普通劳动", "技能劳动能力"],
    "在校生状况": ["非在校生", "学前教育", "学龄前儿童", "小学", "初中", "高中", "七年级",
              "九年级", "普通高中二年级", "中职一年级", "高职高专三年级", "硕士生及以上",
              "失学辍学", "送教上门"],
    "文化程度": ["文盲或半文盲", "小学", "初中", "高中", "大专", "高职高专", "技师", "本科及以上",
             "本科及研究生及以上"],
    "与户主关系": ["户主", "配偶", "之子", "之女", "之儿媳", "之孙子", "之孙女", "之父", "之母"],
    "户类型": ["脱贫户", "一般农户"],
    "监测对象类别": ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"],
    "风险消除方式": ["帮扶消除", "自然消除"],
    "是否危房户": ["是", "否"],
    "风险是否已消除": ["是", "否"],
    "整户无劳动能力兜底保障户": ["是", "否"],
}


@pytest.mark.parametrize("header", sorted(LABELS))
def test_every_value_label_of_the_export_is_read(header, tmp_path):
    from planner.io import InputError, read_households

    path = tmp_path / "export.csv"
    group = header.startswith("风险")  # monitoring answers need the household's group
    rows = [f"H{i},{label}" + (",边缘易致贫户" if group else "")
            for i, label in enumerate(LABELS[header])]
    head = f"户编号,{header}" + (",监测对象类别" if group else "")
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    errors: list[InputError] = []
    households = list(read_households(path, errors=errors))
    assert errors == [] and len(households) == len(LABELS[header])


def test_a_registration_era_export_is_recognised_and_read(tmp_path):
    from planner.io import read_sources

    path = tmp_path / "建档立卡.csv"
    path.write_text(
        "贫困户信息\n户编号,贫困户属性,脱贫状态,主要致贫原因,证件号码,与户主关系,劳动能力,务工状况,住房\n"
        "H1,低保贫困户,未脱贫,因病,522425197005060016,01,普通,省外,有\n"
        "H2,五保贫困户,新脱贫,缺劳动力,522425195003030034,户主,丧失,,危房C类\n",
        encoding="gb18030")
    read = read_sources(path)
    assert read.errors == []
    assert [t.layout for t in read.tables] == ["registration_households"]
    first, second = read.households
    assert (first.category.value, first.status.value) == ("dibao", "poor")
    assert first.causes == ["illness"]
    assert (first.housing.safety_grade.value, second.housing.safety_grade.value) == ("B", "C")
    assert first.members[0].employment[0].place.value == "out_of_province"
    assert second.members[0].labour_capacity.value == "lost"


def test_a_sheet_is_recognised_by_its_headers_below_title_rows():
    rows = [(1, ["示范县已外出务工信息"]), (2, ["导出时间：2023-12-31"]),
            (3, ["户编号", "证件号码", "是否已务工", "开始时间", "结束时间", "务工所在县"])]
    found = recognise(iter(rows))
    assert (found.layout.name, found.row, found.header) == (
        "monitoring_2023_work_records", 3, tuple(rows[2][1]))
    members = [(1, ["户编号", "证件号码", "与户主关系", "劳动技能", "在校生状况"])]
    assert recognise(iter(members)).layout.name == "monitoring_2023_members"
    villages = [(1, ["县", "乡", "村", "是否出列", "总户数", "危房户数"])]
    assert recognise(iter(villages)).layout.name == "monitoring_2023_villages"
    assert recognise(iter([(1, ["id", "member.id_number"])])) is None


def test_the_docs_list_every_layout_as_generated_from_the_layout_files():
    from pathlib import Path

    from planner.io.layoutdocs import BEGIN, END, render

    page = (Path(__file__).parents[1] / "docs" / "io.md").read_text(encoding="utf-8")
    section = page[page.index(BEGIN):page.index(END) + len(END)]
    assert section == render(), "run: python -m planner.io.layoutdocs docs/io.md"
    for layout in export_layouts():
        assert f"Layout `{layout.name}`" in section
        assert all(what and why for what, why in layout.cannot_express)
