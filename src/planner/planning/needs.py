"""Needs: what a household's findings and facts ask the plan to solve (income, housing…)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.measures import MeasureCatalog

#: Finding families whose needs are about income: they merge into one household income need.
INCOME_FAMILY = "income"
#: Findings of these families are about the run itself, not the household.
IGNORED_FAMILIES = frozenset({"engine"})
#: Findings that a measure already planned does not fit: the plan cancels the measure (see
#: :mod:`planner.planning.unfit`), so they are not needs.
MISMATCH_CODES = frozenset({"SUP003"})


@dataclass(slots=True)
class Need:
    """A non-income need: one finding code for the household or one member.

    ``codes`` holds the code and any finding that points at it (a finding whose evidence names
    this ``need``, such as "need without a planned measure").
    """

    key: str
    code: str
    member: int | None
    severity: str
    proposes: tuple[str, ...]
    zh: str
    en: str
    codes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class IncomeNeed:
    """The household's income need: the gap to the target and the findings that raised it.

    ``gap`` is the household total (元/yr) still missing to reach ``target`` per head after the
    gains of measures already planned; ``line_gap`` the same against the poverty line.
    ``require_development``: someone can work and the findings ask for a development measure.
    """

    codes: list[str]
    proposes: tuple[str, ...]
    target: float
    target_parameter: str
    gap: float
    line_gap: float
    require_development: bool
    zh: str
    en: str


def _planned_net(facts: HouseholdFacts) -> float | None:
    if facts.net_income is None:
        return None
    return facts.net_income + facts.planned_annual_gain


def income_target(facts: HouseholdFacts, params: Mapping[str, Any]) -> tuple[float, str]:
    """What the plan aims at: the monitoring threshold for monitored households (risk elimination
    needs income above the range, domain.md §1.3), else the poverty line."""
    if facts.in_monitoring and params.get("monitoring.threshold") is not None:
        return float(params["monitoring.threshold"]), "monitoring.threshold"
    return float(params["income.poverty_line"]), "income.poverty_line"


def household_needs(
    facts: HouseholdFacts,
    findings: Iterable[Finding],
    params: Mapping[str, Any],
    catalog: MeasureCatalog,
) -> tuple[IncomeNeed | None, list[Need], list[str]]:
    """The income need (or ``None``), the other needs, and finding codes no measure addresses.

    Only unwaived findings about this household count; mismatch findings (SUP003) are remedied by
    cancelling the unfit measure and are no need. The income need exists when an income
    finding says so or when the per-capita income, with the gains already planned, is below the
    target (so a household the rules do not flag, such as a registered poor one, still gets one).
    """
    own = [
        f for f in findings
        if not f.waived and f.family not in IGNORED_FAMILIES and f.subject == facts.id
        and f.code not in MISMATCH_CODES
    ]
    codes_here = {f.code for f in own}
    income_findings = [f for f in own if f.family == INCOME_FAMILY]
    needs: dict[str, Need] = {}
    pointers: list[tuple[str, int | None, str]] = []
    unplanned: list[str] = []
    for finding in own:
        if finding.family == INCOME_FAMILY:
            continue
        pointed = finding.evidence.get("need") if isinstance(finding.evidence, dict) else None
        if isinstance(pointed, str) and pointed in codes_here:
            pointers.append((pointed, finding.member, finding.code))
            continue
        key = finding.code if finding.member is None else f"{finding.code}@m{finding.member}"
        if key in needs:
            continue
        has_measure = bool(finding.proposes) or bool(catalog.addressing(finding.code))
        if not has_measure:
            unplanned.append(key)
            continue
        needs[key] = Need(key, finding.code, finding.member, finding.severity,
                          tuple(finding.proposes), finding.message_zh, finding.message_en,
                          [finding.code])
    for pointed, member, code in pointers:
        target_key = pointed if member is None else f"{pointed}@m{member}"
        need = needs.get(target_key) or needs.get(pointed)
        if need is not None and code not in need.codes:
            need.codes.append(code)
    pointed_income = [code for pointed, _, code in pointers
                      if any(f.code == pointed for f in income_findings)]
    income = _income_need(facts, income_findings, pointed_income, params)
    return income, list(needs.values()), unplanned


def _income_need(
    facts: HouseholdFacts,
    income_findings: list[Finding],
    pointer_codes: list[str],
    params: Mapping[str, Any],
) -> IncomeNeed | None:
    net = _planned_net(facts)
    size = facts.size
    target, target_parameter = income_target(facts, params)
    line = float(params["income.poverty_line"])
    if net is None or not size:
        gap = line_gap = 0.0
    else:
        gap = max(0.0, target * size - net)
        line_gap = max(0.0, line * size - net)
    if not income_findings and gap <= 0:
        return None
    codes = list(dict.fromkeys([f.code for f in income_findings] + pointer_codes))
    proposes = tuple(dict.fromkeys(m for f in income_findings for m in f.proposes))
    if income_findings:
        zh = "；".join(f.message_zh for f in income_findings)
        en = "; ".join(f.message_en for f in income_findings)
    else:
        per_capita = (net or 0.0) / size if size else 0.0
        name_zh = "监测线" if target_parameter == "monitoring.threshold" else "贫困线"
        monitored = target_parameter == "monitoring.threshold"
        name_en = "monitoring threshold" if monitored else "poverty line"
        zh = f"人均纯收入（含已计划措施）{per_capita:.0f} 元，低于{name_zh} {target:.0f} 元"
        en = (f"per-capita net income with planned measures is {per_capita:.0f} yuan, below the "
              f"{name_en} of {target:.0f} yuan")
    require_development = bool(income_findings) and facts.any_can_work is True
    return IncomeNeed(codes, proposes, target, target_parameter, gap, line_gap,
                      require_development, zh, en)
