"""The event journal: an embedded SQLite file every accepted event is committed to before it is
applied, with snapshots of household state and the lifecycle's deadlines.

SQLite in WAL mode with ``synchronous=FULL``: a committed transaction survives a killed process
and a power cut. The ``events`` table numbers events in arrival order (``seq``) and holds each
event id once (``UNIQUE``): the same id again is a duplicate, never applied twice. ``states``
holds each household's record as of ``meta.snapshot_seq``; the state after a restart is those
records with every later event applied again, in order. ``deadlines`` holds each household's
open clocks (one row per kind; a clock met is deleted).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.errors import BilingualError
from planner.live.events import Event, event_json
from planner.live.lifecycle import Deadline, Kind

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    household_id TEXT NOT NULL,
    time TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    outcome TEXT,
    error_zh TEXT,
    error_en TEXT,
    field TEXT
);
CREATE INDEX IF NOT EXISTS events_household ON events (household_id, seq);
CREATE TABLE IF NOT EXISTS states (
    household_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deadlines (
    household_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    PRIMARY KEY (household_id, kind)
);
CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines (due);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

APPLIED = "applied"
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying one journalled event gave: ``applied``, or ``rejected`` with the reason."""

    seq: int
    outcome: str
    error_zh: str | None = None
    error_en: str | None = None
    field: str | None = None


@dataclass(slots=True)
class Changes:
    """What one batch wrote besides its events: outcomes, the open deadlines of each household
    the batch touched (replacing those stored), and (every so often) household states."""

    outcomes: list[Outcome]
    deadlines: dict[str, list[Deadline]]
    states: dict[str, str] | None = None  # household id → record JSON, as of ``snapshot_seq``
    snapshot_seq: int | None = None


class JournalError(BilingualError):
    """A file that is not an event journal (or a damaged one)."""


class Journal:
    """One journal file: open (or create) it with ``Journal(path)``; :meth:`close` when done.

    Raises :class:`JournalError` for a file that is not an SQLite database of this schema.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise JournalError(f"{self.path} 不是事件日志（SQLite）或已损坏：{exc}",
                               f"{self.path} is not an event journal (SQLite) or is damaged: "
                               f"{exc}") from exc

    def close(self) -> None:
        """Close the file (everything is committed already)."""
        self._db.close()

    def append(self, events: Sequence[Event]) -> list[int | None]:
        """Commit ``events`` in one transaction; the journal number of each, or ``None`` for an
        id the journal holds already (a duplicate, not stored again)."""
        numbers: list[int | None] = []
        cursor = self._db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for event in events:
                cursor.execute(
                    "INSERT OR IGNORE INTO events (id, household_id, time, type, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (event.id, event.household_id, event.time.isoformat(), event.type,
                     event_json(event)))
                numbers.append(cursor.lastrowid if cursor.rowcount == 1 else None)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        return numbers

    def record(self, changes: Changes) -> None:
        """Commit what applying a batch gave, in one transaction."""
        cursor = self._db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.executemany(
                "UPDATE events SET outcome = ?, error_zh = ?, error_en = ?, field = ? "
                "WHERE seq = ?",
                [(o.outcome, o.error_zh, o.error_en, o.field, o.seq) for o in changes.outcomes])
            cursor.executemany("DELETE FROM deadlines WHERE household_id = ?",
                               [(household,) for household in changes.deadlines])
            cursor.executemany(
                "INSERT INTO deadlines (household_id, kind, due, opened_by, opened_on) "
                "VALUES (?, ?, ?, ?, ?)",
                [(d.household_id, d.kind.value, d.due.isoformat(), d.opened_by,
                  d.opened_on.isoformat())
                 for open_ in changes.deadlines.values() for d in open_])
            if changes.states is not None and changes.snapshot_seq is not None:
                cursor.executemany(
                    "INSERT INTO states (household_id, seq, body) VALUES (?, ?, ?) "
                    "ON CONFLICT (household_id) DO UPDATE SET seq = excluded.seq, "
                    "body = excluded.body",
                    [(hid, changes.snapshot_seq, body) for hid, body in changes.states.items()])
                cursor.execute("INSERT OR REPLACE INTO meta (key, value) VALUES "
                               "('snapshot_seq', ?)", (str(changes.snapshot_seq),))
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise

    def snapshot_seq(self) -> int:
        """The journal number the stored states are as of (0: none stored)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'snapshot_seq'").fetchone()
        return int(row[0]) if row else 0

    def states(self) -> Iterator[tuple[str, str]]:
        """Each stored household state: id and record JSON."""
        yield from self._db.execute("SELECT household_id, body FROM states")

    def events_after(self, seq: int) -> Iterator[tuple[int, str]]:
        """Journal number and JSON of every event after ``seq``, in order."""
        yield from self._db.execute("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq",
                                    (seq,))

    def deadlines(self, household_id: str | None = None, *,
                  due_by: date | None = None) -> list[Deadline]:
        """Open deadlines (of one household, and/or due on or before ``due_by``), by due date."""
        sql = "SELECT household_id, kind, due, opened_by, opened_on FROM deadlines WHERE 1"
        args: list[str] = []
        if household_id is not None:
            sql += " AND household_id = ?"
            args.append(household_id)
        if due_by is not None:
            sql += " AND due <= ?"
            args.append(due_by.isoformat())
        rows = self._db.execute(sql + " ORDER BY due, household_id, kind", args)
        return [Deadline(h, Kind(k), date.fromisoformat(d), by, date.fromisoformat(on))
                for h, k, d, by, on in rows]

    def counts(self) -> dict[str, int]:
        """Events by outcome (``pending``: journalled, not yet applied), households stored."""
        result = {APPLIED: 0, REJECTED: 0, "pending": 0}
        for outcome, number in self._db.execute(
                "SELECT outcome, count(*) FROM events GROUP BY outcome"):
            result[outcome or "pending"] = number
        result["events"] = sum(result[key] for key in (APPLIED, REJECTED, "pending"))
        return result

    def rejected(self, household_id: str | None = None) -> list[tuple[str, str, str, str, str]]:
        """Rejected events: id, household, field, reason in Chinese and in English."""
        sql = ("SELECT id, household_id, coalesce(field, ''), error_zh, error_en FROM events "
               "WHERE outcome = ?")
        args: list[str] = [REJECTED]
        if household_id is not None:
            sql += " AND household_id = ?"
            args.append(household_id)
        return list(self._db.execute(sql + " ORDER BY seq", args))

    def event_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` the journal holds."""
        found: set[str] = set()
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self._db.execute(
                f"SELECT id FROM events WHERE id IN ({marks})", chunk))
        return found


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = ["APPLIED", "REJECTED", "Changes", "Journal", "JournalError", "Outcome"]
