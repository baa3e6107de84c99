"""Phone numbers and full-width characters as people type them into export cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.io import InputError, ReadStats, read_households
from planner.io.cells import id_number as id_cell
from planner.io.cells import phone, to_date, to_float, to_int
from planner.phones import normalise_phone

EXPORT = Path(__file__).resolve().parent / "data" / "io" / "export_2023.csv"


@pytest.mark.parametrize("text", [
    "13800138000", "138-0013-8000", "138 0013 8000", "+86 138 0013 8000", "+86-13800138000",
    "0086 138 0013 8000", "008613800138000", "１３８００１３８０００",
    "＋８６　１３８－００１３－８０００",
    " 13800138000 ",
])
def test_mobile_spellings_give_the_eleven_digits(text: str) -> None:
    assert normalise_phone(text) == "13800138000"


@pytest.mark.parametrize(("text", "expected"), [
    ("（0851）8123 4567", "0851-81234567"),
    ("(0851)81234567", "0851-81234567"),
    ("0851 8123 4567", "0851-81234567"),
    ("085181234567", "0851-81234567"),
    ("+86 851 8123 4567", "0851-81234567"),
    ("010-12345678", "010-12345678"),
    ("01012345678", "010-12345678"),
    ("（０１０）１２３４５６７８", "010-12345678"),
])
def test_landlines_give_area_code_hyphen_number(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize("text", [
    "1388571000",  # a digit lost
    "12345678901",  # no mobile range starts 12
    "无", "", "138001380001234",
])
def test_impossible_numbers_are_not_normalised(text: str) -> None:
    assert normalise_phone(text) is None


def test_a_number_of_another_country_keeps_its_country() -> None:
    assert normalise_phone("+1 650 253 0000") == "+16502530000"


def test_a_phone_cell_keeps_an_impossible_number_as_written() -> None:
    assert phone(" 1388-571-000 ") == "1388-571-000"
    assert phone(13800138000.0) == "13800138000"  # a phone column formatted as a number
    assert phone(85181234567) == "0851-81234567"  # the landline's 0 lost to the number format


@pytest.mark.parametrize(("cell", "expected"), [("１２", 12), ("－３", -3), ("１，２００", 1200),
                                                ("　７　", 7)])
def test_full_width_integers(cell: str, expected: int) -> None:
    assert to_int(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("１２．５", 12.5), ("－０．２５", -0.25),
                                                ("１．２万", 12000.0), ("３００元", 300.0)])
def test_full_width_amounts(cell: str, expected: float) -> None:
    assert to_float(cell) == expected


@pytest.mark.parametrize("cell", ["２０２０－０３－０１", "２０２０年３月１日", "２０２０／３／１",
                                  "　２０２００３０１　", "４３８９１"])
def test_full_width_dates(cell: str) -> None:
    assert to_date(cell) == date(2020, 3, 1)


def test_full_width_id_numbers() -> None:
    assert id_cell("５２２４２５１９７００５０６００１６") == "522425197005060016"
    assert id_cell("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_an_export_with_phones_and_full_width_cells_as_typed_reads_canonically(tmp_path) -> None:
    text = EXPORT.read_bytes().decode("gb18030")
    text = text.replace("13885710101", "+86 138-8571-0101", 1)
    # The spouse's ID number and birth date typed with a Chinese input method.
    text = text.replace("522425197208110028", "５２２４２５１９７２０８１１００２８", 1)
    text = text.replace("1972/8/11", "１９７２／８／１１", 1)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("gb18030"))
    errors: list[InputError] = []
    stats = ReadStats()
    first, _ = read_households(path, errors=errors, stats=stats, income_year=2023)
    assert errors == []
    head, spouse, _son = first.members
    assert head.phone == "13885710101"
    assert spouse.id_number == "522425197208110028"
    assert spouse.birth_date == date(1972, 8, 11)
