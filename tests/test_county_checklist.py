"""The county checklist's rules (insurance, education stages, industry, exited villages) on a real
2023 export written as XLSX and checked by ``planner check`` as a process, and SUP004 on their
findings."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from planner import Household, RuleSet, check, load_rules
from tests.data.io import make_export_fixtures as fx

PLANNER = Path(sys.executable).with_name("planner")
HOUSEHOLDS = Path(__file__).parent.parent / "examples" / "households"
CODES = ("MED003", "MED004", "EDU002", "VIL003", "VIL006")


def _monitored(number: int, members: list[dict[str, Any]], **cells: Any) -> dict[str, Any]:
    return fx._household(number, members, 户类型="一般农户", 监测对象类别="边缘易致贫户",
                         风险是否已消除="否", 合规自付支出=1800,
                         **{"致贫/返贫风险1": "因病"}, **cells)


def _student(number: int) -> list[dict[str, Any]]:
    return [*fx._couple(number),
            # on 低保, so that the member's benefits are recorded (a "no" records none)
            fx._member("20060301", 2 * number + 301, "之子", 在校生状况="中职一年级",
                       文化程度="", 劳动技能="无劳动力", 是否参加城乡居民基本养老保险="否",
                       享受低保政策情况="农村低保")]


def _export(folder: Path) -> Path:
    folder.mkdir()
    households = [
        _monitored(1, fx._couple(1), 识别监测时间="202302", 健康帮扶="家庭医生签约服务"),
        _monitored(2, fx._couple(2), 识别监测时间="202302",
                   健康帮扶="家庭医生签约服务、参加城乡居民基本医疗保险个人缴费补贴"),
        _monitored(3, fx._couple(3), 识别监测时间="202305",
                   健康帮扶="城乡居民基本医疗保险个人缴费补贴"),
        _monitored(4, _student(4), 识别监测时间="202210",
                   健康帮扶="城乡居民基本医疗保险个人缴费补贴", 教育帮扶="雨露计划"),
        _monitored(5, _student(5), 识别监测时间="202210",
                   健康帮扶="城乡居民基本医疗保险个人缴费补贴", 教育帮扶="助学贷款"),
    ]
    header = fx._layout("monitoring_2023_members")
    rows = [list(header)] + [[{**h["cells"], **m}.get(column, "") for column in header]
                             for h in households for m in h["members"]]
    fx._xlsx(folder / "监测对象信息.xlsx", fx._titled("监测对象信息", rows), "监测对象信息")
    villages = fx.village_rows()
    doctors = villages[0].index("行政村执业（助理）医师（人）")
    road = villages[0].index("到乡镇是否通沥青（水泥）路")
    villages[1][doctors] = ""      # 石桥村: a blank count
    villages[2][road] = "否"       # 松林村: no paved road to the township
    fx._xlsx(folder / "行政村信息.xlsx", fx._titled("行政村信息", villages), "行政村信息")
    return folder


def test_the_county_checks_read_the_export_columns(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(PLANNER), "check", str(_export(tmp_path / "export")), "--income-year", "2023",
         "--date", "2023-06-30", "--select", ",".join(CODES), "--output-format", "jsonl"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr  # warnings only (fail-on error)
    assert "Traceback" not in result.stderr
    # EDU002 (雨露计划 for the vocational student of 0005) is skipped: its other half, a pupil's
    # living subsidy, is not an export answer (planner.spec.needs, *Kinds*)
    assert "EDU002" in result.stderr and "member.benefits.living_subsidy" in result.stderr
    found = sorted((f["code"], f["subject"], f.get("member"))
                   for f in map(json.loads, result.stdout.splitlines()))
    assert found == [
        ("MED003", "522425-101-0001", None),    # identified in February, no premium subsidy
        ("MED004", "522425-101-0003", None),    # identified in May, subsidy recorded
        ("VIL003", "示范县/河口镇/石桥村", None),
        ("VIL006", "示范县/青山乡/松林村", None),
    ]


def _example(name: str, **patch: Any) -> Household:
    data = json.loads((HOUSEHOLDS / f"{name}.json").read_text(encoding="utf-8"))
    for number, values in patch.items():
        data["members"][int(number[1:]) - 1].update(values)
    return Household.model_validate(data)


def _codes(household: Household, *codes: str) -> list[tuple[str, int | None]]:
    rules = RuleSet(r for r in load_rules() if r.code in codes)
    result = check([household], rules=rules, reference_date=date(2020, 9, 30))
    return sorted((f.code, f.member) for f in result.findings)


def test_sup004_reads_a_data_quality_finding_of_a_need_family_as_no_need() -> None:
    household = _example("pre_exit_2808", m3={"birth_date": "2002-01-15", "schooling":
                                              "not_student", "grade": None,
                                              "education": "primary"})
    assert _codes(household, "EDU004", "SUP004") == [("EDU004", 3)]


def test_sup004_still_reports_an_insurance_need_without_a_measure() -> None:
    household = _example("med_uninsured", m1={"serious_illness_insurance": False})
    assert _codes(household, "MED005", "SUP004") == [("MED005", 1), ("SUP004", 1)]
