"""Write the national-export fixture set in ``tests/data/io/export_set/`` (deterministic).

Run from the repository root::

    .venv/bin/python tests/data/io/make_export_fixtures.py

The files are written from the *documented* headers (the shipped layouts in
``planner/io/layouts``), in the 2023 monitoring export's shape: two title rows above the header,
sex coded 1/2, 是/否 answers, 农村低保 / 不享受, months as ``202303`` and ``2023年03月``, no
birth-date column. Three variants hold the same 35 households: ``xlsx/`` (XlsxWriter),
``xls/`` (xlwt) and ``csv/`` (GBK), each with the household-member, work-record and village sheets.
``manifest.json`` lists each household, whether it is clean, and the finding codes its planted
problem is meant to give (checked once the engine reads what the layout carries).
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SET = HERE / "export_set"
sys.path.insert(0, str(HERE.parents[2] / "src"))

from planner.idnumber import check_digit  # noqa: E402
from planner.io.exportlayouts import export_layouts  # noqa: E402

TITLE = "示范县防止返贫监测对象信息（自定义）"
NOTE = "导出时间：2023-12-31"
COUNTY = "示范县"
VILLAGES = (("河口镇", "石桥村"), ("青山乡", "松林村"))
INCOME_YEAR = 2023


def id_number(born: str, sequence: int, good: bool = True) -> str:
    """An 18-digit ID of 示范县 (522425) for birth date ``born`` (YYYYMMDD); odd = male."""
    body = f"522425{born}{sequence:03d}"
    digit = check_digit(body)
    if not good:  # a wrong check digit
        digit = "0" if digit != "0" else "1"
    return body + digit


def _member(born: str, sequence: int, relation: str, **cells: Any) -> dict[str, Any]:
    base = {
        "证件号码": id_number(born, sequence), "证件类型": "身份证",
        "性别": "1" if sequence % 2 else "2",
        "民族": "汉族", "与户主关系": relation, "文化程度": "初中", "在校生状况": "非在校生",
        "健康状况": "健康", "劳动技能": "普通劳动力", "是否参加城乡居民基本医疗保险": "是",
        "是否参加城镇职工基本医疗保险": "否", "是否参加大病保险": "是", "是否接受医疗救助": "否",
        "是否参加城乡居民基本养老保险": "是", "是否参加城镇职工基本养老保险": "否",
        "享受低保政策情况": "不享受", "享受特困供养政策情况": "不享受", "公益性岗位": "否",
        "公益性岗位(月数)": 0, "务工所在地": "", "家庭成员联系电话": "",
    }
    base.update(cells)
    return base


def _household(number: int, members: list[dict[str, Any]], **cells: Any) -> dict[str, Any]:
    town, village = VILLAGES[number % 2]
    size = len(members)
    per_capita = cells.pop("per_capita", 15000)
    transfer = cells.pop("transfer", 1000 * size)
    operating = cells.pop("operating", 2000 * size)
    wage = per_capita * size - transfer - operating
    base = {
        "县": COUNTY, "乡": town, "村": village,
        "户编号": f"522425-{number // 100 + 101}-{number:04d}",
        "户类型": "脱贫户", "监测对象类别": "", "识别监测时间": "", "风险是否已消除": "",
        "风险消除方式": "", "消除监测时间": "", "户联系电话": f"1388571{number:04d}",
        "人均纯收入（元）": per_capita, "工资性收入": wage, "生产经营性收入": operating,
        "转移性收入": transfer, "合规自付支出": 0, "特困人员救助供养金": 0,
        "整户无劳动能力兜底保障户": "否", "是否危房户": "否", "是否解决安全饮用水": "是",
        "是否通生活用电": "是", "是否有卫生厕所": "是", "入户道路是否硬化": "是",
        "与村主干路距离": 0.5,
        "住房面积": 110, "耕地面积（亩）": 3.5, "林地面积（亩）": 2, "退耕还林面积（亩）": 0,
        "林果面积（亩）": 1, "牧草地面积": 0, "水面面积": 0,
        "是否义务教育阶段适龄儿童少年失学辍学": "否",
        "是否有家庭成员未参加城乡居民（职工）基本医疗保险": "否",
        "产业帮扶": "种植补贴", "就业帮扶": "", "健康帮扶": "", "教育帮扶": "", "综合保障": "",
        "实施开发式帮扶措施情况": "是", "信息采集人": "张三", "信息采集人联系电话": "13900000000",
    }
    base.update(cells)
    return {"cells": base, "members": members}


def _couple(number: int, born_head: str = "19700506", born_spouse: str = "19720811",
            **spouse: Any) -> list[dict[str, Any]]:
    return [
        _member(born_head, 2 * number + 1, "户主", 务工所在地="省外",
                家庭成员联系电话=f"1398572{number:04d}"),
        _member(born_spouse, 2 * number + 2, "配偶", **spouse),
    ]


def households() -> list[tuple[dict[str, Any], list[str], str]]:
    """(household, expected codes, what is planted) for every fixture household."""
    found: list[tuple[dict[str, Any], list[str], str]] = []

    def add(household: dict[str, Any], codes: list[str], planted: str) -> None:
        found.append((household, codes, planted))

    # 1–16: clean households of different shapes
    for n in range(1, 9):
        add(_household(n, _couple(n)), [], "clean: a working couple")
    for n in range(9, 13):
        # a student's 文化程度 is left blank (EDU005)
        members = [*_couple(n), _member("20100901", 2 * n + 301, "之子", 在校生状况="七年级",
                                        文化程度="", 劳动技能="无劳动力",
                                        是否参加城乡居民基本养老保险="否")]
        add(_household(n, members), [], "clean: a couple and a pupil in 七年级")
    for n in range(13, 15):
        members = [_member("19550303", 2 * n + 1, "户主", 劳动技能="丧失劳动力",
                           享受低保政策情况="农村低保", 文化程度="小学")]
        add(_household(n, members, 户类型="一般农户", 整户无劳动能力兜底保障户="是",
                       per_capita=9000, transfer=9000, operating=0, 综合保障="农村低保"), [],
            "clean: an old man on rural dibao")
    for n in range(15, 17):
        # monitored for illness: the treatment's eligible out-of-pocket spending (MED006)
        # identified in the premium-subsidy window (MED003): 健康帮扶 lists the subsidy, as a
        # blank 健康帮扶 lists no item
        add(_household(n, _couple(n), 户类型="一般农户", 监测对象类别="边缘易致贫户",
                       识别监测时间="202303", 风险是否已消除="否",
                       健康帮扶="城乡居民基本医疗保险个人缴费补贴",
                       **{"致贫/返贫风险1": "因务工就业不稳"}), [],
            "clean: a marginal household identified in 2023")

    # 17–32: one planted problem each
    add(_household(17, [_member("19700506", 35, "户主", 证件号码=id_number("19700506", 35, False),
                                务工所在地="省外"), _member("19720811", 36, "配偶")]),
        ["DQ001"], "the head's ID number has a wrong check digit")
    add(_household(18, [_member("19700506", 37, "户主"), _member("19720811", 38, "户主")]),
        ["DQ003"], "two heads")
    add(_household(19, [_member("19700506", 39, "户主"), _member("19720811", 41, "配偶")]),
        ["DQ003"], "head and spouse of the same sex (both coded 1)")
    add(_household(20, [*_couple(20), _member("19720811", 42, "之女")]),
        ["DQ004"], "the spouse is registered a second time as a daughter")
    add(_household(21, _couple(21), **{"人均纯收入（元）": 9000}), ["DQ005"],
        "recorded per-capita income 9000, the income columns give 15000")
    add(_household(22, [*_couple(22), _member("20180901", 345, "之子", 在校生状况="九年级",
                                               文化程度="", 劳动技能="无劳动力")]),
        ["DQ007"], "a five-year-old in 九年级")
    add(_household(23, [*_couple(23), _member("20150901", 347, "之子", 在校生状况="小学",
                                               文化程度="")]),
        ["DQ009"], "an eight-year-old pupil recorded as 普通劳动力")
    add(_household(24, _couple(24), 户联系电话="12345"), ["DQ013"], "a phone number of five digits")
    add(_household(25, [*_couple(25), _member("20130901", 351, "之子", 在校生状况="失学辍学",
                                               失学或辍学原因="厌学", 文化程度="小学",
                                               劳动技能="无劳动力")]),
        ["EDU001"], "a ten-year-old who dropped out, not monitored (income above the range)")
    add(_household(26, _couple(26), 是否危房户="是"), ["HOU001"],
        "an unsafe house, not monitored (income above the range)")
    # No INC001 in 2023: the poverty line ends with 2020 and exits with the registration era.
    # MON001: an exited household whose income fell into the monitoring range is a monitoring
    # object on income alone (脱贫不稳定户; fuping 1_02_006), a risk is needed only for an
    # ordinary household (issue 14).
    add(_household(27, _couple(27), per_capita=3000, transfer=1000, operating=1000),
        ["EX001", "MON001"],
        "an exited household at 3000 yuan per head, not monitored, the spouse without work")
    add(_household(28, _couple(28, 是否参加城乡居民基本医疗保险="否")), ["MED001"],
        "the spouse has no medical insurance, not monitored (income above the range)")
    add(_household(29, _couple(29, 健康状况="患有大病", 享受低保政策情况="农村低保",
                               是否接受医疗救助="否")),
        ["MED002"], "a seriously ill spouse on dibao with neither family doctor nor medical aid")
    add(_household(30, _couple(30), 是否解决安全饮用水="否"), ["WAT001"],
        "unsafe drinking water, not monitored (income above the range)")
    add(_household(31, _couple(31), 户类型="一般农户", 监测对象类别="突发严重困难户",
                   识别监测时间="202301", 风险是否已消除="是", 风险消除方式="帮扶消除",
                   消除监测时间="202306", per_capita=3500, transfer=1000, operating=1000,
                   **{"致贫/返贫风险1": "因病", "风险消除后是否住房损毁": "否",
                      "风险消除后是否饮水设施损毁": "否",
                      "风险消除后是否义务教育阶段适龄儿童少年失学辍学": "否"}),
        ["EX001", "MON003"],
        "risk marked eliminated with income below the monitoring range, the spouse without work")
    # the ill spouse's family-doctor contract is listed in 健康帮扶 (a blank one lists none: MED002)
    add(_household(32, _couple(32, 享受低保政策情况="否", 健康状况="长期慢性病"),
                   健康帮扶="家庭医生签约服务"), [],
        "clean: 享受低保政策情况 = 否 for a chronically ill spouse is not an empty benefit list")
    add(_household(33, [*_couple(33), _member("20000101", 466, "之子", 性别="1")]), ["DQ002"],
        "a son coded 1 (male) whose ID number says female")
    add(_household(34, _couple(34), **{"耕地面积（亩）": 500}), ["DQ012"],
        "500 mu of cultivated land")
    # INC004 judges exits, which end with the registration era (2020): in 2023 this is clean.
    add(_household(35, _couple(35), per_capita=12000, transfer=20000, operating=0, 产业帮扶=""),
        [],
        "an exited household able to work living mostly on transfers, not flagged in 2023")
    return found


def _layout(name: str) -> tuple[str, ...]:
    return next(layout.headers for layout in export_layouts() if layout.name == name)


def member_rows() -> list[list[Any]]:
    header = _layout("monitoring_2023_members")
    rows = []
    for household, _codes, _planted in households():
        for member in household["members"]:
            cells = {**household["cells"], **member}
            rows.append([cells.get(h, "") for h in header])
    return [list(header), *rows]


def work_rows() -> list[list[Any]]:
    header = _layout("monitoring_2023_work_records")
    rows = []
    for household, _codes, _planted in households():
        cells = household["cells"]
        for member in household["members"]:
            if member.get("务工所在地") != "省外":
                continue
            rows.append([{
                "县": cells["县"], "乡": cells["乡"], "行政村": cells["村"],
                "户编号": cells["户编号"],
                "户类型": cells["户类型"], "监测对象类别": cells["监测对象类别"],
                "证件号码": member["证件号码"], "是否已务工": "是", "开始时间": "2023年03月",
                "结束时间": "2023年11月", "务工所在县": "东莞市", "就业渠道": "务工",
                "务工月收入": 4200,
                "所属行业": "制造业", "务工企业名称": "某电子厂", "是否点对点输送": "否",
                "年度交通费补助": 300,
            }.get(h, "") for h in header])
    return [list(header), *rows]


def village_rows() -> list[list[Any]]:
    header = _layout("monitoring_2023_villages")
    rows = []
    for number, (town, village) in enumerate(VILLAGES):
        values = {"县": COUNTY, "乡": town, "村": village, "是否出列": "是", "总户数": 320 + number,
                  "总人口数": 1250, "村级集体经济收入（万元）": 12.5, "村小学（个数）": 1,
                  "参加城乡居民基本养老保险人数": 800, "是否通客运班车": "是",
                  "行政村卫生室个数": 1,
                  "行政村公共卫生厕所个数": 2, "行政村执业（助理）医师（人）": 1,
                  "行政村生产生活垃圾集中堆放点个数（个）": 3, "行政村文化（图书）室个数 （个）": 1,
                  "低保人口数": 40, "低保户数": 18, "特困供养人口数": 3, "残疾人口数": 25,
                  "到乡镇是否通沥青（水泥）路": "是", "未实现饮水安全户数": 0, "危房户数": 0}
        rows.append([values.get(h, "") for h in header])
    return [list(header), *rows]


SHEETS = {
    "（自定义）监测对象信息": member_rows,
    "（务工月监测）已外出务工信息": work_rows,
    "（自定义）行政村信息": village_rows,
}


def _titled(name: str, rows: list[list[Any]]) -> list[list[Any]]:
    return [[f"{TITLE}：{name}"], [NOTE], *rows]


def _xlsx(path: Path, rows: list[list[Any]], sheet: str) -> None:
    import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": datetime.datetime(2023, 12, 31)})
    ws = book.add_worksheet(sheet[:31])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    book.close()


def _xls(path: Path, rows: list[list[Any]], sheet: str) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet[:31])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.save(str(path))


def _csv(path: Path, rows: list[list[Any]], _sheet: str) -> None:
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


WRITERS = {"xlsx": _xlsx, "xls": _xls, "csv": _csv}


def write_set(folder: Path) -> None:
    """Write the three variants and the manifest under ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    for ext, writer in WRITERS.items():
        (folder / ext).mkdir(parents=True)
        for sheet, rows in SHEETS.items():
            writer(folder / ext / f"{sheet}.{ext}", _titled(sheet, rows()), sheet)
    manifest = {
        "income_year": INCOME_YEAR,
        "note": "expected_codes are the findings once rules that need a field the layout does "
                "not carry are skipped (DQ008 for birth date, water quantity/access/reliability "
                "and causes; SUP001, SUP002, SUP004, INC002, MON002: helper, visits, measures, "
                "verification dates) and age comes from the ID number (DQ007, DQ009, EDU001)",
        "households": [
            {"id": h["cells"]["户编号"], "clean": not codes, "expected_codes": codes,
             "planted": planted}
            for h, codes, planted in households()
        ],
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_set(SET)
