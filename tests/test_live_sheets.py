"""Events from the export files' change sheets: the household-member sheet's households and their
monitoring dates, the work-record sheet's spells; bad rows located (file, sheet, row, column);
``planner monitor ingest`` reads a workbook folder."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.io import read_sources
from planner.io.errors import InputError
from planner.io.exportwrite import EXPORT_SHEETS, household_rows, write_sheet
from planner.live import Monitor, read_change_sheet
from planner.live.events import Snapshot, WorkRecorded
from planner.model import Household

from .live import district_2023, run_2023

WORK_SHEET = EXPORT_SHEETS["monitoring_2023_work_records"]
MEMBER_SHEET = EXPORT_SHEETS["monitoring_2023_members"]


def sample() -> list[Household]:
    """Households of the 2023 district with work spells, and monitored ones."""
    households = district_2023()
    working = [h for h in households if any(m.employment for m in h.members)][:4]
    monitored = [h for h in households if h.monitoring is not None][:2]
    return [*working, *(h for h in monitored if h not in working)]


def write_export(folder: Path, households: list[Household], bad_rows: bool = True) -> None:
    """The member and work-record sheets as the project's writer writes them, with two bad work
    rows appended: an amount that is not a number, a row naming no household read."""
    members, work = household_rows(households, 2023)
    header = work[0]
    if bad_rows:
        bad = list(work[1])
        bad[header.index("务工月收入")] = "很多"
        lost = list(work[1])
        lost[header.index("户编号")] = None
        lost[header.index("证件号码")] = "52242519800101999X"
        work = [*work, bad, lost]
    folder.mkdir(exist_ok=True)
    write_sheet(folder / f"{MEMBER_SHEET}.xlsx", MEMBER_SHEET, members, "示范县", "测试")
    write_sheet(folder / f"{WORK_SHEET}.xlsx", WORK_SHEET, work, "示范县", "测试")


def test_an_export_gives_snapshots_lifecycle_and_work_events_and_locates_bad_rows(
        tmp_path: Path) -> None:
    households = sample()
    write_export(tmp_path / "export", households)
    items = list(read_change_sheet(tmp_path / "export", income_year=2023))
    errors = [i for i in items if isinstance(i, InputError) and not i.is_warning]
    events = [i for i in items if not isinstance(i, InputError)]
    kinds = Counter(e.type for e in events)
    assert kinds["snapshot"] == len(households)
    assert kinds["household_identified"] >= 2 and kinds["income_reported"] == len(households)
    spells = sum(len(m.employment) for h in households for m in h.members)
    assert kinds["work_recorded"] == spells > 0
    snapshot = next(e for e in events if isinstance(e, Snapshot))
    assert snapshot.carries is not None and "member.employment.0.start" in snapshot.carries
    assert "visits" not in snapshot.carries  # the export has no visit column
    work = next(e for e in events if isinstance(e, WorkRecorded))
    assert work.id_number and work.work.start is not None and work.carries
    assert work.id.startswith(f"{WORK_SHEET}.xlsx#{WORK_SHEET}#")

    rows = len(household_rows(households, 2023)[1]) - 1
    by_field = {e.field: e for e in errors}
    assert set(by_field) == {"monthly_pay", "household_id"}
    pay = by_field["monthly_pay"]
    assert (pay.file, pay.sheet, pay.row, pay.column) == (
        str(tmp_path / "export" / f"{WORK_SHEET}.xlsx"), WORK_SHEET, 3 + rows + 1, "务工月收入")
    lost = by_field["household_id"]
    assert (lost.row, lost.column) == (3 + rows + 2, "户编号")
    assert lost.value is not None and "999X" not in lost.value  # the ID number is masked

    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        summary = live.ingest(items)
        assert (summary.accepted, summary.rejected) == (len(events), 2)
        # the events rebuild what reading the export joins: work spells included
        read = read_sources(tmp_path / "export", income_year=2023).households
        assert all(live.state(h.id) == h for h in read)
        # the same file again: every event a duplicate
        again = live.ingest(read_change_sheet(tmp_path / "export", income_year=2023))
        assert (again.accepted, again.duplicate) == (0, len(events))


def test_a_work_record_of_a_member_not_in_the_household_is_rejected(tmp_path: Path) -> None:
    households = sample()[:1]
    write_export(tmp_path / "export", households, bad_rows=False)
    events = [i for i in read_change_sheet(tmp_path / "export", income_year=2023)
              if not isinstance(i, InputError)]
    work = next(e for e in events if isinstance(e, WorkRecorded))
    stranger = work.model_copy(update={"id": "w-stranger", "id_number": "52242519800101999X"})
    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        summary = live.ingest([*events, stranger])
        assert summary.rejected == 1
        [error] = summary.errors
        assert error.field == "id_number" and "999X" not in error.reason_zh
        assert "没有证件号码为" in error.reason_zh and "no member with ID number" in error.reason_en


def test_planner_monitor_ingest_reads_an_export_folder(tmp_path: Path) -> None:
    write_export(tmp_path / "export", sample())
    result = CliRunner().invoke(cli, [
        "monitor", "ingest", str(tmp_path / "export"), "--journal", str(tmp_path / "j.sqlite"),
        "--province", "贵州", "--date", "2023-10-31", "--income-year", "2023",
        "--output-format", "json"],
        catch_exceptions=False)
    assert result.exit_code == 1  # the two bad rows
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 2 and summary["accepted"] > 20
    located = {(e["field"], e["column"]) for e in summary["errors"] if e["level"] == "error"}
    assert located == {("monthly_pay", "务工月收入"), ("household_id", "户编号")}


def test_read_events_reads_a_workbook_folder_as_change_sheets_and_txt_as_event_lines(
        tmp_path: Path) -> None:
    from planner.live import read_events

    write_export(tmp_path / "export", sample(), bad_rows=False)
    from_sheets = list(read_change_sheet(tmp_path / "export", income_year=2023))
    assert list(read_events(tmp_path / "export", income_year=2023)) == from_sheets
    lines = tmp_path / "events.txt"
    lines.write_text('{"id":"a","household_id":"h","time":"2023-01-01","type":"visit"}\n',
                     encoding="utf-8")
    [visit] = read_events(lines)
    assert visit.type == "visit"  # type: ignore[union-attr]
