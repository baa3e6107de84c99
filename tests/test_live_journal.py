"""The journal: events committed before they are applied, each id applied once, the state after a
restart (snapshots, then later events) equal to the state before it, also after a SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest

from planner.live import Monitor, events_from_households, read_events
from planner.live.events import event_json
from planner.model import Household
from planner.run import Run
from planner.selection import Selection

from .households import generated
from .live import ON_2023, event

CHILD = """
import sys
from datetime import date
from planner.live import Monitor, read_events
from planner.run import Run
from planner.selection import Selection
run = Run.build(reference_date=date(2023, 10, 31), selection=[Selection(select="MON,INC")])
with Monitor(sys.argv[1], run=run, batch=20, snapshot_every=200) as live:
    print("ready", flush=True)
    live.ingest(read_events(sys.argv[2]))
"""


@cache
def small_run() -> Run:
    return Run.build(reference_date=ON_2023, selection=[Selection(select="MON,INC")])


@cache
def households() -> tuple[Household, ...]:
    return tuple(generated(400, seed=17))


def write_events(path: Path) -> int:
    lines = [event_json(e) for e in events_from_households(households())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def journalled(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_the_same_event_id_twice_is_applied_once(tmp_path: Path) -> None:
    home = Household(id="h1")
    snapshot = event("snapshot", "h1", 0, household=home.model_dump())
    expenditure = event("large_expenditure", "h1", 1, amount=100)
    with Monitor(tmp_path / "j.sqlite", run=small_run()) as live:
        first = live.ingest([snapshot, expenditure, expenditure])
        again = live.ingest([expenditure])
        state = live.state("h1")
        assert state is not None and state.compliant_out_of_pocket == 100
    assert (first.accepted, first.duplicate, first.rejected) == (2, 1, 0)
    assert (again.accepted, again.duplicate) == (0, 1)


def test_a_rejected_event_stays_in_the_journal_and_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Monitor(path, run=small_run()) as live:
        summary = live.ingest([event("snapshot", "h1", 0, household={"id": "h1"}),
                               event("illness", "h1", 1, member=2)], source="e.jsonl")
        assert (summary.accepted, summary.rejected) == (1, 1)
        [error] = summary.errors
        assert (error.file, error.household, error.field) == ("e.jsonl", "h1", "member")
        assert "h1-1" in error.reason_zh and "h1-1" in error.reason_en
    with Monitor(path, run=small_run()) as live:
        assert live.journal.counts()["rejected"] == 1
        assert [row[0] for row in live.journal.rejected()] == ["h1-1"]


def test_a_restart_rebuilds_the_state_from_snapshots_and_later_events(tmp_path: Path) -> None:
    events = list(events_from_households(households()[:60]))
    path = tmp_path / "j.sqlite"
    with Monitor(path, run=small_run(), batch=37, snapshot_every=150) as live:
        live.ingest(events)
        before = {h: live.state(h) for h in live.households()}
        deadlines = live.journal.deadlines()
        assert 0 < live.journal.snapshot_seq() < len(events)  # events after the last snapshot
    with Monitor(path, run=small_run()) as live:
        assert {h: live.state(h) for h in live.households()} == before
        assert live.journal.deadlines() == deadlines
        assert live.journal.counts()["applied"] == len(events)


def test_a_killed_ingest_started_again_applies_every_event_exactly_once(tmp_path: Path) -> None:
    source = tmp_path / "events.jsonl"
    total = write_events(source)
    killed = tmp_path / "killed.sqlite"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(killed), str(source)],
                             stdout=subprocess.PIPE, env=os.environ.copy())
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 120
    while journalled(killed) < total // 4:
        assert child.poll() is None, "the ingest ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    assert child.wait(30) == -signal.SIGKILL
    before_restart = journalled(killed)
    assert total // 4 <= before_restart < total

    with Monitor(killed, run=small_run()) as live:
        summary = live.ingest(read_events(source))
        assert (summary.duplicate, summary.accepted, summary.rejected) == (
            before_restart, total - before_restart, 0)
        after_kill = {h: live.state(h) for h in live.households()}
        counts = live.journal.counts()
        deadlines = live.journal.deadlines()
    assert counts == {"applied": total, "rejected": 0, "pending": 0, "events": total}

    with Monitor(tmp_path / "once.sqlite", run=small_run()) as once:
        once.ingest(read_events(source))
        assert {h: once.state(h) for h in once.households()} == after_kill
        assert once.journal.deadlines() == deadlines
    assert set(after_kill) == {h.id for h in households()}
    assert all(after_kill[h.id] == h for h in households())


@pytest.mark.parametrize("mode", ["wal"])
def test_the_journal_is_in_wal_mode_with_full_sync(tmp_path: Path, mode: str) -> None:
    with Monitor(tmp_path / "j.sqlite", run=small_run()) as live:
        db = live.journal._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == mode
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
