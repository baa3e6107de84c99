"""The households the columnar and typed-Parquet tests share: the example district, generated
households, the reference date and the six checks of issue 11."""

from __future__ import annotations

from datetime import date

from planner.generate import GeneratorConfig, generate_households
from planner.model import Household

from .conftest import EXAMPLES

ON = date(2020, 9, 30)
SIX_CHECKS = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")
DISTRICT = EXAMPLES / "district"


def district_households() -> list[Household]:
    """The example district's households, as its JSON Lines file holds them."""
    lines = (DISTRICT / "households.jsonl").read_text(encoding="utf-8").splitlines()
    return [Household.model_validate_json(line) for line in lines]


def generated(count: int, seed: int, problem_share: float | None = None) -> list[Household]:
    """``count`` generated households (seeded; the generator's problem share unless given)."""
    config = (GeneratorConfig(households=count, seed=seed) if problem_share is None
              else GeneratorConfig(households=count, seed=seed, problem_share=problem_share))
    return [Household.model_validate(item.household) for item in generate_households(config)]
