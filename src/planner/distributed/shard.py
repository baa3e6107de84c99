"""One part of a dataset checked in a worker, and the dataset-wide state it leaves to merge.

:func:`check_households` runs the household half of
:meth:`planner.backends.python.engine.Checker.iter_findings` on the households of one part and
returns a :class:`Partial`: the state of each dataset rule's accumulator (duplicates by key), the
waivers held for the end of the run, and where each household that may be named by a dataset
finding was read. Partials merge in part order (:meth:`Partial.merge`, associative, so a tree of
merges gives the state one process would have built); :func:`finish_dataset` turns the merged
state into the dataset findings in the client.

This is the narrow adapter the brief allows until the shared shard seam of ``--workers`` lands;
it reads the checker's internals in one place so that it can be swapped for that seam.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from planner.backends.python.dataset import DuplicatesCheck, RateCheck
from planner.backends.python.engine import Checker
from planner.backends.python.occurrences import Occurrences
from planner.errors import BilingualError
from planner.finding import Finding
from planner.model import Household, Waiver
from planner.rule import Rule, RuleContext
from planner.source import Source, Sourced


class NotMergeable(BilingualError):
    """A dataset rule whose accumulator cannot be split over parts and merged."""


@dataclass
class DuplicatesState:
    """What a :class:`DuplicatesCheck` holds after ``add``: its arrays, without the compiled
    places (closures, rebuilt where the state is loaded)."""

    seen: Occurrences
    invalid_owners: array
    invalid_places: array
    invalid_values: list[str]

    @classmethod
    def of(cls, check: DuplicatesCheck) -> DuplicatesState:
        """The state of ``check``."""
        return cls(check.seen, check.invalid_owners, check.invalid_places, check.invalid_values)

    def merge(self, later: DuplicatesState) -> DuplicatesState:
        """This state followed by ``later``'s (households renumbered after this one's)."""
        offset = len(self.seen.households)
        seen = Occurrences(
            array("q", self.seen.keys) + later.seen.keys,
            array("I", self.seen.owners) + array("I", (o + offset for o in later.seen.owners)),
            array("i", self.seen.places) + later.seen.places,
            [*self.seen.households, *later.seen.households],
        )
        return DuplicatesState(
            seen,
            array("I", self.invalid_owners) + array(
                "I", (o + offset for o in later.invalid_owners)),
            array("i", self.invalid_places) + later.invalid_places,
            [*self.invalid_values, *later.invalid_values],
        )

    def load(self, check: DuplicatesCheck) -> None:
        """Put this state into a fresh ``check``."""
        check.seen = self.seen
        check.invalid_owners = self.invalid_owners
        check.invalid_places = self.invalid_places
        check.invalid_values = self.invalid_values


#: The state of a rate rule over households: none (it groups the run's projects at the end).
NO_STATE = None


def mergeable(rule: Rule, accumulator: Any) -> None:
    """Raise :class:`NotMergeable` unless ``accumulator`` can be split over parts."""
    if not isinstance(accumulator, (DuplicatesCheck, RateCheck)):
        raise NotMergeable(
            f"数据集规则 {rule.code} 的累加器（{type(accumulator).__name__}）无法分区合并，不能用 "
            "--scheduler 运行；请用 --ignore 排除它，或在单个进程中检查",
            f"dataset rule {rule.code} has an accumulator ({type(accumulator).__name__}) that "
            "cannot be merged across parts; it cannot run with --scheduler: leave it out with "
            "--ignore or check in one process")


def _state(accumulator: Any) -> DuplicatesState | None:
    return DuplicatesState.of(accumulator) if isinstance(accumulator, DuplicatesCheck) else NO_STATE


@dataclass
class Partial:
    """The dataset-wide state of some consecutive parts: per dataset rule code its state (a rule
    whose accumulator failed is in ``broken``), the waivers of dataset codes held for the end
    (``deferred``), the households whose file waivers were judged, and the places of the
    households a dataset finding may name."""

    states: dict[str, DuplicatesState | None] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    deferred: dict[str, list[Waiver]] = field(default_factory=dict)
    judged: set[str] = field(default_factory=set)
    places: dict[str, tuple[Source | None, Any]] = field(default_factory=dict)

    def merge(self, later: Partial) -> Partial:
        """This partial followed by ``later`` (the parts after this one's)."""
        states: dict[str, DuplicatesState | None] = {}
        for code in dict.fromkeys([*self.states, *later.states]):
            if code in self.broken or code in later.broken:
                continue
            mine, theirs = self.states.get(code), later.states.get(code)
            states[code] = (theirs if mine is None else mine if theirs is None
                            else mine.merge(theirs))
        deferred = {k: list(v) for k, v in self.deferred.items()}
        for subject, waivers in later.deferred.items():
            deferred.setdefault(subject, []).extend(waivers)
        return Partial(states, self.broken | later.broken, deferred, self.judged | later.judged,
                       {**later.places, **self.places})


def merge_partials(partials: Iterable[Partial]) -> Partial:
    """The partials of consecutive parts merged in order."""
    merged = Partial()
    for partial in partials:
        merged = merged.merge(partial)
    return merged


def _start(checker: Checker, ctx: RuleContext) -> list[tuple[Rule, Any]]:
    """The dataset rules' accumulators; one whose factory fails is left to the client, which
    reports it once."""
    started = []
    for rule, function in checker._dataset_rules:
        try:
            with checker._budget:
                started.append((rule, function(ctx)))
        except Exception:  # the client reports it once (finish_dataset)
            continue
    return started


def check_households(
    checker: Checker, households: Iterable[Household | Sourced[Household]]
) -> tuple[Iterator[Finding], Partial]:
    """Findings of the households of one part (streamed) and, once they are consumed, the
    part's :class:`Partial` (filled as the stream runs)."""
    partial = Partial()

    def stream() -> Iterator[Finding]:
        ctx = RuleContext(checker.values, checker.reference_date, explain=checker.explain,
                          catalog=checker.catalog)
        accumulators = _start(checker, ctx)
        plans = checker._plans["household"]
        budget = checker._budget
        for item in households:
            household, source = item if isinstance(item, Sourced) else (item, None)
            plan = None if source is None or source.fields is None else plans.of(
                source, source.fields)
            facts = checker.facts(household)
            yield from checker._check_household(household, facts, source, plan)
            if not accumulators:
                continue
            partial.places[household.id] = (source, household.region)
            broken = []
            for rule, accumulator in accumulators:
                if plan is not None and rule.code in plan.dataset_left_out:
                    continue
                try:
                    with budget:
                        accumulator.add(facts)
                except BaseException as exc:
                    broken.append(rule)
                    partial.broken.add(rule.code)
                    yield checker._counted(checker._failure(rule, household.id, exc))
            if broken:
                accumulators = [(r, a) for r, a in accumulators if r not in broken]
        partial.states = {rule.code: _state(a) for rule, a in accumulators}
        ledger = checker.waivers
        partial.deferred = ledger._deferred
        partial.judged = ledger._judged
        owners = {h for state in partial.states.values() if state is not None
                  for h in state.seen.households}
        partial.places = {h: p for h, p in partial.places.items() if h in owners}

    return stream(), partial


def finish_dataset(
    checker: Checker, partial: Partial, ctx: RuleContext
) -> list[Finding]:
    """The dataset findings of the whole run from the merged ``partial``, with the waivers
    held for the end judged (as the end of ``Checker.iter_findings``), counted in the checker."""
    dataset_findings: list[Finding] = []
    budget = checker._budget
    for rule, function in checker._dataset_rules:
        if rule.code in partial.broken:
            continue
        try:
            with budget:
                accumulator = function(ctx)
        except BaseException as exc:
            dataset_findings.append(checker._failure(rule, "dataset", exc))
            continue
        state = partial.states.get(rule.code)
        if state is not None:
            state.load(accumulator)
        findings: list[Finding] = []
        try:
            with budget:
                for hit in accumulator.finish():
                    subject = hit.household or hit.subject or "dataset"
                    kind = "household" if hit.household else "dataset"
                    finding = checker._finding(rule, hit, subject, kind, None)
                    if hit.household in partial.places:
                        finding.source, finding.region = partial.places[hit.household]
                    findings.append(finding)
        except BaseException as exc:
            findings = [checker._failure(rule, "dataset", exc)]
        dataset_findings.extend(findings)
    ledger = checker.waivers
    ledger._deferred = partial.deferred
    ledger._judged = set(partial.judged)
    dataset_findings.extend(ledger.finish(dataset_findings))
    checker._count(dataset_findings)
    return dataset_findings
