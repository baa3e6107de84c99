"""The declared facts of the county checklist: benefits against measures, posts, work, disability.

Household and member facts added to ``household.<name>`` / ``member.<name>`` (registered in
:mod:`planner.facts`). What "listed" means: an active measure of the plan (``dibao``,
``tekun_support``), else the export's 综合保障 items when the source has that column
(``assistance.social_security``), else not listed when the plan has other active measures, and
unknown for a record with neither (it says nothing about the household's measures).
"""

from __future__ import annotations

from planner.facts.declare import Fact


def _receives(benefit: str) -> str:
    # Received: in member.benefits; not received: benefits recorded without it. With benefits
    # unknown, a "no" answer for it (benefits_declined) still says not received.
    return (
        f"coalesce(Benefit.{benefit} in benefits, "
        f"False if Benefit.{benefit} in benefits_declined else None)"
    )


def _listed(word: str, *measures: str) -> str:
    ids = " or ".join(f'"{m}" in active_measures' for m in measures)
    return f"True if {ids} else coalesce({word}, False if truthy(active_measures) else None)"


def _anyone(fact: str) -> str:
    # Kleene any over the registered members; a departed member (自然减少, kept with
    # registered=false) may be the recipient the listing is about, so with one the answer
    # "nobody" is not given.
    return (
        f"True if any_known(members, {fact}) else "
        f"(None if size_of(record.members) > size else any_known(members, {fact}))"
    )


COUNTY_MEMBER_FACTS = (
    Fact("benefits_declined", "set of Benefit values", "", "不享受的待遇", "benefits declined",
         "The benefits the source answers no for (享受低保政策情况 = 否 …); unknown when none "
         "is answered.", "values_of(record.benefits_declined)"),
    Fact("on_dibao", "bool", "", "享受低保", "receives dibao",
         "The member receives 低保 (member.benefits); false when benefits are recorded without "
         "it or the source answers no (benefits_declined).", _receives("DIBAO")),
    Fact("on_tekun", "bool", "", "享受特困供养", "receives tekun",
         "The member receives 特困供养 (member.benefits); false when benefits are recorded "
         "without it or the source answers no.", _receives("TEKUN")),
    Fact("has_disability_card", "bool", "", "持残疾人证", "holds a disability card",
         "证件类型 is 残疾人证, the ID number is a valid 20/22-digit 残疾人证号, or the "
         "disability category and grade (which only the card's assessment gives) are both "
         "recorded; false when the ID number or type is recorded and none of these holds.",
         'True if coalesce(record.id_type, "") == "残疾人证" or is_known(card_disability_grade) '
         "or (is_known(record.disability_category) and is_known(record.disability_grade)) "
         "else (False if is_known(record.id_type) or is_known(record.id_number) else None)"),
    Fact("disability_benefit", "bool", "", "享受残疾人补贴", "receives a disability subsidy",
         "member.benefits holds 困难残疾人生活补贴 or 重度残疾人护理补贴; unknown when benefits "
         "are not recorded.",
         "Benefit.DISABILITY_LIVING_SUBSIDY in benefits or "
         "Benefit.SEVERE_DISABILITY_CARE_SUBSIDY in benefits"),
    Fact("posts_at_once", "integer", "posts", "同时在岗公益岗位数", "posts held at once",
         "The most public-welfare posts held on one day (posts with a known start; an "
         "unknown end is open).", "most_at_once(record.public_welfare_posts)"),
    Fact("work_spells_at_once", "integer", "spells", "同时务工段数", "work spells at once",
         "The most work records running on one day (records with a known start; an unknown "
         "end is open, as an empty 结束时间 means the work goes on).",
         "most_at_once(record.employment)"),
)

COUNTY_HOUSEHOLD_FACTS = (
    Fact("dibao_listed", "bool", "", "帮扶措施含低保", "dibao listed",
         "The household's measures list 低保: a dibao measure, or 低保 in the 综合保障 items.",
         _listed("dibao_in_social_security", "dibao")),
    Fact("tekun_listed", "bool", "", "帮扶措施含特困供养", "tekun listed",
         "The household's measures list 特困供养: a tekun_support measure, or 特困 in the 综合保障 "
         "items.", _listed("tekun_in_social_security", "tekun_support")),
    Fact("dibao_in_social_security", "bool", "", "综合保障含低保", "dibao in 综合保障",
         "An item of the export's 综合保障 column contains 低保; unknown without that column.",
         'mentions(record.assistance.social_security, "低保")'),
    Fact("tekun_in_social_security", "bool", "", "综合保障含特困", "tekun in 综合保障",
         "An item of the export's 综合保障 column contains 特困; unknown without that column.",
         'mentions(record.assistance.social_security, "特困")'),
    Fact("disability_subsidy_listed", "bool", "", "帮扶措施含残疾人补贴",
         "disability subsidy listed",
         "An active disability_subsidy or disability_care_subsidy measure, or 残疾 in an item of "
         "the export's 综合保障; false otherwise.",
         'True if "disability_subsidy" in active_measures or '
         '"disability_care_subsidy" in active_measures else '
         'coalesce(mentions(record.assistance.social_security, "残疾"), False)'),
    Fact("social_security_recorded", "bool", "", "有综合保障列", "综合保障 recorded",
         "The source has the export's 综合保障 column (assistance.social_security).",
         "is_known(dibao_in_social_security)"),
    Fact("anyone_on_dibao", "bool", "", "有人享受低保", "anyone on dibao",
         "A registered member receives 低保; false only when every member's answer is known "
         "and no departed member is kept on file.", _anyone("on_dibao")),
    Fact("anyone_on_tekun", "bool", "", "有人享受特困供养", "anyone on tekun",
         "A registered member receives 特困供养, or 特困人员救助供养金 is above 0; false only when "
         "every member's answer is known and no departed member is kept on file.",
         "True if coalesce(record.tekun_support_amount, 0) > 0 else (" + _anyone("on_tekun")
         + ")"),
)
