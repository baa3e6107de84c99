"""The checker: derive facts once per household, run every selected rule, apply waivers.

A rule that raises becomes a ``PLN001`` finding and the run goes on; waivers that are expired or
unused are findings of their own (``PLN002``, ``PLN003``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.compile import jsonable
from planner.facts import HouseholdFacts, derive
from planner.finding import Finding
from planner.measures import MeasureCatalog, default_catalog
from planner.model import Household, Project, Village, Waiver
from planner.params import ParameterSet, ParamValues, default_parameters
from planner.registry import RuleSet, load_rules
from planner.rule import Hit, Rule, RuleContext, render
from planner.spec import Message

RULE_ERROR = ("PLN001", "rule-error", "error")
WAIVER_EXPIRED = ("PLN002", "waiver-expired", "warning")
WAIVER_UNUSED = ("PLN003", "waiver-unused", "info")

_ENGINE_MESSAGES = {
    "PLN001": Message(
        zh="规则 {values[rule]} 在检查 {values[subject]} 时出错：{values[error]}",
        en="rule {values[rule]} failed on {values[subject]}: {values[error]}",
    ),
    "PLN002": Message(
        zh="{values[code]} 的豁免已于 {values[expires]} 过期（审批人 {values[approver]}）",
        en="the waiver of {values[code]} expired on {values[expires]} (approved by {values[approver]})",
    ),
    "PLN003": Message(
        zh="{values[code]} 的豁免未被使用：该户没有此问题，请撤销",
        en="the waiver of {values[code]} matched no finding; remove it",
    ),
}


@dataclass(slots=True)
class FileWaiver:
    """A waiver kept in a waiver file rather than in the household record."""

    household: str
    waiver: Waiver


@dataclass(slots=True)
class CheckStats:
    """Counts of a run; ``findings_by_code`` counts unwaived findings."""

    households: int = 0
    villages: int = 0
    projects: int = 0
    findings: int = 0
    waived: int = 0
    rule_errors: int = 0
    findings_by_code: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class CheckResult:
    """Findings of a whole run plus its counts."""

    findings: list[Finding]
    stats: CheckStats

    def codes(self, subject: str | None = None) -> list[str]:
        """Sorted unwaived finding codes, optionally for one subject."""
        return sorted(
            f.code for f in self.findings if not f.waived and (subject is None or f.subject == subject)
        )


class Checker:
    """Runs a rule set over households, villages and projects for one reference date.

    Build one per run; :meth:`check_household` is the hot path and allocates little beyond facts.
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
        by_scope: dict[str, list[Rule]] = {}
        for rule in self.rules:
            by_scope.setdefault(rule.scope, []).append(rule)
        household_rules = by_scope.get("household", [])
        self._household_rules = tuple(r for r in household_rules if not r.reads_findings)
        self._after_rules = tuple(r for r in household_rules if r.reads_findings)
        self._member_rules = tuple(by_scope.get("member", ()))
        self._village_rules = tuple(by_scope.get("village", ()))
        self._project_rules = tuple(by_scope.get("project", ()))
        self._dataset_rules = tuple(by_scope.get("dataset", ()))
        self._file_waivers: dict[str, list[Waiver]] = {}
        for entry in waivers:
            self._file_waivers.setdefault(entry.household, []).append(entry.waiver)
        self.stats = CheckStats()

    # -- facts ---------------------------------------------------------------------------
    def facts(self, household: Household) -> HouseholdFacts:
        """Derive the facts of one household under this run's date and parameters."""
        return derive(household, self.reference_date, self.values, self.income_raising)

    # -- per subject ---------------------------------------------------------------------
    def check_household(
        self, household: Household, facts: HouseholdFacts | None = None
    ) -> list[Finding]:
        """Findings of one household (waivers applied), counted in :attr:`stats`."""
        facts = facts or self.facts(household)
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
        if self._after_rules:
            ctx.findings = list(findings)
            for rule in self._after_rules:
                self._run(rule, ctx, subject, "household", findings)
        waivers = [*household.waivers, *self._file_waivers.get(subject, ())]
        if waivers:
            findings.extend(self._apply_waivers(subject, waivers, findings))
        self.stats.households += 1
        self._count(findings)
        return findings

    def check_village(self, village: Village, facts: Any = None) -> list[Finding]:
        ctx = RuleContext(self.values, self.reference_date, village=facts or village,
                          explain=self.explain, catalog=self.catalog)
        findings: list[Finding] = []
        for rule in self._village_rules:
            self._run(rule, ctx, village.id, "village", findings)
        self.stats.villages += 1
        self._count(findings)
        return findings

    def check_project(self, project: Project, facts: Any = None) -> list[Finding]:
        ctx = RuleContext(self.values, self.reference_date, project=facts or project,
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
        """Stream findings: households first (one at a time), then villages, projects, dataset."""
        villages, projects = tuple(villages), tuple(projects)
        ctx = RuleContext(
            self.values, self.reference_date, villages=villages, projects=projects,
            explain=self.explain, catalog=self.catalog,
        )
        accumulators = []
        for rule in self._dataset_rules:
            try:
                accumulators.append((rule, rule.function(ctx)))
            except Exception as exc:  # a broken dataset rule must not stop the run
                yield self._rule_error(rule, "dataset", exc)
        for household in households:
            facts = self.facts(household)
            yield from self.check_household(household, facts)
            for rule, accumulator in accumulators:
                try:
                    accumulator.add(facts)
                except Exception as exc:
                    yield self._rule_error(rule, household.id, exc)
        for village in villages:
            yield from self.check_village(village)
        for project in projects:
            yield from self.check_project(project)
        for rule, accumulator in accumulators:
            findings: list[Finding] = []
            try:
                for hit in accumulator.finish():
                    findings.append(self._finding(rule, hit, hit.household or hit.subject or "dataset",
                                                  "household" if hit.household else "dataset", None))
            except Exception as exc:
                findings.append(self._rule_error(rule, "dataset", exc))
            self._count(findings)
            yield from findings

    # -- internals -----------------------------------------------------------------------
    def _run(
        self, rule: Rule, ctx: RuleContext, subject: str, kind: str, out: list[Finding]
    ) -> None:
        try:
            for hit in rule.function(ctx):
                out.append(self._finding(rule, hit, subject, kind, ctx))
        except Exception as exc:
            where = subject if ctx.member is None else f"{subject} m{ctx.member.number}"
            out.append(self._rule_error(rule, where, exc))

    def _finding(
        self, rule: Rule, hit: Hit, subject: str, kind: str, ctx: RuleContext | None
    ) -> Finding:
        household = ctx.household if ctx else None
        member = ctx.member if ctx else None
        if member is None and hit.member is not None and household is not None:
            member = next((m for m in household.members if m.number == hit.member), None)
        values = hit.values
        if hit.subject is not None:
            subject = hit.subject
            kind = kind if kind != "household" or hit.household else "dataset"
        finding = Finding(
            code=rule.code,
            name=rule.name,
            family=rule.family,
            severity=rule.severity,
            subject=hit.household or subject,
            subject_kind=kind,
            message_zh=render(rule.message.zh, household, member, self.values, values),
            message_en=render(rule.message.en, household, member, self.values, values, "en"),
            member=hit.member,
            evidence=hit.evidence,
            references=rule.references,
            proposes=rule.proposes,
        )
        if self.explain:
            finding.trace = hit.trace or []
            finding.parameters = {
                name: {
                    "value": jsonable(self.values.get(name)),
                    "since": self.values.provenance(name).start.isoformat(),
                    "source": self.values.provenance(name).source,
                }
                for name in rule.parameters
                if name in self.values
            }
        return finding

    def _rule_error(self, rule: Rule, subject: str, exc: BaseException) -> Finding:
        self.stats.rule_errors += 1
        values = {"rule": rule.code, "subject": subject, "error": f"{type(exc).__name__}: {exc}"}
        return self._engine_finding(RULE_ERROR, subject.split(" ")[0], values,
                                    {"rule": rule.code, "error": values["error"]})

    def _engine_finding(
        self, kind: tuple[str, str, str], subject: str, values: dict[str, Any],
        evidence: dict[str, Any], member: int | None = None,
    ) -> Finding:
        code, name, severity = kind
        message = _ENGINE_MESSAGES[code]
        return Finding(
            code=code,
            name=name,
            family="engine",
            severity=severity,
            subject=subject,
            subject_kind="household",
            message_zh=render(message.zh, None, None, self.values, values),
            message_en=render(message.en, None, None, self.values, values, "en"),
            member=member,
            evidence=evidence,
        )

    def _apply_waivers(
        self, subject: str, waivers: list[Waiver], findings: list[Finding]
    ) -> list[Finding]:
        extra: list[Finding] = []
        for waiver in waivers:
            codes = self.rules.codes_of(waiver.code)
            evidence = {"code": waiver.code, "reason": waiver.reason, "approver": waiver.approver,
                        "expires": waiver.expires.isoformat(), "member": waiver.member}
            values = {**evidence, "expires": waiver.expires.isoformat()}
            if waiver.expires < self.reference_date:
                extra.append(self._engine_finding(WAIVER_EXPIRED, subject, values, evidence, waiver.member))
                continue
            used = False
            for finding in findings:
                if finding.code in codes and (waiver.member is None or finding.member == waiver.member):
                    finding.waiver = waiver
                    used = True
            if not used:
                extra.append(self._engine_finding(WAIVER_UNUSED, subject, values, evidence, waiver.member))
        return extra

    def _count(self, findings: list[Finding]) -> None:
        stats = self.stats
        for finding in findings:
            if finding.waived:
                stats.waived += 1
                continue
            stats.findings += 1
            stats.findings_by_code[finding.code] = stats.findings_by_code.get(finding.code, 0) + 1


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
) -> CheckResult:
    """Check households (and villages and projects) and return every finding with the counts.

    ``rules`` defaults to every installed pack; ``params`` to the shipped parameters;
    ``reference_date`` to today.
    """
    checker = Checker(
        rules, params, reference_date, waivers=waivers, explain=explain, catalog=catalog
    )
    findings = list(checker.iter_findings(households, villages, projects))
    return CheckResult(findings, checker.stats)
