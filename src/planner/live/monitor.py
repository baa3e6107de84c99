"""The live monitor: ingest events journal-first, hold each household's state, findings and clocks.

``Monitor(path, run=..., backend="python")`` opens (or creates) the journal at ``path`` and
rebuilds every household's state from it: the stored snapshots, then every later event applied
again in journal order (an event journalled but not applied when the process died is applied
now). :meth:`Monitor.ingest` commits each batch of events to the journal before applying any of
them; an event id seen before is a duplicate and is not applied again; an event that cannot be
applied is kept in the journal as rejected and reported with its reason, never lost.

A household whose snapshot says which fields its source carries (``Snapshot.carries``: an
export layout's) is evaluated as ``planner check`` evaluates the records of that source: the
rules, and the clocks' rules, that need a field it cannot hold are skipped. Those fields are
kept with the household's stored state, so a restart skips the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from planner.engine_rules import RULE_ERROR
from planner.finding import Finding
from planner.io.errors import InputError, mask_household
from planner.live.apply import ApplyError, apply_event
from planner.live.evaluate import HouseholdEvaluator, evaluator
from planner.live.events import Event, Snapshot, WorkRecorded, parse_event
from planner.live.journal import APPLIED, REJECTED, Changes, Journal, Outcome
from planner.live.lifecycle import (
    KINDS,
    STAGE_LABELS,
    Deadline,
    Kind,
    Stage,
    overdue_finding,
    stage_of,
    transitions,
)
from planner.model import Household
from planner.run import Run
from planner.spec.needs import missing_needs

#: How a stored state holding the fields its source carries begins (else: the household's JSON).
_CARRIES_PREFIX = '{"carries":'
#: Events committed to the journal in one transaction (then applied).
BATCH = 500
#: Applied events between two snapshots of the changed households' states.
SNAPSHOT_EVERY = 2000


@dataclass(slots=True)
class IngestSummary:
    """What one :meth:`Monitor.ingest` did: events ``accepted`` (journalled and applied),
    ``duplicate`` (an id the journal held: not applied again), ``rejected`` (unreadable, or
    journalled but not applicable: each in ``errors``), and the ``overdue`` findings of the
    clocks passed on the day of the latest event."""

    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    errors: list[InputError] = field(default_factory=list)
    overdue: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"accepted": self.accepted, "duplicate": self.duplicate,
                "rejected": self.rejected, "errors": [e.to_dict() for e in self.errors],
                "overdue": [{"code": f.code, "subject": f.subject,
                             "message_zh": f.message_zh, "message_en": f.message_en,
                             "evidence": f.evidence} for f in self.overdue]}

    def __str__(self) -> str:
        return (f"接受 {self.accepted} 条，重复 {self.duplicate} 条，拒绝 {self.rejected} 条 / "
                f"accepted {self.accepted}, duplicate {self.duplicate}, "
                f"rejected {self.rejected}")


class Monitor:
    """Households monitored live over one journal file (see the module docstring).

    ``run`` gives the rules, parameters and reference date (default: :meth:`Run.build`);
    ``backend`` the evaluator (:func:`planner.live.evaluate.evaluator`), unless
    ``household_evaluator`` gives one. ``mask`` masks household ids that are ID numbers in error
    messages; ``batch`` events are committed per transaction; the changed households' states are
    stored every ``snapshot_every`` applied events.
    """

    def __init__(self, path: str | Path, run: Run | None = None, backend: str = "python", *,
                 snapshot_every: int = SNAPSHOT_EVERY, batch: int = BATCH,
                 mask: bool = True, household_evaluator: HouseholdEvaluator | None = None,
                 ) -> None:
        self.run = run or Run.build()
        self.values = self.run.values
        self.snapshot_every = snapshot_every
        self.batch = batch
        self.mask = mask
        self._evaluator = household_evaluator or evaluator(self.run, backend)
        self._rules = self.run.rules
        self.journal = Journal(path)
        self._states: dict[str, Household] = {}
        # the fields each household's source carries (absent: any field, every rule runs)
        self._carries: dict[str, frozenset[str]] = {}
        self._deadlines: dict[str, dict[Kind, Deadline]] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._stale: set[str] = set()  # households whose findings are not evaluated yet
        self._unsaved: set[str] = set()  # households changed since the last snapshot
        self._since_snapshot = 0
        self._recover()

    # -- lifecycle of the object ------------------------------------------------------------
    def close(self) -> None:
        """Close the journal (everything ingested is committed already)."""
        self.journal.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _recover(self) -> None:
        for household_id, body in self.journal.states():
            if body.startswith(_CARRIES_PREFIX):  # a state with the fields its source carries
                data = json.loads(body)
                self._carries[household_id] = frozenset(data["carries"])
                self._states[household_id] = Household.model_validate(data["household"])
            else:
                self._states[household_id] = Household.model_validate_json(body)
        for deadline in self.journal.deadlines():
            self._deadlines.setdefault(deadline.household_id, {})[deadline.kind] = deadline
        outcomes: list[Outcome] = []
        touched: set[str] = set()
        for seq, body in self.journal.events_after(self.journal.snapshot_seq()):
            outcomes.append(self._apply(seq, parse_event(body), touched))
        self._since_snapshot = len(outcomes)
        self._stale.update(self._states)
        if outcomes:
            self.journal.record(Changes(outcomes, self._open(touched)))

    # -- applying ----------------------------------------------------------------------------
    def _apply(self, seq: int, event: Event, touched: set[str]) -> Outcome:
        household_id = event.household_id
        before = self._states.get(household_id)
        try:
            after = apply_event(before, event)
            change = transitions(before, after, event, self.values)
        except ApplyError as exc:
            return Outcome(seq, REJECTED, exc.zh, exc.en, exc.field)
        except Exception as exc:  # a bug met on an event: the event is kept, reported, skipped
            kind = type(exc).__name__
            return Outcome(seq, REJECTED, f"应用事件时发生意外错误（{kind}）",
                           f"unexpected error ({kind}) while applying the event")
        self._states[household_id] = after
        self._carry(event)
        clocks = self._deadlines.setdefault(household_id, {})
        if change.reset:
            clocks.clear()
        for kind in change.met:
            clocks.pop(kind, None)
        for deadline in change.opened:
            clocks[deadline.kind] = deadline
        touched.add(household_id)
        self._stale.add(household_id)
        self._unsaved.add(household_id)
        return Outcome(seq, APPLIED)

    def _carry(self, event: Event) -> None:
        """Keep the fields the household's source carries: a snapshot sets them, a work record
        from an export sheet adds its sheet's."""
        household_id = event.household_id
        if isinstance(event, Snapshot):
            if event.carries is None:
                self._carries.pop(household_id, None)
            else:
                self._carries[household_id] = frozenset(event.carries)
        elif (isinstance(event, WorkRecorded) and event.carries is not None
              and household_id in self._carries):
            self._carries[household_id] = self._carries[household_id] | frozenset(event.carries)

    def _state_body(self, household_id: str) -> str:
        body = self._states[household_id].model_dump_json()
        carries = self._carries.get(household_id)
        if carries is None:
            return body
        fields = json.dumps(sorted(carries), ensure_ascii=False)
        return f'{_CARRIES_PREFIX}{fields},"household":{body}}}'

    def _open(self, households: Iterable[str]) -> dict[str, list[Deadline]]:
        return {h: list(self._deadlines.get(h, {}).values()) for h in households}

    def _error(self, event: Event, outcome: Outcome, source: str) -> InputError:
        return InputError(
            file=source, household=mask_household(event.household_id, self.mask),
            field=outcome.field,
            reason_zh=f"事件 {event.id}（{event.type}）已记入日志但未能应用：{outcome.error_zh}",
            reason_en=f"event {event.id} ({event.type}) journalled but not applied: "
                      f"{outcome.error_en}")

    def ingest(self, events: Iterable[Event | InputError], *,
               source: str = "<events>") -> IngestSummary:
        """Journal, then apply, ``events`` in order (read errors among them are counted as
        rejected and listed); the summary of what happened."""
        summary = IngestSummary()
        latest: date | None = None
        batch: list[Event] = []
        for item in events:
            if isinstance(item, InputError):
                if not item.is_warning:
                    summary.rejected += 1
                summary.errors.append(item)
                continue
            batch.append(item)
            latest = item.on if latest is None or item.on > latest else latest
            if len(batch) >= self.batch:
                self._ingest_batch(batch, summary, source)
                batch = []
        if batch:
            self._ingest_batch(batch, summary, source)
        if latest is not None:
            summary.overdue = self.overdue(latest)
        return summary

    def _ingest_batch(self, batch: list[Event], summary: IngestSummary, source: str) -> None:
        numbers = self.journal.append(batch)  # committed before anything is applied
        outcomes: list[Outcome] = []
        touched: set[str] = set()
        for event, seq in zip(batch, numbers, strict=True):
            if seq is None:
                summary.duplicate += 1
                continue
            outcome = self._apply(seq, event, touched)
            outcomes.append(outcome)
            if outcome.outcome == APPLIED:
                summary.accepted += 1
            else:
                summary.rejected += 1
                summary.errors.append(self._error(event, outcome, source))
        for household_id in touched:
            self._evaluate(household_id)
        self._since_snapshot += len(outcomes)
        changes = Changes(outcomes, self._open(touched))
        if outcomes and self._since_snapshot >= self.snapshot_every:
            changes.states = {h: self._state_body(h) for h in self._unsaved}
            changes.snapshot_seq = max(o.seq for o in outcomes)
        self.journal.record(changes)
        if changes.states is not None:
            self._unsaved.clear()
            self._since_snapshot = 0

    def _evaluate(self, household_id: str) -> list[Finding]:
        household = self._states[household_id]
        try:
            found = self._evaluator.update(household, self._carries.get(household_id))
        except Exception as exc:  # the evaluator failed: a finding says so, the state stays
            kind = type(exc).__name__
            found = [Finding(
                code=RULE_ERROR.code, name=RULE_ERROR.name, family=RULE_ERROR.family,
                severity=RULE_ERROR.severity, subject=household_id, subject_kind="household",
                message_zh=f"实时规则评估失败（{kind}）",
                message_en=f"live evaluation failed ({kind})",
                evidence={"error": kind}, kind=RULE_ERROR.kind)]
        self._findings[household_id] = found
        self._stale.discard(household_id)
        return found

    # -- reading -----------------------------------------------------------------------------
    def households(self) -> list[str]:
        """Ids of the households monitored, sorted."""
        return sorted(self._states)

    def state(self, household_id: str) -> Household | None:
        """The household's current record (``None``: no snapshot of it yet)."""
        return self._states.get(household_id)

    def stage(self, household_id: str) -> Stage:
        """The household's lifecycle stage."""
        return stage_of(self._states.get(household_id))

    def findings(self, household_id: str) -> list[Finding]:
        """The household's current findings (the run's household- and member-scope rules)."""
        if household_id not in self._states:
            return []
        if household_id in self._stale or household_id not in self._findings:
            return self._evaluate(household_id)
        return self._findings[household_id]

    def all_findings(self) -> Iterator[Finding]:
        """The current findings of every household, by household id."""
        for household_id in self.households():
            yield from self.findings(household_id)

    def due(self, as_of: date) -> list[Deadline]:
        """Open deadlines due on or before ``as_of`` (households due for action), by date; a
        clock whose rule needs fields the household's source cannot hold is left out, as that
        rule is skipped (:meth:`fed`)."""
        return [d for d in self.journal.deadlines(due_by=as_of) if self.fed(d)]

    def fed(self, deadline: Deadline) -> bool:
        """Whether the household's source can hold what the deadline's rule needs (MON002 needs
        the verification date, which the 2023 export has no column for): a clock the source
        can never show met is not raised, as ``planner check`` skips that rule."""
        carries = self._carries.get(deadline.household_id)
        code = KINDS[deadline.kind][0]
        rule = None if carries is None or code is None else self._rules.get(code)
        return rule is None or not missing_needs(rule.needs, carries)

    def overdue(self, as_of: date) -> list[Finding]:
        """Findings of the clocks passed on ``as_of`` (MON002, MON011 as selected in the run)."""
        found = (overdue_finding(d, as_of, self._rules) for d in self.due(as_of))
        return [f for f in found if f is not None]

    def tick(self, as_of: date) -> list[Finding]:
        """The clocks' findings on ``as_of``: what a daily tick raises."""
        return self.overdue(as_of)

    def status(self) -> dict[str, Any]:
        """Counts: households by stage, events by outcome, open deadlines."""
        stages = {stage.value: 0 for stage in Stage}
        for household in self._states.values():
            stages[stage_of(household).value] += 1
        return {"households": len(self._states), "stages": stages,
                "events": self.journal.counts(),
                "open_deadlines": sum(len(c) for c in self._deadlines.values())}


def stage_label(stage: Stage, lang: str = "zh") -> str:
    """The stage in Chinese (default) or English."""
    zh, en = STAGE_LABELS[stage]
    return zh if lang == "zh" else en


__all__ = ["BATCH", "SNAPSHOT_EVERY", "IngestSummary", "Monitor", "stage_label"]
