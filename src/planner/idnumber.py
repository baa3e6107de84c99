"""Citizen ID numbers (GB 11643-1999): check digit, birth date, sex; finding them in text."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date

from planner.model.vocab import DisabilityCategory

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ZERO_OFFSET = ord("0") * sum(_WEIGHTS)
# Digit 19 of a 残疾人证号 → category, in the order of the 残联 wording (domain.md §5): 1 视力 …
# 7 多重, the declaration order of DisabilityCategory; grades run from 1 (most severe) to 4.
_CARD_CATEGORIES = tuple(DisabilityCategory)
_CARD_GRADES = range(1, 5)
# ID numbers (15 or 18 characters, 20 or 22 with a disability-card suffix) and mainland mobile
# numbers, wherever they stand in a text.
ID_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?:[0-9]{2}(?:[0-9]{2})?)?(?![0-9])|"
                        r"(?<![0-9])[0-9]{15}(?![0-9])")
MOBILE_PATTERN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """What an ID number says and whether it is valid; ``problem`` names the first failure.

    A valid 20- or 22-digit 残疾人证号 also says the disability category (digit 19) and grade
    (digit 20); both stay unknown when those digits are outside 1–7 and 1–4.
    """

    valid: bool
    problem: str | None = None
    birth_date: date | None = None
    male: bool | None = None
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = None


def check_digit(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a 17-digit body."""
    if len(body17) != len(_WEIGHTS):
        raise ValueError(f"the body of an ID number has 17 digits, not {len(body17)}")
    # Weighted sum over the ASCII codes, less the weight of the '0' offset: one pass in C.
    weighted = sum(map(operator.mul, body17.encode("ascii"), _WEIGHTS)) - _ZERO_OFFSET
    return _CHECK[weighted % 11]


def upgrade_15(number: str) -> str:
    """Turn an old 15-digit number into its 18-digit form (insert 19, add the check digit)."""
    body = number[:6] + "19" + number[6:]
    return body + check_digit(body)


def check_id(number: str) -> IdCheck:
    """Check an 18-digit ID, or a 20/22-digit number built on one (残疾人证号 and others).

    15-digit numbers are invalid: they must be upgraded to 18 digits (domain.md §4.3). Digits 19
    and 20 of a valid longer number are read as the disability category and grade (domain.md §5:
    the 20-digit 残疾人证号; the 22-digit form's last two digits are not read, their meaning is
    unconfirmed).
    """
    number = number.strip().upper()
    if number.startswith("999999"):
        return IdCheck(False, "placeholder")
    if len(number) == 15 and number.isdigit():
        return IdCheck(False, "old_15_digit")
    if len(number) not in (18, 20, 22):
        return IdCheck(False, "length")
    core = number[:18]
    # str.isdigit accepts full-width and other Unicode digits; the check digit needs ASCII.
    if not number.isascii() or not core[:17].isdigit() or not (
            core[17].isdigit() or core[17] == "X"):
        return IdCheck(False, "characters")
    if number[18:] and not number[18:].isdigit():  # "".isdigit() is False for 18-digit numbers
        return IdCheck(False, "characters")
    try:
        born = date(int(core[6:10]), int(core[10:12]), int(core[12:14]))
    except ValueError:
        return IdCheck(False, "birth_date")
    male = int(core[16]) % 2 == 1
    if check_digit(core[:17]) != core[17]:
        return IdCheck(False, "check_digit", born, male)
    if born.year < 1880:
        return IdCheck(False, "birth_date", born, male)
    if len(number) == 18:
        return IdCheck(True, None, born, male)
    category, grade = int(number[18]), int(number[19])
    return IdCheck(
        True, None, born, male,
        _CARD_CATEGORIES[category - 1] if 1 <= category <= len(_CARD_CATEGORIES) else None,
        grade if grade in _CARD_GRADES else None,
    )
