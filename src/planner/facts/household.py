"""The declared facts of one household (``household.<name>`` in rules and messages)."""

from __future__ import annotations

from planner.facts.declare import Fact

HOUSEHOLD_INPUTS = {
    "record": "the household's record (planner.model.Household)",
    "when": "the reference date of the run",
    "member_facts": "the facts of the registered members, in record order",
    "income_raising": "ids of the measures that raise income (the measure catalog)",
    "measure_addresses": "measure id → finding codes it addresses (the measure catalog)",
}


def _income(category: str) -> str:
    return (
        f"income_by_category(record.income, income_year, IncomeCategory.{category}) "
        "if income_known else None"
    )


def _counted(zh: str, en: str, expression: str) -> Fact:
    name = en.replace(" ", "_")
    return Fact(name, "integer", "count", zh, en, f"Members counted: {expression}.",
                f"count(members, {expression})")


# Whether each of the 三保障 and water is known to be a problem: housing (an unsafe grade with
# neither renovation nor relocation done), education (a member out of school), medical (a member
# without basic medical insurance), water.
_GUARANTEES = (
    "False if housing_secured else housing_unsafe, any_known(members, out_of_school), "
    "any_known(members, not basic_medical_insured), not water_safe"
)
_YUAN = "yuan/yr"
_PER_HEAD = "yuan/person/yr"

