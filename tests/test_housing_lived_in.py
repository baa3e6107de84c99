"""Where a household lives (housing.lives_in_safe_house): owning a C or D house while living in a
safe one secures the housing for HOU001 and for MON001's housing problem, and the national export
writes such a household as no 危房户."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from planner import Household, check
from planner.io import open_dataset
from planner.io.exportwrite import EXPORT_SHEETS, write_export

MONITORING_ERA = date(2023, 6, 30)


def _owner_of_a_grade_c_house(example_household: Any, lives: bool | None,
                              status: str) -> Household:
    """A household outside monitoring, safe water, a grade-C house never renovated, its income
    (halved: 5,250 yuan per head) within the monitoring range."""
    data = example_household("one_room_unsafe_water")
    data.update(status=status, monitoring=None)
    for source in data["income"]:
        source["amount"] = round(source["amount"] * 0.5)
    data["water"]["quality_safe"] = True
    data["housing"]["lives_in_safe_house"] = lives
    return Household.model_validate(data)


@pytest.mark.parametrize(("lives", "flagged"), [(True, False), (False, True), (None, True)])
def test_mon001_and_hou001_read_where_the_household_lives(example_household, lives, flagged):
    # HOU001 on an exited household; MON001 on an ordinary one, which needs the housing risk
    # besides its income in the range (an exited one in the range is flagged on income alone).
    exited = _owner_of_a_grade_c_house(example_household, lives, "exited")
    ordinary = _owner_of_a_grade_c_house(example_household, lives, "general")
    assert ("HOU001" in set(check([exited], reference_date=MONITORING_ERA).codes())) is flagged
    assert ("MON001" in set(check([ordinary], reference_date=MONITORING_ERA).codes())) is flagged


def _danger_cell(path: Path) -> Any:
    book = load_workbook(path, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    header = rows[2]
    return rows[3][header.index("是否危房户")]


@pytest.mark.parametrize(("lives", "cell"), [(True, "否"), (False, "是"), (None, "是")])
def test_the_export_answers_whether_the_household_lives_in_a_dangerous_house(
    example_household, tmp_path: Path, lives, cell
):
    household = _owner_of_a_grade_c_house(example_household, lives, "exited")
    write_export(tmp_path, [household], income_year=household.income_year)
    assert _danger_cell(tmp_path / f"{EXPORT_SHEETS['monitoring_2023_members']}.xlsx") == cell
    [back] = open_dataset(tmp_path, income_year=household.income_year).households()
    assert back.housing.safety_grade == ("C" if cell == "是" else "B")
