"""Declared facts of a monitored household's risks (致贫/返贫风险), measures received, elimination.

``Monitoring.risks`` stays the text the source wrote (the export's labels, :class:`RiskType`
values, or anything else); these facts are its typed reading. A risk fact is true when the list
holds the type's value, its export label or a known alias, false when the household is monitored
and the list does not, unknown when it is not monitored. ``unrecognised_risks`` lists what no
type reads (blank entries are ignored), so that a new export label is reported, not guessed.

The ``has_*_measure`` facts say whether the household has a measure of one kind, from either
side of the data: the measure columns of the export (``assistance.*``, free text) or an active
measure of the plan whose catalog entry ``addresses`` the risk's rule (a district catalog that
adds a measure for the risk says so there). Both are read as optional (``truthy``): a rule
reading these facts declares the export columns it cannot judge without.
"""

from __future__ import annotations

from planner.facts.declare import Fact
from planner.model.vocab import Benefit, RiskType

# What each risk type is written as: its value, the label of the 2023 export, and the older
# or shorter labels county tools use (domain.md appendix: 因安全住房, 因安全饮水; 因灾).
_ALIASES: dict[RiskType, tuple[str, ...]] = {
    RiskType.NATURAL_DISASTER: ("因灾",),
    RiskType.HOUSING: ("因安全住房", "住房安全问题"),
    RiskType.WATER: ("因安全饮水", "饮水安全"),
}


def _constant(risk: RiskType) -> str:
    return f"RISK_TEXTS_{risk.name}"


def risk_constants() -> dict[str, frozenset[str]]:
    """The named text sets the risk facts read: one per type, and every known text (plus the
    blank entry) as ``RISK_TEXTS_KNOWN``."""
    sets = {
        _constant(risk): frozenset({risk.value, risk.label_zh, *_ALIASES.get(risk, ())})
        for risk in RiskType
    }
    known = frozenset({""}).union(*sets.values())
    return {**sets, "RISK_TEXTS_KNOWN": known, **BENEFIT_KINDS}


# Benefits a member receives that are that kind of assistance (a 家庭医生签约 is health
# assistance received, whether or not the plan or the export's columns list it).
BENEFIT_KINDS: dict[str, frozenset[str]] = {
    "HEALTH_BENEFITS": frozenset({Benefit.FAMILY_DOCTOR, Benefit.MEDICAL_ASSISTANCE}),
    "PROTECTION_BENEFITS": frozenset({
        Benefit.DIBAO, Benefit.TEKUN, Benefit.DISABILITY_LIVING_SUBSIDY,
        Benefit.SEVERE_DISABILITY_CARE_SUBSIDY,
    }),
    "EDUCATION_BENEFITS": frozenset({Benefit.EDUCATION_AID, Benefit.LIVING_SUBSIDY}),
}


_RISKS = "values_of(record.monitoring.risks)"


def _risk_fact(risk: RiskType) -> Fact:
    return Fact(
        f"risk_{risk.value}", "bool", "", f"风险：{risk.label_zh}", f"risk: {risk.value}",
        f"The recorded risks include {risk.label_zh} ({risk.value}); unknown when not monitored.",
        f"size_of({_RISKS} & {_constant(risk)}) > 0",
    )


def _received(*columns: str) -> str:
    return " or ".join(f"truthy(record.assistance.{column})" for column in columns)


def _measure_fact(
    name: str, zh: str, en: str, columns: tuple[str, ...], code: str, benefits: str = ""
) -> Fact:
    cols = "、".join(columns)
    received = f" or truthy(count(members, size_of(benefits & {benefits}) > 0))" if benefits else ""
    return Fact(
        name, "bool", "", zh, en,
        f"The export lists a measure in {cols}, or an active measure of the plan addresses "
        f"{code} (its catalog entry)" + (f", or a member receives one of {benefits}."
                                         if benefits else "."),
        f'{_received(*columns)} or truthy("{code}" in addressed_codes){received}',
    )


