"""Parts checked elsewhere, put together in reading order: what one process would have produced.

A :class:`Combiner` is the main process's half of a parallel run (and of any other scheduler's,
e.g. Dask). For each :class:`~planner.parallel.part.PartResult`, in reading order:

1. :meth:`Combiner.outcomes` gives one :class:`~planner.io.options.Outcome` per record, the
   valid ones carrying a stand-in record; pass them through the reader's own counting
   (:func:`planner.io.api.accepted`, or a :class:`~planner.io.Dataset` via ``through``) so that
   duplicate ids across parts are rejected, errors listed and records counted exactly as when
   one process reads;
2. :meth:`Combiner.take` each stand-in the reader accepted: its findings, counted;
3. :meth:`Combiner.merge` the part: the dataset rules' partial states and the waivers left
   for the end, leaving out the records the reader rejected after they were checked.

Then :meth:`Combiner.finish` checks the villages and projects and yields the dataset findings.
A rule that ran out of time (PLN004) is disabled from that household on, and a dataset rule
that failed is dropped, as in one process: their findings on later households, checked before
the news reached the other workers, are left out here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from planner.backends.python.engine import Places
from planner.backends.python.selection import unpack
from planner.engine_rules import RULE_ERROR, RULE_TIMEOUT
from planner.finding import Finding
from planner.io.api import accepted, source_of
from planner.io.errors import InputError, ReadStats
from planner.io.options import Outcome
from planner.io.seen import SeenRecords
from planner.parallel.part import Entry, PartResult, mergeable
from planner.rule import RuleContext
from planner.source import Source, Sourced

if TYPE_CHECKING:
    from planner.backends.python.engine import Checker
    from planner.model import Household, Project, Village


class Checked:
    """The stand-in of a record validated and checked elsewhere (the reader needs its ``id``)."""

    __slots__ = ("entry", "id", "taken")

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.id = entry.household
        self.taken = False


class Combiner:
    """Puts the parts of one run together for ``checker`` (a checker of the same run, in this
    process: it checks the villages and projects, finishes the dataset rules and counts)."""

    def __init__(self, checker: Checker, villages: Iterable[Village | Sourced[Village]] = (),
                 projects: Iterable[Project | Sourced[Project]] = ()) -> None:
        self.checker = checker
        self.villages = [unpack(v) for v in villages]
        self.projects = [unpack(p) for p in projects]
        run = checker.run
        ctx = RuleContext(run.values, run.reference_date,
                          villages=tuple(v for v, _ in self.villages),
                          projects=tuple(p for p, _ in self.projects),
                          explain=run.explain, catalog=run.catalog)
        accumulators, self.started = checker.start_dataset(ctx)
        self.accumulators = accumulators
        self.disabled: set[str] = set()
        self.dataset_codes = {rule.code for rule in checker.rules if rule.scope == "dataset"}
        self.places = Places()

    @property
    def in_parts(self) -> bool:
        """True when every dataset rule can run in parts (else run in one process)."""
        return all(mergeable(acc) for _, acc in self.accumulators)

    def outcomes(self, part: PartResult) -> list[tuple[Outcome, Checked | None]]:
        """The outcome of each record of ``part`` for the reader's counting, with its
        stand-in."""
        found: list[tuple[Outcome, Checked | None]] = []
        for entry in part.entries:
            if entry.household is None:
                found.append((Outcome(None, entry.errors, counted=entry.counted), None))
            else:
                stand_in = Checked(entry)
                found.append((Outcome(stand_in, entry.errors), stand_in))  # type: ignore[arg-type]
        return found

    def take(self, stand_in: Checked, source: Source | None) -> list[Finding]:
        """The findings of a record the reader accepted (counted), less those of rules
        disabled by then."""
        stand_in.taken = True
        entry = stand_in.entry
        findings = self._live(entry.findings or [])
        self.checker.tally(findings, 1)
        if self.accumulators:
            self.places.put(entry.household or "", source, entry.region)
        return findings

    def _live(self, findings: list[Finding]) -> list[Finding]:
        disabled = self.disabled
        kept = []
        for finding in findings:
            failed = finding.code in (RULE_ERROR.code, RULE_TIMEOUT.code)
            rule = finding.evidence.get("rule") if failed else None
            if finding.code in disabled or rule in disabled:
                continue
            kept.append(finding)
            if rule is not None and (finding.code == RULE_TIMEOUT.code
                                     or rule in self.dataset_codes):
                disabled.add(rule)
        return kept

    def merge(self, part: PartResult, stand_ins: Iterable[Checked | None]) -> None:
        """Take in ``part``'s dataset and waiver state once its records went through the
        reader, leaving out those it rejected (duplicates of ids read in earlier parts)."""
        rejected = {s.id or "" for s in stand_ins
                    if s is not None and s.entry.findings is not None and not s.taken}
        for rule, accumulator in self.accumulators:
            if rule.code not in self.disabled and rule.code in part.partials:
                accumulator.merge(part.partials[rule.code], rejected)
        self.checker.waivers.merge(part.waivers, rejected)

    def finish(self) -> Iterator[Finding]:
        """The villages' and projects' findings, then the dataset findings."""
        for village, source in self.villages:
            yield from self.checker.check_village(village, source=source)
        for project, source in self.projects:
            yield from self.checker.check_project(project, source=source)
        live = [(r, a) for r, a in self.accumulators if r.code not in self.disabled]
        yield from self.checker.finish_dataset(live, self.places)


def households(combiner: Combiner, checked: Iterable[tuple[Checked, Source | None]],
               ) -> Iterator[tuple[Sourced[Household] | None, list[Finding]]]:
    """The run of ``combiner`` grouped by household: each stand-in the reader accepted
    (``checked``, in reading order) as its household (as the part read it: the recipe asks for
    ``records``) with its findings, and ``(None, findings)`` for findings in no household's
    turn (a dataset rule that failed to start, villages, projects, dataset findings), in the
    order one process gives them."""
    if combiner.started:
        yield None, list(combiner.started)
    for stand_in, source in checked:
        findings = combiner.take(stand_in, source)
        record = stand_in.entry.record
        yield (None if record is None else Sourced(record, source)), findings
    for finding in combiner.finish():
        yield None, [finding]


def combine(combiner: Combiner, parts: Iterable[tuple[str, PartResult]], *,
            stats: ReadStats | None = None, errors: list[InputError] | None = None,
            warnings: list[InputError] | None = None, strict: bool = False, mask: bool = True,
            seen: SeenRecords | None = None) -> Iterator[Finding]:
    """Every finding of a run whose household files were checked in parts elsewhere: ``parts``
    are (file name, result) in reading order (e.g. :meth:`PartChecker.check_file
    <planner.parallel.part.PartChecker.check_file>` of each partition of a Dask dataset).

    ``stats``, ``errors`` and ``warnings`` receive the reading counts and input errors as one
    process reading the files would give them; ``seen`` the household ids (across files).
    """
    stats = stats if stats is not None else ReadStats()
    seen = seen if seen is not None else SeenRecords("household")
    yield from combiner.started
    for file, part in parts:
        pairs = combiner.outcomes(part)
        for outcome, position in accepted((o for o, _ in pairs), errors, stats, strict,
                                          warnings, mask, seen, file):
            stand_in = outcome.record
            assert isinstance(stand_in, Checked)
            yield from combiner.take(stand_in, source_of(outcome, position, file))
        combiner.merge(part, [stand_in for _, stand_in in pairs])
    yield from combiner.finish()


__all__ = ["Checked", "Combiner", "combine", "households"]
