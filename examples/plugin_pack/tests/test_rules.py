"""The example pack's rule cases: a household in, the exact finding codes out (planner.testing)."""

from pathlib import Path

import pytest

from planner.testing import RuleCase, pytest_params

HERE = Path(__file__).parent
HOUSEHOLDS = HERE.parents[1] / "households"  # planner's named example households


@pytest.mark.parametrize("case", pytest_params(HERE / "rules", HOUSEHOLDS))
def test_rule(case: RuleCase) -> None:
    case.check()
