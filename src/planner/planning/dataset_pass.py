"""The dataset pass of a plan: findings of the dataset-scope rules (one person registered in two
households, a phone shared across households) about single households, for their plans."""

from __future__ import annotations

from collections.abc import Iterable

from planner.backends.python.engine import Checker
from planner.finding import Finding
from planner.model import Household
from planner.run import Run
from planner.source import Sourced


def dataset_findings(run: Run, households: Iterable[Household | Sourced[Household]]
                     ) -> list[Finding]:
    """The findings about one household each of ``run``'s dataset rules over ``households``.

    Planning checks households one at a time, so rules that compare households need this pass
    over all of them first (:class:`~planner.planning.district.DistrictPlanner` takes its result
    as ``dataset_findings``). Without dataset rules nothing is read. Findings about the whole
    dataset, or a rule's failure, are no household's need and are left out.
    """
    rules = [rule for rule in run.rules if rule.scope == "dataset"]
    if not rules:
        return []
    checker = Checker(run.with_rules(rules))
    return [f for f in checker.iter_findings(households) if f.subject_kind == "household"
            and f.subject != "dataset"]
