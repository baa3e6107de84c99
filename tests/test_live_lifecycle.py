"""The lifecycle: stages from identification to elimination, its clocks kept as deadlines in the
journal, overdue clocks raised by tick (MON002, MON011) and listed by due."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.live import Monitor, Stage
from planner.live.lifecycle import Kind, plus_months
from planner.model import Household, Member
from planner.model.vocab import LabourCapacity

from .live import event, run_2023


def working_household(household_id: str = "h1") -> dict:
    return Household(id=household_id, members=[
        Member(name="王五", labour_capacity=LabourCapacity.NORMAL)]).model_dump(mode="json")


def test_identification_opens_the_clocks_and_each_step_meets_its_own(tmp_path: Path) -> None:
    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        live.ingest([event("snapshot", "h1", 0, "2023-01-01", household=working_household()),
                     event("household_identified", "h1", 1, "2023-03-01", group="marginal")])
        assert live.stage("h1") is Stage.IDENTIFIED
        clocks = {d.kind: d.due for d in live.journal.deadlines("h1")}
        assert clocks == {Kind.VERIFICATION: date(2023, 3, 16),
                          Kind.DEVELOPMENT: date(2023, 4, 1),
                          Kind.ELIMINATION_REVIEW: date(2023, 9, 1)}
        assert live.tick(date(2023, 3, 16)) == []
        late = live.tick(date(2023, 4, 2))
        assert sorted((f.code, f.evidence["deadline"], f.evidence["days_overdue"])
                      for f in late) == [("MON002", "verification", 17),
                                         ("MON011", "development", 1)]
        assert all(f.subject == "h1" and f.message_zh != f.message_en for f in late)

        live.ingest([event("household_verified", "h1", 2, "2023-04-03")])
        assert live.stage("h1") is Stage.VERIFIED
        assert [f.code for f in live.tick(date(2023, 4, 5))] == ["MON011"]
        live.ingest([event("measure_started", "h1", 3, "2023-04-06", measure="job_placement")])
        assert live.stage("h1") is Stage.ASSISTED
        assert live.tick(date(2023, 12, 31)) == []  # the review is due, not a fault
        assert [(d.household_id, d.kind) for d in live.due(date(2023, 9, 1))] == [
            ("h1", Kind.ELIMINATION_REVIEW)]
        live.ingest([event("risk_eliminated", "h1", 4, "2023-09-02", method="assisted")])
        assert live.stage("h1") is Stage.ELIMINATED
        assert live.due(date(2030, 1, 1)) == []


def test_a_lead_must_be_decided_within_fifteen_days(tmp_path: Path) -> None:
    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        summary = live.ingest([
            event("snapshot", "h1", 0, "2023-01-01", household=working_household("h1")),
            event("snapshot", "h2", 0, "2023-01-01", household=working_household("h2")),
            event("illness", "h1", 1, "2023-05-01", member=1),
            event("disaster", "h2", 1, "2023-05-01", loss=20000),
            event("visit", "h2", 2, "2023-05-10"),
            event("large_expenditure", "h2", 3, "2023-05-20", amount=0),
        ])
        # on 2023-05-20, the latest event's day, h1's lead (05-01) is past its 15 days; h2's
        # was checked by a visit, and an expenditure of nothing is no lead
        assert [(f.subject, f.code, f.evidence["deadline"]) for f in summary.overdue] == [
            ("h1", "MON002", "decision")]
        assert live.stage("h1") is Stage.STABLE
        [late] = live.tick(date(2023, 5, 17))
        assert (late.subject, late.code, late.evidence["due"]) == ("h1", "MON002", "2023-05-16")
        assert "2023-05-16" in late.message_zh


def test_the_next_event_raises_what_is_overdue_on_its_day(tmp_path: Path) -> None:
    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        live.ingest([event("snapshot", "h1", 0, "2023-01-01", household=working_household()),
                     event("household_identified", "h1", 1, "2023-03-01", group="marginal")])
        summary = live.ingest([event("visit", "h1", 2, "2023-03-20")])
        assert [f.code for f in summary.overdue] == ["MON002"]


def test_a_month_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert plus_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert plus_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert plus_months(date(2023, 12, 15), 1) == date(2024, 1, 15)


def two_members(household_id: str) -> dict:
    return Household(id=household_id, members=[
        Member(name="王五", labour_capacity=LabourCapacity.NORMAL),
        Member(name="王六", labour_capacity=LabourCapacity.NORMAL)]).model_dump(mode="json")


def income(household_id: str, number: int, total: float) -> object:
    return event("income_reported", household_id, number, "2023-06-01", year=2023,
                 income=[{"category": "wage", "amount": total, "year": 2023}])


def test_an_income_report_in_the_monitoring_range_is_a_lead(tmp_path: Path) -> None:
    # Guizhou's 2023 monitoring range: below 7,300 yuan per person (domain.md §1.2)
    with Monitor(tmp_path / "j.sqlite", run=run_2023()) as live:
        live.ingest([event("snapshot", h, 0, "2023-01-01", household=two_members(h))
                     for h in ("below", "at", "above", "watched")])
        live.ingest([event("household_identified", "watched", 1, "2023-03-01",
                           group="marginal")])
        summary = live.ingest([income("below", 1, 2 * 7299), income("at", 1, 2 * 7300),
                               income("above", 1, 2 * 7301), income("watched", 2, 2 * 7000)])
        assert summary.accepted == 4
        leads = {(d.household_id, d.kind, d.due, d.opened_by)
                 for d in live.due(date(2030, 1, 1)) if d.kind is Kind.DECISION}
        assert leads == {("below", Kind.DECISION, date(2023, 6, 16), "below-1")}
        assert [f.code for f in live.tick(date(2023, 6, 17))
                if f.evidence["deadline"] == "decision"] == ["MON002"]
        # a report that lifts the household out of the range does not close the lead: a
        # decision (identification or a visit) does
        live.ingest([income("below", 2, 2 * 9000)])
        assert any(d.household_id == "below" for d in live.due(date(2023, 6, 16)))
        live.ingest([event("visit", "below", 3, "2023-06-10")])
        assert not any(d.kind is Kind.DECISION for d in live.due(date(2030, 1, 1)))
