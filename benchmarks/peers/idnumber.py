"""The birth date in a resident ID number, checked as planner checks it (stdlib only).

Shared by the plain Python and OpenFisca peers (the OpenFisca venv has no planner): a member
with no recorded birth date is aged from a valid ID number, as planner's ``member.birth_date``
fact does.
"""

from __future__ import annotations

from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def id_birth_date(number: str | None) -> date | None:
    """The birth date in a valid 18-character ID number (20/22 with a card suffix), else None."""
    if not number:
        return None
    number = number.strip().upper()
    if number.startswith("999999") or len(number) not in (18, 20, 22) or not number.isascii():
        return None
    core = number[:18]
    if not core[:17].isdigit() or not (core[17].isdigit() or core[17] == "X") or (
            number[18:] and not number[18:].isdigit()):
        return None
    try:
        born = date(int(core[6:10]), int(core[10:12]), int(core[12:14]))
    except ValueError:
        return None
    weighted = sum(int(digit) * weight for digit, weight in zip(core[:17], WEIGHTS, strict=True))
    if CHECK[weighted % 11] != core[17] or born.year < 1880:
        return None
    return born
