"""Regenerate the I/O test fixtures in ``tests/data/io/`` (deterministic).

Run from the repository root::

    .venv/bin/python tests/data/io/make_fixtures.py

- ``formats/households.<ext>``: the named example households plus ``edge_households.json`` written
  by planner in every format (the tests check that today's reader still reads them);
- ``export_2023.csv``: a monitoring-era per-person export (GB18030, two title rows, Chinese
  headers);
- ``broken/``: a district folder with one of each input problem (see ``tests/test_io_errors.py``).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from planner.io import write_households
from planner.model import Household

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
NAMED = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")
FORMATS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx", "parquet": "parquet",
           "parquet-flat": "flat.parquet"}

EXPORT_TITLE = ["示范县防止返贫监测对象信息表"]
EXPORT_NOTE = ["导出时间：2023-12-31", "", "", "单位：元"]
EXPORT_HEADER = [
    "县(市、区、旗)", "乡(镇)", "行政村", "户编号", "户类型", "监测对象类别", "识别监测时间",
    "风险是否已消除", "风险消除方式", "消除监测时间", "致贫/返贫风险1", "致贫/返贫风险2",
    "证件号码", "证件类型", "性别", "出生日期", "民族", "与户主关系", "文化程度", "在校生状况",
    "健康状况", "劳动技能", "是否参加城乡居民基本医疗保险", "是否参加城镇职工基本医疗保险",
    "是否参加大病保险", "享受低保政策情况", "务工所在地", "家庭成员联系电话", "人均纯收入（元）",
    "工资性收入", "生产经营性收入", "转移性收入", "合规自付支出", "是否危房户",
    "是否解决安全饮用水", "入户道路是否硬化", "耕地面积（亩）", "产业帮扶", "信息采集人", "备用列",
]


def _cells(*parts: str) -> list[str]:
    return "".join(parts).split("|")


_HOUSEHOLD_1 = _cells("示范县|河口镇|石桥村|522425-101-0101|脱贫户|脱贫不稳定户|",
                      "202203|否|||因病|因学")
_TOTALS_1 = _cells("5200|12000|2500|1100|3000|否|是|是|3.5|种植补贴|张三|")
_HOUSEHOLD_2 = _cells("示范县|青山乡|松林村|522425-203-0102|一般农户|边缘易致贫户|",
                      "202305|是|帮扶消除|202311|缺劳动力|")
_TOTALS_2 = _cells("6100|0|0|6100||是|否|否|1.2||李四|备注")
EXPORT_ROWS = [
    [*_HOUSEHOLD_1, *_cells("522425197005060016|身份证|男|1970-05-06|汉族|户主|初中|",
                            "非在校生|健康|普通劳动力|是|否|是|否|省外|13885710101"), *_TOTALS_1],
    [*_HOUSEHOLD_1, *_cells("522425197208110028|身份证|女|1972/8/11|汉族|配偶|小学|",
                            "非在校生|患有大病|弱劳动力或半劳动力|是|否|是|是||"), *_TOTALS_1],
    [*_HOUSEHOLD_1, *_cells("522425201009010031|身份证|男|20100901|汉族|之子||七年级|",
                            "健康|无劳动力|是|否|是|||"), *_TOTALS_1],
    [*_HOUSEHOLD_2, *_cells("522425196003150048|身份证|女|1960-03-15|苗族|户主|",
                            "文盲或半文盲|非在校生|残疾|丧失劳动力|是|否|否|否||13985720102"),
     *_TOTALS_2],
]

BROKEN_HEADER = _cells("县|乡|村|户编号|户类型|姓名|证件号码|与户主关系|性别|出生日期|劳动技能|",
                       "人均纯收入（元）|工资性收入|转移性收入|危房等级|是否解决安全饮用水")


def _person(hid: str, kind: str, name: str, id_number: str, relation: str, sex: str, born: str,
            labour: str, per_capita: str, wage: str, transfer: str, grade: str) -> list[str]:
    return ["示范县", "河口镇", "石桥村", hid, kind, name, id_number, relation, sex, born, labour,
            per_capita, wage, transfer, grade, "是"]


BROKEN_ROWS = [
    # row 4-5: H1, good
    _person("522425-101-0201", "脱贫户", "王一", "522425198001010059", "户主", "男", "1980-01-01",
            "普通劳动力", "6500", "9000", "4000", "B级", ),
    _person("522425-101-0201", "脱贫户", "李一", "522425198202020069", "配偶", "女", "1982-02-02",
            "普通劳动力", "6500", "9000", "4000", "B级"),
    # row 6-7: H2, the second member's ID went through Excel's number format
    _person("522425-101-0202", "脱贫户", "赵二", "522425199003030074", "户主", "男", "1990-03-03",
            "普通劳动力", "7000", "14000", "0", "A级"),
    _person("522425-101-0202", "脱贫户", "钱二", "5.22425E+17", "配偶", "女", "1991-04-04",
            "普通劳动力", "7000", "14000", "0", "A级"),
    # row 8-9: H3, negative wage income (a household total repeated on both rows)
    _person("522425-101-0203", "脱贫户", "孙三", "522425196505050098", "户主", "男", "1965-05-05",
            "普通劳动力", "3000", "-500", "6500", "B级"),
    _person("522425-101-0203", "脱贫户", "周三", "522425197006060114", "配偶", "女", "1970-06-06",
            "弱劳动力或半劳动力", "3000", "-500", "6500", "B级"),
    # row 10: H4, a housing grade that does not exist
    _person("522425-101-0204", "脱贫户", "吴四", "522425197507070126", "户主", "女", "1975-07-07",
            "普通劳动力", "8000", "8000", "0", "E级"),
    # row 11: a member row without a household id
    _person("", "脱贫户", "郑某", "522425196008080130", "之父", "男", "1960-08-08",
            "丧失劳动力", "", "", "", ""),
    # row 12: H5, good
    _person("522425-101-0205", "一般农户", "冯五", "522425195509090148", "户主", "男", "1955-09-09",
            "丧失劳动力", "5000", "0", "5000", "B级"),
    # row 13-14: H6, its members disagree on the household type
    _person("522425-101-0206", "脱贫户", "陈六", "522425198801010153", "户主", "男", "1988-01-01",
            "普通劳动力", "9000", "18000", "0", "A级"),
    _person("522425-101-0206", "一般农户", "褚六", "522425199104040087", "配偶", "女", "1991-04-04",
            "普通劳动力", "9000", "18000", "0", "A级"),
    # row 15: H7, good
    _person("522425-101-0207", "脱贫户", "卫七", "522425197005060016", "户主", "男", "1970-05-06",
            "普通劳动力", "6800", "6800", "0", "B级"),
]
BROKEN_ROWS.append(list(BROKEN_ROWS[8]))  # row 16: H5's row again, after other households


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def main() -> None:
    """Write every fixture."""
    examples = ROOT / "examples" / "households"
    households = [Household.model_validate_json((examples / f"{n}.json").read_bytes())
                  for n in NAMED]
    households += [Household.model_validate(h)
                   for h in json.loads((HERE / "edge_households.json").read_text("utf-8"))]
    formats = HERE / "formats"
    shutil.rmtree(formats, ignore_errors=True)
    formats.mkdir()
    for fmt, ext in FORMATS.items():
        write_households(households, formats / f"households.{ext}", fmt=fmt)
    _write_csv(HERE / "export_2023.csv", [EXPORT_TITLE, EXPORT_NOTE, EXPORT_HEADER, *EXPORT_ROWS],
               "gb18030")
    broken = HERE / "broken"
    broken.mkdir(exist_ok=True)
    titles = [["示范县2023年监测户信息"], ["填报单位：河口镇"]]
    _write_csv(broken / "households.csv", [*titles, BROKEN_HEADER, *BROKEN_ROWS], "gb18030")
    villages = [["县", "乡", "是否出列", "总户数"], ["示范县", "河口镇", "是", "320"]]
    _write_csv(broken / "villages.csv", villages, "utf-8-sig")


if __name__ == "__main__":
    main()
