"""Which built-in household and member rules the columnar backend compiles: all but the listed
Python bodies (less those with a gate), so a new rule that falls back to the Python backend is
noticed."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("polars")

from planner.backends.columnar.rules import compile_rules
from planner.measures import default_catalog
from planner.params import default_parameters
from planner.rule_docs import builtin_rules

#: Household rules whose body is Python (no spec to compile).
PYTHON_BODIES = {"DQ008", "DQ012", "SUP004", "PLN001", "PLN002", "PLN003", "PLN004"}
#: Python bodies whose gate (planner.rule.Rule.gate) compiles: the body runs where it holds.
GATED = {"DQ008", "DQ012"}
#: Spec rules still left to Python: what the compiler says (also the ``--explain-backend`` line),
#: and why they stay (empty once every fact they read is compiled).
PENDING = {
    # measure.eligible is the catalog's verdict (planner.measures.eligibility): per measure, the
    # first failing condition of its entry (statuses, labour, ages from parameters, required
    # member facts, disability grade), each unknown fact stopping the walk as unknown; a
    # household measure bound to a member qualifies when *one* member does. Compiled, that is a
    # case over measure ids of ordered, three-valued checks on the measure table joined to the
    # beneficiary member, plus an any-member step for member-bound household measures: a
    # compiler of eligibility entries of its own, not a fact expression. Left for it.
    "SUP003": "reads measure.eligible",
    # phone_shared_apart pairs members: for each two registered members with the same
    # normalised phone (planner.backends.python.occurrences.phone_key), whether every pair of
    # their county-level workplaces of this year differs (_same_place: a name against a code
    # is unknown, a name matches its longer form by suffix). That is a self-join of members on
    # (household, phone) and a cross product of two lists of places per pair, with the place
    # comparison's own unknowns; the helper is Python (planner.backends.python.county_helpers)
    # and has no columnar twin yet.
    "WRK010": "reads household.phone_shared_apart",
}


@pytest.mark.parametrize("on", [date(2020, 9, 30), date(2023, 9, 30)])
def test_every_household_and_member_spec_rule_compiles(on: date) -> None:
    rules = [rule for rule in builtin_rules() if rule.scope in ("household", "member")]
    catalog = default_catalog()
    plan = compile_rules(rules, default_parameters().at(on), on, catalog.income_raising_ids(),
                         {measure.id: measure.addresses for measure in catalog.values()},
                         catalog=dict(catalog.items()))
    left = {rule.code: plan.unsupported[rule.code] for rule in rules
            if rule.code in plan.unsupported and rule.spec is not None}
    assert left == PENDING
    assert {rule.code for rule in rules if rule.spec is None} == PYTHON_BODIES
    assert {rule.code for rule in rules if rule.gate is not None} == GATED
    assert {rule.code for rule, _ in plan.household} >= GATED
    assert {rule.code for rule, _ in plan.household} >= {
        "PST001", "PST002", "WRK001", "WRK002", "WRK004", "WRK005", "WRK007", "WRK008",
        "WRK009", "BEN003", "BEN004", "BEN006"}
    assert {rule.code for rule, _ in plan.member} >= {"PST003", "WRK003"}
