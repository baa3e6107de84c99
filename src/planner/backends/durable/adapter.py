"""durable-rules backend: the ONLY module that imports ``durable`` (durable-rules 2.0.28).

durable-rules is a Rete engine kept in C; 2.0.28 is unmaintained and has sharp edges, each guarded
here (design.md, "Live monitoring"):

* **at most 1,024 live sessions per ruleset** (the 1,025th assert fails with ``MemoryError``):
  :class:`RulesetPool` registers the same rules as several rulesets and gives each at most
  :data:`SESSIONS_PER_RULESET` sessions, so any number of households can be live at once;
* **``delete_state`` segfaults on a session where no rule fired**: the pool records, per session,
  whether an action ran, and only then deletes its state; an idle session is emptied and kept for
  the next household that needs a session (so idle sessions do not pile up);
* **32-bit hashes (FNV-1a) for session and fact identity**: two session ids or two fact ids of one
  session whose hashes collide are one to the engine (the second is refused as already observed,
  or lands in the other's session). Every session and fact gets an explicit ``sid``/``id`` chosen
  here; a collision is detected with :func:`fnv1a32` and the newcomer gets another engine id, so
  both are kept;
* **exceptions raised in actions are swallowed into the session's state**: every action catches
  what it raises and records it; after the call the pool raises :class:`ActionFailed`;
* **no import on Python 3.13 and later**: importing this module raises ``ImportError`` with a
  message saying so.

The engine expands ``$or`` into alternatives and runs a rule's action once for each alternative
a fact satisfies: hits are therefore sets (a rule fires on a fact or not), and one failing action
may be reported more than once in :attr:`ActionFailed.failures`.

Rules here are single-fact conditions in the engine's JSON form (``{"$and": [...]}``), compiled by
:mod:`planner.backends.durable.compile`. A rule firing on a fact is recorded as a *derived fact*
asserted into the same session with its basis (the fact it fired on); retracting the basis retracts
what it supported, so the derived facts of a session are its current hits.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

if sys.version_info >= (3, 13):  # pragma: no cover - depends on the interpreter
    raise ImportError(
        "durable-rules 2.0.28 无法在 Python 3.13 及以上版本导入；"
        "请用 Python 3.12 或更早版本运行 durable 后端\n"
        "durable-rules 2.0.28 does not import on Python 3.13 or later; run the durable backend on"
        " Python 3.12 or earlier")

try:
    from durable import engine
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "durable 后端需要 durable-rules：pip install 'fuping-planner[durable]'\n"
        "the durable backend needs durable-rules: pip install 'fuping-planner[durable]'") from exc

#: Live sessions given to one ruleset (the engine fails past 1,024).
SESSIONS_PER_RULESET = 1000
#: The fact kind of a derived fact (a rule's hit with its basis).
DERIVED = "derived"
#: The rule that holds derived facts: the engine keeps only facts some rule reads.
_HOLD = "~derived"


def fnv1a32(text: str) -> int:
    """The engine's 32-bit hash of a session or fact id (FNV-1a over the UTF-8 bytes, each byte
    taken as a signed char as the C code does)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ ((byte - 256 if byte > 127 else byte) & 0xFFFFFFFF))
                 * 0x01000193) & 0xFFFFFFFF
    return value


class DurableError(RuntimeError):
    """The engine refused a call in a way the guards did not foresee."""


class ActionFailed(DurableError):
    """Actions raised during one call; each failure is ``(rule, fact id, exception)``."""

    def __init__(self, failures: list[tuple[str, str, BaseException]]) -> None:
        self.failures = failures
        rule, fact, exc = failures[0]
        super().__init__(f"rule {rule} on fact {fact}: {type(exc).__name__}: {exc}")


class _QuietHost(engine.Host):  # type: ignore[misc]
    """A host without the engine's background dispatch threads: every call runs its actions
    synchronously, and no timer thread touches a ruleset between calls."""

    def _run(self) -> None:
        return None


@dataclass(slots=True)
class _Session:
    """One household's session: where it lives, its facts by our id, and whether a rule fired."""

    sid: str
    engine_sid: str
    ruleset: str
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # our id → engine fact
    engine_ids: dict[int, str] = field(default_factory=dict)  # hash of the engine id → our id
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)  # derived id → engine fact
    fired: bool = False


@dataclass(slots=True)
class _Slot:
    """One registered ruleset: its session count and the hashes of its sessions' ids."""

    name: str
    sessions: int = 0
    hashes: dict[int, str] = field(default_factory=dict)  # hash of engine sid → engine sid


Hit = tuple[str, str]  # (rule name, our fact id)

_TRIAL: list[Any] = []
_REFUSALS: dict[str, str | None] = {}


