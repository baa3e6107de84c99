"""人员变更 read, not ignored (issue 14, precision on real exports): a member exported with a
departure (死亡, 婚出, 迁出 …) is kept on file off the register, so no member rule fires on a dead
or departed person, and they count in neither the household's size nor its income per head;
the export writer writes the change back, and an unknown label is an input error naming file,
row and field (domain.md §4.2 人员变更)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError

from planner import Household, check
from planner.io.api import read_households
from planner.io.errors import InputError
from planner.io.exportwrite import write_export
from planner.io.sources import read_sources
from planner.model import Health, MemberChange
from tests.data.io import make_export_fixtures as fx
from tests.test_generator_recall import built_in_rules

PLANNER = Path(sys.executable).with_name("planner")
SHEET = "（自定义）监测对象信息"
WHEN = date(2023, 12, 31)
RULES = built_in_rules()


def _write(folder: Path, households: list[dict[str, Any]]) -> Path:
    """The households (fixture cells, as make_export_fixtures builds them) as a real XLSX member
    sheet of the 2023 export: two title rows, the documented header, one row per person."""
    header = next(layout.headers for layout in fx.export_layouts()
                  if layout.name == "monitoring_2023_members")
    rows = [list(header)]
    for household in households:
        for member in household["members"]:
            cells = {**household["cells"], **member}
            rows.append([cells.get(h, "") for h in header])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SHEET}.xlsx"
    fx._xlsx(path, fx._titled(SHEET, rows), SHEET)
    return path


def _with_departed(number: int, departed: dict[str, Any], **cells: Any) -> dict[str, Any]:
    """A working couple (income per head over the two of them) and one more member on file."""
    household = fx._household(number, fx._couple(number), **cells)
    household["members"].append(departed)
    return household


def _son(change: str) -> dict[str, Any]:
    # ten on the check date, recorded out of school: EDU001 if he were on the register
    return fx._member("20130901", 2 * 61 + 301, "之子", 在校生状况="非在校生", 文化程度="",
                      劳动技能="无劳动力", 是否参加城乡居民基本养老保险="否", 人员变更=change)


def _daughter(change: str, sequence: int) -> dict[str, Any]:
    # married out, insured in her husband's household, so without insurance here: MED001 if
    # she were on the register
    return fx._member("20000305", sequence, "之女", 是否参加城乡居民基本医疗保险="否",
                      是否参加大病保险="否", 人员变更=change)


def _check(folder: Path) -> dict[str, set[str]]:
    done = subprocess.run(
        [str(PLANNER), "check", str(folder), "--income-year", "2023", "--date", WHEN.isoformat(),
         "--output-format", "json", "--exit-zero"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found: dict[str, set[str]] = {}
    for finding in json.loads(done.stdout)["findings"]:
        found.setdefault(finding["subject"], set()).add(finding["code"])
    return found


def test_an_export_with_member_changes_is_read_to_exact_findings(tmp_path: Path) -> None:
    households = [
        _with_departed(61, _son("死亡")),          # a dead child: no EDU001
        _with_departed(62, _daughter("婚出", 402)),  # married out: no MED001
        _with_departed(63, _daughter("迁出", 404)),  # moved out: no MED001
        _with_departed(64, _daughter("", 406)),      # no change: on the register, MED001
        _with_departed(65, _son("")),               # no change: EDU001
    ]
    # the newborn (出生) stays on the register and counts in the income per head
    newborn = fx._member("20230612", 2 * 66 + 301, "之子", 在校生状况="", 文化程度="",
                         劳动技能="无劳动力", 是否参加城乡居民基本养老保险="否", 人员变更="出生")
    households.append(fx._household(66, [*fx._couple(66), newborn]))
    # a 户编号 of the fixtures' numbering (522425-101-00nn)
    ids = [h["cells"]["户编号"] for h in households]
    folder = _write(tmp_path / "set", households).parent

    read = read_sources(folder, income_year=2023)
    assert read.errors == []
    changes = [[(m.change, m.registered) for m in h.members] for h in read.households]
    on = (None, True)
    assert changes == [
        [on, on, (MemberChange.DEATH, False)],
        [on, on, (MemberChange.MARRIED_OUT, False)],
        [on, on, (MemberChange.MOVED_OUT, False)],
        [on, on, on],
        [on, on, on],
        [on, on, (MemberChange.BIRTH, True)],
    ]
    # the departed members count neither in the size nor in the income per head: DQ005 (the
    # recorded 人均纯收入 against the income columns over the registered members) stays quiet
    # for them, and fires where the same third member, with no change, is on the register
    assert _check(folder) == {ids[3]: {"DQ005", "MED001"}, ids[4]: {"DQ005", "EDU001"}}


def test_a_departed_member_is_written_back_and_read_back_off_the_register(
        tmp_path: Path) -> None:
    household = Household.model_validate({
        "id": "522425-101-0071", "status": "exited", "region": {"county": "示范县"},
        "members": [
            {"relation": "head", "sex": "male", "id_number": fx.id_number("19700506", 143),
             "medical_insurance": "resident", "serious_illness_insurance": True},
            {"relation": "spouse", "sex": "female", "id_number": fx.id_number("19720811", 144),
             "change": "death", "medical_insurance": "none"},
            {"relation": "daughter", "sex": "female", "id_number": fx.id_number("20000305", 146),
             "change": "married_out", "registered": False, "medical_insurance": "none"},
            {"relation": "son", "sex": "male", "id_number": fx.id_number("20230612", 147),
             "change": "birth", "medical_insurance": "resident",
             "serious_illness_insurance": True},
        ]})
    paths = write_export(tmp_path / "out", [household], income_year=2023)
    rows = list(openpyxl.load_workbook(paths["monitoring_2023_members"]).active.iter_rows(
        values_only=True))
    column = rows[2].index("人员变更")
    assert [row[column] for row in rows[3:]] == [None, "死亡", "婚出", "出生"]
    back = read_sources(tmp_path / "out", income_year=2023)
    assert back.errors == []
    members = back.households[0].members
    assert [(m.change, m.registered) for m in members] == [
        (None, True), (MemberChange.DEATH, False), (MemberChange.MARRIED_OUT, False),
        (MemberChange.BIRTH, True)]
    codes = {f.code for f in check([household], rules=RULES, reference_date=WHEN).findings}
    assert "MED001" not in codes


def test_an_unknown_change_label_is_an_input_error_naming_file_row_and_field(
        tmp_path: Path) -> None:
    households = [_with_departed(81, _daughter("外嫁他乡", 502)),
                  fx._household(82, fx._couple(82))]
    path = _write(tmp_path / "set", households)
    read = read_sources(path.parent, income_year=2023)
    assert [(Path(e.file).name, e.row, e.field, e.value) for e in read.errors] == [
        (path.name, 6, "member.change", "外嫁他乡")]
    assert all(e.reason_zh and e.reason_en and not e.is_warning for e in read.errors)
    # the household with the bad cell is rejected, never read with the member registered
    assert [h.id for h in read.households] == [households[1]["cells"]["户编号"]]


def test_a_departure_given_as_registered_is_an_input_error_on_registered() -> None:
    with pytest.raises(ValidationError) as raised:
        Household.model_validate({"id": "H", "members": [
            {"relation": "head", "change": "death", "registered": True}]})
    assert [e["loc"] for e in raised.value.errors()] == [("members", 0, "registered")]
    with pytest.raises(ValidationError) as raised:
        Household.model_validate({"id": "H", "members": [
            {"relation": "head", "change": "birth", "registered": False}]})
    assert [e["loc"] for e in raised.value.errors()] == [("members", 0, "registered")]
    departed = Household.model_validate({"id": "H", "members": [
        {"relation": "head"}, {"relation": "spouse", "change": "married_out"},
        {"relation": "son", "change": "other", "registered": False}]})
    assert [m.registered for m in departed.members] == [True, False, False]
    assert {c for c in MemberChange if c.departs} == {
        MemberChange.DEATH, MemberChange.MARRIED_OUT, MemberChange.MOVED_OUT,
        MemberChange.IMPRISONED, MemberChange.ENLISTED}


def test_a_departure_recorded_as_registered_in_json_is_an_input_error_naming_the_field(
        tmp_path: Path) -> None:
    records = [
        {"id": "A", "members": [{"relation": "head"},
                                {"relation": "spouse", "change": "death", "registered": True}]},
        {"id": "B", "members": [{"relation": "head"}, {"relation": "son", "change": "birth"}]},
    ]
    path = tmp_path / "households.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    errors: list[InputError] = []
    assert [h.id for h in read_households(path, errors=errors)] == ["B"]
    assert [(e.line, e.field, e.household) for e in errors] == [(1, "members.2.registered", "A")]
    assert errors[0].reason_zh == (
        "人员变更为“死亡”（减少人员），不能登记为在册（registered 应为 false 或不填）")
    assert errors[0].reason_en == (
        "contradicts the member's change death (a departure): registered must be false or "
        "left out")


def _dead_son(change: str) -> dict[str, Any]:
    """The ten-year-old of :func:`_son`, recorded dead in 健康状况 (domain.md §4.2 lists 死亡 as
    a value of 健康状况)."""
    return {**_son(change), "健康状况": "死亡"}


def test_health_recorded_as_death_takes_the_member_off_the_register(tmp_path: Path) -> None:
    households = [
        _with_departed(91, _dead_son("")),      # 健康状况 死亡 alone: no EDU001, no DQ005
        _with_departed(92, _dead_son("死亡")),  # both columns say so: the same
        _with_departed(93, _son("")),           # alive, no change: EDU001, DQ005
    ]
    ids = [h["cells"]["户编号"] for h in households]
    folder = _write(tmp_path / "set", households).parent
    read = read_sources(folder, income_year=2023)
    assert read.errors == []
    third = [(m.change, m.registered, m.health) for h in read.households for m in h.members[2:]]
    # 死亡 is the change, never a state of health: member.health stays blank
    assert third == [(MemberChange.DEATH, False, None), (MemberChange.DEATH, False, None),
                     (None, True, Health.HEALTHY)]
    # the dead son counts neither in the size nor in the income per head (DQ005, the recorded
    # 人均纯收入 against the income columns over the registered members, stays quiet) and no
    # member rule fires on him; alive, the same son is EDU001 and breaks the income per head
    assert _check(folder) == {ids[2]: {"DQ005", "EDU001"}}


@pytest.mark.parametrize("change", ["迁入", "出生", "婚出"])
def test_health_death_against_another_change_is_an_input_error_naming_file_row_and_field(
        tmp_path: Path, change: str) -> None:
    households = [_with_departed(95, _dead_son(change)), fx._household(96, fx._couple(96))]
    path = _write(tmp_path / "set", households)
    read = read_sources(path.parent, income_year=2023)
    assert [(Path(e.file).name, e.row, e.column, e.field, e.value) for e in read.errors] == [
        (path.name, 6, "健康状况", "member.health", "死亡")]
    error = read.errors[0]
    assert "人员变更" in error.reason_zh and "人员变更" in error.reason_en
    assert not error.is_warning
    # the household is rejected whole, never read with either change chosen silently
    assert [h.id for h in read.households] == [households[1]["cells"]["户编号"]]


def test_a_dead_member_is_written_without_losing_a_recorded_health(tmp_path: Path) -> None:
    household = Household.model_validate({
        "id": "522425-101-0097", "status": "exited", "region": {"county": "示范县"},
        "members": [
            {"relation": "head", "sex": "male", "id_number": fx.id_number("19700506", 195),
             "health": "healthy"},
            {"relation": "spouse", "sex": "female", "id_number": fx.id_number("19720811", 196),
             "change": "death"},
            {"relation": "son", "sex": "male", "id_number": fx.id_number("19950301", 197),
             "change": "death", "health": "disabled"},
        ]})
    paths = write_export(tmp_path / "out", [household], income_year=2023)
    rows = list(openpyxl.load_workbook(paths["monitoring_2023_members"]).active.iter_rows(
        values_only=True))
    health, change = rows[2].index("健康状况"), rows[2].index("人员变更")
    # 死亡 in 健康状况 only where no health is recorded: the disabled son keeps 残疾
    assert [(row[health], row[change]) for row in rows[3:]] == [
        ("健康", None), ("死亡", "死亡"), ("残疾", "死亡")]
    back = read_sources(tmp_path / "out", income_year=2023)
    assert back.errors == []
    assert [(m.change, m.health) for m in back.households[0].members] == [
        (None, Health.HEALTHY), (MemberChange.DEATH, None),
        (MemberChange.DEATH, Health.DISABLED)]
