"""Needs: what a household's findings and facts ask the plan to solve (income, housing…)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.measures import MeasureCatalog

#: The need that findings of need rules declaring it merge into: the household income need.
INCOME_NEED = "income"


@dataclass(slots=True)
class Need:
    """A non-income need: one finding code (or declared ``need``) for the household or a member.

    ``codes`` holds the code, the codes of other findings raising the same declared need, and any
    meta finding that refers to one of them (such as "need without a planned measure").
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
    gains of measures already planned; ``line_gap`` the same against the line a budget counts
    lifts over: the poverty line to 2020, the monitoring threshold after (the line's series ends).
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
    needs income above the range, domain.md §1.3) and after the poverty line's series has ended
    (2021 on, the monitoring era), else the poverty line."""
    threshold = params.get("monitoring.threshold")
    if threshold is not None and (facts.in_monitoring or "income.poverty_line" not in params):
        return float(threshold), "monitoring.threshold"
    return float(params["income.poverty_line"]), "income.poverty_line"


def household_needs(
    facts: HouseholdFacts,
    findings: Iterable[Finding],
    params: Mapping[str, Any],
    catalog: MeasureCatalog,
) -> tuple[IncomeNeed | None, list[Need], list[str]]:
    """The income need (or ``None``), the other needs, and finding codes no measure addresses.

    Only unwaived findings about this household count, read by their typed contract
    (:class:`planner.finding.Finding`): a ``need`` or ``data_quality`` finding is a need of its
    declared ``need``, else of its own code, and ``need: income`` ones merge into the income need;
    a ``mismatch`` finding is remedied by cancelling the unfit measure and is no need; a ``meta``
    finding joins the need of the finding it ``refers_to``, stands on its own when that finding
    is not here, and is ignored when it refers to nothing (it is about the run). The income need
    exists when an income finding says so or when the per-capita income, with the gains already
    planned, is below the target (so a household the rules do not flag, such as a registered poor
    one, still gets one).
    """
    own = [
        f for f in findings
        if not f.waived and f.subject == facts.id and f.kind != "mismatch"
        and not (f.kind == "meta" and f.refers_to is None)
    ]
    codes_here = {f.code for f in own}
    income_findings = [f for f in own if _is_income(f)]
    needs: dict[str, Need] = {}
    pointers: list[tuple[str, int | None, str]] = []
    unplanned: list[str] = []
    for finding in own:
        if _is_income(finding):
            continue
        pointed = finding.refers_to if finding.kind == "meta" else None
        if pointed is not None and pointed in codes_here:
            pointers.append((pointed, finding.member, finding.code))
            continue
        key = need_key(finding)
        if key in needs:
            if finding.code not in needs[key].codes:
                needs[key].codes.append(finding.code)
            continue
        has_measure = bool(finding.proposes) or bool(catalog.addressing(finding.code))
        if not has_measure:
            unplanned.append(key)
            continue
        needs[key] = Need(key, finding.code, finding.member, finding.severity,
                          tuple(finding.proposes), finding.message_zh, finding.message_en,
                          [finding.code])
    by_code = {f.code: f.need or f.code for f in own if not _is_income(f)}
    for pointed, member, code in pointers:
        name = by_code.get(pointed, pointed)
        target_key = name if member is None else f"{name}@m{member}"
        need = needs.get(target_key) or needs.get(name)
        if need is not None and code not in need.codes:
            need.codes.append(code)
    pointed_income = [code for pointed, _, code in pointers
                      if any(f.code == pointed for f in income_findings)]
    income = _income_need(facts, income_findings, pointed_income, params)
    return income, list(needs.values()), unplanned


def need_key(finding: Finding) -> str:
    """The key of the need a finding raises: its declared ``need`` (else its code), per member."""
    name = finding.need or finding.code
    return name if finding.member is None else f"{name}@m{finding.member}"


def need_name(key: str) -> str:
    """The need a :func:`need_key` names, without its member: a rule's declared ``need``, else
    its code (the ``need or code`` of the rules whose findings raise it)."""
    return key.partition("@m")[0]


def _is_income(finding: Finding) -> bool:
    return finding.need == INCOME_NEED


def _income_need(
    facts: HouseholdFacts,
    income_findings: list[Finding],
    pointer_codes: list[str],
    params: Mapping[str, Any],
) -> IncomeNeed | None:
    net = _planned_net(facts)
    size = facts.size
    target, target_parameter = income_target(facts, params)
    # The line a budget counts lifts over: the poverty line to 2020, then (its series ended)
    # the monitoring threshold of the monitoring era.
    line = params.get("income.poverty_line", params.get("monitoring.threshold"))
    if net is None or not size:
        gap = line_gap = 0.0
    else:
        gap = max(0.0, target * size - net)
        line_gap = 0.0 if line is None else max(0.0, float(line) * size - net)
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
