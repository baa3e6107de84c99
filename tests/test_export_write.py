"""Writing households and villages as the 2023 national export (planner.io.exportwrite): real
XLSX files read back by planner give the same model values for every field the layout carries."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from planner.generate import Generator, GeneratorConfig
from planner.generate.area import clean_village
from planner.io import open_dataset
from planner.io.columns import default_column_map
from planner.io.exportlayouts import export_layouts
from planner.io.exportwrite import EXPORT_SHEETS, write_export
from planner.io.sources import part_fields
from planner.model import Household, Village

LAYOUTS = {layout.name: layout for layout in export_layouts()}
COLUMNS = default_column_map()
MEMBER_FIELDS = LAYOUTS["monitoring_2023_members"].carried_fields(COLUMNS)
WORK_FIELDS = part_fields("work_record",
                          LAYOUTS["monitoring_2023_work_records"].carried_fields(COLUMNS))
VILLAGE_FIELDS = LAYOUTS["monitoring_2023_villages"].carried_fields(COLUMNS)
MONTHS = {"monitoring.identified_on", "monitoring.eliminated_on", "start", "end"}
# item columns (健康帮扶): a blank cell lists no item, so an unrecorded list reads back empty
ITEMS = {entry.field for entry in COLUMNS.table("households").columns.values()
         if entry.type == "items"}
_PRECISION = "_precision"  # the companion of a month column's field (identified_on_precision)
# 享受低保政策情况, 享受特困供养政策情况 and 是否接受医疗救助 answer for these benefits only: the
# layout carries them as kinds of member.benefits (member.benefits.dibao …), not the whole list
ANSWERED = {p.rsplit(".", 1)[1] for p in MEMBER_FIELDS if p.startswith("member.benefits.")}
MEMBER_PATHS = {p.rsplit(".", 1)[0] if p.startswith("member.benefits.") else p
                for p in MEMBER_FIELDS}


def _at(data: Any, path: str) -> Any:
    for part in path.split("."):
        if data is None:
            return None
        if part.isdigit():
            data = data[int(part)] if int(part) < len(data) else None
        else:
            data = data.get(part)
    return data


def _value(path: str, value: Any) -> Any:
    if path == "monitoring.risks" and value is not None:
        return [risk for risk in value if risk.strip()]  # blank items (MON019's) are one blank cell
    if value is not None and path.rsplit(".", 1)[-1] in {p.rsplit(".", 1)[-1] for p in MONTHS}:
        return str(value)[:7]  # month columns keep the month
    return value


def _carried(household: Household) -> dict[str, Any]:
    """What the member and work-record sheets can say of ``household``, as model values."""
    data = household.model_dump(mode="json")
    seen: dict[str, Any] = {}
    totals = {category: sum(i["amount"] for i in data["income"] if i["category"] == category)
              for category in ("wage", "operating", "transfer")}
    loss = sum(c["amount"] for c in data["production_costs"])
    for category in ("operating", "wage", "transfer"):  # the export's columns are net income
        deducted = min(loss, totals[category])
        totals[category], loss = totals[category] - deducted, loss - deducted
    for path in MEMBER_FIELDS:
        if path.startswith("income."):
            seen[path] = totals[path.split(".")[1]] or None
        elif path.endswith(_PRECISION):  # a month column's date is read at month precision
            seen[path] = "month" if _at(data, path.removesuffix(_PRECISION)) else None
        elif path in ITEMS:
            seen[path] = _at(data, path) or []
        elif not path.startswith("member."):
            seen[path] = _value(path, _at(data, path))
    for number, member in enumerate(data["members"], start=1):
        for path in MEMBER_PATHS | WORK_FIELDS:
            if not path.startswith("member.") or ".employment." in path:
                continue
            value = _at(member, path[len("member."):])
            if path == "member.benefits":
                value = sorted(ANSWERED & set(value or ())) or None
            elif path == "member.benefits_declined":
                # a known list of benefits without an answered kind is written 否 for it
                known = member["benefits"]
                absent = set() if known is None else ANSWERED - set(known)
                value = sorted(ANSWERED & (set(value or ()) | absent)) or None
            seen[f"{number}.{path}"] = value
        # every spell's work-record fields; 务工所在地 gives the first spell's place only
        spells = [{k: _value(k, v) for k, v in spell.items()
                   if f"member.employment.0.{k}" in WORK_FIELDS or (k == "place" and not n)}
                  for n, spell in enumerate(member["employment"])]
        for spell in spells:
            spell.update({k: "month" if spell.get(k.removesuffix(_PRECISION)) else None
                          for k in spell if k.endswith(_PRECISION)})
        seen[f"{number}.employment"] = [s for s in spells if any(s.values())]
    return seen


@pytest.fixture(scope="module")
def generated() -> list[Household]:
    config = GeneratorConfig(households=300, seed=23, reference_date=date(2023, 10, 31),
                             problem_share=0.3)
    return [Household.model_validate(item.household) for item in Generator(config).households()]


def test_written_households_read_back_with_every_carried_field(generated, tmp_path: Path):
    write_export(tmp_path, generated)
    dataset = open_dataset(tmp_path, income_year=2023)
    back = {household.id: household for household in dataset.households()}
    assert dataset.errors == []
    assert list(back) == [household.id for household in generated]
    for household in generated:
        assert _carried(back[household.id]) == _carried(household), household.id


def test_every_kind_of_cell_is_exercised(generated):
    """The round trip above means something: the generated households fill the columns."""
    values = [_carried(household) for household in generated]
    filled = {key.split(".", 1)[1] if key[0].isdigit() else key
              for seen in values for key, value in seen.items() if value not in (None, [], "")}
    assert {"monitoring.group", "monitoring.identified_on", "monitoring.risks", "income.wage",
            "member.benefits", "member.schooling", "member.grade", "employment",
            "member.public_welfare_posts.0.name", "member.medical_insurance"} <= filled


def test_the_files_have_the_export_title_rows_sheet_names_and_layout_headers(tmp_path: Path):
    config = GeneratorConfig(households=3, seed=2, reference_date=date(2023, 10, 31))
    households = [Household.model_validate(i.household) for i in Generator(config).households()]
    paths = write_export(tmp_path, households, title="示范县防止返贫监测对象信息（自定义）",
                         note="导出时间：2023-12-31")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{sheet}.xlsx" for sheet in EXPORT_SHEETS.values())
    for name, path in paths.items():
        book = load_workbook(path, read_only=True)
        [sheet] = book.worksheets
        rows = list(sheet.iter_rows(max_row=3, values_only=True))
        assert sheet.title == EXPORT_SHEETS[name]
        assert rows[0][0] == f"示范县防止返贫监测对象信息（自定义）：{EXPORT_SHEETS[name]}"
        assert rows[1][0] == "导出时间：2023-12-31"
        assert tuple(c for c in rows[2] if c is not None) == LAYOUTS[name].headers
        book.close()


def test_villages_read_back_with_every_carried_field(tmp_path: Path):
    generator = Generator(GeneratorConfig(households=10, seed=5, reference_date=date(2023, 10, 31),
                                          town_villages=(("河口镇", ("石桥村", "白岩村")),)))
    rng = random.Random(5)
    villages = [Village.model_validate(clean_village(generator.ctx.layout, slot, rng,
                                                     generator.ctx.when))
                for slot in generator.ctx.layout.villages]
    for number, village in enumerate(villages):  # the fields a clean village may leave out
        villages[number] = village.model_copy(update={
            "exited": True, "collective_income": 125000.0 + number, "primary_schools": 1,
            "dibao_people": 40, "unsafe_water_households": 0})
    write_export(tmp_path, [], villages)
    back = open_dataset(tmp_path).villages
    assert len(back) == len(villages)
    for written, read in zip(villages, back, strict=True):
        for path in VILLAGE_FIELDS:
            assert _at(read.model_dump(mode="json"), path) == _at(
                written.model_dump(mode="json"), path), path


def test_writing_twice_gives_the_same_bytes(generated, tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_export(first, generated[:20], income_year=2023)
    write_export(second, generated[:20], income_year=2023)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()
