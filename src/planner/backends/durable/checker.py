"""durable-rules backend: the checker and the incremental evaluator.

:class:`DurableChecker` is the Python backend's :class:`~planner.backends.python.engine.Checker`
(scopes, waivers, fault isolation, dataset rules, villages, projects: reused, not copied) whose
compiled household and member rules are judged by durable-rules. Per household, one session holds
a fact for the household, one per member and, for the ``for_each`` rules, one per planned
measure, work record or post (the facts the Python backend derives, read by its own readers,
:mod:`planner.backends.durable.compile`); the rules that fire on them are the session's
derived facts. A compiled rule's Python body then runs only on the subjects where it fired and
builds the findings there, so they are the Python backend's field for field. Every other rule
runs through the Python backend (:attr:`DurableChecker.unsupported` says which and why).

:class:`DurableEvaluator` keeps each household's session between calls: :meth:`~DurableEvaluator.
update` retracts the facts that changed and asserts the new ones, so findings appear and disappear
incrementally (a hit retracted with its basis); :meth:`~DurableEvaluator.forget` drops a household.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from planner.backends.durable.adapter import ActionFailed, DurableError, RulesetPool
from planner.backends.durable.compile import (
    Attribute,
    CompiledRule,
    Unsupported,
    compile_rule,
    subject_fact,
)
from planner.backends.python.engine import Checker
from planner.backends.python.env import Env
from planner.backends.python.facts import derive_posts, derive_work_records
from planner.backends.python.selection import RulePlan
from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.model import Household
from planner.rule import RuleContext
from planner.source import Source

if TYPE_CHECKING:
    from planner.run import Run

HOUSEHOLD_FACT = "h"
#: The items a ``for_each`` rule is judged on: fact kind → (fact id prefix, their facts as the
#: Python backend derives them; ``None``: the household's planned measures, ``Env.measures``).
ITEMS: dict[str, tuple[str, Callable[[HouseholdFacts, Any], Iterable[Any]] | None]] = {
    "measure": ("x", None),
    "work_record": ("w", derive_work_records),
    "post": ("p", derive_posts),
}


def _member_fact(number: int) -> str:
    return f"m{number}"


class DurableChecker(Checker):
    """The Python checker with compiled household and member rules judged by durable-rules.

    ``keep``: sessions stay between calls (the incremental evaluator); otherwise each household's
    session is dropped once it is judged.
    """

    def __init__(self, run: Run, keep: bool = False,
                 on_fire: Callable[[str, str], None] | None = None) -> None:
        super().__init__(run)
        self.keep = keep
        self.unsupported: dict[str, str] = {}  # code → why
        compiled: dict[str, CompiledRule] = {}
        for rule, _ in (*self._household_rules, *self._member_rules):
            if self.explain:  # --explain traces every rule's conditions: the Python closures
                self.unsupported[rule.code] = "--explain traces conditions in Python"
                continue
            try:
                compiled[rule.code] = compile_rule(rule, self.values)
            except Unsupported as exc:
                self.unsupported[rule.code] = str(exc) or "not compiled"
        self.compiled = compiled
        self._attributes: dict[str, dict[str, Attribute]] = {
            kind: {} for kind in ("household", "member", *ITEMS)}
        checks: dict[str, dict[str, Any]] = {}
        for item in compiled.values():
            self._attributes[item.kind].update(item.attributes)
            checks.update(item.checks)
        # for_each rules: fired on one of the household's items, their Python bodies judge it
        self._per_item = {code for code, item in compiled.items() if item.kind in ITEMS}
        self.pool = RulesetPool("planner", checks, on_fire=on_fire)
        self._asserted: dict[str, dict[str, dict[str, Any]]] = {}
        # (code, fact id) where the compiled rules fire in the household now checked; None: the
        # engine could not judge it (a value it cannot hold), so the Python bodies decide alone
        self._hits: set[tuple[str, str]] | None = set()
        self._failed: set[str] = set()  # codes whose action raised on the household now checked
        gated = frozenset(compiled)
        self._gated = gated
        self._household_rules = tuple(
            (rule, self._gate(rule.code, function) if rule.code in gated else function)
            for rule, function in self._household_rules)
        self._member_rules = tuple(
            (rule, self._gate(rule.code, function) if rule.code in gated else function)
            for rule, function in self._member_rules)

    def _gate(self, code: str, function: Callable[[RuleContext], Any]
              ) -> Callable[[RuleContext], Any]:
        def gated(ctx: RuleContext) -> Any:
            member = ctx.member
            where = HOUSEHOLD_FACT if member is None else _member_fact(member.number)
            if code in self._failed:
                return ()
            if self._hits is None or (code, where) in self._hits:
                return function(ctx)
            return ()

        return gated

    # -- facts into sessions ---------------------------------------------------------------
    def subject_facts(self, facts: HouseholdFacts) -> dict[str, dict[str, Any]]:
        """The facts asserted for a household: its own and one per member, by fact id."""
        env = Env(facts, self.values, catalog=self.catalog)
        out: dict[str, dict[str, Any]] = {}
        if self._attributes["household"]:
            out[HOUSEHOLD_FACT] = subject_fact("household", self._attributes["household"], env)
        if self._attributes["member"]:
            for member in facts.members:
                env.member = member
                out[_member_fact(member.number)] = subject_fact(
                    "member", self._attributes["member"], env)
            env.member = None
        for kind, (prefix, items) in ITEMS.items():
            attributes = self._attributes[kind]
            if not attributes:
                continue
            derived = env.measures() if items is None else items(facts, self.values)
            for index, item in enumerate(derived):
                setattr(env, kind, item)
                out[f"{prefix}{index}"] = subject_fact(kind, attributes, env)
            setattr(env, kind, None)
        return out

    def judge(self, household_id: str, facts: HouseholdFacts) -> set[tuple[str, str]]:
        """Bring the session of ``household_id`` to ``facts`` (retract what changed, assert the
        new); the compiled rules that hold now, as ``(code, fact id)``."""
        wanted = self.subject_facts(facts)
        held = self._asserted.setdefault(household_id, {})
        for fact_id in [f for f in held if f not in wanted]:
            self.pool.retract_fact(household_id, fact_id)
            del held[fact_id]
        for fact_id, values in wanted.items():
            if held.get(fact_id) != values:
                held[fact_id] = values
                self.pool.assert_fact(household_id, fact_id, values)
        return {(rule.split("#", 1)[0], basis) for rule, basis in self.pool.hits(household_id)}

    def forget(self, household_id: str) -> None:
        """Drop a household's session."""
        self._asserted.pop(household_id, None)
        self.pool.forget(household_id)

    # -- per household ------------------------------------------------------------------------
    def _check_household(
        self, household: Household, facts: HouseholdFacts | None, source: Source | None,
        plan: RulePlan | None,
    ) -> list[Finding]:
        facts = facts or self.rule_facts(household)
        errors: list[Finding] = []
        try:
            hits = self.judge(household.id, facts) if self.compiled else set()
            if self._per_item:  # a for_each rule is called once per household
                hits |= {(code, HOUSEHOLD_FACT) for code, _ in hits if code in self._per_item}
            self._hits = hits
        except ActionFailed as failed:
            # as a rule that raises in Python: PLN001, none of its hits; the others are judged
            # by their Python bodies for this household (the engine's call was cut short)
            self._hits = None
            for name, _, exc in failed.failures:  # one action per alternative of an $or
                code = name.split("#", 1)[0]
                rule = self.compiled.get(code)
                if rule is not None and code not in self._failed:
                    self._failed.add(code)
                    errors.append(self._failure(rule.rule, household.id, exc))
            self.forget(household.id)
        except (Unsupported, DurableError):  # a value the engine cannot hold: Python judges
            self.forget(household.id)
            self._hits = None
        try:
            findings = super()._check_household(household, facts, source, plan)
        finally:
            if not self.keep:
                self.forget(household.id)
            self._hits = set()
            self._failed = set()
        if errors:
            self._count(errors)
        return errors + findings

    def _run_holding(self, rules: Iterable[Any], ctx: RuleContext, env: Any, subject: str,
                     out: list[Finding]) -> None:
        """The Python checker's pass, less the compiled rules that did not fire here."""
        member = ctx.member
        where = HOUSEHOLD_FACT if member is None else _member_fact(member.number)
        hits, failed = self._hits, self._failed
        kept = [compiled for compiled in rules
                if compiled[0].code not in failed and (
                    hits is None or compiled[0].code not in self._gated
                    or (compiled[0].code, where) in hits)]
        super()._run_holding(kept, ctx, env, subject, out)


class DurableEvaluator:
    """Incremental findings of households whose facts change over time (the live monitor's
    evaluator): each household keeps its durable-rules session between updates."""

    def __init__(self, run: Run, source_name: str = "<live>") -> None:
        self.run = run
        self.source_name = source_name
        self.checker = DurableChecker(run, keep=True)

    def update(self, household: Household,
               carries: frozenset[str] | None = None) -> list[Finding]:
        """The findings of ``household`` now: its changed facts retracted, the new asserted;
        ``carries`` are the fields its source carries (the rules needing others are skipped,
        the findings name ``source_name`` as their file)."""
        source = None if carries is None else Source(self.source_name, fields=carries)
        return self.checker.check_household(household, source=source)

    def forget(self, household_id: str) -> None:
        """Stop following a household (its session dropped)."""
        self.checker.forget(household_id)
