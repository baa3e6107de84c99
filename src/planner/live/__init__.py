"""Live monitoring (防止返贫动态监测): events journalled in SQLite, applied to households, their
findings re-evaluated and their lifecycle clocks kept (:class:`Monitor`)."""

from __future__ import annotations

from planner.live.evaluate import HouseholdEvaluator, evaluator
from planner.live.events import Event, read_events
from planner.live.lifecycle import Deadline, Stage
from planner.live.monitor import IngestSummary, Monitor
from planner.live.replay import events_from_households
from planner.live.sheets import read_change_sheet

__all__ = ["Deadline", "Event", "HouseholdEvaluator", "IngestSummary", "Monitor", "Stage",
           "evaluator", "events_from_households", "read_change_sheet", "read_events"]
