"""The monitored household's lifecycle and its clocks: stages, deadlines opened and met by events.

stable → identified (疑似, a monitoring object waiting for verification) → verified → assisted →
risk eliminated, or back (a new identification reopens it). The clocks are the dated parameters of
domain.md §1.3 and §6.3, read at the run's date:

- ``decision`` — a lead (illness, disability, disaster, accident, large rigid expenditure, an
  income report that puts the household's per-capita income in the monitoring range) on a
  household that is not monitored must be decided (identified, or checked by a visit) within
  ``monitoring.identification_days_max`` (15) days: "the whole process from lead to decision
  ≤15 days";
- ``verification`` — an identified household must be verified within the same 15 days (MON002);
- ``development`` — a household with a member able to work must have a measure started within
  ``support.development_measure_months_max`` (1) months of identification (MON011);
- ``elimination_review`` — from ``monitoring.elimination_months_min`` (6) months after
  identification the household is due for an elimination review (not a fault: no finding).

Deadlines are rows of the journal, not timers: :func:`transitions` says which deadlines an event
opens and meets, and :func:`overdue_finding` turns an open, passed deadline into a finding that
reuses the monitoring rule of the same meaning (MON002, MON011).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from planner.backends.python.facts import deriver
from planner.facts.dates import plus_months
from planner.finding import Finding
from planner.live.events import (
    Accident,
    Disability,
    Disaster,
    Event,
    HouseholdIdentified,
    HouseholdVerified,
    Illness,
    IncomeReported,
    LargeExpenditure,
    MeasureStarted,
    RiskEliminated,
    Snapshot,
    VisitMade,
)
from planner.model import Household
from planner.model.vocab import MeasureStatus
from planner.params import ParamValues
from planner.registry import RuleSet

IDENTIFICATION_DAYS = "monitoring.identification_days_max"
DEVELOPMENT_MONTHS = "support.development_measure_months_max"
ELIMINATION_MONTHS = "monitoring.elimination_months_min"


class Stage(StrEnum):
    """Where a household is in the lifecycle."""

    STABLE = "stable"
    IDENTIFIED = "identified"
    VERIFIED = "verified"
    ASSISTED = "assisted"
    ELIMINATED = "eliminated"


STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.STABLE: ("稳定（未监测）", "stable (not monitored)"),
    Stage.IDENTIFIED: ("已识别（疑似，待核实）", "identified (awaiting verification)"),
    Stage.VERIFIED: ("已核实认定", "verified"),
    Stage.ASSISTED: ("帮扶中", "assisted"),
    Stage.ELIMINATED: ("风险已消除", "risk eliminated"),
}


class Kind(StrEnum):
    """What a deadline waits for."""

    DECISION = "decision"
    VERIFICATION = "verification"
    DEVELOPMENT = "development"
    ELIMINATION_REVIEW = "elimination_review"


#: Each deadline kind: the rule code its overdue finding reuses (None: due, never a fault) and
#: its wording in Chinese and English.
KINDS: dict[Kind, tuple[str | None, str, str]] = {
    Kind.DECISION: ("MON002", "风险线索未在时限内研判（识别或入户核查）",
                    "lead not decided in time (identified or checked by a visit)"),
    Kind.VERIFICATION: ("MON002", "识别后未在时限内核实认定",
                        "not verified in time after identification"),
    Kind.DEVELOPMENT: ("MON011", "识别后未在时限内落实帮扶措施",
                       "no measure started in time after identification"),
    Kind.ELIMINATION_REVIEW: (None, "已满风险消除观察期，应开展风险消除评估",
                              "the observation period is over: review for risk elimination"),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """An open clock of one household: ``kind`` is due on ``due``, opened by event ``opened_by``
    on ``opened_on``."""

    household_id: str
    kind: Kind
    due: date
    opened_by: str
    opened_on: date


@dataclass(slots=True)
class Transition:
    """What one event does to the household's clocks: deadlines opened (replacing an open one of
    the same kind) and kinds met (closed)."""

    opened: list[Deadline] = field(default_factory=list)
    met: list[Kind] = field(default_factory=list)
    reset: bool = False  # a snapshot: every open deadline of the household is replaced


def _can_work(household: Household) -> bool:
    return any(m.registered and m.labour_capacity is not None and m.labour_capacity.can_work
               for m in household.members)


def _assisted(household: Household) -> bool:
    monitoring = household.monitoring
    if monitoring is not None and monitoring.assisted_on is not None:
        return True
    if any(m.status in (MeasureStatus.IN_PROGRESS, MeasureStatus.DONE)
           for m in household.measures):
        return True
    assistance = household.assistance
    return assistance is not None and (assistance.development_measures or "").startswith("是")


def stage_of(household: Household | None) -> Stage:
    """The lifecycle stage a household record shows."""
    monitoring = None if household is None else household.monitoring
    if household is None or monitoring is None:
        return Stage.STABLE
    if monitoring.risk_eliminated:
        return Stage.ELIMINATED
    if _assisted(household):
        return Stage.ASSISTED
    if monitoring.verified_on is not None:
        return Stage.VERIFIED
    return Stage.IDENTIFIED


def _monitoring_clocks(household: Household, event: Event, values: ParamValues) -> list[Deadline]:
    monitoring = household.monitoring
    if monitoring is None or monitoring.identified_on is None or monitoring.risk_eliminated:
        return []
    start = monitoring.identified_on
    opened = []

    def add(kind: Kind, due: date) -> None:
        opened.append(Deadline(household.id, kind, due, event.id, event.on))

    if monitoring.verified_on is None:
        add(Kind.VERIFICATION, start + timedelta(days=int(values[IDENTIFICATION_DAYS])))
    if not _assisted(household) and _can_work(household):
        add(Kind.DEVELOPMENT, plus_months(start, int(values[DEVELOPMENT_MONTHS])))
    add(Kind.ELIMINATION_REVIEW, plus_months(start, int(values[ELIMINATION_MONTHS])))
    return opened


LEADS = (Illness, Disability, Disaster, Accident, LargeExpenditure)
#: The declared facts (planner.facts) an income report is judged by.
INCOME_FACTS = frozenset({"household.per_capita_net_income", "household.monitoring_threshold"})


def income_in_range(household: Household, on: date, values: ParamValues) -> bool:
    """True when the household's per-capita net income is within the monitoring range of its
    income year (below ``monitoring.threshold``, domain.md §1.2–1.3), by the declared facts
    ``household.per_capita_net_income`` and ``household.monitoring_threshold`` — the comparison
    of MON001 (rules/monitoring.yaml)."""
    facts = deriver(INCOME_FACTS)(household, on, values)
    income, threshold = facts.per_capita_net_income, facts.monitoring_threshold
    return income is not None and threshold is not None and income < threshold


def _is_lead(before: Household | None, after: Household, event: Event,
             values: ParamValues) -> bool:
    """An event that starts the decision clock: a lead (illness, disability, loss, a large
    rigid expenditure, or an income report that puts the household in the monitoring range) on
    a household that is not monitored, or whose risk was eliminated."""
    if stage_of(before) not in (Stage.STABLE, Stage.ELIMINATED):
        return False
    if isinstance(event, IncomeReported):
        return income_in_range(after, event.on, values)
    if isinstance(event, LargeExpenditure):
        return event.amount > 0
    return isinstance(event, LEADS)


def transitions(before: Household | None, after: Household, event: Event,
                values: ParamValues) -> Transition:
    """The deadlines ``event`` opens and meets, given the household before and after it."""
    if isinstance(event, Snapshot):
        return Transition(opened=_monitoring_clocks(after, event, values), reset=True)
    if isinstance(event, HouseholdIdentified):
        return Transition(opened=_monitoring_clocks(after, event, values),
                          met=[Kind.DECISION, Kind.VERIFICATION, Kind.DEVELOPMENT])
    if isinstance(event, HouseholdVerified):
        return Transition(met=[Kind.DECISION, Kind.VERIFICATION])
    if isinstance(event, MeasureStarted):
        return Transition(met=[Kind.DEVELOPMENT])
    if isinstance(event, RiskEliminated):
        return Transition(met=list(Kind))
    if isinstance(event, VisitMade):
        return Transition(met=[Kind.DECISION])
    if _is_lead(before, after, event, values):
        due = event.on + timedelta(days=int(values[IDENTIFICATION_DAYS]))
        return Transition(opened=[Deadline(event.household_id, Kind.DECISION, due, event.id,
                                           event.on)])
    return Transition()


def overdue_finding(deadline: Deadline, as_of: date, rules: RuleSet) -> Finding | None:
    """The finding of a deadline passed on ``as_of`` (``None`` when it is not passed, when its
    kind is never a fault, or when the run does not select the rule it reuses)."""
    code, zh, en = KINDS[deadline.kind]
    rule = None if code is None else rules.get(code)
    if rule is None or as_of <= deadline.due:
        return None
    late = (as_of - deadline.due).days
    return Finding(
        code=rule.code, name=rule.name, family=rule.family, severity=rule.severity,
        subject=deadline.household_id, subject_kind="household",
        message_zh=f"{zh}：应于 {deadline.due} 前完成，已逾期 {late} 天（事件 "
                   f"{deadline.opened_by}，{deadline.opened_on}）",
        message_en=f"{en}: due by {deadline.due}, {late} days overdue (event "
                   f"{deadline.opened_by} on {deadline.opened_on})",
        evidence={"deadline": deadline.kind.value, "due": deadline.due.isoformat(),
                  "days_overdue": late, "opened_by": deadline.opened_by},
        references=rule.references, proposes=rule.proposes, kind=rule.kind, need=rule.need,
    )


__all__ = ["INCOME_FACTS", "KINDS", "LEADS", "STAGE_LABELS", "Deadline", "Kind", "Stage",
           "Transition", "income_in_range", "overdue_finding", "plus_months", "stage_of",
           "transitions"]
