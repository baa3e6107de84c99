"""Derived facts of villages and projects: progress against schedule, funds and notices.

Declared in :mod:`planner.facts.area` and computed once per village or project for a reference
date by a backend (the Python one: ``planner.backends.python.facts.derive_village`` and
``derive_project``); village and project rules read these, never the raw record alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.model import Project, Village


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
    id: str
    road_share: float | None
    road_expected_share: float | None
    road_past_due: bool | None
    tap_water_share: float | None
    water_expected_share: float | None
    water_past_due: bool | None
    export_counts_recorded: bool
    problem_households: int | None


@dataclass(slots=True)
class ProjectFacts:
    """State of one assistance project on ``reference_date`` (schedule, funds, notices)."""

    record: Project
    reference_date: date
    id: str
    started: bool
    completed: bool
    due: bool | None
    overdue: bool | None
    days_overdue: int | None
    disbursement_rate: float | None
    notice_posted: bool
    notice_lead_days: int | None
    announced: bool
    notice_days_late: int | None  # days the notice was posted after the start, when late
