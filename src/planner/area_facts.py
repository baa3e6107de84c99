"""Derived facts of villages and projects: progress against schedule, funds and notices.

Computed once per village or project for a reference date (the household facts are in
:mod:`planner.facts`); village and project rules read these, never the raw record alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.model import Project, Village


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def scheduled_share(start: date | None, due: date | None, when: date) -> float | None:
    """Share of a work that should be done on ``when`` by a linear schedule from start to due.

    1.0 from the due date on; ``None`` while the schedule is unknown.
    """
    if due is None:
        return None
    if when >= due:
        return 1.0
    if start is None:
        return None
    if when <= start:
        return 0.0
    return (when - start).days / (due - start).days


@dataclass(slots=True)
class VillageFacts:
    """Progress of a village's works on ``reference_date`` against their linear schedule."""

    record: Village
    reference_date: date
    road_share: float | None
    road_expected_share: float | None
    road_past_due: bool | None
    tap_water_share: float | None
    water_expected_share: float | None
    water_past_due: bool | None

    @property
    def id(self) -> str:
        return self.record.id


def derive_village(village: Village, when: date) -> VillageFacts:
    """Facts of one village on ``when``: hardened road share and tap-water share against plan."""
    road_due, water_due = village.road_due, village.water_works_due
    return VillageFacts(
        record=village,
        reference_date=when,
        road_share=_share(village.road_km_hardened, village.road_km_planned),
        road_expected_share=scheduled_share(village.road_start, road_due, when),
        road_past_due=None if road_due is None else road_due < when,
        tap_water_share=_share(
            None if village.households_tap_water is None else float(village.households_tap_water),
            village.households_total,
        ),
        water_expected_share=scheduled_share(village.water_works_start, water_due, when),
        water_past_due=None if water_due is None else water_due < when,
    )


@dataclass(slots=True)
class ProjectFacts:
    """State of one assistance project on ``reference_date`` (schedule, funds, notices)."""

    record: Project
    reference_date: date
    started: bool
    completed: bool
    due: bool | None
    overdue: bool | None
    days_overdue: int | None
    disbursement_rate: float | None
    notice_posted: bool
    notice_lead_days: int | None
    announced: bool

    @property
    def notice_days_late(self) -> int | None:
        """Days the notice was posted after the start, when it was posted late."""
        lead = self.notice_lead_days
        return -lead if lead is not None and lead < 0 else None

    @property
    def id(self) -> str:
        return self.record.id


def derive_project(project: Project, when: date) -> ProjectFacts:
    """Facts of one project on ``when``; dates after ``when`` count as not yet happened."""
    planned = project.planned_completion
    completed = project.completed_on is not None and project.completed_on <= when
    due = None if planned is None else planned <= when
    # Due on the date counts for the completion rate; it is overdue only from the next day.
    overdue = None if planned is None else planned < when and not completed
    posted = project.notice_posted_on is not None and project.notice_posted_on <= when
    start = project.started_on
    if start is not None and start > when:
        start = None
    return ProjectFacts(
        record=project,
        reference_date=when,
        started=start is not None,
        completed=completed,
        due=due,
        overdue=overdue,
        days_overdue=(when - planned).days if overdue and planned is not None else None,
        disbursement_rate=_share(project.funds_disbursed, project.funds_allocated),
        notice_posted=posted,
        notice_lead_days=(
            (start - project.notice_posted_on).days
            if start is not None and project.notice_posted_on is not None
            else None
        ),
        announced=project.announced_on is not None and project.announced_on <= when,
    )
