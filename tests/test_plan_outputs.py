"""Plan outputs (JSON, CSV, XLSX, text, Gantt charts) and the ``planner plan`` command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.model import Household, Village
from planner.planning import DistrictPlan, plan
from planner.planning.export import COLUMNS, plan_rows, to_text, write_csv, write_json, write_xlsx
from planner.planning.gantt import household_bars, write_gantts
from planner.registry import RuleSet, entry_point_rules

from .conftest import HOUSEHOLDS

WHEN = date(2020, 9, 30)
BUILTIN_PACKS = ("income", "basic_needs", "education", "health", "housing", "water",
                 "data_quality", "support", "policy", "monitoring", "village", "project")
NAMES = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")


def _district(budget: float | None) -> DistrictPlan:
    households = [Household.model_validate_json((HOUSEHOLDS / f"{n}.json").read_text("utf-8"))
                  for n in NAMES]
    village = Village(id="V-BY", region={"town": "河口镇", "village": "白岩村",
                                         "division_code": "522425101202"},
                      households_total=52, households_tap_water=40,
                      water_works_due=date(2020, 12, 31))
    return plan(households, rules=RuleSet(entry_point_rules(BUILTIN_PACKS)), reference_date=WHEN,
                villages=[village], budget=budget)


@pytest.fixture(scope="module")
def district() -> DistrictPlan:
    return _district(None)


@pytest.fixture(scope="module")
def budgeted() -> DistrictPlan:
    """With a budget the allocation funds pre_exit_2808's cheaper bundle (a workshop job)."""
    return _district(10000)


def test_rows_have_one_item_each_with_why_dates_responsible_helper_cost(district) -> None:
    rows = list(plan_rows(district))
    assert len(rows) == sum(len(p.items) + len(p.to_cancel)
                            for p in district.households) + len(district.works)
    microcredit = next(r for r in rows if r["measure"] == "microcredit")
    assert microcredit["household"] == "522425-101-0001"
    assert microcredit["label_zh"].startswith("扶贫小额信贷")
    assert microcredit["why"].split(";")[:2] == ["INC001", "INC002"]
    assert (microcredit["start"], microcredit["due"]) == ("2020-11-06", "2020-12-06")
    assert microcredit["responsible_zh"] == "县农村信用社"
    assert (microcredit["helper"], microcredit["cost"], microcredit["gain"]) == ("刘**", 1500, 3000)
    assert microcredit["action"] == "add"
    credit = next(r for r in rows if r["measure"] == "credit_rating")
    assert credit["why"] == "prerequisite:microcredit"
    assert credit["why_zh"].startswith("前置：扶贫小额信贷")
    assert credit["why_en"].startswith("prerequisite of micro-credit")
    dibao = next(r for r in rows if r["measure"] == "dibao")
    assert (dibao["why"], dibao["why_zh"], dibao["why_en"]) == (
        "income-gap", "收入缺口", "income gap")
    works = rows[-1]
    assert (works["measure"], works["household"], works["status"]) == ("water_works", "", "pending")


