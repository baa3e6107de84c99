"""Unfit measures: measures already in the household's plan that do not fit their beneficiary.

A finding of a ``mismatch`` rule (SUP003 among the built-in ones) names, in its ``measure`` and
``member``, a planned, in-progress or done measure the household or member is not eligible for
(skills training for someone with no labour capacity). The plan cancels an open one: it is listed
in ``HouseholdPlan.to_cancel`` with the eligibility reason, not scheduled, and its expected gain is
not counted, so the needs it was meant to address are planned again with eligible measures. A done
one cannot be cancelled: the plan says so in a note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.facts import ACTIVE_STATUSES, OPEN_STATUSES, HouseholdFacts
from planner.finding import Finding
from planner.measures import MeasureCatalog
from planner.measures.eligibility import eligibility
from planner.model import MeasureStatus, PlannedMeasure
from planner.planning.labels import member_suffix
from planner.planning.model import Note, PlanItem


@dataclass(slots=True)
class Unfit:
    """An open planned measure to cancel, the finding that flagged it and why (zh/en)."""

    planned: PlannedMeasure
    finding: Finding
    zh: str
    en: str
    reason: str = ""


def unfit_measures(
    facts: HouseholdFacts,
    findings: Iterable[Finding],
    catalog: MeasureCatalog,
    params: Mapping[str, Any],
) -> tuple[list[Unfit], list[Note]]:
    """The open measures to cancel, and notes for flagged measures that cannot be cancelled.

    Each unwaived mismatch finding about this household is matched to the record's measures by
    its ``measure`` and ``member`` (the beneficiary). The reason is the eligibility verdict, or
    the finding's message when the verdict does not say no under these parameters.
    """
    unfit: list[Unfit] = []
    notes: list[Note] = []
    measures = facts.record.measures
    for finding in findings:
        if (finding.kind != "mismatch" or finding.measure is None or finding.waived
                or finding.subject != facts.id):
            continue
        measure_id = finding.measure
        beneficiary = finding.member
        matches = [p for p in measures if p.measure == measure_id and p.beneficiary == beneficiary]
        zh, en, reason = _reason(facts, finding, catalog, params, beneficiary)
        label_zh, label_en = _label(catalog, str(measure_id))
        who_zh, who_en = member_suffix(beneficiary)
        open_ = [p for p in matches if p.status in OPEN_STATUSES
                 and not any(u.planned is p for u in unfit)]
        if open_:
            unfit.extend(Unfit(p, finding, zh, en, reason) for p in open_)
        elif any(p.status is MeasureStatus.DONE for p in matches):
            notes.append(Note(
                "unfit_done",
                f"已完成的“{label_zh}”{who_zh}与对象不符：{zh}（{finding.code}），无法取消",
                f"the completed {label_en}{who_en} did not fit: {en} ({finding.code}); it cannot "
                "be cancelled", code=finding.code, member=beneficiary, measure=str(measure_id)))
        else:
            notes.append(Note("unfit_measure", finding.message_zh, finding.message_en,
                              code=finding.code, member=beneficiary, measure=str(measure_id)))
    return unfit, notes


def _label(catalog: MeasureCatalog, measure_id: str) -> tuple[str, str]:
    measure = catalog.get(measure_id)
    return (measure.label.zh, measure.label.en) if measure else (measure_id, measure_id)


def _reason(facts: HouseholdFacts, finding: Finding, catalog: MeasureCatalog,
            params: Mapping[str, Any], beneficiary: Any) -> tuple[str, str, str]:
    measure = catalog.get(str(finding.measure))
    member = next((m for m in facts.members if m.number == beneficiary), None)
    if measure is not None and measure.beneficiary != "village" and (
            beneficiary is None or member is not None):
        verdict = eligibility(measure, facts, member, params)
        if verdict.eligible is False and verdict.zh:
            return verdict.zh, verdict.en, verdict.reason
    return finding.message_zh, finding.message_en, ""


def without_unfit(facts: HouseholdFacts, unfit: list[Unfit]) -> HouseholdFacts:
    """The facts as if the unfit measures were cancelled: their expected gains no longer count
    as planned, and a measure id stays among this year's new measures only when another active
    entry of it remains."""
    if not unfit:
        return facts
    dropped = [u.planned for u in unfit]
    lost = sum(p.expected_annual_gain or 0.0 for p in dropped)
    still = {p.measure for p in facts.record.measures
             if p.status in ACTIVE_STATUSES and not any(p is d for d in dropped)}
    gone = {p.measure for p in dropped} - still
    planned_gain = facts.planned_annual_gain - lost
    per_capita = facts.per_capita_net_income
    projected = (per_capita + planned_gain / facts.size
                 if per_capita is not None and facts.size else None)
    return dataclasses.replace(
        facts, planned_annual_gain=planned_gain, projected_per_capita_income=projected,
        new_measures_this_year=facts.new_measures_this_year - gone)


def cancel_item(household: str, key: str, unfit: Unfit, catalog: MeasureCatalog,
                helper: str | None) -> PlanItem:
    """The plan item that cancels an unfit measure: no dates, no cost, no gain."""
    planned = unfit.planned
    measure = catalog.get(planned.measure)
    code = unfit.finding.code
    label_zh, label_en = _label(catalog, planned.measure)
    return PlanItem(
        key=key, household=household, measure=planned.measure, label_zh=label_zh,
        label_en=label_en, family=measure.family if measure else "unknown",
        member=planned.beneficiary, status=planned.status.value,  # type: ignore[arg-type]
        why=[code], need="unfit", reason_zh=f"与对象不符，应取消：{unfit.zh}",
        reason_en=f"does not fit, cancel: {unfit.en}",
        duration_days=0,
        responsible_zh=measure.responsible.zh if measure else planned.responsible or "",
        responsible_en=measure.responsible.en if measure else planned.responsible or "",
        helper=helper, income_category=measure.income_category if measure else None,
        cancelled=True, why_zh=[f"{code}：{unfit.zh}"], why_en=[f"{code}: {unfit.en}"],
    )
