"""Which rules run on the records of one source: those whose needed fields the source carries.

A source that names the fields it carries (:attr:`planner.source.Source.fields`) runs only the
rules whose :attr:`~planner.rule.Rule.needs` it carries all of (:mod:`planner.spec.needs`); the
others are skipped for its records and reported once per rule and source table
(:class:`~planner.source.RuleSkipped`). The rules of each distinct set of fields are worked out
once, so a record costs a dictionary lookup and a count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planner.rule import Rule, RuleContext
from planner.source import RuleSkipped, Source, Sourced
from planner.spec.needs import missing_needs

#: A rule with the function the Python backend compiled for it.
Compiled = tuple[Rule, Callable[[RuleContext], Any]]
#: Rule groups by the checker's attribute names (``_household_rules`` …).
Groups = dict[str, tuple[Compiled, ...]]
#: The checker's rule groups of each kind of subject (skipped per source together).
GROUPS = {
    "household": ("_household_rules", "_member_rules", "_after_rules"),
    "village": ("_village_rules",),
    "project": ("_project_rules",),
}


@dataclass(slots=True)
class RulePlan:
    """The rules run on the records of sources carrying one set of fields.

    ``groups`` holds the checker's rule groups with the rules the fields cannot feed left out;
    ``dataset_left_out`` the codes of the dataset rules not fed these records; ``skipped`` each
    rule left out with the needed fields missing; ``records`` how many records of each table
    (file, sheet, layout) were checked under this plan.
    """

    groups: Groups
    dataset_left_out: frozenset[str]
    skipped: tuple[tuple[Rule, tuple[str, ...]], ...]
    records: dict[tuple[str, str | None, str | None], int] = field(default_factory=dict)

    def group(self, name: str) -> tuple[Compiled, ...]:
        """The rules of one group that run (``_household_rules`` …)."""
        return self.groups[name]


class RulePlans:
    """The plans of one kind of subject (households, villages or projects), one per field set."""

    __slots__ = ("_dataset", "_groups", "_plans")

    def __init__(self, groups: Groups, dataset: Iterable[Compiled] = ()) -> None:
        self._groups = groups
        self._dataset = tuple(rule for rule, _ in dataset)
        self._plans: dict[frozenset[str], RulePlan] = {}

    def of(self, source: Source, fields: frozenset[str]) -> RulePlan:
        """The plan for a record of ``source`` (which carries ``fields``), the record counted."""
        plan = self._plans.get(fields)
        if plan is None:
            plan = self._plans[fields] = self._plan(fields)
        table = (source.file, source.sheet, source.layout)
        plan.records[table] = plan.records.get(table, 0) + 1
        return plan

    def _plan(self, fields: frozenset[str]) -> RulePlan:
        skipped: dict[str, tuple[Rule, tuple[str, ...]]] = {}  # by code: a spec is unhashable
        groups: Groups = {}
        for name, compiled in self._groups.items():
            kept = []
            for rule, function in compiled:
                missing = missing_needs(rule.needs, fields)
                if missing:
                    skipped[rule.code] = (rule, missing)
                else:
                    kept.append((rule, function))
            groups[name] = tuple(kept)
        left_out = set()
        for rule in self._dataset:
            missing = missing_needs(rule.needs, fields)
            if missing:
                skipped[rule.code] = (rule, missing)
                left_out.add(rule.code)
        return RulePlan(groups, frozenset(left_out), tuple(skipped.values()))

    def update(self, groups: Groups) -> None:
        """Run the rules of ``groups`` from now on (a rule was disabled); counts are kept."""
        self._groups = groups
        for fields, plan in self._plans.items():
            fresh = self._plan(fields)
            plan.groups, plan.dataset_left_out = fresh.groups, fresh.dataset_left_out

    def skipped(self) -> list[RuleSkipped]:
        """One notice per rule and table whose records it was not run on."""
        notices: dict[tuple[str, str, str | None], RuleSkipped] = {}
        for plan in self._plans.values():
            for (file, sheet, layout), records in plan.records.items():
                for rule, missing in plan.skipped:
                    key = (rule.code, file, sheet)
                    seen = notices.get(key)
                    count = records
                    if seen is not None:  # the same table read under two field sets
                        missing = tuple(sorted({*seen.missing, *missing}))
                        count += seen.records
                    notices[key] = RuleSkipped(rule.code, file, sheet, layout, missing, count)
        return list(notices.values())


def unpack(item: Any) -> tuple[Any, Source | None]:
    """A record and its source from a record or a :class:`~planner.source.Sourced` one."""
    return (item.record, item.source) if isinstance(item, Sourced) else (item, None)


def place(findings: list[Any], source: Source | None, region: Any) -> None:
    """Point each finding at where its subject was read and at its region (shared, not
    copied)."""
    for finding in findings:
        finding.source = source
        finding.region = region


def sorted_notices(notices: Iterable[RuleSkipped]) -> list[RuleSkipped]:
    """Notices by file, sheet (none first) and rule code."""
    return sorted(notices, key=lambda n: (n.file, n.sheet is not None, n.sheet or "", n.code))


__all__ = ["GROUPS", "Compiled", "Groups", "RulePlan", "RulePlans", "place", "sorted_notices",
           "unpack"]
