"""Every YAML rule case in tests/rules, one parametrised runner: ``pytest -k HOU001`` picks one."""

from __future__ import annotations

import pytest

from planner.testing import RuleCase, pytest_params

from .conftest import HOUSEHOLDS, ROOT


@pytest.mark.parametrize("case", pytest_params(ROOT / "tests" / "rules", HOUSEHOLDS))
def test_rule_case(case: RuleCase) -> None:
    case.check()
