"""Outputs point back to the source: region, file, sheet and rows of each finding; input
warnings and the rules skipped for a source, once per file, in text, JSON, CSV and SARIF."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from planner import Checker, Household, Run
from planner.finding import Finding
from planner.io.errors import WARNING, InputError
from planner.measures import default_catalog
from planner.model import Region
from planner.output import FORMATS, InputSummary, RunInfo, get_writer
from planner.output.sarif import artifact_location
from planner.registry import RuleSet, load_rules, packaged_yaml_rules
from planner.source import RuleSkipped, Source

ON = date(2020, 9, 30)
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
RULES = RuleSet([*load_rules(entry_points=False),
                 *packaged_yaml_rules("planner.rules", "income.yaml")])
MEMBERS = "exports/监测对象信息.xlsx"
MEMBERS_URI = "exports/%E7%9B%91%E6%B5%8B%E5%AF%B9%E8%B1%A1%E4%BF%A1%E6%81%AF.xlsx"
VILLAGES = "/data/行政村 信息.csv"
ID = "522425197503120018"
PHONE = "13885710001"
SOURCE = Source(file=MEMBERS, sheet="Sheet1", rows=(5, 6, 7), layout="monitoring_2023_members",
                fields=frozenset({"member.id_number"}))
REGION = Region(county="织金县", town="河口镇", village="龙井村")
WARNING_COLUMN = InputError(file=MEMBERS, sheet="Sheet1", row=3, column="备注",
                            reason_zh="未识别的列，其数据未读取",
                            reason_en="unknown column; its data was not read", level=WARNING)
# A reader asked not to mask (or text of unknown origin) still must not reach an output unmasked.
WARNING_VALUE = InputError(file=VILLAGES, row=9, column="联系电话", value=f"{PHONE} / {ID}",
                           reason_zh="该列已忽略", reason_en="column ignored", level=WARNING)
SKIPPED = [
    RuleSkipped(code="INC001", file=MEMBERS, sheet="Sheet1", layout="monitoring_2023_members",
                missing=("household.per_capita_net_income",), records=31),
    RuleSkipped(code="WAT001", file=VILLAGES, sheet=None, layout="village_2023",
                missing=("water.quantity_ok", "water.access_ok"), records=4),
]
# An error whose text holds an ID number, as text of unknown origin may.
ERROR = f"bad.csv: 第4行：重复的证件号码 {ID}"
SUMMARY = InputSummary(read=33, accepted=32, rejected=1, errors=[ERROR],
                       warnings=[WARNING_COLUMN, WARNING_VALUE], skipped=SKIPPED)


def finding(code: str = "INC001", subject: str = "HH001", member: int | None = 2,
            source: Source | None = SOURCE, region: Region | None = REGION) -> Finding:
    return Finding(
        code=code, name="income.below_line", family="income", severity="error", subject=subject,
        subject_kind="household", member=member,
        message_zh=f"王建国（{ID}）人均纯收入 2808 元", message_en=f"王建国 ({ID}) income 2808",
        evidence={"member.id_number": ID, "member.phone": PHONE}, personal=("王建国", ID),
        source=source, region=region,
    )


FINDINGS = [
    finding(),
    finding("INC003", member=None),
    finding("INC001", "V01", None, Source(file=VILLAGES, rows=(9,)), Region(village="龙井村")),
    finding("INC001", "HH009", None, None, None),
]


def write(fmt: str, findings: list[Finding] = FINDINGS, inputs: InputSummary | None = SUMMARY,
          lang: str = "zh", show_personal: bool = False) -> str:
    stream = io.StringIO()
    info = RunInfo(rules=RULES, reference_date=ON, lang=lang, show_personal=show_personal,
                   inputs=["exports"], color=False, catalog=default_catalog())
    writer = get_writer(fmt, stream, info)
    writer.start()
    for item in findings:
        writer.write(item)
    checker = Checker(Run.build(RULES, reference_date=ON))
    writer.finish(checker.stats, inputs)
    return stream.getvalue()


def test_text_shows_source_and_region_on_the_subject_line():
    lines = write("text").splitlines()
    assert "户 HH001  exports/监测对象信息.xlsx[Sheet1]:5-7  河口镇/龙井村" in lines
    assert "户 V01  /data/行政村 信息.csv:9  龙井村" in lines
    assert "户 HH009" in lines  # no source, no region: as before
    # Both findings of HH001 are under one heading.
    assert sum(line.startswith("户 HH001") for line in lines) == 1


def test_text_lists_input_warnings_as_validate_words_them_and_skipped_rules():
    lines = write("text").splitlines()
    start = lines.index("输入提示：")
    assert lines[start + 1:start + 5] == [
        "  exports/监测对象信息.xlsx 工作表「Sheet1」 第3行 列「备注」：未识别的列，其数据未读取",
        "    exports/监测对象信息.xlsx, sheet Sheet1, row 3, column 备注: unknown column; its"
        " data was not read",
        "  /data/行政村 信息.csv 第9行 列「联系电话」：该列已忽略（值：138******01 / "
        "522425**********18）",
        "    /data/行政村 信息.csv, row 9, column 联系电话: column ignored (value: 138******01 / "
        "522425**********18)",
    ]
    skipped = lines.index("未运行的规则（数据源缺少所需字段）：")
    assert lines[skipped + 1:skipped + 3] == [
        "  exports/监测对象信息.xlsx [Sheet1]：缺少字段 household.per_capita_net_income，"
        "规则 INC001 未对其中 31 条记录运行",
        "  /data/行政村 信息.csv：缺少字段 water.quantity_ok, water.access_ok，"
        "规则 WAT001 未对其中 4 条记录运行",
    ]
    assert skipped > start > lines.index("户 HH009")
    assert ("读取记录 33 条：接受 32 条，拒绝 1 条；输入提示 2 条；"
            "规则未运行提示 2 条（数据源缺少所需字段）") in lines


def test_text_in_english():
    lines = write("text", lang="en").splitlines()
    assert "household HH001  exports/监测对象信息.xlsx[Sheet1]:5-7  河口镇/龙井村" in lines
    assert "Input warnings:" in lines
    assert "Rules not run (the source lacks fields they need):" in lines
    assert ("  /data/行政村 信息.csv: rule WAT001 not run on its 4 records; the source lacks"
            " water.quantity_ok, water.access_ok") in lines
    assert ("Records read: 33; accepted 32, rejected 1; 2 input warnings; 2 notices of rules"
            " not run (the source lacks fields they need)") in lines


def test_text_has_no_notice_sections_when_there_is_nothing_to_say():
    text = write("text", inputs=InputSummary(read=1, accepted=1))
    assert "输入提示" not in text and "未运行的规则" not in text and "规则未运行" not in text


def test_row_spans_are_compact_and_sorted():
    rows = Source(file="a.csv", rows=(12, 5, 6, 7, 10, 11, 20))
    text = write("text", findings=[finding(source=rows, region=None)])
    assert "户 HH001  a.csv:5-7,10-12,20\n" in text


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_findings_carry_region_and_source_only_when_known(fmt):
    out = write(fmt)
    items = json.loads(out)["findings"] if fmt == "json" else [
        json.loads(line) for line in out.splitlines()]
    assert len(items) == 4  # JSON Lines: findings only, no summary record
    assert items[0]["region"] == {"town": "河口镇", "village": "龙井村"}
    assert items[0]["source"] == {"file": MEMBERS, "sheet": "Sheet1", "rows": [5, 6, 7],
                                  "layout": "monitoring_2023_members"}
    assert items[2]["region"] == {"village": "龙井村"}
    assert items[2]["source"] == {"file": VILLAGES, "sheet": None, "rows": [9], "layout": None}
    assert "region" not in items[3] and "source" not in items[3]
    assert list(items[3]) == list(items[0])[:-2]


def test_json_summary_has_input_warnings_and_skipped_rules():
    summary = json.loads(write("json"))["summary"]
    assert summary["input_warnings"] == [
        {"file": MEMBERS, "sheet": "Sheet1", "row": 3, "reason_zh": "未识别的列，其数据未读取",
         "reason_en": "unknown column; its data was not read", "column": "备注",
         "level": "warning"},
        {"file": VILLAGES, "row": 9, "value": "138******01 / 522425**********18",
         "reason_zh": "该列已忽略", "reason_en": "column ignored", "column": "联系电话",
         "level": "warning"},
    ]
    assert summary["skipped_rules"] == [
        {"code": "INC001", "file": MEMBERS, "sheet": "Sheet1",
         "layout": "monitoring_2023_members", "missing": ["household.per_capita_net_income"],
         "records": 31},
        {"code": "WAT001", "file": VILLAGES, "sheet": None, "layout": "village_2023",
         "missing": ["water.quantity_ok", "water.access_ok"], "records": 4},
    ]
    empty = json.loads(write("json", inputs=InputSummary()))["summary"]
    assert (empty["input_warnings"], empty["skipped_rules"]) == ([], [])


def test_csv_has_fixed_region_and_source_columns():
    rows = list(csv.DictReader(io.StringIO(write("csv"))))
    place = ("town", "village", "source_file", "source_sheet", "source_rows")
    assert [tuple(row[c] for c in place) for row in rows] == [
        ("河口镇", "龙井村", MEMBERS, "Sheet1", "5;6;7"),
        ("河口镇", "龙井村", MEMBERS, "Sheet1", "5;6;7"),
        ("", "龙井村", VILLAGES, "", "9"),
        ("", "", "", "", ""),
    ]


def sarif(**kwargs: Any) -> dict[str, Any]:
    log = json.loads(write("sarif", **kwargs))
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log["runs"][0]


def test_sarif_with_sources_warnings_and_skipped_rules_validates_against_the_schema():
    run_ = sarif()
    assert [a["location"] for a in run_["artifacts"]] == [
        {"uri": MEMBERS_URI, "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///data/%E8%A1%8C%E6%94%BF%E6%9D%91%20%E4%BF%A1%E6%81%AF.csv"},
    ]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}}


def test_sarif_results_have_a_physical_location_next_to_the_logical_one():
    results = sarif()["results"]
    first = results[0]["locations"]
    assert first == [{
        "physicalLocation": {
            "artifactLocation": {"uri": MEMBERS_URI, "uriBaseId": "%SRCROOT%", "index": 0},
            "region": {"startLine": 5, "endLine": 7},
        },
        "properties": {"sheet": "Sheet1", "rows": [5, 6, 7],
                       "layout": "monitoring_2023_members"},
        "logicalLocations": [{"name": "m2", "fullyQualifiedName": "household:HH001/m2",
                              "kind": "member"}],
    }]
    assert results[0]["properties"]["region"] == {"town": "河口镇", "village": "龙井村"}
    village = results[2]["locations"][0]
    assert village["physicalLocation"]["artifactLocation"]["index"] == 1
    assert village["physicalLocation"]["region"] == {"startLine": 9, "endLine": 9}
    assert results[3]["locations"] == [{"logicalLocations": [
        {"name": "HH009", "fullyQualifiedName": "household:HH009", "kind": "object"}]}]
    assert "region" not in results[3]["properties"]


def test_sarif_notifications_name_the_file_once_per_skipped_rule_and_warning():
    run_ = sarif(lang="en")
    notifications = run_["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notifications] == ["error", "warning", "warning", "note", "note"]
    assert notifications.pop(0)["message"]["text"] == (
        "bad.csv: 第4行：重复的证件号码 522425**********18")
    column = notifications[0]
    assert column["message"]["text"] == ("exports/监测对象信息.xlsx, sheet Sheet1, row 3, column"
                                         " 备注: unknown column; its data was not read")
    assert notifications[1]["message"]["text"] == (
        "/data/行政村 信息.csv, row 9, column 联系电话: column ignored (value: 138******01 / "
        "522425**********18)")
    assert column["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": MEMBERS_URI, "uriBaseId": "%SRCROOT%", "index": 0},
        "region": {"startLine": 3, "endLine": 3}}, "properties": {"sheet": "Sheet1", "rows": [3]}}]
    inc001, wat001 = notifications[2:]
    assert inc001["descriptor"] == {"id": "INC001"}
    rules = run_["tool"]["driver"]["rules"]
    assert rules[inc001["associatedRule"]["index"]]["id"] == "INC001"
    assert inc001["message"]["text"] == SKIPPED[0].message("en")
    assert inc001["properties"] == {"missing": ["household.per_capita_net_income"],
                                    "records": 31}
    assert inc001["locations"][0]["properties"] == {"sheet": "Sheet1",
                                                    "layout": "monitoring_2023_members"}
    assert "region" not in inc001["locations"][0]["physicalLocation"]
    assert wat001["descriptor"] == {"id": "WAT001"} and "associatedRule" not in wat001
    assert wat001["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1
    in_chinese = sarif()["invocations"][0]["toolExecutionNotifications"]
    assert in_chinese[1]["message"]["text"] == (
        "exports/监测对象信息.xlsx 工作表「Sheet1」 第3行 列「备注」：未识别的列，其数据未读取")
    assert in_chinese[3]["message"]["text"] == SKIPPED[0].message("zh")


def test_sarif_rows_that_count_records_are_no_line_region():
    parquet = Source(file="households.parquet", rows=(17,))
    location = sarif(findings=[finding(source=parquet)], inputs=None)["results"][0]["locations"][0]
    assert "region" not in location["physicalLocation"]
    assert location["properties"] == {"rows": [17]}


@pytest.mark.parametrize(("file", "uri"), [
    ("监测.xlsx", "%E7%9B%91%E6%B5%8B.xlsx"),
    ("a b/c#1?.csv", "a%20b/c%231%3F.csv"),
    ("x:y.csv", "x%3Ay.csv"),  # not read as a URI scheme
    ("../up/100%.csv", "../up/100%25.csv"),
    ("/abs/监测.xlsx", "file:///abs/%E7%9B%91%E6%B5%8B.xlsx"),
])
def test_artifact_uris_are_percent_encoded(file, uri):
    assert artifact_location(file)["uri"] == uri


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_data_reaches_the_new_fields_and_file_names_stay(fmt):
    out = write(fmt)
    for secret in ("王建国", ID, PHONE):
        assert secret not in out
    assert "龙井村" in out
    if fmt != "sarif":  # SARIF names files by URI
        assert MEMBERS in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_show_personal_keeps_the_warnings_values(fmt):
    assert PHONE in write(fmt, show_personal=True)


def test_plain_households_through_the_checker_carry_their_region_and_no_source(example_household):
    """Records built in code (no source) give findings with the household's town and village and
    none of the source keys."""
    household = Household.model_validate(example_household("pre_exit_2808"))
    checker = Checker(Run.build(RULES, reference_date=ON))
    findings = list(checker.iter_findings([household]))
    assert findings and all(f.source is None and f.region is household.region for f in findings)
    keys = ["code", "name", "family", "severity", "subject", "subject_kind", "member", "message",
            "evidence", "references", "proposes", "waived", "region"]
    plain = InputSummary(read=1, accepted=1)
    lines = [json.loads(line) for line in write("jsonl", findings=findings,
                                                  inputs=plain).splitlines()]
    assert [list(line) for line in lines] == [keys] * len(findings)
    assert {json.dumps(line["region"], ensure_ascii=False) for line in lines} == {
        '{"town": "河口镇", "village": "石桥村"}'}
    run_ = sarif(findings=findings, inputs=plain)
    assert "artifacts" not in run_ and "originalUriBaseIds" not in run_
    assert "toolExecutionNotifications" not in run_["invocations"][0]
    assert all(list(r["locations"][0]) == ["logicalLocations"] for r in run_["results"])
    rows = list(csv.DictReader(io.StringIO(write("csv", findings=findings, inputs=plain))))
    assert {(r["town"], r["village"], r["source_file"], r["source_rows"]) for r in rows} == {
        ("河口镇", "石桥村", "", "")}


@pytest.mark.parametrize(("region", "expected"), [
    (REGION, {"town": "河口镇", "village": "龙井村"}),
    (Region(town="河口镇"), {"town": "河口镇"}),
    (Region(county="织金县", division_code="522425101001"), None),
    (None, None),
])
def test_a_finding_dict_has_the_town_and_village_known(region, expected):
    data = finding(source=None, region=region).to_dict()
    assert data.get("region") == expected and "source" not in data


def test_sarif_leaves_out_a_region_no_line_can_express():
    bad_rows = Source(file="a.csv", rows=(0,))
    location = sarif(findings=[finding(source=bad_rows)], inputs=None)["results"][0]["locations"]
    assert "region" not in location[0]["physicalLocation"]
