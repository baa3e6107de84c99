"""The declared facts of a village and of a project (``village.<name>``, ``project.<name>``)."""

from __future__ import annotations

from planner.facts.declare import Fact

VILLAGE_INPUTS = {
    "record": "the village's record (planner.model.Village)",
    "when": "the reference date of the run",
}
PROJECT_INPUTS = {
    "record": "the project's record (planner.model.Project)",
    "when": "the reference date of the run",
}

_SHARE = "share 0–1"


def _common(what_zh: str, what_en: str) -> tuple[Fact, ...]:
    return (
        Fact("record", f"record {what_en.capitalize()}", "", f"{what_zh}记录", f"{what_en} record",
             f"The {what_en}'s record as validated.", "record"),
        Fact("reference_date", "date", "", "基准日", "reference date",
             "The date the facts are derived for.", "when"),
        Fact("id", "text", "", f"{what_zh}编号", f"{what_en} id",
             f"The {what_en}'s id.", "record.id"),
    )


VILLAGE_FACTS = (
    *_common("行政村", "village"),
    Fact("road_share", "number", _SHARE, "道路硬化完成率", "hardened road share",
         "Kilometres of road hardened over those planned.",
         "record.road_km_hardened / record.road_km_planned"),
    Fact("road_expected_share", "number", _SHARE, "道路硬化应完成比例", "road share expected",
         "The share of the road works a linear schedule from start to due date expects.",
         "scheduled_share(record.road_start, record.road_due, when)"),
    Fact("road_past_due", "bool", "", "道路硬化已逾期限", "road works past due",
         "The road works' due date is before the reference date.", "record.road_due < when"),
    Fact("tap_water_share", "number", _SHARE, "自来水入户率", "tap-water share",
         "Households with tap water over all households.",
         "record.households_tap_water / record.households_total"),
    Fact("water_expected_share", "number", _SHARE, "供水工程应完成比例", "water share expected",
         "The share of the water works a linear schedule from start to due date expects.",
         "scheduled_share(record.water_works_start, record.water_works_due, when)"),
    Fact("water_past_due", "bool", "", "供水工程已逾期限", "water works past due",
         "The water works' due date is before the reference date.",
         "record.water_works_due < when"),
    # The village sheet of the 2023 export (（自定义）行政村信息): a record with none of its counts
    # comes from a source that does not collect them, so their blanks are not omissions.
    Fact("export_counts_recorded", "bool", "", "已登记行政村统计项", "village counts recorded",
         "At least one count or service of the village export is recorded (low-income, "
         "disabled, insured people, clinics, doctors, schools, toilets, waste points, culture "
         "rooms, collective income, bus, paved road, unsafe water, dangerous houses).",
         "is_known(record.dibao_people) or is_known(record.dibao_households) or "
         "is_known(record.tekun_people) or is_known(record.disabled_people) or "
         "is_known(record.pension_insured_people) or is_known(record.clinics) or "
         "is_known(record.doctors) or is_known(record.primary_schools) or "
         "is_known(record.public_toilets) or is_known(record.waste_points) or "
         "is_known(record.culture_rooms) or is_known(record.collective_income) or "
         "is_known(record.bus_service) or is_known(record.paved_road_to_town) or "
         "is_known(record.unsafe_water_households) or "
         "is_known(record.dangerous_house_households)"),
    Fact("problem_households", "integer", "households", "未实现饮水安全户与危房户合计",
         "unsafe-water and dangerous-house households",
         "Households without safe water plus households in dangerous houses (未实现饮水安全户数 + "
         "危房户数).",
         "record.unsafe_water_households + record.dangerous_house_households"),
)

# Dates after the reference date count as not yet happened.
PROJECT_FACTS = (
    *_common("项目", "project"),
    Fact("started", "bool", "", "已开工", "started",
         "Started on or before the reference date.", "coalesce(record.started_on <= when, False)"),
    Fact("completed", "bool", "", "已完工", "completed",
         "Completed on or before the reference date.",
         "coalesce(record.completed_on <= when, False)"),
    Fact("due", "bool", "", "已到计划完工日", "due",
         "The planned completion is on or before the reference date (counts for the completion "
         "rate).", "record.planned_completion <= when"),
    Fact("overdue", "bool", "", "逾期未完工", "overdue",
         "Not completed and the planned completion is before the reference date (overdue from "
         "the day after it).",
         "(record.planned_completion < when and not completed) "
         "if is_known(record.planned_completion) else None"),
    Fact("days_overdue", "integer", "days", "逾期天数", "days overdue",
         "Days from the planned completion to the reference date, when overdue.",
         "days_between(record.planned_completion, when) if overdue else None"),
    Fact("disbursement_rate", "number", _SHARE, "资金拨付率", "disbursement rate",
         "Funds disbursed over funds allocated.",
         "record.funds_disbursed / record.funds_allocated"),
    Fact("notice_posted", "bool", "", "已公示", "notice posted",
         "The notice was posted on or before the reference date.",
         "coalesce(record.notice_posted_on <= when, False)"),
    Fact("notice_lead_days", "integer", "days", "公示提前天数", "notice lead days",
         "Days from posting the notice to the start (negative: posted after it), once started.",
         "days_between(record.notice_posted_on, record.started_on) if started else None"),
    Fact("announced", "bool", "", "已公告", "announced",
         "Announced on or before the reference date.",
         "coalesce(record.announced_on <= when, False)"),
    Fact("notice_days_late", "integer", "days", "公示迟延天数", "notice days late",
         "Days the notice was posted after the start, when it was posted late.",
         "-notice_lead_days if notice_lead_days < 0 else None"),
)