def refusal(condition: Mapping[str, Any]) -> str | None:
    """Why the engine refuses a rule with ``condition`` (``None``: it accepts it). Some large
    conditions exceed the engine's limits (``Could not create ruleset, error code: 113``)."""
    key = json.dumps(condition, sort_keys=True, default=str)
    if key in _REFUSALS:
        return _REFUSALS[key]
    if not _TRIAL:
        _TRIAL.append(_QuietHost())
    name = f"trial{len(_REFUSALS)}"
    try:
        _TRIAL[0].register_rulesets(
            {name: {"r": {"all": [{"m": copy.deepcopy(dict(condition))}], "run": _noop}}})
        why = None
    except Exception as exc:  # the engine's own error type
        why = str(exc) or type(exc).__name__
    _REFUSALS[key] = why
    return why


def _noop(c: Any) -> None:
    return None


class RulesetPool:
    """The same single-fact rules registered as as many rulesets as the live sessions need.

    ``rules`` maps a rule name to its condition (the engine's JSON form for one fact ``m``).
    ``on_fire(rule, fact_id)`` is called inside each action (a hook for tests and tracing); what
    it raises is recorded and raised as :class:`ActionFailed` after the call.
    """

    def __init__(self, name: str, rules: Mapping[str, Mapping[str, Any]],
                 on_fire: Callable[[str, str], None] | None = None,
                 sessions_per_ruleset: int = SESSIONS_PER_RULESET) -> None:
        self.name = name
        self.rules = {rule: copy.deepcopy(dict(condition)) for rule, condition in rules.items()}
        self.on_fire = on_fire
        self.capacity = min(sessions_per_ruleset, 1024)
        self._host = _QuietHost()
        self._slots: list[_Slot] = []
        self._sessions: dict[str, _Session] = {}
        self._idle: list[_Session] = []  # emptied sessions where no rule fired, for reuse
        self._fired: list[tuple[str, str]] = []  # (rule, engine fact id) of the current call
        self._failures: list[tuple[str, str, BaseException]] = []
        self._current: _Session | None = None

    # -- rulesets and sessions -----------------------------------------------------------
    def _action(self, rule: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            fact_id = "?"
            try:
                fact_id = str(c.m.id)
                self._fired.append((rule, fact_id))
                if self.on_fire is not None and rule != _HOLD:
                    self.on_fire(rule, fact_id)
            except BaseException as exc:  # the engine would swallow it into the state
                self._failures.append((rule, fact_id, exc))

        return action

    def _new_slot(self) -> _Slot:
        slot = _Slot(f"{self.name}#{len(self._slots)}")
        definition = {rule: {"all": [{"m": copy.deepcopy(condition)}], "run": self._action(rule)}
                      for rule, condition in self.rules.items()}
        definition[_HOLD] = {"all": [{"m": {"kind": DERIVED}}], "run": self._action(_HOLD)}
        self._host.register_rulesets({slot.name: definition})
        self._slots.append(slot)
        return slot

    def _session(self, sid: str) -> _Session:
        session = self._sessions.get(sid)
        if session is not None:
            return session
        if self._idle:  # an emptied session no rule fired in: never deleted, reused
            session = self._idle.pop()
            session.sid = sid
            self._sessions[sid] = session
            return session
        slot = next((s for s in self._slots if s.sessions < self.capacity), None) or \
            self._new_slot()
        engine_sid, tries = sid, 0
        while fnv1a32(engine_sid) in slot.hashes:  # a 32-bit collision: another engine sid
            tries += 1
            engine_sid = f"{sid}~{tries}"
        slot.hashes[fnv1a32(engine_sid)] = engine_sid
        slot.sessions += 1
        session = self._sessions[sid] = _Session(sid, engine_sid, slot.name)
        return session

    @property
    def live_sessions(self) -> int:
        """Sessions of households held now."""
        return len(self._sessions)

    @property
    def idle_sessions(self) -> int:
        """Emptied sessions where no rule fired, kept for reuse (their state never deleted)."""
        return len(self._idle)

    @property
    def rulesets(self) -> int:
        """Rulesets registered so far."""
        return len(self._slots)

    # -- calls ---------------------------------------------------------------------------
    def _call(self, session: _Session, method: str, fact: dict[str, Any]) -> list[Hit]:
        self._fired, self._failures = [], []
        try:
            getattr(self._host, method)(session.ruleset, fact)
        except engine.MessageNotHandledException:
            pass  # no rule reads this fact
        except engine.MessageObservedException as exc:
            raise DurableError(f"the engine already holds fact {fact.get('id')!r} of session"
                               f" {session.sid!r}") from exc
        fired, failures = self._fired, self._failures
        self._fired, self._failures = [], []
        if fired:
            session.fired = True
        if failures:
            raise ActionFailed(failures)
        by_engine_id = {f["id"]: ours for ours, f in session.facts.items()}
        return [(rule, by_engine_id.get(engine_id, engine_id)) for rule, engine_id in fired
                if rule != _HOLD]

    def assert_fact(self, sid: str, fact_id: str, values: Mapping[str, Any]) -> list[Hit]:
        """Assert one fact of session ``sid`` under our id ``fact_id`` (replacing the fact held
        under that id); the hits it makes, each recorded as a derived fact with its basis."""
        session = self._session(sid)
        if fact_id in session.facts:
            self.retract_fact(sid, fact_id)
        engine_id, tries = fact_id, 0
        while fnv1a32(engine_id) in session.engine_ids:  # both facts are kept
            tries += 1
            engine_id = f"{fact_id}~{tries}"
        fact = {**values, "sid": session.engine_sid, "id": engine_id}
        session.engine_ids[fnv1a32(engine_id)] = fact_id
        session.facts[fact_id] = fact
        hits = self._call(session, "assert_fact", fact)
        for rule, basis in hits:
            self._derive(session, rule, basis)
        return hits

    def _derive(self, session: _Session, rule: str, basis: str) -> None:
        derived_id, tries = f"{DERIVED}:{rule}:{basis}", 0
        if derived_id in session.derived:
            return
        engine_id = derived_id
        while fnv1a32(engine_id) in session.engine_ids:
            tries += 1
            engine_id = f"{derived_id}~{tries}"
        fact = {"sid": session.engine_sid, "id": engine_id, "kind": DERIVED, "rule": rule,
                "basis": basis}
        session.engine_ids[fnv1a32(engine_id)] = derived_id
        session.derived[derived_id] = fact
        self._call(session, "assert_fact", fact)

    def retract_fact(self, sid: str, fact_id: str) -> list[Hit]:
        """Retract fact ``fact_id`` of ``sid`` and the derived facts it was the basis of (the
        hits lost)."""
        session = self._sessions.get(sid)
        if session is None or fact_id not in session.facts:
            return []
        fact = session.facts.pop(fact_id)
        session.engine_ids.pop(fnv1a32(fact["id"]), None)
        self._call(session, "retract_fact", fact)
        lost: list[Hit] = []
        for derived_id, derived in list(session.derived.items()):
            if derived["basis"] == fact_id:
                del session.derived[derived_id]
                session.engine_ids.pop(fnv1a32(derived["id"]), None)
                self._call(session, "retract_fact", derived)
                lost.append((derived["rule"], fact_id))
        return lost

    def facts(self, sid: str) -> dict[str, dict[str, Any]]:
        """The facts of ``sid`` the engine holds now, by our id (it keeps only the facts that
        pass some rule's tests: a fact no rule can match is not held)."""
        session = self._sessions.get(sid)
        if session is None or not (session.facts or session.derived):
            return {}  # nothing held: the engine may have no state to read
        ours = {f["id"]: our for our, f in (*session.facts.items(), *session.derived.items())}
        held = self._host.get_facts(session.ruleset, session.engine_sid)
        return {ours[f["id"]]: f for f in held if f.get("id") in ours}

    def hits(self, sid: str) -> set[Hit]:
        """The hits of ``sid`` now: its derived facts as the engine holds them."""
        session = self._sessions.get(sid)
        if session is None or not session.derived:
            return set()
        return {(fact["rule"], fact["basis"]) for fact in self.facts(sid).values()
                if fact.get("kind") == DERIVED}

    def forget(self, sid: str) -> None:
        """Drop the session of ``sid``: its facts retracted and, if a rule ever fired in it, its
        state deleted and its slot freed (an idle session's state is never deleted: the engine
        segfaults there; the emptied session is kept for the next household)."""
        session = self._sessions.get(sid)
        if session is None:
            return
        if not session.fired:  # delete_state would crash the process: emptied, kept for reuse
            for fact_id in list(session.facts):
                self.retract_fact(sid, fact_id)
            del self._sessions[sid]
            session.engine_ids.clear()
            self._idle.append(session)
            return
        del self._sessions[sid]  # its facts go with its state
        self._host.delete_state(session.ruleset, session.engine_sid)
        slot = next(s for s in self._slots if s.name == session.ruleset)
        slot.sessions -= 1
        slot.hashes.pop(fnv1a32(session.engine_sid), None)

    def clear(self, sids: Iterable[str]) -> None:
        """Forget several sessions."""
        for sid in list(sids):
            self.forget(sid)