HOUSEHOLD_FACTS = (
    Fact("record", "record Household", "", "户记录", "household record",
         "The household's record as validated.", "record"),
    Fact("reference_date", "date", "", "基准日", "reference date",
         "The date the facts are derived for.", "when"),
    Fact("income_year", "integer", "year", "收入年度", "income year",
         "The year the income refers to: recorded, else the latest year of the income sources "
         "up to the reference year.",
         "coalesce(record.income_year, latest_income_year(record.income, when))"),
    Fact("poverty_line", "number", _PER_HEAD, "贫困线", "poverty line",
         "The poverty line in force at the end of the income year.",
         'param_at_year_end("income.poverty_line", income_year)'),
    Fact("members", "tuple of MemberFacts", "", "在册成员", "registered members",
         "The facts of the registered members.", "member_facts"),
    Fact("size", "integer", "persons", "家庭人口", "household size",
         "Number of registered members.", "count(members)"),
    Fact("income_known", "bool", "", "收入已登记", "income known",
         "Income is recorded for the income year (an empty list is a recorded zero).",
         "income_known(record.income, income_year)"),
    Fact("income_wage", "number", _YUAN, "工资性收入", "wage income",
         "Wage income of the income year.", _income("WAGE")),
    Fact("income_operating", "number", _YUAN, "生产经营性收入", "operating income",
         "Operating income of the income year.", _income("OPERATING")),
    Fact("income_property", "number", _YUAN, "财产性收入", "property income",
         "Property income of the income year.", _income("PROPERTY")),
    Fact("income_transfer", "number", _YUAN, "转移性收入", "transfer income",
         "Transfer income of the income year.", _income("TRANSFER")),
    Fact("gross_income", "number", _YUAN, "家庭总收入", "gross income",
         "The four income categories of the income year.",
         "income_wage + income_operating + income_property + income_transfer"),
    Fact("production_costs", "number", _YUAN, "生产经营支出", "production costs",
         "Production costs of the income year.",
         "costs_of_year(record.production_costs, income_year)"),
    Fact("net_income", "number", _YUAN, "家庭纯收入", "net income",
         "Gross income minus production costs.", "gross_income - production_costs"),
    Fact("per_capita_net_income", "number", _PER_HEAD, "人均纯收入", "per-capita net income",
         "Net income per registered member.", "net_income / size"),
    Fact("wage_share", "number", "share 0–1", "工资性收入占比", "wage share",
         "Wage income over gross income.", "income_wage / gross_income"),
    Fact("operating_share", "number", "share 0–1", "经营性收入占比", "operating share",
         "Operating income over gross income.", "income_operating / gross_income"),
    Fact("property_share", "number", "share 0–1", "财产性收入占比", "property share",
         "Property income over gross income.", "income_property / gross_income"),
    Fact("transfer_share", "number", "share 0–1", "转移性收入占比", "transfer share",
         "Transfer income over gross income.", "income_transfer / gross_income"),
    Fact("previous_per_capita_income", "number", _PER_HEAD, "上年人均纯收入",
         "previous per-capita income",
         "Per-capita net income of the year before the income year.",
         "previous_per_capita_income(record, income_year, size)"),
    Fact("per_capita_change_share", "number", "share", "人均纯收入变化率",
         "per-capita income change",
         "Change of per-capita net income against the year before, over that year's.",
         "(per_capita_net_income - previous_per_capita_income) / previous_per_capita_income "
         "if previous_per_capita_income > 0 else None"),
    Fact("per_capita_income_gap", "number", _PER_HEAD, "人均纯收入差额",
         "per-capita income gap",
         "|recorded 人均纯收入 − computed per-capita net income|.",
         "abs(record.recorded_per_capita_income - per_capita_net_income)"),
    Fact("heads", "integer", "count", "户主人数", "heads",
         "Members recorded as head of household.",
         "count(members, record.relation == Relation.HEAD)"),
    Fact("head_spouse_same_sex", "bool", "", "户主与配偶同性别", "head and spouse same sex",
         "With one head and one spouse of known sex: whether they share it.",
         "head_spouse_same_sex(members)"),
    _counted("有劳动能力人数", "members can work", "can_work"),
    _counted("劳动能力未登记人数", "labour unknown", "not is_known(can_work)"),
    Fact("labour_share", "number", "share 0–1", "劳动力占比", "labour share",
         "Members who can work over household size.", "members_can_work / size"),
    Fact("any_can_work", "bool", "", "有劳动力", "any member can work",
         "A member can work; unknown when none can and one's capacity is unknown.",
         "True if members_can_work else (None if labour_unknown else False)"),
    _counted("义务教育年龄人数", "school age children", "compulsory_school_age"),
    _counted("患病人数", "ill members", "ill"),
    _counted("残疾人数", "disabled members", "disabled"),
    _counted("在校生人数", "students", "enrolled"),
    _counted("职业教育在校生人数", "vocational students", "vocational_student"),
    _counted("务工或公益岗位人数", "members working", "employed or holds_post"),
    Fact("post_held", "bool", "", "有公益岗位", "a public-welfare post is held",
         "A member holds a public-welfare post on the reference date, or the export's "
         "公益岗位帮扶 column lists one.",
         "any_known(members, holds_post) or truthy(record.assistance.public_welfare_post)"),
    Fact("active_measures", "set of measure ids", "", "有效帮扶措施", "active measures",
         "Measures planned, in progress or done.", "active_measure_ids(record.measures)"),
    Fact("measures_this_year", "set of measure ids", "", "本期措施", "measures of the plan window",
         "Active measures of the plan window (income year … reference year).",
         "plan_window_measures(record.measures, income_year, when)"),
    Fact("new_measures_this_year", "set of measure ids", "", "本期新增措施",
         "new measures of the plan window",
         "Measures of the plan window that were not active before the income year.",
         "measures_this_year - measures_before(record.measures, income_year)"),
    Fact("income_measures_this_year", "integer", "count", "本期新增增收措施数",
         "new income measures",
         "New measures of the plan window that raise income.",
         "size_of(new_measures_this_year & income_raising)"),
    Fact("measures_implemented", "set of measure ids", "", "已实施措施", "measures implemented",
         "Measures of the income year in progress or done (their effects should show).",
         "implemented_measures(record.measures, income_year)"),
    Fact("planned_annual_gain", "number", _YUAN, "预计年增收", "planned annual gain",
         "Expected annual gain of the active measures not yet done.",
         "planned_annual_gain(record.measures)"),
    Fact("projected_per_capita_income", "number", _PER_HEAD, "预计人均纯收入",
         "projected per-capita income",
         "Per-capita net income plus the planned annual gain per member.",
         "per_capita_net_income + planned_annual_gain / size"),
    Fact("exit_target", "date", "", "计划脱贫日期", "exit target",
         "Recorded exit date, else the default month-day in the reference year.",
         'coalesce(record.exit_target, date_in_year(param("income.exit_target_default"), '
         "when.year))"),
    Fact("housing_unsafe", "bool", "", "住房不安全", "housing unsafe",
         "The housing safety grade is one of the unsafe grades; unknown when not assessed.",
         'record.housing.safety_grade.value in param("housing.unsafe_grades") '
         "if record.housing.safety_grade != HousingGrade.UNASSESSED else None"),
    Fact("housing_secured", "bool", "", "住房已保障", "housing secured",
         "Renovation or relocation done, or the household lives in a safe house (投亲靠友, "
         "relocated, with its children) whatever the grade of a house it owns.",
         "WorkStatus.DONE in (record.housing.renovation, record.housing.relocation) "
         "or truthy(record.housing.lives_in_safe_house)"),
    Fact("usable_room_share", "number", "share 0–1", "可用房间占比", "usable room share",
         "Usable rooms over all rooms.",
         "record.housing.rooms_usable / record.housing.rooms_total"),
    Fact("usable_area_per_person", "number", "m²/person", "人均可用面积",
         "usable area per person", "Usable floor area per member.",
         "record.housing.usable_area / size"),
    Fact("has_helper", "bool", "", "有帮扶责任人", "has a helper",
         "A helper with a name is assigned.", "truthy(record.helper.name)"),
    Fact("last_visit", "date", "", "最近走访", "last visit",
         "The latest visit on or before the reference date.", "last_visit(record.visits, when)"),
    Fact("days_since_visit", "integer", "days", "距上次走访天数", "days since visit",
         "Days from the last visit to the reference date.", "days_between(last_visit, when)"),
    Fact("in_monitoring", "bool", "", "纳入监测", "in monitoring",
         "The household is monitored (防止返贫监测).", "is_known(record.monitoring)"),
    Fact("risk_eliminated", "bool", "", "风险已消除", "risk eliminated",
         "The monitoring record says the risk is eliminated.",
         "record.monitoring.risk_eliminated"),
    Fact("days_to_verification", "integer", "days", "识别至核实天数", "days to verification",
         "Days from identification to verification (or to the reference date if not verified).",
         "days_between(record.monitoring.identified_on, "
         "coalesce(record.monitoring.verified_on, when))"),
    Fact("days_to_assistance", "integer", "days", "识别至帮扶天数", "days to assistance",
         "Days from identification to assistance (or to the reference date if not assisted).",
         "days_between(record.monitoring.identified_on, "
         "coalesce(record.monitoring.assisted_on, when))"),
    Fact("months_to_elimination", "integer", "months", "识别至消除风险月数",
         "months to elimination", "Whole months from identification to elimination of the risk.",
         "months_between(record.monitoring.identified_on, record.monitoring.eliminated_on)"),
    Fact("addressed_codes", "set of finding codes", "", "已有措施针对的问题", "codes addressed",
         "Finding codes addressed by the active measures.",
         "addressed_codes(record.measures, measure_addresses)"),
    Fact("water_litres_min", "number", "L/person/day", "饮水量下限", "water litres minimum",
         "The least water quantity for the household's area: water.litres_per_person_day_min_"
         "water_rich in a water-rich area (water_rich_area true), else "
         "water.litres_per_person_day_min (water-scarce, or not recorded: the lower minimum, "
         "so that an unrecorded area never raises a finding).",
         'param("water.litres_per_person_day_min_water_rich") '
         'if coalesce(record.water.water_rich_area, False) '
         'else param("water.litres_per_person_day_min")'),
    Fact("water_safe", "bool", "", "饮水安全", "water safe",
         "Drinking water safe by its four indicators.", "water_safe(record.water)"),
    Fact("basic_guarantee_problems", "tuple of BasicGuarantee", "", "三保障和饮水问题",
         "basic guarantee problems",
         "The 三保障 and water problems known to exist.", f"guarantee_problems({_GUARANTEES})"),
    Fact("basic_guarantee_secure", "bool", "", "三保障和饮水安全有保障",
         "basic guarantees secure",
         "No problem, and all four known secure.", f"guarantee_secure({_GUARANTEES})"),
    Fact("monitoring_era", "bool", "", "监测期", "monitoring era",
         "The reference date is in the monitoring era (防止返贫监测).",
         'when >= to_date(param("monitoring.start"))'),
    Fact("overdue_measures", "tuple of positions", "", "逾期措施", "overdue measures",
         "1-based positions of planned or in-progress measures past their due date.",
         "overdue_measures(record.measures, when)"),
    Fact("extra", "mapping", "", "扩展", "extra",
         "Room for facts a local pack adds; empty.", "{}"),
)
