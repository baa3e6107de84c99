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
#: and why they stay (empty once every fact they read is compiled). SUP003's measure.eligible
#: (the catalog's eligibility verdict) and WRK010's phone_shared_apart compile since issue 11.
PENDING: dict[str, str] = {}


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
