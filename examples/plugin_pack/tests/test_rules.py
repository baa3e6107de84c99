"""The example pack's rule cases: a household in, the exact finding codes out (planner.testing)."""

from pathlib import Path

import pytest

from planner.testing import RuleCase, pytest_params

HERE = Path(__file__).parent


# `base:` names planner's example households, shipped with it (planner.examples).
@pytest.mark.parametrize("case", pytest_params(HERE / "rules"))
def test_rule(case: RuleCase) -> None:
    case.check()
