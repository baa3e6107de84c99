"""Monitored households end to end: a premature elimination planned, county export columns read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from planner.io.columns import default_column_map
from planner.io.exportlayouts import export_layouts
from planner.model import RiskType
from planner.registry import RuleSet, entry_point_rules
from planner.spec.needs import missing_needs
from planner.testing import merge_patch

HOUSEHOLDS = Path(__file__).parent.parent / "examples" / "households"


def run_planner(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from planner.cli import cli; cli()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )


def _eliminated_too_early(tmp_path: Path) -> Path:
    base = json.loads((HOUSEHOLDS / "mon_unstable_exited.json").read_text(encoding="utf-8"))
    household = merge_patch(base, {
        # 7,867 yuan per head (recorded so), above the 6,500-yuan range: only the months count
        "income": {1: {"amount": 20000}}, "recorded_per_capita_income": 7866.67,
        "monitoring": {"identified_on": "2022-01-10", "risk_eliminated": True,
                       "eliminated_on": "2022-04-15", "elimination_method": "assisted",
                       "house_damaged_after_elimination": False,
                       "water_damaged_after_elimination": False,
                       "child_out_of_school_after_elimination": False},
    })
    path = tmp_path / "eliminated.json"
    path.write_text(json.dumps(household, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_premature_elimination_is_planned_as_reopening_and_continued_assistance(tmp_path):
    path = _eliminated_too_early(tmp_path)
    checked = run_planner("check", path.name, "--date", "2022-06-30", "--output-format", "json",
                          cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    assert [f["code"] for f in json.loads(checked.stdout)["findings"]] == ["MON003"]

    result = run_planner("plan", path.name, "--date", "2022-06-30", "--output-format", "jsonl",
                         cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = next(d for d in map(json.loads, result.stdout.splitlines())
                if d["type"] == "household")
    items = [(i["measure"], i["why"], i["waits_for"], i["start"], i["due"], i["status"])
             for i in plan["items"] if i["status"] != "done"]
    assert items == [
        ("monitoring_reopening", [], [], "2022-06-30", "2022-07-15", "proposed"),
        ("assistance_continuation", ["MON003"], ["monitoring_reopening"], "2022-06-30",
         "2022-07-30", "proposed"),
    ]


def test_county_export_columns_for_the_disaster_sub_item_and_the_notice_are_read(tmp_path):
    headers = ["户编号", "户类型", "监测对象类别", "识别监测时间", "风险是否已消除",
               "致贫/返贫风险1", "致贫/返贫风险2", "因自然灾害子项", "识别公示开始时间",
               "识别公示结束时间", "其他备注", "与户主关系", "证件号码"]
    rows = [
        ["HH1", "一般户", "边缘易致贫户", "202303", "否", "因自然灾害", "其他", "", "2023-03-10",
         "2023-03-13", "", "户主", "52242519700506101X"],
        ["HH2", "一般户", "边缘易致贫户", "202303", "否", "因灾", "", "洪涝灾害", "2023-03-10",
         "2023-03-14", "", "户主", "522425197208111029"],
    ]
    text = "\n".join(",".join(row) for row in [headers, *rows]) + "\n"
    (tmp_path / "监测对象信息.csv").write_bytes(text.encode("utf-8"))
    result = run_planner("check", "监测对象信息.csv", "--date", "2023-06-30", "--select",
                         "MON010,MON016,MON017,MON018", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # warnings only
    found = sorted((f["subject"], f["code"]) for f in json.loads(result.stdout)["findings"])
    # HH1: a 4-day notice, 其他 without a note, a disaster without its sub-item; HH2: 5 days,
    # the alias 因灾 read as a natural disaster with its sub-item, the blank risk ignored.
    assert found == [("HH1", "MON010"), ("HH1", "MON016"), ("HH1", "MON017")]


def test_every_risk_type_has_a_chinese_label_of_the_export():
    labels = {risk: risk.label_zh for risk in RiskType}
    assert all(label != risk.value for risk, label in labels.items())
    assert labels[RiskType.UNSTABLE_EMPLOYMENT] == "因务工就业不稳"
    assert len(set(labels.values())) == len(labels)


def test_on_the_2023_export_only_the_rules_of_county_columns_are_skipped():
    layout = next(x for x in export_layouts() if x.name == "monitoring_2023_members")
    fields = layout.carried_fields(default_column_map())
    skipped = {rule.code: missing_needs(rule.needs, fields)
               for rule in RuleSet(entry_point_rules(("monitoring_groups", "risk")))
               if missing_needs(rule.needs, fields)}
    assert skipped == {
        "MON008": ("income_history",),  # whether the income fell needs last year's
        "MON010": ("monitoring.notice_end", "monitoring.notice_start"),
        "MON016": ("assistance.notes",),
        "MON017": ("monitoring.disaster_subitem",),
    }
