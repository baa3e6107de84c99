"""The shared workbook formatting (planner.io.workbook): ledger and plan alike."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from planner.io.workbook import ReportTables, display_width, sheet_name
from planner.model import Household
from planner.planning import plan
from planner.planning.export import COLUMNS, write_xlsx
from planner.registry import RuleSet, entry_point_rules

from .conftest import HOUSEHOLDS

WHEN = date(2020, 9, 30)


def test_the_plan_workbook_has_frozen_bold_headers_filters_widths_and_real_dates(
        tmp_path: Path) -> None:
    households = [Household.model_validate_json((HOUSEHOLDS / f"{n}.json").read_text("utf-8"))
                  for n in ("pre_exit_2808", "one_room_unsafe_water")]
    result = plan(households, rules=RuleSet(entry_point_rules(("income", "housing", "water"))),
                  reference_date=WHEN)
    path = tmp_path / "plan.xlsx"
    write_xlsx(result, path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    items = book["计划 Plan"]
    header = [c.value for c in items[1]]
    assert header == list(COLUMNS.values())
    due = header.index(COLUMNS["due"])
    dues = [row[due] for row in items.iter_rows(min_row=2, values_only=True)]
    assert dues and all(isinstance(d, datetime) for d in dues)
    assert items.cell(row=2, column=due + 1).number_format == "yyyy-mm-dd"
    measure = header.index(COLUMNS["label_zh"])
    letter = openpyxl.utils.get_column_letter(measure + 1)
    assert items.column_dimensions[letter].width > 10


def test_widths_count_wide_characters_twice_and_are_capped(tmp_path: Path) -> None:
    assert display_width("河口镇") == 6 and display_width("abc") == 3
    assert display_width(date(2020, 9, 30)) == 10 and display_width(None) == 0
    path = tmp_path / "t.xlsx"
    book = ReportTables(path, "表", ["名称", "n"])
    book.write("表", (), ["很" * 200, 1])
    book.close()
    sheet = openpyxl.load_workbook(path)["表"]
    assert 60 < sheet.column_dimensions["A"].width < 63
    assert sheet.column_dimensions["B"].width < 5
    assert sheet.auto_filter.ref == "A1:B2"


def test_sheet_names_are_ones_excel_accepts() -> None:
    assert sheet_name("河口镇") == "河口镇"
    assert sheet_name("a/b:c?") == "a_b_c_"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("汇总", ["汇总"]) == "汇总~2"
    assert sheet_name("SUMMARY", ["summary", "SUMMARY~2"]) == "SUMMARY~3"


def test_plan_rows_name_the_town(tmp_path: Path) -> None:
    household = Household.model_validate_json(
        (HOUSEHOLDS / "one_room_unsafe_water.json").read_text("utf-8"))
    result = plan([household], rules=RuleSet(entry_point_rules(("housing", "water"))),
                  reference_date=WHEN)
    path = tmp_path / "plan.xlsx"
    write_xlsx(result, path)
    rows = list(openpyxl.load_workbook(path)["计划 Plan"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["户编号 household", "乡镇 town", "村 village"]
    assert {row[1] for row in rows[1:]} == {"河口镇"}
