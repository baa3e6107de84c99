"""Round trips: reading what planner wrote gives back equal records, in every format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from planner.io import (
    FORMATS,
    ReadStats,
    open_dataset,
    read_households,
    read_projects,
    read_villages,
    write_households,
    write_projects,
    write_villages,
)
from planner.model import Household

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district"
DATA = Path(__file__).resolve().parent / "data" / "io"
NAMED = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")
SUFFIX = {"json": "json", "jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx", "parquet": "parquet",
          "parquet-flat": "parquet"}


def reference_households() -> list[Household]:
    """The named example households and the edge cases, as the committed fixtures hold them."""
    examples = ROOT / "examples" / "households"
    named = [Household.model_validate_json((examples / f"{n}.json").read_bytes()) for n in NAMED]
    edge = json.loads((DATA / "edge_households.json").read_text(encoding="utf-8"))
    return named + [Household.model_validate(h) for h in edge]


@pytest.fixture(scope="module")
def district():
    """The example district 示范县 as read from its JSONL and JSON files."""
    dataset = open_dataset(DISTRICT)
    households = list(dataset.households())
    assert dataset.errors == []
    assert dataset.stats.read == dataset.stats.accepted == len(households) > 300
    return households, dataset.villages, dataset.projects


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_example_district_reads_back_equal_in_every_format(fmt, district, tmp_path):
    households, villages, projects = district
    ext = SUFFIX[fmt]
    assert write_households(households, tmp_path / f"households.{ext}", fmt=fmt) == len(households)
    assert write_villages(villages, tmp_path / f"villages.{ext}", fmt=fmt) == len(villages)
    assert write_projects(projects, tmp_path / f"projects.{ext}", fmt=fmt) == len(projects)

    dataset = open_dataset(tmp_path)
    assert list(dataset.households()) == households
    assert dataset.villages == villages
    assert dataset.projects == projects
    assert dataset.errors == []
    count = len(households)
    assert dataset.stats.to_dict() == {"read": count, "accepted": count, "rejected": 0}


@pytest.mark.parametrize("name", ["households.json", "households.jsonl", "households.csv",
                                  "households.xlsx", "households.parquet",
                                  "households.flat.parquet"])
def test_files_written_by_planner_earlier_still_read_the_same(name):
    errors: list = []
    stats = ReadStats()
    assert list(read_households(DATA / "formats" / name, errors=errors, stats=stats)) == \
        reference_households()
    assert errors == []
    assert (stats.read, stats.accepted, stats.rejected) == (5, 5, 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_edge_cases_survive_every_format(fmt, tmp_path):
    """Empty strings in lists, JSON-looking notes, formulas, newlines, memberless households,
    income recorded as empty, departed members, member-level part tables."""
    households = reference_households()
    path = tmp_path / f"households.{SUFFIX[fmt]}"
    write_households(households, path, fmt=fmt)
    back = list(read_households(path))
    assert back == households
    edge = back[3]
    assert edge.monitoring is not None and edge.monitoring.risks == ["因病", "因灾; 房屋受损", ""]
    assert [v.notes for v in edge.visits] == ["=SUM(A1:A3)", "第一行\n第二行, 有逗号; 也有分号"]
    assert edge.members[0].benefits is None and edge.members[1].benefits == []
    assert back[4].members == [] and back[4].income == []


def test_the_flat_layout_keeps_lists_of_records_in_part_tables(tmp_path):
    households = reference_households()
    write_households(households, tmp_path / "households.csv")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["households.csv", "households.employment.csv", "households.income.csv",
                     "households.measures.csv", "households.production_costs.csv",
                     "households.public_welfare_posts.csv", "households.visits.csv",
                     "households.waivers.csv"]
    employment_file = tmp_path / "households.employment.csv"
    employment = employment_file.read_text(encoding="utf-8-sig").splitlines()
    assert employment[0] == ("household_id,member_number,start,end,start_precision,end_precision,"
                             "place,county,monthly_pay,months,"
                             "employed,channel,industry,employer,point_to_point,travel_subsidy")
    assert employment[-1] == "522425-999-0001,2,2021-08-01,,,,in_county,,,2,,,,,,"


def test_writing_again_removes_part_files_the_new_data_does_not_have(tmp_path):
    households = reference_households()
    target = tmp_path / "households.csv"
    write_households(households, target)
    assert (tmp_path / "households.waivers.csv").exists()
    write_households(households[:3], target)
    assert not (tmp_path / "households.waivers.csv").exists()
    assert list(read_households(target)) == households[:3]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_households_write_a_readable_empty_file(fmt, tmp_path):
    path = tmp_path / f"households.{SUFFIX[fmt]}"
    assert write_households([], path, fmt=fmt) == 0
    stats = ReadStats()
    assert list(read_households(path, stats=stats)) == []
    assert stats.read == 0


@pytest.mark.parametrize("name", ["households.jsonl.gz", "households.csv.gz", "households.json.gz"])
def test_gzip_compressed_text_formats_round_trip(name, tmp_path):
    households = reference_households()
    path = tmp_path / name
    write_households(households, path)
    with gzip.open(path, "rb") as handle:
        assert handle.read(1) in (b"{", b"[", b"\xef")
    assert list(read_households(path)) == households


def test_a_combined_json_file_feeds_households_villages_and_projects(district, tmp_path):
    households, villages, projects = district
    combined = {
        "households": [h.model_dump(mode="json") for h in households[:5]],
        "villages": [v.model_dump(mode="json") for v in villages],
        "projects": [p.model_dump(mode="json") for p in projects[:3]],
    }
    path = tmp_path / "district.json"
    path.write_text(json.dumps(combined, ensure_ascii=False), encoding="utf-8")
    dataset = open_dataset(path)
    assert list(dataset.households()) == households[:5]
    assert dataset.villages == villages
    assert dataset.projects == projects[:3]
    assert list(read_villages(path)) == villages
    assert list(read_projects(path)) == projects[:3]


def test_the_format_can_be_named_when_the_extension_says_nothing(tmp_path):
    households = reference_households()
    path = tmp_path / "export.dat"
    write_households(households, path, fmt="jsonl")
    assert list(read_households(path, fmt="jsonl")) == households


def test_a_dataset_folder_exposes_its_configuration_file():
    dataset = open_dataset(DISTRICT)
    assert dataset.config_path == DISTRICT / "planner.toml"
    assert [p.name for p in dataset.household_files] == ["households.jsonl"]


def test_a_note_full_of_semicolons_does_not_change_the_csv_delimiter(tmp_path):
    household = Household.model_validate(
        {"id": "A", "visits": [{"on": "2020-05-01", "notes": "走访;收入核实;住房;饮水;教育"}]})
    path = tmp_path / "households.csv"
    write_households([household], path)
    errors: list = []
    assert list(read_households(path, errors=errors)) == [household]
    assert errors == []


def test_xlsx_keeps_every_digit_of_a_float(tmp_path):
    household = Household.model_validate(
        {"id": "A", "income_year": 2020, "recorded_per_capita_income": 2808.3333333333335,
         "compliant_out_of_pocket": 0.1 + 0.2, "members": [{"name": "甲"}]})
    path = tmp_path / "households.xlsx"
    write_households([household], path)
    errors: list = []
    assert list(read_households(path, errors=errors)) == [household]
    assert errors == []


def test_a_sheet_past_excels_row_limit_is_refused(tmp_path):
    from planner.io import FormatError
    from planner.io.tabular import XLSX_MAX_ROWS, XlsxTables

    tables = XlsxTables(tmp_path / "big.xlsx", "households", ["id"])
    tables.write("households", ["id"], ["A"])
    tables._next_row["households"] = XLSX_MAX_ROWS  # as if the sheet were full
    with pytest.raises(FormatError, match="1,048,576") as raised:
        tables.write("households", ["id"], ["B"])
    assert "CSV" in raised.value.zh and "Parquet" in raised.value.en
    tables.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet-flat"])
def test_two_members_recorded_alike_are_two_people(fmt, tmp_path):
    son = {"relation": "son", "sex": "male", "registered": True}
    household = Household.model_validate({"id": "A", "members": [son, son]})
    path = tmp_path / f"households.{SUFFIX[fmt]}"
    write_households([household], path, fmt=fmt)
    errors: list = []
    assert list(read_households(path, errors=errors)) == [household]
    assert errors == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "gb18030"])
def test_jsonl_in_other_encodings_is_read_line_by_line(encoding, tmp_path):
    path = tmp_path / "households.jsonl"
    path.write_bytes('{"id":"A","members":[{"name":"张三"}]}\n{"id":"B"}\n'.encode(encoding))
    errors: list = []
    stats = ReadStats()
    back = list(read_households(path, errors=errors, stats=stats))
    assert [(h.id, [m.name for m in h.members]) for h in back] == [("A", ["张三"]), ("B", [])]
    assert errors == []
    assert stats.to_dict() == {"read": 2, "accepted": 2, "rejected": 0}
