"""The income projection of a household plan: per-capita income with the planned gains against
the target, the poverty line and the monitoring threshold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from planner.facts import HouseholdFacts
from planner.planning.model import IncomeProjection, PlanItem
from planner.planning.needs import IncomeNeed


def projection(facts: HouseholdFacts, values: Mapping[str, Any], need: IncomeNeed | None,
               items: list[PlanItem], start: date | None = None) -> IncomeProjection:
    """The household's income projection with the gains of ``items``, against the income
    need's target (else the era's: the monitoring threshold for monitored households and from
    2021, the poverty line before).

    Two figures, labelled: ``projected_per_capita`` is an annualised run-rate (every measure
    paying its full annual gain), ``within_year_per_capita`` what the plan adds by 31 December
    of the year of ``start`` (each measure from its due date on, pro rata by days)."""
    line = values.get("income.poverty_line")  # none after 2020 (the series ends)
    line = None if line is None else float(line)
    threshold = values.get("monitoring.threshold")
    threshold = None if threshold is None else float(threshold)
    if need is not None:
        target, parameter = need.target, need.target_parameter
    elif (facts.in_monitoring or line is None) and threshold:
        target, parameter = threshold, "monitoring.threshold"
    else:
        target, parameter = float(values["income.poverty_line"]), "income.poverty_line"
    projection = IncomeProjection(
        size=facts.size, net_income=facts.net_income, per_capita=facts.per_capita_net_income,
        planned_gain=facts.planned_annual_gain, new_gain=0.0, projected_per_capita=None,
        poverty_line=line, monitoring_threshold=threshold, target=float(target),
        target_parameter=parameter, clears_line=None, clears_threshold=None,
        gross_income=facts.gross_income, policy_income=facts.policy_income,
        year_end=None if start is None else date(start.year, 12, 31),
    )
    reproject(projection, items)
    return projection


def reproject(projection: IncomeProjection, items: Iterable[PlanItem]) -> None:
    """Redo ``projection`` in place from ``items``: the gains of the proposed items count unless
    a budget allocation left them unfunded (``funded is False``)."""
    items = list(items)
    counted = [item for item in items if not item.new or item.funded is not False]
    new_gain = sum(item.gain for item in counted if item.new)
    size, net = projection.size, projection.net_income
    projected = None
    if net is not None and size:
        projected = (net + projection.planned_gain + new_gain) / size
    # Policy transfers only (income.policy_transfer_subtypes, as INC004): support from children
    # and remittances are transfers but no dependence on policy. A catalog measure paying a
    # transfer (低保, pensions) is policy income.
    transfer_share = None
    gross, policy = projection.gross_income, projection.policy_income
    if gross is not None and policy is not None:
        policy += sum(item.gain for item in counted
                      if item.income_category == "transfer" and item.status != "done")
        gross += projection.planned_gain + new_gain
        transfer_share = policy / gross if gross > 0 else None
    threshold = projection.monitoring_threshold
    projection.new_gain = new_gain
    projection.projected_per_capita = projected
    line = projection.poverty_line
    projection.clears_line = None if projected is None or line is None else projected >= line
    projection.clears_threshold = (None if projected is None or threshold is None
                                   else projected >= threshold)
    projection.transfer_share = transfer_share
    year_end = projection.year_end
    projection.within_year_per_capita = None
    if year_end is not None and net is not None and size:
        days = (year_end - date(year_end.year, 1, 1)).days + 1
        within = sum(item.gain * _share_after(item.due, year_end, days)
                     for item in counted if item.status != "done")
        projection.within_year_per_capita = (net + within) / size


def _share_after(due: date | None, year_end: date, days: int) -> float:
    """The share of the year after ``due`` (a measure pays from its completion): 0 when it is
    not done within the year or has no date."""
    if due is None or due > year_end:
        return 0.0
    if due.year < year_end.year:
        return 1.0
    return (year_end - due).days / days
