"""Outputs: SARIF 2.1.0 valid against the official schema, JSON, JSON Lines, CSV, text; masking."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from planner import Checker, Hit, Household, RuleContext, Run, rule
from planner.cli import cli
from planner.measures import default_catalog
from planner.output import FORMATS, InputSummary, RunInfo, get_writer
from planner.registry import RuleSet, load_rules, packaged_yaml_rules

ON = date(2020, 9, 30)
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
INCOME = packaged_yaml_rules("planner.rules", "income.yaml")
INC001 = next(r for r in INCOME if r.code == "INC001")
BAD = "bad.json: household #3: id: Field required"


@rule(code="TST201", name="names-member", family="test", scope="member", severity="info",
      message={"zh": "成员 {member.name}（{member.id_number}）", "en": "member {member.name}"})
def names_member(ctx: RuleContext) -> Iterator[Hit]:
    """Reports the head by name, with personal evidence (an output fixture)."""
    member = ctx.member
    if member is not None and member.number == 1:
        yield Hit(member=1, evidence={"member.id_number": member.record.id_number,
                                      "member.phone": member.record.phone,
                                      "note": "call 13885710001"})


def run(example_household: Any, fmt: str, *, show_personal: bool = False, explain: bool = False,
        lang: str = "zh") -> str:
    waiver = {"code": "INC003", "reason": "年底分红", "approver": "河口镇", "expires": "2020-12-31"}
    records = [
        Household.model_validate({**example_household("pre_exit_2808"), "waivers": [waiver]}),
        Household.model_validate(example_household("no_labour")),
    ]
    rules = RuleSet([*load_rules(entry_points=False), *INCOME, names_member])
    checker = Checker(Run.build(rules, reference_date=ON, explain=explain))
    stream = io.StringIO()
    info = RunInfo(rules=rules, reference_date=ON, lang=lang, show_personal=show_personal,
                   explain=explain, inputs=["examples/households"], color=False,
                   catalog=default_catalog())
    writer = get_writer(fmt, stream, info)
    writer.start()
    for finding in checker.iter_findings(records):
        writer.write(finding)
    writer.finish(checker.stats, InputSummary(read=3, accepted=2, rejected=1, errors=[BAD]))
    return stream.getvalue()


@pytest.mark.parametrize("explain", [False, True])
def test_sarif_validates_against_the_sarif_2_1_0_schema(example_household, explain):
    log = json.loads(run(example_household, "sarif", explain=explain))
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_of_a_full_run_of_the_example_district_validates(tmp_path):
    """Every built-in rule's descriptor and every finding of the example district, through the
    CLI, against the official schema (rule tags must be unique items)."""
    out = tmp_path / "district.sarif"
    result = CliRunner().invoke(cli, ["check", "examples/district", "--output-format", "sarif",
                                       "--output", str(out)])
    assert result.exit_code == 1, result.output  # the example district has findings
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    run_ = log["runs"][0]
    ids = {r["id"] for r in run_["tool"]["driver"]["rules"]}
    assert {"PRJ003", "VIL001", "INC001", "MON001"} <= ids and len(run_["results"]) > 50


def test_sarif_rules_results_locations_and_suppressions(example_household):
    run_ = json.loads(run(example_household, "sarif"))["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and "PLN001" in ids and "TST201" in ids
    inc001 = rules[ids.index("INC001")]
    assert inc001["defaultConfiguration"]["level"] == "error"
    assert "## Why it matters" in inc001["help"]["markdown"]
    results = run_["results"]
    first = next(r for r in results if r["ruleId"] == "INC001")
    assert first["level"] == "error" and ids[first["ruleIndex"]] == "INC001"
    assert first["message"]["text"].startswith("计划脱贫户2020年人均纯收入 2808 元")
    location = first["locations"][0]["logicalLocations"][0]
    assert location == {"name": "522425-101-0001", "fullyQualifiedName":
                        "household:522425-101-0001", "kind": "object"}
    member = next(r for r in results if r["ruleId"] == "TST201")
    assert member["level"] == "note"
    assert member["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "household:522425-101-0001/m1")
    waived = next(r for r in results if r["ruleId"] == "INC003")
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "年底分红", "properties": {
                                           "approver": "河口镇", "expires": "2020-12-31"}}]
    notifications = run_["invocations"][0]["toolExecutionNotifications"]
    assert notifications[0]["message"]["text"] == "bad.json: household #3: id: Field required"


def test_json_is_one_document_with_findings_and_summary(example_household):
    document = json.loads(run(example_household, "json"))
    assert document["reference_date"] == "2020-09-30"
    codes = [f["code"] for f in document["findings"]]
    assert {"INC001", "INC003", "TST201"} <= set(codes)
    waived = next(f for f in document["findings"] if f["code"] == "INC003")
    assert waived["waived"] is True and waived["waiver"]["approver"] == "河口镇"
    assert document["summary"]["inputs"] == {"read": 3, "accepted": 2, "rejected": 1,
                                             "errors": [BAD]}
    assert document["summary"]["checks"]["waived"] == 1


def test_json_lines_has_one_finding_per_line(example_household):
    lines = run(example_household, "jsonl").splitlines()
    findings = [json.loads(line) for line in lines]
    assert len(findings) == len(lines) >= 3
    assert all("code" in f and "message" in f for f in findings)


def test_csv_has_a_header_and_one_row_per_finding(example_household):
    rows = list(csv.DictReader(io.StringIO(run(example_household, "csv", lang="en"))))
    inc001 = next(r for r in rows if r["code"] == "INC001")
    assert inc001["subject"] == "522425-101-0001" and inc001["severity"] == "error"
    assert inc001["message"] == inc001["message_en"]
    assert json.loads(inc001["evidence"])["household.per_capita_net_income"] == 2808.0
    waived = next(r for r in rows if r["code"] == "INC003")
    assert (waived["waived"], waived["waiver_reason"]) == ("yes", "年底分红")


def test_text_groups_findings_by_household_and_prints_totals(example_household):
    text = run(example_household, "text")
    first = text.index("户 522425-101-0001")
    second = text.index("户 522425-203-0003")
    assert first < text.index("INC001 [错误]") < second
    assert "INC003 [已豁免]" in text and "豁免理由：年底分红" in text
    assert "建议措施：转移就业" in text
    assert "读取记录 3 条：接受 2 条，拒绝 1 条" in text
    assert "输入错误：bad.json: household #3: id: Field required" in text
    assert "已豁免 1 个" in text


def test_text_in_english_with_explanations(example_household):
    text = run(example_household, "text", lang="en", explain=True)
    assert "household 522425-101-0001" in text and "INC001 [error]" in text
    condition = "household.per_capita_net_income lt fact household.poverty_line  ← 2808.0 / 4000"
    assert f"✓ {condition}" in text
    assert "parameter income.poverty_line = 4000, since 2020-01-01" in text
    assert "Checked 2 households" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_personal_data_is_masked_in_every_format(example_household, fmt):
    out = run(example_household, fmt)
    for secret in ("王建国", "522425197503120018", "13885710001"):
        assert secret not in out
    assert "王**" in out and "522425**********18" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_personal_keeps_personal_data(example_household, fmt):
    out = run(example_household, fmt, show_personal=True)
    assert "王建国" in out and "522425197503120018" in out
