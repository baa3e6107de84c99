"""The checker: derive facts once per household, run every selected rule, apply waivers.

A rule that raises (``sys.exit`` included) becomes a ``PLN001`` finding and the run goes on; a
rule call over its time budget is interrupted and becomes ``PLN004`` (see
:mod:`planner.watchdog`); waivers that are expired or unused are findings of their own
(``PLN002``, ``PLN003``). Rules written outside ``planner`` see read-only views of what they are
given (:mod:`planner.readonly`), so they cannot change what later rules and the planner read.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.area_facts import derive_project, derive_village
from planner.backends.python import compile_rule
from planner.backends.python.values import jsonable
from planner.engine_rules import (
    ENGINE_CODES,
    RULE_ERROR,
    RULE_TIMEOUT,
    WAIVER_EXPIRED,
    WAIVER_UNUSED,
)
from planner.facts import HouseholdFacts, derive
from planner.finding import Finding
from planner.measures import MeasureCatalog, default_catalog
from planner.model import Household, Project, Village, Waiver
from planner.model.personal import personal_values
from planner.params import ParameterSet, ParamValues, default_parameters
from planner.readonly import readonly
from planner.registry import RuleSet, load_rules
from planner.rule import SEVERITY_ORDER, DatasetCheck, Hit, Rule, RuleContext, render
from planner.watchdog import DEFAULT_RULE_TIMEOUT, Budget, RuleTimeout, checkpoint

#: What a rule may not turn into a finding: Ctrl-C, and a generator being closed.
_PASSING = (KeyboardInterrupt, GeneratorExit)


@dataclass(slots=True)
class FileWaiver:
    """A waiver kept in a waiver file rather than in the household record."""

    household: str
    waiver: Waiver
    source: str = ""


@dataclass(slots=True)
class CheckStats:
    """Counts of a run; ``findings_by_code`` and ``by_severity`` count unwaived findings."""

    households: int = 0
    villages: int = 0
    projects: int = 0
    findings: int = 0
    waived: int = 0
    rule_errors: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("error", "warning", "info"), 0)
    )

    def at_or_above(self, severity: str) -> int:
        """Unwaived findings of ``severity`` or worse."""
        floor = SEVERITY_ORDER[severity]
        return sum(n for s, n in self.by_severity.items() if SEVERITY_ORDER[s] >= floor)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the counts."""
        return {
            "households": self.households,
            "villages": self.villages,
            "projects": self.projects,
            "findings": self.findings,
            "waived": self.waived,
            "rule_errors": self.rule_errors,
            "by_severity": dict(self.by_severity),
            "by_code": dict(sorted(self.findings_by_code.items())),
        }


@dataclass(slots=True)
class CheckResult:
    """Findings of a whole run plus its counts."""

    findings: list[Finding]
    stats: CheckStats

    def codes(self, subject: str | None = None) -> list[str]:
        """Sorted unwaived finding codes, optionally for one subject."""
        return sorted(
            f.code
            for f in self.findings
            if not f.waived and (subject is None or f.subject == subject)
        )


class _RecordingParams(Mapping[str, Any]):
    """Parameter values that remember which names a rule read (for ``--explain``)."""

    __slots__ = ("_inner", "read")

    def __init__(self, values: ParamValues) -> None:
        self._inner = values
        self.read: list[str] = []

    def __getitem__(self, name: str) -> Any:
        self.read.append(name)
        return self._inner[name]

    def get(self, name: str, default: Any = None) -> Any:
        self.read.append(name)
        return self._inner.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)

    @property
    def when(self) -> date:
        return self._inner.when

    def provenance(self, name: str) -> Any:
        return self._inner.provenance(name)


