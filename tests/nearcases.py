"""Shared steps of the near-builder tests: the households a builder applies to, and the codes a
household raises (tests/test_near_records.py, tests/test_near_boundaries.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from planner import Household, check
from planner.generate import GeneratorConfig
from planner.generate.household import BuildContext, build_household
from planner.generate.problems import Injector, NotApplicable

Record = dict[str, Any]


def codes(household: Record, when: date, rules: Any) -> set[str]:
    """The codes ``rules`` raise on ``household`` (a generator record) on ``when``."""
    result = check([Household.model_validate(household)], rules=rules, reference_date=when)
    return {finding.code for finding in result.findings}


def applied(builder: Injector, ctx: BuildContext, rng: random.Random, tries: int = 200
            ) -> Iterator[Record]:
    """The households (of the first ``tries`` built) that ``builder`` applies to, as built."""
    for index in range(tries):
        household = build_household(ctx, index, rng)
        try:
            builder.function(household, rng, ctx)
        except NotApplicable:
            continue
        yield household


def context(households: int, seed: int, when: date) -> BuildContext:
    """A build context of the generator for ``when``'s year."""
    return BuildContext.create(GeneratorConfig(households=households, seed=seed, year=when.year,
                                               reference_date=when))