def test_csv_has_the_columns_and_reads_back(district) -> None:
    out = io.StringIO()
    write_csv(district, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["household"] == "522425-101-0001"


def test_csv_file_opens_in_excel_with_chinese(district, tmp_path) -> None:
    path = tmp_path / "plan.csv"
    write_csv(district, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_json_holds_households_works_departments_and_allocation(district, budgeted,
                                                               tmp_path) -> None:
    path = tmp_path / "plan.json"
    write_json(district, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [h["household"] for h in data["households"]] == [
        "522425-101-0001", "522425-102-0002", "522425-203-0003"]
    first = data["households"][0]
    assert first["income"]["projected_per_capita"] == 9558.0
    assert first["items"][0]["label"] == {"zh": "技能培训", "en": "Skills training"}
    assert data["works"][0]["key"] == "water_works@V-BY"
    assert data["allocation"] is None
    write_json(budgeted, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["allocation"]["lifted"] == 2
    first = data["households"][0]
    assert [(i["measure"], i["funded"]) for i in first["items"] if i["funded"] is not None] == [
        ("workshop_job", True)]
    assert first["income"]["projected_per_capita"] == 5808.0
    assert {d["department"]["en"] for d in data["departments"]} >= {"County water bureau"}


def test_xlsx_has_the_plan_and_summary_sheets(budgeted, tmp_path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "plan.xlsx"
    write_xlsx(budgeted, path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["计划 Plan", "收入 Income", "部门 Departments", "村级工程 Works",
                               "预算 Allocation", "说明 Notes"]
    rows = list(book["计划 Plan"].iter_rows(values_only=True))
    assert rows[0] == tuple(COLUMNS.values())
    assert len(rows) - 1 == len(list(plan_rows(budgeted)))
    income = list(book["收入 Income"].iter_rows(values_only=True))
    assert income[1][:2] == ("522425-101-0001", 4)


def test_text_report_in_both_languages(district) -> None:
    zh = to_text(district, "zh")
    en = to_text(district, "en")
    assert "人均 2808 → 9558 元" in zh and "关键路径" in zh
    assert "per capita 2808 → 9558 yuan (annualised" in en and "critical path" in en
    wide_zh, wide_en = to_text(district, "zh", width=300), to_text(district, "en", width=300)
    assert "收入缺口" in wide_zh and "前置：农村危房改造" in wide_zh
    assert "前置：转移就业（劳务输出及交通补贴）（成员2）" in wide_zh
    assert "income gap" in wide_en and "prerequisite of dangerous-house renovation" in wide_en
    assert "prerequisite of job placement with transport subsidy (member 2)" in wide_en
    for raw in ("income-gap", "existing", "prerequisite:", "→ job_placement"):
        assert raw not in wide_zh and raw not in wide_en, raw


def test_gantt_charts_per_household_and_village(district, tmp_path) -> None:
    written = write_gantts(district, tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted([
        "household-522425-101-0001.svg", "household-522425-102-0002.svg",
        "household-522425-203-0003.svg", "village-522425101201.svg", "village-522425201203.svg",
        "village-V-BY.svg"])
    assert all(p.read_text(encoding="utf-8").lstrip().startswith("<?xml") for p in written)
    bars = household_bars(district.households[1], district.works, language="en")
    assert bars[0].label == "Village water-supply works @V-BY"


def test_planner_plan_command_writes_each_format(tmp_path) -> None:
    runner = CliRunner()
    source = str(HOUSEHOLDS / "pre_exit_2808.json")
    text = runner.invoke(cli, ["plan", source, "--date", "2020-09-30", "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert "per capita 2808 → 9558 yuan (annualised" in text.output
    as_json = runner.invoke(cli, ["plan", source, "--date", "2020-09-30", "--output-format",
                                  "json", "--budget", "5000"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["allocation"]["method"] == "milp"
    funded = [i for i in data["households"][0]["items"] if i["funded"]]
    assert [i["measure"] for i in funded] == ["workshop_job"] and funded[0]["start"]
    assert "microcredit" not in [i["measure"] for i in data["households"][0]["items"]]
    out = tmp_path / "plan.xlsx"
    charts = tmp_path / "charts"
    made = runner.invoke(cli, ["plan", source, "--date", "2020-09-30", "--output-format", "xlsx",
                               "--output", str(out), "--gantt", str(charts)])
    assert made.exit_code == 0, made.output
    assert out.exists() and (charts / "household-522425-101-0001.svg").exists()
    missing = runner.invoke(cli, ["plan", source, "--output-format", "xlsx"])
    assert missing.exit_code == 2


def test_planner_plan_applies_a_district_catalog(tmp_path) -> None:
    override = tmp_path / "district.yaml"
    override.write_text("remove: [microcredit]\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", str(HOUSEHOLDS / "pre_exit_2808.json"), "--date",
                                 "2020-09-30", "--catalog", str(override),
                                 "--output-format", "csv"])
    assert result.exit_code == 0, result.output
    assert "microcredit" not in result.output and "job_placement" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("remove: [credit_rating]\n", encoding="utf-8")
    refused = runner.invoke(cli, ["plan", str(HOUSEHOLDS / "pre_exit_2808.json"),
                                  "--catalog", str(bad)])
    assert refused.exit_code == 2 and "microcredit → credit_rating" in refused.output


def test_planner_plan_reads_the_example_district_with_its_configuration() -> None:
    from .conftest import EXAMPLES

    district = EXAMPLES / "district"
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", str(district), "--output-format", "json",
                                 "--budget", "100000"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reference_date"] == "2020-09-30"  # from examples/district/planner.toml
    lines = (district / "households.jsonl").read_text(encoding="utf-8").splitlines()
    assert data["stats"]["households"] == len(lines)
    assert data["works"] and all(w["measure"] in ("road_hardening", "water_works")
                                 for w in data["works"])
    assert data["allocation"]["spent"] <= 100000
    for household in data["households"]:
        for item in household["items"]:
            assert item["why"] or item["prerequisite_of"] or item["need"] in ("income", "existing")


def test_a_measure_to_cancel_appears_in_every_output(tmp_path) -> None:
    from openpyxl import load_workbook

    runner = CliRunner()
    source = str(HOUSEHOLDS / "sup_training_no_labour.json")
    base = ["plan", source, "--date", "2020-09-30"]
    as_csv = runner.invoke(cli, [*base, "--output-format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    [row] = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert (row["action"], row["measure"], row["member"], row["status"]) == (
        "cancel", "skills_training", "2", "planned")
    assert (row["why"], row["why_zh"], row["why_en"]) == (
        "SUP003", "SUP003：成员2无劳动能力", "SUP003: member 2 has no labour capacity")
    assert row["reason_zh"].endswith("成员2无劳动能力")
    assert row["reason_en"].endswith("member 2 has no labour capacity")
    assert (row["start"], row["due"], row["gain"]) == ("", "", "0.0")
    as_json = runner.invoke(cli, [*base, "--output-format", "json"])
    data = json.loads(as_json.output)
    household = data["households"][0]
    assert household["items"] == [] and household["notes"] == []
    [cancel] = household["to_cancel"]
    assert (cancel["action"], cancel["why_codes"]) == ("cancel", ["SUP003"])
    assert cancel["reason"]["en"].endswith("member 2 has no labour capacity")
    assert data["stats"]["cancelled"] == 1
    zh = runner.invoke(cli, base)
    assert "技能培训 [应取消]" in zh.output and "SUP003：成员2无劳动能力" in zh.output
    assert "措施目录中没有措施能解决" not in zh.output
    assert "应取消与对象不符的原有措施 1 项" in zh.output
    en = runner.invoke(cli, [*base, "--lang", "en"])
    assert "Skills training [cancel]" in en.output and "SUP003: member 2" in en.output
    assert "unfit planned measures to cancel: 1" in en.output
    out = tmp_path / "plan.xlsx"
    made = runner.invoke(cli, [*base, "--output-format", "xlsx", "--output", str(out)])
    assert made.exit_code == 0, made.output
    rows = list(load_workbook(out, read_only=True)["计划 Plan"].iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("操作 action")] == "cancel"
    assert rows[1][header.index("原因代码 why")] == "SUP003"


def test_text_labels_the_status_of_measures_already_planned() -> None:
    data = json.loads((HOUSEHOLDS / "pre_exit_2808.json").read_text("utf-8"))
    data["measures"] = [{"measure": "microcredit", "status": "in_progress", "year": 2020,
                         "start": "2020-10-15", "expected_annual_gain": 3000}]
    result = plan([Household.model_validate(data)],
                  rules=RuleSet(entry_point_rules(BUILTIN_PACKS)), reference_date=WHEN)
    assert result.households[0].item("microcredit").action == "keep"
    zh, en = to_text(result, "zh", width=300), to_text(result, "en", width=300)
    assert "财政贴息） [实施中]" in zh and "interest subsidised) [in progress]" in en
    row = next(r for r in plan_rows(result) if r["measure"] == "microcredit")
    assert (row["action"], row["status"]) == ("keep", "in_progress")


def test_planner_plan_refuses_a_negative_budget_and_says_fixed_errors_in_both_languages(
        tmp_path) -> None:
    runner = CliRunner()
    source = str(HOUSEHOLDS / "no_labour.json")
    negative = runner.invoke(cli, ["plan", source, "--budget", "-5"])
    assert negative.exit_code == 2 and "--budget" in negative.output
    missing = runner.invoke(cli, ["plan", source, "--output-format", "xlsx"])
    assert missing.exit_code == 2
    assert "需要 --output" in missing.output and "needs --output" not in missing.output
    graph = runner.invoke(cli, ["measures", "--graph", str(tmp_path / "graph.png")])
    assert graph.exit_code == 2
    assert "图文件须为" in graph.output
    graph = runner.invoke(cli, ["measures", "--graph", str(tmp_path / "graph.png"), "--lang", "en"])
    assert "graph files are" in graph.output and "图文件" not in graph.output


def test_planner_plan_strict_stops_at_the_first_bad_record_without_a_traceback(
        tmp_path) -> None:
    bad = tmp_path / "households.jsonl"
    good = (HOUSEHOLDS / "no_labour.json").read_text("utf-8")
    bad.write_text(json.dumps(json.loads(good), ensure_ascii=False) + "\n{not json\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", str(bad), "--date", "2020-09-30", "--strict",
                                      "--output-format", "json"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # not a StrictError traceback
    assert "households.jsonl" in result.output and "已按 --strict 停止" in result.output