class Checker:
    """Runs a rule set over households, villages and projects for one reference date.

    Build one per run; :meth:`check_household` is the hot path and allocates little beyond facts.
    ``engine_codes`` chooses which of ``PLN002``/``PLN003`` are reported (default: both);
    ``PLN001`` is always reported. ``known_codes`` are the codes (and aliases) of every loaded
    rule, selected or not: a waiver of a known but unselected code is neither used nor reported
    as unused. ``rule_timeout`` is the time budget in seconds of one rule call (``None`` or 0:
    none); a call over budget is interrupted, reported as ``PLN004`` and its rule disabled for
    the rest of the run.
    """

    def __init__(
        self,
        rules: RuleSet | Iterable[Rule] | None = None,
        params: ParameterSet | None = None,
        reference_date: date | None = None,
        *,
        waivers: Iterable[FileWaiver] = (),
        explain: bool = False,
        catalog: MeasureCatalog | None = None,
        engine_codes: Iterable[str] | None = None,
        known_codes: Iterable[str] | None = None,
        rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
    ):
        self.rules = rules if isinstance(rules, RuleSet) else (
            load_rules() if rules is None else RuleSet(rules)
        )
        self.params = params or default_parameters()
        self.reference_date = reference_date or date.today()
        self.values: ParamValues = self.params.at(self.reference_date)
        self.explain = explain
        self.catalog = catalog or default_catalog()
        self.income_raising = self.catalog.income_raising_ids()
        self.measure_addresses = {m.id: tuple(m.addresses) for m in self.catalog.values()}
        enabled = ENGINE_CODES if engine_codes is None else frozenset(engine_codes) & ENGINE_CODES
        self.engine_codes = enabled | {RULE_ERROR.code, RULE_TIMEOUT.code}
        self.rule_timeout = rule_timeout or None
        self._budget = Budget(rule_timeout)
        self._last_personal: tuple[object, tuple[str, ...]] = (None, ())
        by_scope: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.code in ENGINE_CODES and rule.family == RULE_ERROR.family:
                continue
            by_scope.setdefault(rule.scope, []).append(_read_only_for_outsiders(rule))
        household_rules = by_scope.get("household", [])
        self._household_rules = tuple(r for r in household_rules if not r.reads_findings)
        self._after_rules = tuple(r for r in household_rules if r.reads_findings)
        self._member_rules = tuple(by_scope.get("member", ()))
        self._village_rules = tuple(by_scope.get("village", ()))
        self._project_rules = tuple(by_scope.get("project", ()))
        self._dataset_rules = tuple(by_scope.get("dataset", ()))
        self._selected = frozenset(
            code for rule in self.rules for code in (rule.code, *rule.aliases)
        )
        self._known = self._selected | frozenset(known_codes or ())
        self._dataset_codes = frozenset(
            code for rule in self._dataset_rules for code in (rule.code, *rule.aliases)
        )
        # Waivers of dataset-scope codes wait for the end of the run, when those findings exist.
        self._deferred_waivers: dict[str, list[Waiver]] = {}
        self._file_waivers: dict[str, list[Waiver]] = {}
        self._waived_households: set[str] = set()  # households whose file waivers were judged
        for entry in waivers:
            self._file_waivers.setdefault(entry.household, []).append(entry.waiver)
        self.stats = CheckStats()

    # -- facts ---------------------------------------------------------------------------
    def facts(self, household: Household) -> HouseholdFacts:
        """Derive the facts of one household under this run's date and parameters."""
        return derive(
            household, self.reference_date, self.values, self.income_raising, self.measure_addresses
        )

    # -- per subject ---------------------------------------------------------------------
    def check_household(
        self, household: Household, facts: HouseholdFacts | None = None
    ) -> list[Finding]:
        """Findings of one household (waivers applied), counted in :attr:`stats`."""
        facts = facts or self.facts(household)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(
            self.values, self.reference_date, household=facts, explain=self.explain,
            catalog=self.catalog,
        )
        findings: list[Finding] = []
        subject = household.id
        for rule in self._household_rules:
            self._run(rule, ctx, subject, "household", findings)
        if self._member_rules:
            for member in facts.members:
                ctx.member = member
                for rule in self._member_rules:
                    self._run(rule, ctx, subject, "household", findings)
            ctx.member = None
        file_waivers = self._file_waivers.get(subject, ())
        if file_waivers:
            self._waived_households.add(subject)
        waivers = [*household.waivers, *file_waivers]
        if waivers and self._dataset_codes:
            waivers = self._defer_dataset_waivers(subject, waivers)
        if self._after_rules:
            if waivers:  # rules reading findings see which ones are waived
                self._mark_waived(waivers, findings)
            ctx.findings = list(findings)
            for rule in self._after_rules:
                self._run(rule, ctx, subject, "household", findings)
        if waivers:
            findings.extend(self._apply_waivers(subject, waivers, findings))
        self.stats.households += 1
        self._count(findings)
        return findings

    def check_village(self, village: Village, facts: Any = None) -> list[Finding]:
        """Findings of one village."""
        facts = facts or derive_village(village, self.reference_date)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(self.values, self.reference_date, village=facts,
                          explain=self.explain, catalog=self.catalog)
        findings: list[Finding] = []
        for rule in self._village_rules:
            self._run(rule, ctx, village.id, "village", findings)
        self.stats.villages += 1
        self._count(findings)
        return findings

    def check_project(self, project: Project, facts: Any = None) -> list[Finding]:
        """Findings of one project."""
        facts = facts or derive_project(project, self.reference_date)
        self._budget.thread = threading.get_ident()
        ctx = RuleContext(self.values, self.reference_date, project=facts,
                          explain=self.explain, catalog=self.catalog)
        findings: list[Finding] = []
        for rule in self._project_rules:
            self._run(rule, ctx, project.id, "project", findings)
        self.stats.projects += 1
        self._count(findings)
        return findings

    # -- whole runs ----------------------------------------------------------------------
    def iter_findings(
        self,
        households: Iterable[Household],
        villages: Iterable[Village] = (),
        projects: Iterable[Project] = (),
    ) -> Iterator[Finding]:
        """Stream findings: households first (one at a time), then villages, projects, dataset.

        A dataset rule whose accumulator raises or runs out of time is reported once (PLN001,
        PLN004) and dropped.
        """
        villages, projects = tuple(villages), tuple(projects)
        ctx = RuleContext(
            self.values, self.reference_date, villages=villages, projects=projects,
            explain=self.explain, catalog=self.catalog,
        )
        budget = self._budget
        budget.thread = threading.get_ident()
        accumulators: list[tuple[Rule, Any]] = []
        for rule in self._dataset_rules:
            try:
                with budget:
                    accumulators.append((rule, compile_rule(rule)(ctx)))
            except BaseException as exc:  # a broken dataset rule must not stop the run
                yield self._counted(self._failure(rule, "dataset", exc))
        for household in households:
            facts = self.facts(household)
            yield from self.check_household(household, facts)
            if not accumulators:
                continue
            broken = []
            for rule, accumulator in accumulators:
                try:
                    with budget:
                        accumulator.add(facts)
                except BaseException as exc:
                    broken.append(rule)
                    yield self._counted(self._failure(rule, household.id, exc))
            if broken:
                accumulators = [(r, a) for r, a in accumulators if r not in broken]
        for village in villages:
            yield from self.check_village(village)
        for project in projects:
            yield from self.check_project(project)
        dataset_findings: list[Finding] = []
        for rule, accumulator in accumulators:
            findings: list[Finding] = []
            try:
                with budget:
                    for hit in accumulator.finish():
                        subject = hit.household or hit.subject or "dataset"
                        kind = "household" if hit.household else "dataset"
                        findings.append(self._finding(rule, hit, subject, kind, None))
            except BaseException as exc:
                findings = [self._failure(rule, "dataset", exc)]
            dataset_findings.extend(findings)
        dataset_findings.extend(self._apply_deferred_waivers(dataset_findings))
        dataset_findings.extend(self._waivers_of_absent_households())
        self._count(dataset_findings)
        yield from dataset_findings

    # -- internals -----------------------------------------------------------------------
    def _run(
        self, rule: Rule, ctx: RuleContext, subject: str, kind: str, out: list[Finding]
    ) -> None:
        """Run one rule on one subject; on error or timeout, keep none of its hits and report
        PLN001 or PLN004."""
        recording = None
        if self.explain:
            recording = _RecordingParams(self.values)
            ctx.params = recording  # type: ignore[assignment]
        budget = self._budget  # ``with budget:`` inlined: this runs once per rule and subject
        budget.tick += 1
        try:
            try:
                found = [self._finding(rule, hit, subject, kind, ctx, recording)
                         for hit in compile_rule(rule)(ctx)]
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
        recording: _RecordingParams | None = None,
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
            setattr(self, name, tuple(r for r in getattr(self, name) if r is not rule))

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
        )

    def _defer_dataset_waivers(self, subject: str, waivers: list[Waiver]) -> list[Waiver]:
        """Keep live waivers of dataset-scope codes for the end of the run; return the others."""
        keep: list[Waiver] = []
        for waiver in waivers:
            if waiver.code in self._dataset_codes and waiver.expires >= self.reference_date:
                self._deferred_waivers.setdefault(subject, []).append(waiver)
            else:
                keep.append(waiver)
        return keep

    def _apply_deferred_waivers(self, findings: list[Finding]) -> list[Finding]:
        """Apply the deferred waivers to dataset findings; report the unused ones."""
        by_subject: dict[str, list[Finding]] = {}
        for finding in findings:
            by_subject.setdefault(finding.subject, []).append(finding)
        extra: list[Finding] = []
        for subject, waivers in self._deferred_waivers.items():
            extra.extend(self._apply_waivers(subject, waivers, by_subject.get(subject, [])))
        return extra

    def _waivers_of_absent_households(self) -> list[Finding]:
        """File waivers naming a household that was not in the input cover nothing: PLN003."""
        extra: list[Finding] = []
        for subject, waivers in self._file_waivers.items():
            if subject not in self._waived_households:
                extra.extend(self._apply_waivers(subject, waivers, [], absent=True))
        return extra

    def _mark_waived(self, waivers: list[Waiver], findings: list[Finding]) -> None:
        for waiver in waivers:
            if waiver.expires < self.reference_date:
                continue
            codes = self.rules.codes_of(waiver.code)
            for finding in findings:
                if finding.code in codes and waiver.member in (None, finding.member):
                    finding.waiver = waiver

    def _apply_waivers(
        self, subject: str, waivers: list[Waiver], findings: list[Finding], absent: bool = False
    ) -> list[Finding]:
        extra: list[Finding] = []
        for waiver in waivers:
            codes = self.rules.codes_of(waiver.code)
            evidence = {"code": waiver.code, "reason": waiver.reason, "approver": waiver.approver,
                        "expires": waiver.expires.isoformat(), "member": waiver.member}
            if waiver.expires < self.reference_date:
                if WAIVER_EXPIRED.code in self.engine_codes:
                    extra.append(self._engine_finding(WAIVER_EXPIRED, subject, evidence,
                                                      evidence, waiver.member))
                continue
            used = False
            for finding in findings:
                if finding.code in codes and (
                    waiver.member is None or finding.member == waiver.member
                ):
                    finding.waiver = waiver
                    used = True
            if used or WAIVER_UNUSED.code not in self.engine_codes:
                continue
            if absent:
                why_zh, why_en = "输入中没有此户", "the household is not in the input"
            elif waiver.code in self._selected:
                why_zh, why_en = "该户没有此问题", "no such finding for this household"
                if waiver.member is not None:
                    why_zh = f"第 {waiver.member} 名成员没有此问题"
                    why_en = f"no such finding for member {waiver.member}"
            elif waiver.code in self._known:
                continue  # the rule was not selected for this run: nothing to judge
            else:
                why_zh, why_en = "没有这个规则代码", "no rule has this code"
            extra.append(self._engine_finding(
                WAIVER_UNUSED, subject, {**evidence, "why": why_zh}, evidence, waiver.member,
                values_en={**evidence, "why": why_en},
            ))
        return extra

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


