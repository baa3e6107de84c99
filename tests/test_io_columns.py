"""Column maps and cells: Chinese export headers and values into the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.io import (
    FormatError,
    InputError,
    ReadStats,
    default_column_map,
    load_column_map,
    read_households,
)
from planner.io.cells import CellError, id_number, to_bool, to_date, to_float, to_int
from planner.model import (
    EliminationMethod,
    HousingGrade,
    IncomeCategory,
    LabourCapacity,
    MedicalInsurance,
    MonitoringGroup,
    Relation,
    RoadType,
    SchoolingStage,
    WorkPlace,
)

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

DATA = Path(__file__).resolve().parent / "data" / "io"
EXPORT = DATA / "export_2023.csv"


def _read(path: Path, **options):
    errors: list[InputError] = []
    warnings: list[InputError] = []
    stats = ReadStats()
    households = list(read_households(path, errors=errors, warnings=warnings, stats=stats,
                                      **options))
    return households, errors, warnings, stats


def test_a_monitoring_export_in_gb18030_with_title_rows_maps_onto_the_model():
    (first, second), errors, warnings, stats = _read(EXPORT, income_year=2023)
    assert errors == []
    assert stats.to_dict() == {"read": 2, "accepted": 2, "rejected": 0}

    assert first.id == "522425-101-0101"
    region = first.region
    assert (region.county, region.town, region.village) == ("示范县", "河口镇", "石桥村")
    assert first.status.value == "exited"
    assert first.monitoring.group is MonitoringGroup.UNSTABLE_EXITED
    assert first.monitoring.identified_on == date(2022, 3, 1)
    assert first.monitoring.risks == ["因病", "因学"]
    assert first.monitoring.risk_eliminated is False
    head, spouse, son = first.members
    assert [m.relation for m in first.members] == [Relation.HEAD, Relation.SPOUSE, Relation.SON]
    assert [m.birth_date for m in first.members] == [
        date(1970, 5, 6), date(1972, 8, 11), date(2010, 9, 1)]
    assert head.medical_insurance is MedicalInsurance.RESIDENT  # 是 beats the other column's 否
    assert (spouse.labour_capacity, spouse.health.value) == (LabourCapacity.WEAK, "serious_illness")
    assert (son.schooling, son.grade) == (SchoolingStage.JUNIOR_SECONDARY, 1)
    assert son.education is None
    # 享受低保政策情况 = 否 is dibao declined, not "no benefits at all" (issue 12, item 3)
    assert [head.benefits, spouse.benefits, son.benefits] == [None, ["dibao"], None]
    assert [head.benefits_declined, spouse.benefits_declined] == [["dibao"], None]
    assert head.id_type == "身份证"
    assert first.assistance.industry == ["种植补贴"]
    assert head.employment[0].place is WorkPlace.OUT_OF_PROVINCE
    assert head.phone == "13885710101"
    assert [(s.category, s.amount, s.year) for s in first.income] == [
        (IncomeCategory.WAGE, 12000, 2023), (IncomeCategory.OPERATING, 2500, 2023),
        (IncomeCategory.TRANSFER, 1100, 2023)]
    assert (first.income_year, first.recorded_per_capita_income) == (2023, 5200)
    assert first.compliant_out_of_pocket == 3000
    assert first.housing.safety_grade is HousingGrade.B
    assert first.water.safe is True  # 是否解决安全饮用水: the whole answer, not the quality alone
    assert (first.living.entry_road, first.living.cultivated_mu) == (RoadType.CEMENT, 3.5)

    assert second.monitoring.group is MonitoringGroup.MARGINAL
    assert second.monitoring.elimination_method is EliminationMethod.ASSISTED
    assert second.monitoring.eliminated_on == date(2023, 11, 1)
    assert [(s.category, s.amount) for s in second.income] == [(IncomeCategory.TRANSFER, 6100)]
    assert second.housing.safety_grade is HousingGrade.C
    assert second.water.safe is False
    assert second.living.entry_road is RoadType.GRAVEL
    assert second.members[0].labour_capacity is LabourCapacity.LOST

    # 信息采集人 is read (the per-collector aggregates of the report); 备用列 is unknown
    assert (first.collector, second.collector) == ("张三", "李四")
    assert [(w.row, w.column, w.value) for w in warnings] == [(3, "备用列", None)]


def test_a_benefit_answered_no_declines_that_benefit_and_keeps_the_others(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "户编号,证件号码,享受低保政策情况,享受特困供养政策情况,是否接受医疗救助\n"
        "H1,522425197005060016,否,农村特困,是\n"
        "H2,522425197005060024,农村低保,不享受,否\n"
        "H3,522425197005060032,否,,\n", encoding="utf-8")
    households, errors, _warnings, _ = _read(path)
    assert errors == []
    members = [h.members[0] for h in households]
    assert [m.benefits for m in members] == [["tekun", "medical_assistance"], ["dibao"], None]
    assert [m.benefits_declined for m in members] == [
        ["dibao"], ["tekun", "medical_assistance"], ["dibao"]]


def test_split_households_water_area_and_legal_supporters_have_chinese_headers(tmp_path):
    """Issue 14: 分户来源户编号 (DQ013), 是否丰水地区 and 人均日用水量 (WAT002's minimum),
    是否有法定赡养（抚养、扶养）人 (特困 eligibility) are read into the model; blank is not
    recorded."""
    path = tmp_path / "export.csv"
    path.write_text(
        "户编号,证件号码,分户来源户编号,是否丰水地区,人均日用水量（升）,是否有法定赡养（抚养、扶养）人\n"
        "H1,522425197005060016,H0,是,30,否\n"
        "H2,522425197005060024,,否,22,是\n"
        "H3,522425197005060032,,,,\n", encoding="utf-8")
    households, errors, _warnings, _ = _read(path)
    assert errors == []
    assert [h.split_from for h in households] == ["H0", None, None]
    assert [h.water.water_rich_area for h in households] == [True, False, None]
    assert [h.water.litres_per_person_day for h in households] == [30, 22, None]
    assert [h.members[0].legal_supporter for h in households] == [False, True, None]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_encodings_and_delimiters_are_detected(encoding, delimiter, tmp_path):
    text = EXPORT.read_text(encoding="gb18030").replace(",", delimiter)
    path = tmp_path / "export.csv"
    path.write_text(text, encoding=encoding)
    expected, _, _, _ = _read(EXPORT, income_year=2023)
    households, errors, _warnings, _stats = _read(path, income_year=2023)
    assert errors == []
    assert households == expected



def test_a_wide_comma_header_beats_semicolons_in_a_few_multi_line_cells(tmp_path):
    """Short lines split by a stray semicolon (in quoted, multi-line notes) used to outnumber the
    few wide rows, and the file was read with ';': "no header row found"."""
    note = '"' + "\n".join(f"第{n}次走访;情况良好" for n in range(6)) + '"'
    text = EXPORT.read_text(encoding="gb18030").splitlines()
    header_at = next(i for i, line in enumerate(text) if "户编号" in line)
    rows = [text[header_at], *(line.rstrip(",") + "," + note for line in text[header_at + 1:][:2])]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    households, errors, _warnings, _stats = _read(path, income_year=2023)
    assert [e.reason_en for e in errors if e.level == "file"] == []
    assert households


def test_half_width_brackets_and_spaces_match_the_shipped_headers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("户编号,人均纯收入(元),耕地面积 （亩）,县（市、区、旗）\nH1,3200,2.5,示范县\n",
                    encoding="utf-8")
    (household,), errors, warnings, _ = _read(path)
    assert (household.recorded_per_capita_income, household.living.cultivated_mu) == (3200, 2.5)
    assert household.region.county == "示范县"
    assert errors == warnings == []


def test_a_district_map_adds_headers_and_vocabularies(tmp_path):
    column_map = tmp_path / "district.yaml"
    column_map.write_text(
        "income_year: 2022\n"
        "vocabularies:\n"
        "  ability: {能干活: normal, 干不了: lost}\n"
        "tables:\n"
        "  households:\n"
        "    columns:\n"
        "      农户编码: id\n"
        "      劳力情况: {field: member.labour_capacity, values: ability}\n"
        "      就读情况:\n"
        "        field: member.schooling\n"
        "        values: {初一: {schooling: junior_secondary, grade: 1}}\n"
        "      务工收入（万元）: {income: wage}\n"
        "      知晓健康政策: policy_awareness.health\n",
        encoding="utf-8")
    path = tmp_path / "households.csv"
    path.write_text("农户编码,劳力情况,就读情况,务工收入（万元）,知晓健康政策,户类型\n"
                    "H1,能干活,,1.2,是,脱贫户\nH1,干不了,初一,1.2,是,脱贫户\n", encoding="utf-8")
    (household,), errors, _, _ = _read(path, column_map=column_map)
    assert errors == []
    assert [m.labour_capacity for m in household.members] == [
        LabourCapacity.NORMAL, LabourCapacity.LOST]
    assert (household.members[1].schooling, household.members[1].grade) == (
        SchoolingStage.JUNIOR_SECONDARY, 1)
    assert [(s.amount, s.year) for s in household.income] == [(1.2, 2022)]
    assert household.policy_awareness == {"health": True}
    assert household.status.value == "exited"  # the default map still applies


def test_a_district_map_uses_the_vocabularies_of_the_default_map(tmp_path):
    column_map = tmp_path / "district.yaml"
    column_map.write_text(
        "vocabularies:\n"
        "  grade: {危房: C}\n"
        "tables:\n"
        "  households:\n"
        "    columns:\n"
        "      是否通电: {field: living.electricity, values: yes_no}\n"
        "      房屋: {field: housing.safety_grade, values: [grade, housing_grade]}\n",
        encoding="utf-8")
    path = tmp_path / "households.csv"
    path.write_text("户编号,是否通电,房屋\nH1,否,危房\n", encoding="utf-8")
    (household,), errors, _, _ = _read(path, column_map=column_map)
    assert errors == []
    assert household.living.electricity is False
    assert household.housing.safety_grade.value == "C"


def test_a_map_that_does_not_extend_the_default_knows_only_its_own_headers(tmp_path):
    column_map = tmp_path / "own.yaml"
    column_map.write_text("extends: none\ntables:\n  households:\n    columns:\n      编号: id\n",
                          encoding="utf-8")
    path = tmp_path / "households.csv"
    path.write_text("编号,户类型\nH1,脱贫户\n", encoding="utf-8")
    (household,), _errors, warnings, _ = _read(path, column_map=column_map)
    assert household.status is None
    assert [w.column for w in warnings] == ["户类型"]


def test_a_map_naming_an_unknown_field_is_refused(tmp_path):
    column_map = tmp_path / "bad.yaml"
    column_map.write_text("tables:\n  households:\n    columns:\n      户编号: household_number\n",
                          encoding="utf-8")
    path = tmp_path / "households.csv"
    path.write_text("户编号\nH1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="household_number"):
        list(read_households(path, column_map=column_map))
    with pytest.raises(FormatError, match="unknown keys"):
        column_map.write_text("tables:\n  households:\n    columns:\n      户编号: {fild: id}\n",
                              encoding="utf-8")
        load_column_map(column_map)


def test_the_default_map_knows_every_appendix_header_it_lists():
    table = default_column_map().table("households")
    for header in ("户编号", "证件号码", "与户主关系", "人均纯收入（元）", "是否危房户",
                   "是否解决安全饮用水", "致贫/返贫风险5", "县(市、区、旗)",
                   "是否参加城镇职工基本养老保险"):
        assert table.entry(header) is not None, header
    assert table.ignores("信息采集人联系电话")
    assert default_column_map().table("villages").id_from == (
        "region.county", "region.town", "region.village")


def test_villages_without_an_id_column_get_one_from_their_names(tmp_path):
    from planner.io import read_villages

    path = tmp_path / "villages.csv"
    path.write_text("县,乡,村,是否出列,总户数\n示范县,河口镇,石桥村,是,320\n示范县,河口镇,白岩村,否,\n",
                    encoding="utf-8")
    errors: list[InputError] = []
    villages = list(read_villages(path, errors=errors))
    assert errors == []
    assert [(v.id, v.exited, v.households_total) for v in villages] == [
        ("示范县/河口镇/石桥村", True, 320), ("示范县/河口镇/白岩村", False, None)]


def test_project_funds_in_ten_thousand_yuan_are_scaled(tmp_path):
    from planner.io import read_projects

    path = tmp_path / "projects.csv"
    path.write_text("项目编号,项目名称,资金规模（万元）,计划完工时间\nP1,产业路,12.5,2020/10/31\n",
                    encoding="utf-8")
    (project,) = read_projects(path)
    assert (project.funds_allocated, project.planned_completion) == (125000, date(2020, 10, 31))


@pytest.mark.parametrize(("text", "month", "expected"), [
    ("2020-03-01", False, date(2020, 3, 1)),
    ("2020/3/1", False, date(2020, 3, 1)),
    ("2020.03.01", False, date(2020, 3, 1)),
    ("20200301", False, date(2020, 3, 1)),
    ("2020年3月1日", False, date(2020, 3, 1)),
    ("2020-03-01 00:00:00", False, date(2020, 3, 1)),
    ("202203", True, date(2022, 3, 1)),
    ("2022-03", True, date(2022, 3, 1)),
])
def test_dates_in_the_spellings_of_exports(text, month, expected):
    assert to_date(text, month) == expected


@pytest.mark.parametrize(("text", "month"), [
    ("202203", False), ("2020-13-01", False), ("三月", True)])
def test_impossible_dates_are_rejected(text, month):
    with pytest.raises(CellError):
        to_date(text, month)


def test_cells_read_numbers_and_yes_no_leniently_and_refuse_nonsense():
    assert (to_int("1,200"), to_int(3.0)) == (1200, 3)
    assert (to_float("１２.５"), to_float(" 2,808 ")) == (12.5, 2808)
    assert (to_bool("是"), to_bool("否"), to_bool("TRUE"), to_bool(0)) == (True, False, True, False)
    for bad, convert in (("3.5", to_int), ("nan", to_float), ("也许", to_bool), (True, to_int)):
        with pytest.raises(CellError):
            convert(bad)


@pytest.mark.parametrize(("value", "expected"), [
    ("52242519750312001x", "52242519750312001X"),
    (" 522425197503120018 ", "522425197503120018"),
    ("５２２４２５１９７５０３１２００１８", "522425197503120018"),
    (522425750312001.0, "522425750312001"),  # 15 digits survive a number cell
    ("522425750312001.0", "522425750312001"),
    ("522425197503120019", "522425197503120019"),  # wrong check digit: the rules' business
])
def test_id_numbers_that_can_be_put_into_the_model(value, expected):
    assert id_number(value) == expected


@pytest.mark.parametrize("value", [5.22425e17, 522425197503120018, "5.22425E+17",
                                   "522425197503120018.0", "52242519750312X018", "身份证"])
def test_id_numbers_that_cannot(value):
    with pytest.raises(CellError):
        id_number(value)


@pytest.mark.parametrize(("value", "month", "expected"), [
    (43831, False, date(2020, 1, 1)),  # a date column formatted as a number in Excel
    (43831.75, False, date(2020, 1, 1)),  # with a time of day
    ("43831", False, date(2020, 1, 1)),  # the same, exported to CSV
    (20200301, False, date(2020, 3, 1)),  # 8 digits stay a compact date, not a serial
    (202203, True, date(2022, 3, 1)),  # 6 digits in a month column stay a month
    ("2023年03月", True, date(2023, 3, 1)),
])
def test_excel_serial_dates_and_month_spellings(value, month, expected):
    assert to_date(value, month) == expected


@pytest.mark.parametrize("value", [2020, 2020.0, 9999, 80000, -1, "2020"])
def test_numbers_that_are_no_plausible_serial_date_are_refused(value):
    with pytest.raises(CellError) as caught:
        to_date(value)
    assert "不是日期" in caught.value.zh or "日期无法识别" in caught.value.zh


@pytest.mark.parametrize(("text", "expected"), [
    ("300元", 300.0), ("1.2万", 12_000.0), ("1.2万元", 12_000.0), ("0.07万", 700.0),
    ("1,234元", 1234.0), ("３００元", 300.0), (" 2.5 万元 ", 25_000.0),
])
def test_amounts_written_with_their_unit(text, expected):
    assert to_float(text) == expected


@pytest.mark.parametrize("text", ["元", "万", "三百元", "300美元", "1.2亿"])
def test_units_without_a_number_or_other_units_are_refused(text):
    with pytest.raises(CellError):
        to_float(text)


def test_an_amount_with_its_unit_is_not_scaled_again_by_a_ten_thousand_yuan_column(tmp_path):
    from planner.io import read_projects

    path = tmp_path / "projects.csv"
    path.write_text("项目编号,项目名称,资金规模（万元）,计划完工时间\n"
                    "P1,产业路,12.5万元,2020/10/31\nP2,水池,80000元,44135\nP3,桥,12.5,2020/10/31\n",
                    encoding="utf-8")
    projects = list(read_projects(path))
    assert [(p.id, p.funds_allocated) for p in projects] == [
        ("P1", 125_000), ("P2", 80_000), ("P3", 125_000)]
    assert projects[1].planned_completion == date(2020, 10, 31)


def test_a_real_workbook_with_dates_stored_as_numbers(tmp_path):
    import xlsxwriter

    from planner.io import read_projects

    path = tmp_path / "projects.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["项目编号", "项目名称", "资金规模（万元）", "计划完工时间"])
    sheet.write_row(1, 0, ["P1", "产业路", 12.5, 44135])  # 2020-10-31 as a General-format number
    book.close()
    (project,) = read_projects(path)
    assert project.planned_completion == date(2020, 10, 31)
