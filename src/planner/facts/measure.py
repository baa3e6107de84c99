"""The declared facts of a planned measure (``measure.<name>``), the catalog's attributes included.

The Python backend computes them lazily, per measure on first read
(:class:`planner.measure_facts.MeasureFacts`, through the same helpers).
"""

from __future__ import annotations

from planner.facts.declare import Fact

MEASURE_INPUTS = {
    "record": "the planned measure's record (planner.model.PlannedMeasure)",
    "number": "1-based position of the measure in the household's plan",
    "household": "the household's facts (planner.facts.HouseholdFacts)",
    "catalog": "the measure catalog of the run (id → planner.measures.Measure), if any",
}


def _ineligibility(name: str, zh: str, en: str, doc: str, attribute: str) -> Fact:
    return Fact(name, "text", "", zh, en, doc,
                f"verdict.{attribute} if verdict.eligible == False else None")


MEASURE_FACTS = (
    Fact("record", "record PlannedMeasure", "", "措施记录", "measure record",
         "The planned measure's record as validated.", "record"),
    Fact("number", "integer", "position", "措施序号", "measure number",
         "1-based position in the household's plan.", "number"),
    Fact("reference_date", "date", "", "基准日", "reference date",
         "The date the plan is judged on.", "household.reference_date"),
    Fact("entry", "record Measure", "", "目录条目", "catalog entry",
         "The measure's catalog entry (unknown without a catalog or for an unknown id).",
         "catalog_entry(catalog, record.measure)"),
    Fact("id", "text", "", "措施编号", "measure id", "The catalog id the plan names.",
         "record.measure"),
    Fact("in_catalog", "bool", "", "在目录中", "in the catalog", "Whether the catalog has it.",
         "is_known(entry)"),
    Fact("label_zh", "text", "", "中文名称", "Chinese label",
         "The catalog's Chinese label, else the id.", "coalesce(entry.label.zh, record.measure)"),
    Fact("label_en", "text", "", "英文名称", "English label",
         "The catalog's English label, else the id.", "coalesce(entry.label.en, record.measure)"),
    Fact("family", "enum MeasureFamily", "", "措施类别", "family",
         "The catalog family (social_protection, employment …).", "entry.family"),
    Fact("protection", "bool", "", "兜底保障", "social protection",
         "Whether the measure is social protection; unknown outside the catalog.",
         "entry.protection"),
    Fact("beneficiary_kind", "text", "", "受益对象类型", "beneficiary kind",
         "Whom the catalog gives the measure to (household, member, village).",
         "entry.beneficiary"),
    Fact("active", "bool", "", "有效措施", "active",
         "Status planned, in progress or done.", "record.status in ACTIVE_STATUSES"),
    Fact("overdue", "bool", "", "逾期", "overdue",
         "Planned or in progress with a due date before the reference date.",
         "coalesce(record.status in OPEN_STATUSES and record.due < reference_date, False)"),
    Fact("days_overdue", "integer", "days", "逾期天数", "days overdue",
         "Days from the due date to the reference date (negative before it).",
         "days_between(record.due, reference_date)"),
    Fact("beneficiary_member", "integer", "position", "受益成员", "beneficiary member",
         "The beneficiary's member number when it is a registered member.",
         "registered_member(household.members, record.beneficiary)"),
    Fact("given_on", "date", "", "实施日期", "given on",
         "For a measure done: the day it was given (start, else completion; unknown without "
         "either); unknown for a measure not done.",
         "coalesce(record.start, record.completed) if record.status == MeasureStatus.DONE "
         "else None"),
    Fact("verdict", "record Verdict", "", "资格判定", "eligibility verdict",
         "The catalog's eligibility verdict for the beneficiary member or the household; the "
         "ages of a measure done are judged on the day it was given.",
         "eligibility_verdict(entry, household, beneficiary_member, given_on, "
         "record.status == MeasureStatus.DONE)"),
    Fact("eligible", "bool", "", "符合条件", "eligible",
         "Whether the household or beneficiary member fits the measure.", "verdict.eligible"),
    _ineligibility("ineligibility", "不符合原因", "ineligibility",
                   "The stable key of the first condition that fails (labour, age …).", "reason"),
    _ineligibility("ineligibility_zh", "不符合原因（中文）", "ineligibility (zh)",
                   "Why the measure does not fit, in Chinese.", "zh"),
    _ineligibility("ineligibility_en", "不符合原因（英文）", "ineligibility (en)",
                   "Why the measure does not fit, in English.", "en"),
)