def _read_only_for_outsiders(rule: Rule) -> Rule:
    """The rule itself if ``planner`` wrote it, else the same rule seeing read-only views.

    Built-in rules (and rules compiled from YAML) never write and run on the hot path unwrapped;
    a local file or a third-party pack gets views, so a mistake in it cannot change the facts,
    records or findings that later rules and the planner read.
    """
    if rule.function is None:  # a spec rule: compiled here, once, for this backend
        return dataclasses.replace(rule, function=compile_rule(rule))
    module = getattr(rule.function, "__module__", None) or ""
    if module == "planner" or module.startswith("planner."):
        return rule
    function = rule.function
    if rule.scope == "dataset":
        def start(ctx: RuleContext) -> DatasetCheck:
            return _ReadOnlyCheck(function(readonly(ctx)))

        return dataclasses.replace(rule, function=start)

    def run(ctx: RuleContext) -> Iterable[Hit]:
        return function(readonly(ctx))  # type: ignore[no-any-return]

    return dataclasses.replace(rule, function=run)


class _ReadOnlyCheck:
    """A dataset rule's accumulator that sees each household's facts read-only."""

    __slots__ = ("_inner",)

    def __init__(self, inner: DatasetCheck) -> None:
        self._inner = inner

    def add(self, household: HouseholdFacts) -> None:
        self._inner.add(readonly(household))

    def finish(self) -> Iterable[Hit]:
        return self._inner.finish()


