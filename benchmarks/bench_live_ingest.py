"""Live ingest throughput (pytest-benchmark): events per second, journal included.

500 generated households become an event stream (a registration-state snapshot, then the facts
arriving one event each: about 4,700 events). Each round ingests it into a new SQLite journal
(WAL, synchronous=FULL, batches of 500 events committed before they are applied) with every
installed rule evaluated on each household a batch touched, and a second time with only the
journal and the application of events (no rule evaluated), to show where the time goes.
Events per second = events / mean time; see docs/live.md.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from conftest import base_households
from planner.live import Monitor, events_from_households
from planner.live.events import Event
from planner.model import Household
from planner.run import Run

ON = date(2023, 10, 31)
HOUSEHOLDS = 500


class NoRules:
    """An evaluator that evaluates nothing: the journal and the application alone."""

    def update(self, household: Household, carries: frozenset[str] | None = None) -> list:
        return []

    def forget(self, household_id: str) -> None:
        """Nothing held."""


@pytest.fixture(scope="module")
def events() -> list[Event]:
    households = [Household.model_validate(h) for h in base_households(HOUSEHOLDS, seed=17)]
    return list(events_from_households(households))


@pytest.fixture(scope="module")
def run() -> Run:
    return Run.build(reference_date=ON)


def _ingest(directory: Path, counter: itertools.count, events: list[Event], run: Run,
            rules: bool) -> int:
    path = directory / f"journal-{next(counter)}.sqlite"
    with Monitor(path, run=run, household_evaluator=None if rules else NoRules()) as live:
        return live.ingest(events).accepted


def bench_ingest_with_rules(benchmark, tmp_path: Path, events: list[Event], run: Run) -> None:
    """Journal, apply and evaluate every installed rule: the monitor's throughput."""
    counter = itertools.count()
    assert benchmark(_ingest, tmp_path, counter, events, run, True) == len(events)
    benchmark.extra_info["events"] = len(events)
    benchmark.extra_info["events_per_second"] = round(len(events) / benchmark.stats["mean"])


def bench_ingest_journal_only(benchmark, tmp_path: Path, events: list[Event], run: Run) -> None:
    """Journal and apply, no rules: the cost of durability and validation."""
    counter = itertools.count()
    assert benchmark(_ingest, tmp_path, counter, events, run, False) == len(events)
    benchmark.extra_info["events"] = len(events)
    benchmark.extra_info["events_per_second"] = round(len(events) / benchmark.stats["mean"])
