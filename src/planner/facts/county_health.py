"""Facts of the county checklist's insurance and assistance items (``household.<name>``).

The 2023 export records what a household received as free-text items of its measure columns
(健康帮扶, 教育帮扶, 产业帮扶 …: ``Household.assistance``); these facts say whether an item names a
given measure, so that the insurance, education and industry rules read one declared answer.
An unknown column (a source without it) is unknown, never "not received".
"""

from __future__ import annotations

from planner.facts.declare import Fact

# Item texts as the export writes them; an item mentioning the text counts (the county checker
# matches the same way, as a part of the cell).
_PREMIUM_SUBSIDY = '"个人缴费补贴"'
_RAIN_DEW = '"雨露计划"'
_FAMILY_DOCTOR = '"家庭医生"'

HEALTH_HOUSEHOLD_FACTS = (
    Fact("premium_subsidy", "bool", "", "享受城乡居民医保个人缴费补贴", "premium subsidy",
         "An item of 健康帮扶 names the resident medical-insurance premium subsidy "
         "(城乡居民基本医疗保险个人缴费补贴); unknown without the column.",
         f"mentions(record.assistance.health, {_PREMIUM_SUBSIDY})"),
    Fact("premium_subsidy_window_start", "date", "", "个人缴费补贴识别起始日",
         "premium subsidy window start",
         "First identification date whose household is subsidised for the reference year "
         "(insurance.premium_subsidy_collection_start of the year before).",
         'date_in_year(param("insurance.premium_subsidy_collection_start"), when.year - 1)'),
    Fact("premium_subsidy_cutoff", "date", "", "个人缴费补贴识别截止日",
         "premium subsidy cut-off",
         "Last identification date whose household is subsidised for the reference year "
         "(insurance.premium_subsidy_cutoff of the reference year).",
         'date_in_year(param("insurance.premium_subsidy_cutoff"), when.year)'),
    Fact("next_premium_subsidy_window_start", "date", "", "下一年度个人缴费补贴识别起始日",
         "next premium subsidy window start",
         "First identification date subsidised for the next insurance year "
         "(insurance.premium_subsidy_collection_start of the reference year).",
         'date_in_year(param("insurance.premium_subsidy_collection_start"), when.year)'),
    Fact("premium_subsidy_period_over", "bool", "", "个人缴费补贴登记期已过",
         "premium subsidy period over",
         "The reference date is after the reference year's cut-off: the subsidy of a household "
         "identified before it should be recorded by now.",
         "when > premium_subsidy_cutoff"),
    Fact("rain_dew_plan", "bool", "", "享受雨露计划", "雨露计划 received",
         "An item of 教育帮扶 names 雨露计划 (the vocational-education grant); unknown without "
         "the column.",
         f"mentions(record.assistance.education, {_RAIN_DEW})"),
    Fact("family_doctor_listed", "bool", "", "登记了家庭医生签约服务", "family doctor listed",
         "An item of 健康帮扶 names the family-doctor contract (家庭医生签约服务): the export's "
         "answer for the household, which has no member's contract; unknown without the column.",
         f"mentions(record.assistance.health, {_FAMILY_DOCTOR})"),
    Fact("industry_assistance_listed", "bool", "", "登记了产业帮扶", "industry assistance listed",
         "The 产业帮扶 column lists at least one item; unknown without the column.",
         "size_of(record.assistance.industry) > 0"),
)