def _selectors(values: Iterable[str]) -> Sequence[str]:
    return values if isinstance(values, str) else tuple(values)


def check(
    households: Iterable[Household],
    *,
    rules: RuleSet | Iterable[Rule] | None = None,
    params: ParameterSet | None = None,
    reference_date: date | None = None,
    villages: Iterable[Village] = (),
    projects: Iterable[Project] = (),
    waivers: Iterable[FileWaiver] = (),
    explain: bool = False,
    catalog: MeasureCatalog | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
) -> CheckResult:
    """Check households (and villages and projects) and return every finding with the counts.

    ``rules`` defaults to every installed pack; ``params`` to the shipped parameters;
    ``reference_date`` to today. ``select``/``ignore`` narrow the rules by code prefix, name or
    family exactly as on the command line. ``rule_timeout`` is the time budget of one rule call
    in seconds (``None``: none).
    """
    rule_set = rules if isinstance(rules, RuleSet) else (
        load_rules() if rules is None else RuleSet(rules)
    )
    engine_codes = None
    if select is not None or ignore:
        from planner.selection import Selection, select_rules

        # Selection splits a plain string ("INC,HOU") itself; other iterables become tuples.
        level = Selection(
            select=None if select is None else _selectors(select), ignore=_selectors(ignore)
        )
        chosen = select_rules(rule_set, [level])
        engine_codes = [r.code for r in chosen if r.code in ENGINE_CODES]
        known = [code for r in rule_set for code in (r.code, *r.aliases)]
        rule_set = chosen
    else:
        known = None
    checker = Checker(
        rule_set, params, reference_date, waivers=waivers, explain=explain, catalog=catalog,
        engine_codes=engine_codes, known_codes=known, rule_timeout=rule_timeout,
    )
    findings = list(checker.iter_findings(households, villages, projects))
    return CheckResult(findings, checker.stats)
