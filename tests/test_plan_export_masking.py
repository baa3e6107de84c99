"""Plan lines and rows are masked as a whole walk of their strings would mask them.

The JSON Lines and CSV writers look for an ID or mobile number in the written line (or the row's
text) before walking every string to mask it; a control character escaped as ``\\u00XX`` puts
digits next to the number in the line, so such a line is always walked.
"""

from __future__ import annotations

import io
import random
from datetime import date

import pytest

from planner.model import Household
from planner.planning import plan
from planner.planning.export import write_csv, write_jsonl

from .conftest import HOUSEHOLDS

WHEN = date(2020, 9, 30)
ID_20 = "52242519750312001801"  # a 20-digit 残疾人证号: an ID number and two more digits
PHONE = "13885710001"


def _household(household_id: str, village: str) -> Household:
    data = Household.model_validate_json(
        (HOUSEHOLDS / "pre_exit_2808.json").read_text("utf-8")).model_dump(mode="json")
    data["id"] = household_id
    data["region"]["village"] = village
    return Household.model_validate(data)


@pytest.mark.parametrize(("village", "masked"), [
    (f"石桥村{ID_20}", "522425************01"),  # found in the line as it is
    # written "\\u0005" and the number: 24 digits in a row in the line, no ID number there
    (f"石桥村\x05{ID_20}", "522425************01"),
    (f"石桥村\x01{PHONE}", "138******01"),
])
def test_numbers_in_a_plan_are_masked_in_every_streamed_format(village: str, masked: str) -> None:
    district = plan([_household("H-1", village)], reference_date=WHEN)
    lines, rows = io.StringIO(), io.StringIO()
    write_jsonl(district, lines)
    write_csv(district, rows)
    for text in (lines.getvalue(), rows.getvalue()):
        assert ID_20 not in text and PHONE not in text
        assert masked in text


def test_a_line_without_numbers_is_written_as_it_is() -> None:
    district = plan([_household("522425-101-0001", "石桥村522425101201")], reference_date=WHEN)
    lines = io.StringIO()
    write_jsonl(district, lines)
    assert "522425101201" in lines.getvalue()  # a 12-digit division code is no ID number


@pytest.mark.parametrize(("text", "holds"), [
    ("522425197503120018", True), ("52242519750312001X", True), ("5224251975031200x", False),
    ("52242519750312001X01", True), ("52242519750312001X0123", True),
    ("52242519750312001X012", False), ("52242519750312001X012345", False),
    ("522425750312001", True), ("13885710001", True), ("12885710001", False),
    ("522425101201", False), ("village 522425101201, phone 13885710001.", True),
    ("2020-09-30 4000.0 1234567890", False), ("a13885710001b", True), ("138857100012", False),
])
def test_the_quick_search_finds_what_the_patterns_find(text: str, holds: bool) -> None:
    from planner.idnumber import ID_PATTERN, MOBILE_PATTERN
    from planner.planning.export import _holds_number

    assert bool(ID_PATTERN.search(text) or MOBILE_PATTERN.search(text)) is holds
    assert _holds_number(text) is holds


def test_the_quick_search_agrees_on_random_text() -> None:
    from planner.idnumber import ID_PATTERN, MOBILE_PATTERN
    from planner.planning.export import _holds_number

    rng = random.Random(11)
    alphabet = "0123456789" * 6 + "1Xx-村 \\u"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert _holds_number(text) is bool(ID_PATTERN.search(text) or MOBILE_PATTERN.search(text))