RISK_FACTS = (
    *(_risk_fact(risk) for risk in RiskType),
    Fact("unrecognised_risks", "set of texts", "", "无法识别的风险", "unrecognised risks",
         "Recorded risks that are no risk type's value, label or alias (blanks ignored).",
         f"{_RISKS} - RISK_TEXTS_KNOWN"),
    Fact("unrecognised_risk_count", "integer", "count", "无法识别的风险数",
         "unrecognised risk count", "Number of unrecognised risks.",
         "size_of(unrecognised_risks)"),
    Fact("recorded_risks", "integer", "count", "已登记风险数", "recorded risks",
         "Number of distinct non-blank risks recorded; unknown when not monitored.",
         f'size_of({_RISKS} - {{""}})'),
    _measure_fact("has_health_measure", "有健康帮扶或社会帮扶", "has a health measure",
                  ("health", "social_assistance"), "RSK008", "HEALTH_BENEFITS"),
    _measure_fact("has_protection_measure", "有综合保障或社会帮扶", "has a protection measure",
                  ("social_security", "social_assistance"), "RSK009", "PROTECTION_BENEFITS"),
    _measure_fact("has_education_measure", "有义务教育保障、教育帮扶或社会帮扶",
                  "has an education measure",
                  ("compulsory_education", "education", "social_assistance"), "RSK010",
                  "EDUCATION_BENEFITS"),
    _measure_fact("has_housing_measure", "有住房安全保障或搬迁", "has a housing measure",
                  ("housing", "relocation"), "RSK011"),
    _measure_fact("has_water_measure", "有饮水安全保障", "has a water measure",
                  ("drinking_water",), "RSK012"),
    _measure_fact("has_employment_measure", "有就业帮扶或公益岗位", "has an employment measure",
                  ("employment", "public_welfare_post"), "RSK013"),
    Fact("has_development_measure", "bool", "", "已落实开发式帮扶", "has a development measure",
         "开发式帮扶 (domain.md §6.3): the export lists 产业、就业、公益岗位 or 金融帮扶, or says "
         "实施开发式帮扶措施情况 是, or an active measure of the plan raises income (industry, "
         "employment, finance in the catalog).",
         f"{_received('industry', 'employment', 'public_welfare_post', 'finance')} or "
         'truthy(record.assistance.development_measures == "是") or '
         "truthy(size_of(active_measures & income_raising) > 0)"),
    Fact("months_in_monitoring", "integer", "months", "识别以来月数", "months since identification",
         "Whole months from identification to the reference date.",
         "months_between(record.monitoring.identified_on, when)"),
    Fact("days_past_whole_months", "integer", "days", "识别以来整月外天数",
         "days past the whole months since identification",
         "Days from the last whole-month anniversary of identification (identified_on plus "
         "months_in_monitoring months, the 31st becoming the last day of a shorter month, as "
         "the live monitor's deadlines count) to the reference date.",
         "days_between(plus_months(record.monitoring.identified_on, months_in_monitoring), "
         "when)"),
    Fact("identified_since_income_check", "bool", "", "识别时间在收入核查起始日之后",
         "identified since the income check",
         "Identified on or after risk.identification_income_check_from (fuping 1111_18).",
         "record.monitoring.identified_on >= "
         'to_date(param("risk.identification_income_check_from"))'),
    Fact("notice_days", "integer", "days", "识别公示天数", "identification notice days",
         "Days of the identification notice, first and last day included.",
         "days_between(record.monitoring.notice_start, record.monitoring.notice_end) + 1"),
    Fact("per_capita_income_after_rigid", "number", "yuan/person/yr",
         "扣除合规自付支出后人均纯收入",
         "per-capita income after rigid expenditure",
         "Net income minus 合规自付支出 (rigid medical expenditure), per registered member.",
         "(net_income - record.compliant_out_of_pocket) / size"),
    Fact("monitoring_open", "bool", "", "监测未消除", "monitoring open",
         "Monitored and the risk not marked eliminated.",
         "is_known(record.monitoring) and not coalesce(record.monitoring.risk_eliminated, False)"),
)
