"""ID numbers checked over a column give planner.idnumber's verdict for every number."""

from __future__ import annotations

import random
from typing import Any

import pytest

pl = pytest.importorskip("polars")

from planner.backends.columnar.idcolumn import ID_CHECK, id_checks  # noqa: E402
from planner.backends.columnar.values import plain  # noqa: E402
from planner.generate import GeneratorConfig, generate_households  # noqa: E402
from planner.idnumber import check_digit, check_id  # noqa: E402

HOSTILE = [
    None, "", " ", "\t", "522425198812160018", "52242519881216001x", "52242519881216001X",
    "522425881216001",  # 15 digits: old, to be upgraded
    "５２２４２５８８１２１６００１",  # 15 full-width digits
    "52242519881216001", "5224251988121600181", "522425198812160018123",
    "522425199002300015", "522425199002290013", "522425200002290016", "522425190002290014",
    "522425000001010015", "522425198713010012", "522425198712000018", "522425198712320014",
    "999999198812160018", "522425187001010011", "522425187912310014",
    "52242519881216001813", "52242519881216001871", "52242519881216001804",
    "5224251988121600181302", "522425198812160018AB", "52242519881216001812 ",
    " 522425198812160018", "522425198812160018\u3000", "\u3000522425198812160018",
    "\x1c522425198812160018\x1f", "522425198812160018\n", "52242519881216OO18",
    "52242519881216001８", "ß22425198812160018", "522425-19881216001", "null",
]


def _python(number: str | None) -> dict[str, Any] | None:
    if not number:
        return None
    result = check_id(number)
    return {"valid": result.valid, "problem": result.problem, "birth_date": result.birth_date,
            "male": result.male, "disability_category": plain(result.disability_category),
            "disability_grade": result.disability_grade}


def _compare(numbers: list[str | None]) -> None:
    got = id_checks(pl.Series("id_number", numbers, dtype=pl.Utf8))
    assert got.dtype == ID_CHECK and got.name == "id_number"
    wrong = [(number, found, _python(number))
             for number, found in zip(numbers, got.to_list(), strict=True)
             if found != _python(number)]
    assert wrong == []


def test_every_id_number_of_20000_generated_households_gets_check_ids_verdict():
    config = GeneratorConfig(households=20_000, seed=10, problem_share=0.3)
    numbers = [member.get("id_number") for item in generate_households(config)
               for member in item.household.get("members", [])]
    assert len(numbers) > 50_000
    _compare(numbers)


def test_hostile_numbers_get_check_ids_verdict():
    _compare(HOSTILE)
    assert {(_python(n) or {}).get("problem") for n in HOSTILE} >= {
        "placeholder", "old_15_digit", "length", "characters", "birth_date", "check_digit", None}


def test_random_bodies_with_right_and_wrong_check_digits_and_card_suffixes():
    rng = random.Random(5)
    numbers: list[str | None] = []
    for _ in range(5000):
        body = "52" + "".join(rng.choice("0123456789") for _ in range(15))
        last = rng.choice([check_digit(body), "X", "x", "0", "5"])
        numbers.append(body + last + rng.choice(["", "12", "83", "47", "1234", "0", "ab"]))
    _compare(numbers)


def test_an_empty_and_an_all_null_column():
    _compare([])
    _compare([None, None])
