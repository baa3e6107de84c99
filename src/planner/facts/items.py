"""The declared facts of a member's work records and public-welfare posts (``work_record.<name>``,
``post.<name>``), read by rules with ``for_each: work_record`` / ``for_each: post``."""

from __future__ import annotations

from planner.facts.declare import Fact

ITEM_INPUTS = {
    "record": "the item's record (planner.model.EmploymentRecord or PublicWelfarePost)",
    "member": "the member number of the registered member who holds it",
    "number": "1-based position of the item in the member's list",
    "when": "the reference date of the run",
    "holder": "the facts of the registered member who holds it (planner.facts.MemberFacts)",
}


def _age_at_start(month_precision: bool) -> str:
    age = "age_on(holder.birth_date, record.start) if is_known(record.start) else None"
    if not month_precision:
        return age
    # A start known to the month only (its first day, start_precision month) gives the age of
    # the whole month, unknown when a birthday after the 1st falls inside it.
    return (f"None if coalesce(record.start_precision, DatePrecision.DAY) == DatePrecision.MONTH"
            " and holder.birth_date.month == record.start.month and holder.birth_date.day > 1"
            f" else ({age})")


def _common(zh: str, en: str, month_precision: bool = False) -> tuple[Fact, ...]:
    return (
        Fact("record", f"record {en}", "", f"{zh}记录", f"{en} record",
             "The record as validated.", "record"),
        Fact("member", "integer", "position", "成员序号", "member number",
             "The registered member who holds it.", "member"),
        Fact("number", "integer", "position", f"{zh}序号", f"{en} number",
             "1-based position in the member's list.", "number"),
        Fact("reference_date", "date", "", "基准日", "reference date",
             "The date the facts are derived for.", "when"),
        Fact("annual_pay", "number", "yuan/yr", "年收入", "annual pay",
             "Monthly pay times the months of the year.", "record.monthly_pay * record.months"),
        Fact("holder_age", "integer", "years", "持有人年龄", "holder's age",
             "The holder's completed years on the reference date.", "holder.age"),
        Fact("holder_age_at_start", "integer", "years", "开始时年龄", "age at start",
             "The holder's completed years on the start date; for a start known to the month "
             "only, unknown when the holder's birthday falls inside that month after its 1st.",
             _age_at_start(month_precision)),
    )


WORK_RECORD_FACTS = (
    *_common("务工", "EmploymentRecord", month_precision=True),
    Fact("active", "bool", "", "本年务工", "active this year",
         "The spell covers the reference year (an unknown start or end is open).",
         "covers_year(record.start, record.end, when)"),
    Fact("current", "bool", "", "目前务工", "current",
         "The spell runs on the reference date (an unknown start or end is open).",
         "covers_date(record.start, record.end, when)"),
    Fact("county_level", "bool", "", "务工地点到县级", "county level",
         "The workplace (county) names a county-level place: false for a province or "
         "prefecture name or code, unknown when blank.", "county_level(record.county)"),
)
POST_FACTS = (
    *_common("公益岗位", "PublicWelfarePost"),
    Fact("held", "bool", "", "在岗", "held",
         "The post is held on the reference date (an unknown start or end is open).",
         "covers_date(record.start, record.end, when)"),
)
