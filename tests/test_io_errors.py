"""Input errors: every rejected record or cell is located and explained; counts add up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.io import (
    InputError,
    ReadStats,
    StrictError,
    open_dataset,
    read_households,
    write_households,
)
from planner.model import Household

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "data" / "io" / "broken"


def _example(name: str) -> dict:
    path = ROOT / "examples" / "households" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _where(error: InputError) -> tuple:
    return (Path(error.file).name, error.row, error.column, error.field, error.value)


def test_the_broken_district_yields_exactly_the_expected_errors():
    """GB18030, two title rows, a bad ID cell, negative income, an unknown housing grade, a member
    row without a household (its neighbours are rejected: it may be a member of either), members
    disagreeing on a household column, a household whose rows come back later (rejected whole),
    and a village file missing a required column."""
    dataset = open_dataset(BROKEN, income_year=2023)
    accepted = [h.id for h in dataset.households()]

    assert accepted == ["522425-101-0201", "522425-101-0207"]
    assert [_where(e) for e in dataset.errors] == [
        ("villages.csv", 1, None, None, None),
        ("households.csv", 7, "证件号码", "member.id_number", "5.2242***17"),
        ("households.csv", 8, "工资性收入", "income.1.amount", "-500"),
        ("households.csv", 10, "户编号", "id", None),
        ("households.csv", 10, "危房等级", "housing.safety_grade", "E级"),
        ("households.csv", 11, "户编号", "id", None),
        ("households.csv", 12, "户编号", "id", None),
        ("households.csv", 12, "户编号", "id", None),
        ("households.csv", 14, "户类型", "status", "一般农户"),
    ]
    reasons = [e.reason_en for e in dataset.errors]
    assert reasons[0].startswith("required column missing (id)")
    assert "scientific notation" in reasons[1]
    assert reasons[2] == "must not be negative"
    assert reasons[3].startswith("rows without a household id (row 11) lie next to or among "
                                 "this household's rows (row 10)")
    assert reasons[4] == "unknown value; expected one of: A, B, C, D, unassessed"
    assert reasons[5] == "the row has no household id and belongs to no household"
    assert reasons[6].startswith("the rows of household 522425-101-0205 are not adjacent (other "
                                 "households' rows come between them): rows 12, 16;")
    assert reasons[7].startswith("rows without a household id (row 11)")
    assert reasons[8].startswith("household-level value differs from row 13 (脱贫户)")
    assert [e.household for e in dataset.errors[1:]] == [
        "522425-101-0202", "522425-101-0203", "522425-101-0204", "522425-101-0204", None,
        "522425-101-0205", "522425-101-0205", "522425-101-0206",
    ]
    assert dataset.stats.to_dict() == {"read": 8, "accepted": 2, "rejected": 6}
    # the village file lacks its id column: refused whole, its one data row counted as rejected
    assert dataset.village_stats.to_dict() == {"read": 1, "accepted": 0, "rejected": 1}
    assert dataset.warnings == []


def test_every_error_has_chinese_and_english_reasons():
    dataset = open_dataset(BROKEN, income_year=2023)
    list(dataset.households())
    for error in dataset.errors:
        assert error.reason_zh and error.reason_en
        text = str(error)
        zh, en = text.split("\n")
        assert error.reason_zh in zh and error.reason_en in en


def test_income_totals_without_a_year_stop_the_file_with_one_error():
    errors: list[InputError] = []
    stats = ReadStats()
    assert list(read_households(BROKEN / "households.csv", errors=errors, stats=stats)) == []
    assert len(errors) == 1 and errors[0].row == 3
    assert "income_year" in errors[0].reason_en
    # refused whole: each of its 13 person rows counts as rejected, so nothing goes unaccounted
    assert stats.to_dict() == {"read": 13, "accepted": 0, "rejected": 13}


def test_strict_mode_stops_at_the_first_rejected_record():
    seen = []
    with pytest.raises(StrictError) as stopped:
        for household in read_households(BROKEN / "households.csv", strict=True, income_year=2023):
            seen.append(household.id)
    assert seen == ["522425-101-0201"]
    assert stopped.value.error.row == 7


def test_jsonl_errors_name_the_line_and_field_and_mask_the_id(tmp_path):
    good = _example("pre_exit_2808")
    bad_sex = json.loads(json.dumps(good))
    bad_sex["id"] = "H2"
    bad_sex["members"][1]["sex"] = "unknown"
    bad_sex["members"][1]["id_number"] = 5.22425e17
    path = tmp_path / "households.jsonl"
    path.write_text("\n".join([json.dumps(good, ensure_ascii=False), "",
                               json.dumps(bad_sex, ensure_ascii=False), "{not json"]) + "\n",
                    encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    assert [h.id for h in read_households(path, errors=errors, stats=stats)] == [good["id"]]
    assert [(e.line, e.record, e.field, e.household) for e in errors] == [
        (3, 2, "members.2.id_number", "H2"), (3, 2, "members.2.sex", "H2"), (4, 3, None, None),
    ]
    # A number stored as a float is shown in whole digits, so that an ID number is recognised
    # (and masked) wherever it was typed.
    assert errors[0].value == "522425**********00"
    assert errors[1].reason_en == "unknown value; expected one of: male, female"
    assert errors[1].reason_zh == "取值未知，应为：男、女"
    assert errors[2].reason_en.startswith("invalid data") or "JSON" in errors[2].reason_en
    assert stats.to_dict() == {"read": 3, "accepted": 1, "rejected": 2}


def test_personal_data_is_shown_only_when_asked(tmp_path):
    household = _example("no_labour")
    household["members"][1]["phone"] = 13708570003  # a number where text is expected
    path = tmp_path / "households.json"
    path.write_text(json.dumps([household], ensure_ascii=False), encoding="utf-8")
    masked: list[InputError] = []
    shown: list[InputError] = []
    assert list(read_households(path, errors=masked)) == []
    list(read_households(path, errors=shown, mask=False))
    assert [(e.record, e.field, e.value) for e in masked] == [(1, "members.2.phone", "137******03")]
    assert masked[0].reason_en == "must be text"
    assert shown[0].value == "13708570003"


def test_parquet_errors_name_the_record(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from planner.io.parquet import write_nested

    good = Household.model_validate(_example("no_labour"))
    path = tmp_path / "households.parquet"
    write_nested([good, good], path)  # the JSON-text layout of earlier versions
    table = pq.read_table(path)
    records = table.column("record").to_pylist()
    records[1] = records[1].replace('"safety_grade":"B"', '"safety_grade":"E"')
    pq.write_table(table.set_column(4, "record", pa.array(records)), path)
    errors: list[InputError] = []
    stats = ReadStats()
    assert list(read_households(path, errors=errors, stats=stats)) == [good]
    assert [(e.record, e.field, e.value) for e in errors] == [(2, "housing.safety_grade", "E")]
    assert stats.to_dict() == {"read": 2, "accepted": 1, "rejected": 1}


def test_an_excel_id_stored_as_a_number_is_rejected_with_its_cell(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "监测对象"
    sheet.append(["示范县防止返贫监测对象信息表"])
    sheet.append(["户编号", "证件号码", "与户主关系", "出生日期", "劳动技能"])
    sheet.append(["H1", "522425197503120018", "户主", "1975-03-12", "普通劳动力"])
    sheet.append(["H2", 522425197706080028, "户主", "1977-06-08", "丧失劳动力"])
    sheet.append(["H3", "52242519750312001A", "户主", "1975-03-12", "普通劳动力"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    errors: list[InputError] = []
    stats = ReadStats()
    households = list(read_households(path, errors=errors, stats=stats))
    assert [h.id for h in households] == ["H1"]
    assert households[0].members[0].labour_capacity.value == "normal"
    assert [(e.sheet, e.row, e.column) for e in errors] == [("监测对象", 4, "证件号码"),
                                                            ("监测对象", 5, "证件号码")]
    assert errors[0].reason_en.startswith("the ID number was stored as a number")
    assert errors[1].reason_en == "the ID number may only hold digits and a final X"
    assert stats.to_dict() == {"read": 3, "accepted": 1, "rejected": 2}


def test_a_wrong_check_digit_is_not_an_input_error(tmp_path):
    """A digit string that fails GB 11643 reaches the rules (DQ001), it is not rejected."""
    path = tmp_path / "households.csv"
    path.write_text("户编号,证件号码\nH1,522425197503120019\nH1,522425197503120\n",
                    encoding="utf-8")
    errors: list[InputError] = []
    (household,) = read_households(path, errors=errors)
    assert [m.id_number for m in household.members] == ["522425197503120019", "522425197503120"]
    assert errors == []


def test_an_adjacent_duplicated_row_rejects_its_household(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("户编号,姓名,证件号码\nH1,王一,522425197503120018\nH1,王一,522425197503120018\n"
                    "H2,李二,522425197706080028\n", encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    assert [h.id for h in read_households(path, errors=errors, stats=stats)] == ["H2"]
    assert [(e.row, e.household, e.reason_en) for e in errors] == [
        (3, "H1", "identical to row 2 (duplicated row); not merged")]
    assert stats.to_dict() == {"read": 2, "accepted": 1, "rejected": 1}


def test_part_rows_must_belong_to_a_household_in_the_main_order(tmp_path):
    households = [Household.model_validate(_example(n))
                  for n in ("pre_exit_2808", "one_room_unsafe_water", "no_labour")]
    path = tmp_path / "households.csv"
    write_households(households, path)
    visits = tmp_path / "households.visits.csv"
    lines = visits.read_text(encoding="utf-8-sig").splitlines()
    # header, then visits of households 1, 2, 3: move household 1's visit to the end, add a stray
    visits.write_text("\n".join([lines[0], lines[2], lines[3], lines[1],
                                 "522425-999-9999,2020-01-01,某人,", ",2020-01-02,,"]) + "\n",
                      encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    back = list(read_households(path, errors=errors, stats=stats))
    # household 1's rows are found past those of 2 and 3, which can then no longer be matched
    assert [(h.id, len(h.visits)) for h in back] == [("522425-101-0001", 1)]
    errors.sort(key=lambda e: e.row or 0)
    assert [(Path(e.file).name, e.row, e.household) for e in errors] == [
        ("households.visits.csv", 2, "522425-102-0002"),
        ("households.visits.csv", 3, "522425-203-0003"),
        ("households.visits.csv", 5, "522425-999-9999"),
        ("households.visits.csv", 6, None),
    ]
    assert errors[0].reason_en.startswith("this household's part rows come after those of")
    assert errors[2].reason_en.startswith("household 522425-999-9999 is not in the main table")
    assert errors[3].reason_en.startswith("the row has no household id")
    assert stats.to_dict() == {"read": 5, "accepted": 1, "rejected": 4}


def _two_households_with_income(tmp_path: Path, income_rows: list[str]) -> Path:
    path = tmp_path / "households.csv"
    path.write_text("id,income_recorded,member.name\nA,true,甲\nB,true,乙\n", encoding="utf-8")
    (tmp_path / "households.income.csv").write_text(
        "\n".join(["household_id,category,amount,year", *income_rows]) + "\n", encoding="utf-8")
    return path


def test_a_part_row_of_an_unknown_household_blocks_no_later_household(tmp_path):
    path = _two_households_with_income(
        tmp_path, ["X,wage,100,2020", "A,wage,5000,2020", "A,transfer,10,2020", "B,wage,6000,2020"])
    errors: list[InputError] = []
    stats = ReadStats()
    back = list(read_households(path, errors=errors, stats=stats))
    assert [(h.id, [i.amount for i in h.income or []]) for h in back] == [
        ("A", [5000.0, 10.0]), ("B", [6000.0])]
    assert [(e.row, e.household, e.reason_en) for e in errors] == [
        (2, "X", "household X is not in the main table; this row was not read")]
    assert stats.to_dict() == {"read": 3, "accepted": 2, "rejected": 1}


def test_a_household_whose_part_rows_cannot_be_matched_is_rejected(tmp_path):
    path = _two_households_with_income(
        tmp_path, ["B,wage,6000,2020", "A,wage,5000,2020", "X,wage,1,2020", "X,wage,2,2020"])
    errors: list[InputError] = []
    stats = ReadStats()
    back = list(read_households(path, errors=errors, stats=stats))
    assert [(h.id, [i.amount for i in h.income or []]) for h in back] == [("A", [5000.0])]
    assert [(e.row, e.household) for e in errors] == [(2, "B"), (4, "X")]
    assert errors[1].reason_en == ("household X is not in the main table; its 2 rows from row 4 "
                                   "were not read")
    assert stats.to_dict() == {"read": 4, "accepted": 1, "rejected": 3}


def test_split_part_rows_reject_their_household(tmp_path):
    path = _two_households_with_income(
        tmp_path, ["A,wage,1,2020", "B,wage,2,2020", "A,wage,3,2020"])
    errors: list[InputError] = []
    stats = ReadStats()
    back = list(read_households(path, errors=errors, stats=stats))
    assert [h.id for h in back] == ["B"]
    assert [e.household for e in errors] == ["A"]
    assert errors[0].reason_en.startswith("this household's part rows are not adjacent")
    assert stats.to_dict() == {"read": 2, "accepted": 1, "rejected": 1}


def test_an_unreadable_part_table_rejects_the_households(tmp_path):
    path = _two_households_with_income(tmp_path, [])
    (tmp_path / "households.income.csv").write_text("A,wage,5000,2020\nB,wage,6000,2020\n",
                                                    encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    assert list(read_households(path, errors=errors, stats=stats)) == []
    assert [e.household for e in errors] == [None, "A", "B"]
    assert errors[0].reason_en == "the part table cannot be read: no header row found"
    assert stats.to_dict() == {"read": 2, "accepted": 0, "rejected": 2}


def test_a_member_part_row_needs_an_existing_member(tmp_path):
    household = Household.model_validate(_example("one_room_unsafe_water"))
    path = tmp_path / "households.csv"
    write_households([household], path)
    employment = tmp_path / "households.employment.csv"
    employment.write_text(employment.read_text(encoding="utf-8-sig").replace(
        "522425-102-0002,1,", "522425-102-0002,7,"), encoding="utf-8")
    errors: list[InputError] = []
    assert list(read_households(path, errors=errors)) == []
    assert [(e.row, e.field, e.value) for e in errors] == [(2, "member_number", "7")]


def test_unknown_and_unused_columns_are_reported_as_warnings(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("户编号,姓名,备用列,序号,\nH1,王一,x,1,遗漏的数据\n", encoding="utf-8")
    errors: list[InputError] = []
    warnings: list[InputError] = []
    stats = ReadStats()
    assert len(list(read_households(path, errors=errors, warnings=warnings, stats=stats))) == 1
    assert errors == []
    assert [(w.row, w.column, w.value, w.level) for w in warnings] == [
        (1, "备用列", None, "warning"), (1, None, "序号", "warning"),
        (2, None, None, "warning"),
    ]
    assert warnings[2].reason_en == "column 5 has no header; its data was not read"
    assert stats.to_dict() == {"read": 1, "accepted": 1, "rejected": 0}


def test_a_file_without_the_household_id_column_is_not_read(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("姓名,证件号码\n王一,522425197503120018\n", encoding="utf-8")
    errors: list[InputError] = []
    stats = ReadStats()
    assert list(read_households(path, errors=errors, stats=stats)) == []
    assert [(e.row, e.reason_en) for e in errors] == [
        (1, "required column missing (id); the file was not read: its 1 data rows count as"
            " rejected")]
    assert "户编号" in errors[0].reason_zh
    assert stats.to_dict() == {"read": 1, "accepted": 0, "rejected": 1}


def test_a_file_without_any_known_header_is_reported(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    errors: list[InputError] = []
    assert list(read_households(path, errors=errors)) == []
    assert errors[0].reason_en.startswith("no header row found")


def test_input_errors_serialise_without_unknown_keys():
    error = InputError(file="a.csv", row=7, column="证件号码", field="member.id_number",
                       value="522425**********18", reason_zh="原因", reason_en="reason")
    assert error.to_dict() == {"file": "a.csv", "row": 7, "field": "member.id_number",
                               "value": "522425**********18", "reason_zh": "原因",
                               "reason_en": "reason", "column": "证件号码", "level": "error"}
    assert str(error) == ("a.csv 第7行 列「证件号码」 字段 member.id_number："
                          "原因（值：522425**********18）\n"
                          "  a.csv, row 7, column 证件号码, field member.id_number: reason "
                          "(value: 522425**********18)")


def test_raw_lines_and_unknown_fields_never_show_their_values(tmp_path):
    path = tmp_path / "households.jsonl"
    path.write_bytes(
        '{"id":"A","members":[{"name":"张三丰","id_number":"52242519800101005X"}]\n'
        .encode("gb18030")
        + b'{"id":"B","members":[{"idcard":"52242519800101005X","mobile":"13800001234",'
        + '"身份证":"52242519800101005X"}]}\n'.encode("gb18030"))
    for mask in (True, False):
        errors: list[InputError] = []
        assert list(read_households(path, errors=errors, mask=mask)) == []
        assert [(e.line, e.field, e.value) for e in errors] == [
            (1, None, None), (2, "members.1.idcard", None), (2, "members.1.mobile", None),
            (2, "members.1.身份证", None)]


def test_id_and_mobile_numbers_are_masked_in_any_field(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("户编号,water.litres_per_person_day,living.cultivated_mu\n"
                    "A,身份证52242519800101005X,电话13800001234\n", encoding="utf-8")
    masked: list[InputError] = []
    shown: list[InputError] = []
    assert list(read_households(path, errors=masked)) == []
    list(read_households(path, errors=shown, mask=False))
    assert [e.value for e in masked] == ["身份证522425**********5X", "电话138******34"]
    assert [e.value for e in shown] == ["身份证52242519800101005X", "电话13800001234"]
