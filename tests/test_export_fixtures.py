"""The national-export fixture set: read with no column map, the same in every variant, and the
same again when written as planner's JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.io import read_households, write_households
from planner.io.sources import read_sources
from tests.data.io import make_export_fixtures

SET = Path(__file__).parent / "data" / "io" / "export_set"
MANIFEST = json.loads((SET / "manifest.json").read_text(encoding="utf-8"))
VARIANTS = ("xlsx", "xls", "csv")


@pytest.fixture(scope="module")
def sources():
    return {v: read_sources(SET / v, income_year=MANIFEST["income_year"]) for v in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_reads_with_no_column_map_and_no_input_error(sources, variant):
    read = sources[variant]
    assert read.errors == []
    assert [h.id for h in read.households] == [h["id"] for h in MANIFEST["households"]]
    assert len(read.villages) == 2
    assert sorted((t.layout, t.stats.accepted, t.stats.rejected) for t in read.tables) == [
        ("monitoring_2023_members", 35, 0), ("monitoring_2023_villages", 2, 0),
        ("monitoring_2023_work_records", 31, 0)]
    # the only notices: the columns deliberately not read, once per sheet
    assert [(Path(w.file).name, w.column) for w in read.warnings] == [
        ("（务工月监测）已外出务工信息." + variant, None),
        ("（自定义）监测对象信息." + variant, None)]


def test_the_variants_hold_the_same_households(sources):
    assert sources["xls"].households == sources["xlsx"].households
    assert sources["csv"].households == sources["xlsx"].households
    assert sources["csv"].villages == sources["xlsx"].villages


def test_the_export_values_reach_the_model(sources):
    households = {h.id: h for h in sources["xlsx"].households}
    first = households["522425-101-0001"]
    head, spouse = first.members
    assert (head.sex.value, spouse.sex.value, head.birth_date) == ("male", "female", None)
    assert head.id_type == "身份证"
    # answered "no" (是否接受医疗救助, then 享受低保…, 享受特困…): declined, not an empty list
    assert (head.benefits, head.benefits_declined) == (
        None, ["medical_assistance", "dibao", "tekun"])
    # the member sheet's 务工所在地 and the work-record row are one spell
    (spell,) = head.employment
    assert (spell.place.value, spell.start.isoformat(), spell.end.isoformat()) == (
        "out_of_province", "2023-03-01", "2023-11-01")
    assert (spell.county, spell.channel, spell.monthly_pay, spell.employer) == (
        "东莞市", "务工", 4200, "某电子厂")
    assert first.assistance.industry == ["种植补贴"]
    assert (first.living.orchard_mu, first.living.grain_to_green_mu) == (1, 0)
    assert first.no_labour_safety_net is False
    dibao = households["522425-101-0013"].members[0]
    assert dibao.benefits == ["dibao"]
    village = sources["xlsx"].villages[0]
    assert (village.collective_income, village.dibao_people, village.bus_service) == (
        125000, 40, True)


def test_the_same_households_written_as_planner_json_read_back_equal(sources, tmp_path):
    households = sources["xlsx"].households
    write_households(households, tmp_path / "households.json")
    assert list(read_households(tmp_path / "households.json")) == households


def test_the_committed_set_is_what_the_script_writes(tmp_path):
    make_export_fixtures.write_set(tmp_path / "set")
    assert (tmp_path / "set" / "manifest.json").read_bytes() == (SET / "manifest.json").read_bytes()
    for variant in VARIANTS:
        fresh = read_sources(tmp_path / "set" / variant, income_year=2023)
        assert fresh.households == read_sources(SET / variant, income_year=2023).households
    shutil.rmtree(tmp_path / "set")


def test_the_manifest_plants_problems_in_some_households_and_leaves_others_clean():
    clean = [h for h in MANIFEST["households"] if h["clean"]]
    planted = [h for h in MANIFEST["households"] if not h["clean"]]
    assert len(MANIFEST["households"]) >= 30 and len(clean) >= 10 and len(planted) >= 10
    assert all(h["expected_codes"] for h in planted)


# Rules that need a field the 2023 member sheet does not carry (helper, visits, measures,
# verification dates, water quantity, causes): the engine work skips them per run.
NOT_CARRIED = {"DQ008", "SUP001", "SUP002", "SUP004", "INC002", "MON002"}


def test_the_planted_problems_give_the_manifest_codes_once_age_comes_from_the_id(sources,
                                                                                  tmp_path):
    # Until the facts derive age from the ID number, the test writes the birth date it holds.
    path = tmp_path / "households.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for household in sources["xlsx"].households:
            data = household.model_dump(mode="json", exclude_defaults=True)
            for member in data["members"]:
                number = member["id_number"]
                member["birth_date"] = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    planner = Path(sys.executable).with_name("planner")
    result = subprocess.run(
        [str(planner), "check", str(path), "--date", "2023-12-31", "--output-format", "jsonl",
         "--exit-zero"], capture_output=True, check=True)
    codes: dict[str, set[str]] = {h["id"]: set() for h in MANIFEST["households"]}
    for line in result.stdout.decode().splitlines():
        finding = json.loads(line)
        if finding["code"] not in NOT_CARRIED:
            codes[finding["subject"]].add(finding["code"])
    assert codes == {h["id"]: set(h["expected_codes"]) for h in MANIFEST["households"]}
