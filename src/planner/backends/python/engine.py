"""The Python backend's checker: derive facts once per household, run every selected rule,
have the run's waivers judged.

A rule that raises (``sys.exit`` included) becomes a ``PLN001`` finding and the run goes on; a
rule call over its time budget is interrupted and becomes ``PLN004`` (see
:mod:`planner.watchdog`); waivers that are expired or unused are findings of their own
(``PLN002``, ``PLN003``). Rules written outside ``planner`` see read-only views of what they are
given (:mod:`planner.readonly`), so they cannot change what later rules and the planner read.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from planner.backends.python.env import Env
from planner.backends.python.fact_reads import dataset_rules_facts, rules_facts
from planner.backends.python.facts import derive, derive_project, derive_village, deriver
from planner.backends.python.outsiders import read_only_for_outsiders
from planner.backends.python.recording import RecordingParams
from planner.backends.python.rules import CONDITIONS, MEMBER_SPLITS
from planner.backends.python.selection import (
    GROUPS,
    Compiled,
    Groups,
    RulePlan,
    RulePlans,
    place,
    sorted_notices,
    unpack,
)
from planner.backends.python.values import jsonable
from planner.engine_rules import ENGINE_CODES, RULE_ERROR, RULE_TIMEOUT
from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.model import Household, Project, Village
from planner.model.personal import personal_values
from planner.params import ParamValues
from planner.results import CheckStats
from planner.rule import Hit, Rule, RuleContext, render
from planner.source import RuleSkipped, Source, Sourced
from planner.waivers import WaiverLedger, codes_with_aliases
from planner.watchdog import Budget, RuleTimeout, checkpoint

if TYPE_CHECKING:  # planner.run builds runs and hands them to this backend
    from planner.run import Run

#: What a rule may not turn into a finding: Ctrl-C, and a generator being closed.
_PASSING = (KeyboardInterrupt, GeneratorExit)


class Places(Mapping[str, tuple[Source | None, Any]]):
    """Where each household of a run was read (id → source, region), for the dataset findings
    about it, kept until the run ends, compactly: a household costs its id, one small integer
    and 16 bytes of arrays, not a source and a region record (a province's run would grow by a
    kilobyte a household). A source of one record is kept as its record number and its file's
    shared part; regions are shared, one object per distinct region."""

    def __init__(self) -> None:
        self._at: dict[str, int] = {}
        self._kinds: list[Any] = []  # a source's shared part (rows left out), or a whole source
        self._kind_index: dict[Any, int] = {}
        self._regions: list[Any] = []
        self._region_index: dict[tuple[Any, ...], int] = {}
        self._kind = array("I")
        self._row = array("q")
        self._region = array("I")

    def put(self, household: str, source: Source | None, region: Any) -> None:
        """Record where ``household`` was read (a later record of the same id replaces it)."""
        row = -1
        if type(source) is Source and len(source.rows) == 1:
            row = source.rows[0]
            source = replace(source, rows=())
        kind = self._kind_index.get(source)  # type: ignore[arg-type]
        if kind is None:
            kind = self._kind_index[source] = len(self._kinds)  # type: ignore[index]
            self._kinds.append(source)
        key = () if region is None else tuple(region.__dict__.values())
        at = self._region_index.get(key)
        if at is None:
            at = self._region_index[key] = len(self._regions)
            self._regions.append(region)
        self._at[household] = len(self._kind)
        self._kind.append(kind)
        self._row.append(row)
        self._region.append(at)

    def __getitem__(self, household: str) -> tuple[Source | None, Any]:
        index = self._at[household]
        source, row = self._kinds[self._kind[index]], self._row[index]
        if source is not None and row >= 0:
            source = replace(source, rows=(row,))
        return source, self._regions[self._region[index]]

    def __contains__(self, household: object) -> bool:
        return household in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


_NO_MEMBER: dict[Any, Callable[[Env], Any]] = {}
"""What :meth:`Checker._guards` returns when no member rule holds for any of the household's
members: the members are not visited."""


def _never(env: Env) -> bool:
    """The condition of a member rule whose household part is false (see :meth:`_guards`)."""
    return False


class Checker:
    """Runs a rule set over households, villages and projects for one reference date.

    Build one per :class:`~planner.run.Run`; :meth:`check_household` is the hot path and
    allocates little beyond facts. The run's ``engine_codes`` choose which of ``PLN002``/``PLN003``
    are reported; ``PLN001`` and ``PLN004`` always are. Waivers are judged by a
    :class:`~planner.waivers.WaiverLedger`. A rule call over the run's ``rule_timeout`` is
    interrupted, reported as ``PLN004`` and its rule disabled for the rest of the run.

    Households, villages and projects may come with their :class:`~planner.source.Source`
    (:class:`~planner.source.Sourced` items): it is copied onto their findings with the subject's
    region, and a source naming the fields it carries runs only the rules it can feed
    (:mod:`planner.backends.python.selection`); :meth:`skipped` reports the others.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.rules = run.rules
        self.params = run.parameters
        self.reference_date = run.reference_date
        self.values: ParamValues = run.values
        self.explain = run.explain
        self.catalog = run.catalog
        self.income_raising = self.catalog.income_raising_ids()
        self.measure_addresses = {m.id: tuple(m.addresses) for m in self.catalog.values()}
        self.engine_codes = (run.engine_codes & ENGINE_CODES) | {RULE_ERROR.code,
                                                                 RULE_TIMEOUT.code}
        self.rule_timeout = run.rule_timeout or None
        self._budget = Budget(self.rule_timeout)
        self._last_personal: tuple[object, tuple[str, ...]] = (None, ())
        # the household's member-rule guards while its members are checked (see _guards)
        self._decided: dict[Any, Callable[[Env], Any]] | None = None
        by_scope: dict[str, list[Compiled]] = {}
        for rule in self.rules:
            if rule.code in ENGINE_CODES and rule.family == RULE_ERROR.family:
                continue
            by_scope.setdefault(rule.scope, []).append((rule, read_only_for_outsiders(rule)))
        household_rules = by_scope.get("household", [])
        self._household_rules = tuple(c for c in household_rules if not c[0].reads_findings)
        self._after_rules = tuple(c for c in household_rules if c[0].reads_findings)
        self._member_rules = tuple(by_scope.get("member", ()))
        self._village_rules = tuple(by_scope.get("village", ()))
        self._project_rules = tuple(by_scope.get("project", ()))
        self._dataset_rules = tuple(by_scope.get("dataset", ()))
        self._plans = {kind: RulePlans(self._groups(kind),
                                       self._dataset_rules if kind == "household" else ())
                       for kind in GROUPS}
        read = None if self.explain else rules_facts(
            rule for rule, _ in (*self._household_rules, *self._member_rules, *self._after_rules))
        if read is not None and self._dataset_rules:  # their accumulators read facts too
            dataset_read = dataset_rules_facts(rule for rule, _ in self._dataset_rules)
            read = None if dataset_read is None else read | dataset_read
        self._derive_read = deriver(read)
        self.waivers = WaiverLedger(
            self.rules, run.waivers, self.reference_date, self._engine_finding,
            known_codes=run.known_codes, engine_codes=self.engine_codes,
            dataset_codes=codes_with_aliases(rule for rule, _ in self._dataset_rules),
        )
        self.stats = CheckStats()

    # -- facts ---------------------------------------------------------------------------
    def facts(self, household: Household) -> HouseholdFacts:
        """Derive the facts of one household under this run's date and parameters."""
        return derive(
            household, self.reference_date, self.values, self.income_raising, self.measure_addresses
        )

    def rule_facts(self, household: Household) -> HouseholdFacts:
        """The facts of one household that this run's rules read (the others are None): what
        the checker derives when it is not given facts."""
        return self._derive_read(
            household, self.reference_date, self.values, self.income_raising, self.measure_addresses
        )

    # -- per subject ---------------------------------------------------------------------
    def check_household(
        self, household: Household, facts: HouseholdFacts | None = None,
        source: Source | None = None,
    ) -> list[Finding]:
        """Findings of one household (waivers applied), counted in :attr:`stats`.

        ``source`` (where the household was read) and the household's region are set on each
        finding; the rules needing a field the source does not carry are not run.
        """
        return self._check_household(household, facts, source, self._plan("household", source))

    def _check_household(
        self, household: Household, facts: HouseholdFacts | None, source: Source | None,
        plan: RulePlan | None,
    ) -> list[Finding]:
        facts = facts or self.rule_facts(household)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(
            self.values, self.reference_date, household=facts, explain=self.explain,
            catalog=self.catalog, fields=None if source is None else source.fields,
        )
        findings: list[Finding] = []
        subject = household.id
        env = None if self.explain else Env(facts, self.values, catalog=self.catalog)
        self._run_holding(self._household_rules if plan is None
                          else plan.group("_household_rules"), ctx, env, subject, findings)
        if self._member_rules:
            decided = None if env is None else self._guards(
                self._member_rules if plan is None else plan.group("_member_rules"), env)
            self._decided = decided
            for member in facts.members if decided is not _NO_MEMBER else ():
                ctx.member = member
                if env is not None:
                    env.member = member
                # read anew for each member: a rule that runs out of time is disabled
                self._run_holding(self._member_rules if plan is None
                                  else plan.group("_member_rules"), ctx, env, subject, findings)
            self._decided = None
            ctx.member = None
        waivers = self.waivers.of_household(subject, household.waivers)
        after = self._after_rules if plan is None else plan.group("_after_rules")
        if after:
            if waivers:  # rules reading findings see which ones are waived
                self.waivers.mark(waivers, findings)
            ctx.findings = list(findings)
            for rule, function in after:
                self._run(rule, function, ctx, subject, "household", findings)
        if waivers:
            findings.extend(self.waivers.apply(subject, waivers, findings))
        if findings:
            place(findings, source, household.region)
        self.stats.households += 1
        self._count(findings)
        return findings

    def check_village(
        self, village: Village, facts: Any = None, source: Source | None = None
    ) -> list[Finding]:
        """Findings of one village (``source`` as for :meth:`check_household`)."""
        facts = facts or derive_village(village, self.reference_date)
        plan = self._plan("village", source)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(self.values, self.reference_date, village=facts,
                          explain=self.explain, catalog=self.catalog,
                          fields=None if source is None else source.fields)
        findings: list[Finding] = []
        for rule, function in (self._village_rules if plan is None
                               else plan.group("_village_rules")):
            self._run(rule, function, ctx, village.id, "village", findings)
        if findings:
            place(findings, source, village.region)
        self.stats.villages += 1
        self._count(findings)
        return findings

    def check_project(
        self, project: Project, facts: Any = None, source: Source | None = None
    ) -> list[Finding]:
        """Findings of one project (``source`` as for :meth:`check_household`)."""
        facts = facts or derive_project(project, self.reference_date)
        plan = self._plan("project", source)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(self.values, self.reference_date, project=facts,
                          explain=self.explain, catalog=self.catalog,
                          fields=None if source is None else source.fields)
        findings: list[Finding] = []
        for rule, function in (self._project_rules if plan is None
                               else plan.group("_project_rules")):
            self._run(rule, function, ctx, project.id, "project", findings)
        if findings:
            place(findings, source, project.region)
        self.stats.projects += 1
        self._count(findings)
        return findings

    def skipped(self) -> list[RuleSkipped]:
        """The rules not run on some source table's records because the table lacks fields they
        need: one notice per rule and table, by file, sheet and code."""
        return sorted_notices(n for plans in self._plans.values() for n in plans.skipped())

    def _plan(self, kind: str, source: Source | None) -> RulePlan | None:
        """The rules for a record of ``source`` (None: every rule), the record counted."""
        if source is None or source.fields is None:
            return None
        return self._plans[kind].of(source, source.fields)

    def _groups(self, kind: str) -> Groups:
        return {name: getattr(self, name) for name in GROUPS[kind]}

    # -- whole runs ----------------------------------------------------------------------
    def iter_findings(
        self,
        households: Iterable[Household | Sourced[Household]],
        villages: Iterable[Village | Sourced[Village]] = (),
        projects: Iterable[Project | Sourced[Project]] = (),
    ) -> Iterator[Finding]:
        """Stream findings: households first (one at a time), then villages, projects, dataset.

        Each item is a record or a :class:`~planner.source.Sourced` record (see
        :meth:`check_household`). A household whose source lacks a dataset rule's needs is not
        fed to it. A dataset rule whose accumulator raises or runs out of time is reported once
        (PLN001, PLN004) and dropped.
        """
        sourced_villages = [unpack(v) for v in villages]
        sourced_projects = [unpack(p) for p in projects]
        ctx = RuleContext(
            self.values, self.reference_date,
            villages=tuple(v for v, _ in sourced_villages),
            projects=tuple(p for p, _ in sourced_projects),
            explain=self.explain, catalog=self.catalog,
        )
        accumulators, failures = self.start_dataset(ctx)
        yield from failures
        # Where each household was read, for the dataset findings about it.
        places = Places()
        plans = self._plans["household"]
        for item in households:
            household, source = item if isinstance(item, Sourced) else (item, None)
            plan = None if source is None or source.fields is None else plans.of(
                source, source.fields)
            facts = self.rule_facts(household)
            yield from self._check_household(household, facts, source, plan)
            if not accumulators:
                continue
            places.put(household.id, source, household.region)
            for failure in self.feed_dataset(accumulators, facts, plan):  # dropped once broken
                yield failure
                broken = failure.evidence["rule"]
                accumulators = [(r, a) for r, a in accumulators if r.code != broken]
        for village, source in sourced_villages:
            yield from self.check_village(village, source=source)
        for project, source in sourced_projects:
            yield from self.check_project(project, source=source)
        yield from self.finish_dataset(accumulators, places)

    def start_dataset(self, ctx: RuleContext) -> tuple[list[tuple[Rule, Any]], list[Finding]]:
        """The dataset rules' accumulators, and findings (counted) of those that failed to start."""
        budget = self._budget
        budget.thread = threading.get_ident()
        accumulators: list[tuple[Rule, Any]] = []
        failures: list[Finding] = []  # a broken dataset rule must not stop the run
        for rule, function in self._dataset_rules:
            try:
                with budget:
                    accumulators.append((rule, function(ctx)))
            except BaseException as exc:
                failures.append(self._counted(self._failure(rule, "dataset", exc)))
        return accumulators, failures

    def feed_dataset(self, accumulators: Iterable[tuple[Rule, Any]], facts: HouseholdFacts,
                     plan: RulePlan | None = None) -> list[Finding]:
        """Feed one household's facts to the accumulators its source's ``plan`` keeps; findings
        (counted) of those that raised or ran out of time, for the caller to drop."""
        budget = self._budget
        failures: list[Finding] = []
        for rule, accumulator in accumulators:
            if plan is not None and rule.code in plan.dataset_left_out:
                continue
            try:
                with budget:
                    accumulator.add(facts)
            except BaseException as exc:
                failures.append(self._counted(self._failure(rule, facts.id, exc)))
        return failures

    def tally(self, findings: list[Finding], households: int = 0) -> None:
        """Count findings (and households) checked by a worker of :mod:`planner.parallel`."""
        self.stats.households += households
        self.stats.rule_errors += sum(f.code in (RULE_ERROR.code, RULE_TIMEOUT.code)
                                      for f in findings)
        self._count(findings)

    def lost(self, subject: str, why_zh: str, why_en: str) -> Finding:
        """PLN001 (not counted): checking ``subject`` killed or hung a worker process."""
        values = {"rule": "?", "subject": subject, "error": why_zh}
        return self._engine_finding(RULE_ERROR, subject, values, {"rule": None, "error": why_en},
                                    values_en={**values, "error": why_en})

    def finish_dataset(self, accumulators: Iterable[tuple[Rule, Any]],
                       places: Mapping[str, tuple[Source | None, Any]]) -> list[Finding]:
        """Dataset findings (counted) with deferred waivers judged; ``places``: household id →
        (source, region)."""
        budget = self._budget
        dataset_findings: list[Finding] = []
        for rule, accumulator in accumulators:
            findings: list[Finding] = []
            try:
                with budget:
                    for hit in accumulator.finish():
                        subject = hit.household or hit.subject or "dataset"
                        kind = "household" if hit.household else "dataset"
                        finding = self._finding(rule, hit, subject, kind, None)
                        if hit.household in places:
                            finding.source, finding.region = places[hit.household]
                        findings.append(finding)
            except BaseException as exc:
                findings = [self._failure(rule, "dataset", exc)]
            dataset_findings.extend(findings)
        dataset_findings.extend(self.waivers.finish(dataset_findings))
        self._count(dataset_findings)
        return dataset_findings

    # -- internals -----------------------------------------------------------------------
    @staticmethod
    def _guards(rules: Iterable[Compiled], env: Env) -> dict[Any, Callable[[Env], Any]] | None:
        """Member rules' household parts (:data:`MEMBER_SPLITS`) judged once for a household:
        rule function → what to test per member instead of the whole condition (the member part
        when the household part holds, :func:`_never` when it is false; a household part
        unknown or raising leaves the rule's whole condition to each member, as before).
        :data:`_NO_MEMBER` when no rule can hold for any member (None: no rule is split)."""
        decided: dict[Any, Callable[[Env], Any]] = {}
        every = True
        for _, function in rules:
            split = MEMBER_SPLITS.get(function)
            if split is None:
                every = False
                continue
            try:
                held = split[0](env)
            except Exception:  # the member's whole condition raises it again: PLN001
                held = None
            if env.matched_members:
                env.matched_members = []
            if held is False:
                decided[function] = _never
            else:
                every = False
                if held is True:
                    decided[function] = split[1]
        if every:
            return _NO_MEMBER
        return decided or None

    def _run_holding(
        self, rules: Iterable[Compiled], ctx: RuleContext, env: Env | None, subject: str,
        out: list[Finding],
    ) -> None:
        """Run ``rules`` on one household or member, in one pass over their conditions: a rule
        whose condition is known (:data:`CONDITIONS`) and does not hold is not called, the
        others run as :meth:`_run` runs them (a condition that raises too: the call reports
        it). ``env`` is None with ``explain``: every rule is called, to trace it. On a member,
        what :meth:`_guards` decided for the household is tested in place of a member rule's
        condition."""
        decided = self._decided
        for rule, function in rules:
            if env is not None and (condition := (
                    (decided and decided.get(function)) or CONDITIONS.get(function))) is not None:
                if env.matched_members:  # what a quantifier matched is no rule's business here
                    env.matched_members = []
                try:
                    if condition(env) is not True:
                        continue
                except Exception:  # the call below raises it again: PLN001
                    pass
            self._run(rule, function, ctx, subject, "household", out)

    def _run(
        self, rule: Rule, function: Callable[[RuleContext], Any], ctx: RuleContext,
        subject: str, kind: str, out: list[Finding],
    ) -> None:
        """Run one rule on one subject; on error or timeout, keep none of its hits and report
        PLN001 or PLN004."""
        recording = None
        if self.explain:
            recording = RecordingParams(self.values)
            ctx.params = recording  # type: ignore[assignment]
        budget = self._budget  # ``with budget:`` inlined: this runs once per rule and subject
        budget.tick += 1
        try:
            try:
                found = [self._finding(rule, hit, subject, kind, ctx, recording)
                         for hit in function(ctx)]
            finally:
                budget.tick += 1
                if budget.fired:
                    checkpoint()
        except BaseException as exc:  # SystemExit too: the exit code reflects findings only
            member = ctx.member.number if ctx.member is not None else None
            error = self._failure(rule, subject, exc, member, kind)
            if ctx.household is not None:  # an exception text may quote a member's record
                error.personal = self._personal_values(ctx.household)
            out.append(error)
            return
        finally:
            if recording is not None:
                ctx.params = self.values
        out.extend(found)

    def _finding(
        self, rule: Rule, hit: Hit, subject: str, kind: str, ctx: RuleContext | None,
        recording: RecordingParams | None = None,
    ) -> Finding:
        household = ctx.household if ctx else None
        member = ctx.member if ctx else None
        if member is None and hit.member is not None and household is not None:
            member = next((m for m in household.members if m.number == hit.member), None)
        if hit.subject is not None:
            subject = hit.subject
            if kind == "household" and not hit.household:
                kind = "dataset"
        values = hit.values
        personal: list[str] = []
        finding = Finding(
            code=rule.code,
            name=rule.name,
            family=rule.family,
            severity=rule.severity,
            subject=hit.household or subject,
            subject_kind=kind,
            message_zh=render(rule.message.zh, household, member, self.values, values, "zh",
                              personal),
            message_en=render(rule.message.en, household, member, self.values, values, "en",
                              personal),
            member=hit.member,
            evidence=hit.evidence,
            references=rule.references,
            proposes=rule.proposes,
            kind=rule.kind,
            need=rule.need,
            measure=hit.measure,
            refers_to=hit.refers_to,
            # Every personal value of the household, not only those the template named: a rule
            # may quote members in its values, evidence or a whole record.
            personal=(self._personal_values(household) if household is not None
                      else tuple(sorted(dict.fromkeys(personal), key=len, reverse=True))),
        )
        if self.explain:
            read = recording.read if recording is not None else []
            finding.trace = hit.trace or []
            finding.parameters = self._provenance([*rule.parameters, *read])
        return finding

    def _provenance(self, names: Iterable[str]) -> dict[str, Any]:
        parameters: dict[str, Any] = {}
        for name in dict.fromkeys(names):
            if name not in self.values:
                parameters[name] = {"value": None}
                continue
            dated = self.values.provenance(name)
            parameters[name] = {
                "value": jsonable(dated.value),
                "since": dated.start.isoformat(),
                "source": dated.source,
                "reference": dated.reference,
            }
        return parameters

    def _personal_values(self, household: HouseholdFacts) -> tuple[str, ...]:
        """The values of the household's personal fields, longest first, to be masked wherever
        they are quoted (kept for the last household: its findings come one after another)."""
        record, values = self._last_personal
        if record is not household.record:
            values = personal_values(household.record)
            self._last_personal = (household.record, values)
        return values

    def _failure(
        self, rule: Rule, subject: str, exc: BaseException, member: int | None = None,
        kind: str | None = None,
    ) -> Finding:
        """PLN004 for a rule call over budget (the rule is disabled), PLN001 for an error."""
        if isinstance(exc, _PASSING):
            raise exc
        if not isinstance(exc, RuleTimeout):
            return self._rule_error(rule, subject, exc, member, kind)
        self._disable(rule)
        self.stats.rule_errors += 1
        where = subject if member is None else f"{subject} m{member}"
        values = {"rule": rule.code, "subject": where, "seconds": f"{self.rule_timeout:g}"}
        evidence = {"rule": rule.code, "rule_name": rule.name, "source": rule.source,
                    "seconds": self.rule_timeout}
        kind = kind or ("dataset" if subject == "dataset" else "household")
        return self._engine_finding(RULE_TIMEOUT, subject, values, evidence, member, kind)

    def _disable(self, rule: Rule) -> None:
        """Run ``rule`` no more in this run (it ran out of time once)."""
        for name in ("_household_rules", "_after_rules", "_member_rules", "_village_rules",
                     "_project_rules"):
            setattr(self, name, tuple(c for c in getattr(self, name) if c[0] is not rule))
        for kind, plans in self._plans.items():
            plans.update(self._groups(kind))

    def _rule_error(
        self, rule: Rule, subject: str, exc: BaseException, member: int | None = None,
        kind: str | None = None,
    ) -> Finding:
        self.stats.rule_errors += 1
        where = subject if member is None else f"{subject} m{member}"
        error = f"{type(exc).__name__}: {exc}"
        values = {"rule": rule.code, "subject": where, "error": error}
        evidence = {"rule": rule.code, "rule_name": rule.name, "source": rule.source,
                    "error": error}
        kind = kind or ("dataset" if subject == "dataset" else "household")
        return self._engine_finding(RULE_ERROR, subject, values, evidence, member, kind)

    def _engine_finding(
        self, rule: Rule, subject: str, values: dict[str, Any], evidence: dict[str, Any],
        member: int | None = None, kind: str = "household",
        values_en: dict[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            name=rule.name,
            family=rule.family,
            severity=rule.severity,
            subject=subject,
            subject_kind=kind,
            message_zh=render(rule.message.zh, None, None, self.values, values),
            message_en=render(rule.message.en, None, None, self.values, values_en or values,
                              "en"),
            member=member,
            evidence=evidence,
            references=rule.references,
            kind=rule.kind,
        )

    def _counted(self, finding: Finding) -> Finding:
        self._count([finding])
        return finding

    def _count(self, findings: list[Finding]) -> None:
        stats = self.stats
        for finding in findings:
            if finding.waived:
                stats.waived += 1
                continue
            stats.findings += 1
            stats.findings_by_code[finding.code] = stats.findings_by_code.get(finding.code, 0) + 1
            stats.by_severity[finding.severity] = stats.by_severity.get(finding.severity, 0) + 1
