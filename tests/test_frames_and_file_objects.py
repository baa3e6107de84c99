"""The library reads binary file objects as it reads paths (a web upload, ``io.BytesIO``), with
errors naming the object; findings and plans come out as data frames; households come in from a
frame, validated as a file's records."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

import planner
from planner.extras import MissingExtra, installed
from planner.frames import FINDING_COLUMNS
from planner.io import FormatError, InputError, ReadStats, read_villages, write_households
from planner.planning.export import COLUMNS

from .conftest import EXAMPLES, HOUSEHOLDS

pl = pytest.importorskip("polars")  # the frame half needs one frame library; this one is polars

DISTRICT = EXAMPLES / "district"
EXPORT = EXAMPLES / "district_2023" / "（自定义）监测对象信息.xlsx"
WHEN = date(2020, 9, 30)


def test_an_uploaded_workbook_reads_as_its_path_does() -> None:
    upload = io.BytesIO(EXPORT.read_bytes())  # nameless, as a web framework may hand it over
    from_object = list(planner.read_households(upload, fmt="xlsx", income_year=2023))
    from_path = list(planner.read_households(EXPORT, income_year=2023))
    assert len(from_object) == 300 and from_object == from_path


def test_an_open_binary_file_takes_its_format_from_its_name() -> None:
    stats = ReadStats()
    with open(DISTRICT / "villages.json", "rb") as handle:
        villages = list(read_villages(handle, stats=stats))
    assert [v.id for v in villages] == [v.id for v in read_villages(DISTRICT / "villages.json")]
    assert (stats.read, stats.accepted) == (12, 12)


def test_errors_name_the_object_and_the_row_never_the_spooled_copy(tmp_path: Path) -> None:
    write_households(list(planner.read_households(DISTRICT / "households.jsonl"))[:3],
                     tmp_path / "h.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "h.csv").read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("member.birth_date")] = "not-a-date"
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    upload = io.BytesIO(text.getvalue().encode("utf-8"))
    upload.name = "上传的户数据.csv"
    errors: list[InputError] = []
    households = list(planner.read_households(upload, errors=errors))
    assert len(households) == 2 and errors
    assert {e.file for e in errors} == {"上传的户数据.csv"}
    assert (errors[0].row, errors[0].column) == (2, "member.birth_date")
    assert "上传的户数据.csv" in str(errors[0]) and "planner-upload" not in str(errors[0])


def test_a_nameless_object_without_a_format_fails_at_once() -> None:
    with pytest.raises(FormatError, match="fmt"):
        planner.read_households(io.BytesIO(b"[]"))  # before any iteration
    with pytest.raises(FormatError, match=r"二进制|binary"):
        list(planner.read_households(io.StringIO("[]"), fmt="json"))


@pytest.fixture(scope="module")
def district() -> tuple[list[planner.Household], planner.CheckResult]:
    dataset = planner.open_dataset(DISTRICT)
    households = list(dataset.households())
    return households, planner.check(households, villages=dataset.villages,
                                     projects=dataset.projects, reference_date=WHEN)


def test_the_findings_frame_has_a_row_per_finding(district) -> None:
    _, result = district
    frame = result.to_frame("polars")
    assert isinstance(frame, pl.DataFrame)
    assert tuple(frame.columns) == FINDING_COLUMNS
    assert frame.height == len(result.findings) == 95
    assert sorted(frame["code"].to_list()) == sorted(f.code for f in result.findings)
    assert frame.filter(pl.col("code") == "INC002")["subject"].to_list()[0] == "522425-101-0001"


def test_the_findings_frame_masks_id_numbers_unless_asked(example_household) -> None:
    household = planner.Household.model_validate(example_household("dq_invalid_id"))
    result = planner.check([household], reference_date=WHEN)
    masked = result.to_frame("polars").filter(pl.col("code") == "DQ001")["evidence"][0]
    shown = result.to_frame("polars", show_personal=True).filter(
        pl.col("code") == "DQ001")["evidence"][0]
    assert json.loads(masked)["member.id_number"] == "522425**********25"
    assert json.loads(shown)["member.id_number"] == "522425198211030025"


def test_a_frame_library_not_installed_is_named() -> None:
    if installed("pandas"):
        result = planner.check([], reference_date=WHEN).to_frame("pandas")
        assert list(result.columns) == list(FINDING_COLUMNS)
        return
    with pytest.raises(MissingExtra, match=r"fuping-planner\[pandas\]") as caught:
        planner.check([], reference_date=WHEN).to_frame("pandas")
    assert "pandas" in caught.value.zh and "pandas" in caught.value.en
    with pytest.raises(ValueError, match="arrow"):
        planner.check([], reference_date=WHEN).to_frame("arrow")


def test_the_plan_frame_has_the_rows_of_the_csv_plan(district) -> None:
    households, _ = district
    plan = planner.plan(households[:40], reference_date=WHEN)
    frame = plan.to_frame("polars")
    assert tuple(frame.columns) == tuple(COLUMNS)
    items = sum(len(h.items) + len(h.to_cancel) for h in plan.households)
    assert frame.height == items + len(plan.works) and items > 20
    first = plan.households[0].items[0]
    row = frame.filter((pl.col("household") == first.household)
                       & (pl.col("measure") == first.measure)).row(0, named=True)
    assert row["responsible_zh"] == first.responsible_zh and row["cost"] == first.cost


def test_households_from_a_nested_frame_equal_the_file(district) -> None:
    households, _ = district
    frame = pl.read_ndjson(DISTRICT / "households.jsonl", infer_schema_length=None)
    assert list(planner.read_frame(frame)) == households


def test_households_from_a_flat_frame_are_validated_like_a_csv(tmp_path: Path, district) -> None:
    households, _ = district
    write_households(households[:5], tmp_path / "h.csv")  # the members' table (and others)
    frame = pl.read_csv(tmp_path / "h.csv", infer_schema_length=0)  # every cell text

    def people(read: list[planner.Household]) -> list[tuple[str, list[tuple]]]:
        return [(h.id, [(m.id_number, m.name, m.birth_date, m.relation) for m in h.members])
                for h in read]

    assert people(list(planner.read_frame(frame))) == people(households[:5])
    column = "member.birth_date"
    broken = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("1990-13-45"))
        .otherwise(pl.col(column)).alias(column))
    errors: list[InputError] = []
    read = list(planner.read_frame(broken, errors=errors, name="系统导出"))
    assert len(read) == 4
    [error] = [e for e in errors if not e.is_warning]
    assert (error.file, error.row, error.column) == ("系统导出", 2, "member.birth_date")


def test_households_example_files_ship_with_names_for_the_tests() -> None:
    assert (HOUSEHOLDS / "dq_invalid_id.json").is_file()


def test_a_dataset_opens_from_uploads() -> None:
    export = planner.open_dataset(io.BytesIO(EXPORT.read_bytes()), fmt="xlsx", income_year=2023)
    assert len(list(export.households())) == 300 and not export.errors
    with open(DISTRICT / "households.jsonl", "rb") as households, \
            open(DISTRICT / "villages.json", "rb") as villages:
        dataset = planner.open_dataset([households, villages])
        read = list(dataset.sourced())
    assert len(read) == 307 and len(dataset.villages) == 12
    assert read[0].source.file == "households.jsonl"


def test_a_dataset_of_uploads_names_them_in_its_errors() -> None:
    lines = (DISTRICT / "households.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    broken = json.loads(lines[1])
    broken["members"][0]["birth_date"] = "2020-02-30"
    upload = io.BytesIO("\n".join([lines[0], json.dumps(broken, ensure_ascii=False), lines[2]])
                        .encode("utf-8"))
    dataset = planner.open_dataset(upload, fmt="jsonl")  # nameless: households.jsonl
    assert len(list(dataset.households())) == 2
    [error] = dataset.errors
    assert (error.file, error.line, error.field) == ("<upload.jsonl>", 2,
                                                     "members.1.birth_date")
