"""Events: read from JSON Lines with located errors, applied to a household as a new validated
record, an event that cannot be applied an error that leaves the household as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.live.apply import ApplyError, apply_event
from planner.live.events import Illness, Snapshot, read_events
from planner.model import Household, Member
from planner.model.vocab import (
    Health,
    HousingGrade,
    MeasureStatus,
    MedicalInsurance,
    MonitoringGroup,
    SchoolingStage,
    WorkStatus,
)

from .live import event


def household() -> Household:
    return Household(id="h1", members=[Member(name="张三"), Member(name="张小")])


def test_a_jsonl_file_gives_events_and_errors_naming_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"id":"e1","household_id":"h1","time":"2023-01-02","type":"illness","member":1}\n'
        "\n"
        '{"id":"e2","household_id":"h1","time":"2023-01-02","type":"illness","member":0}\n'
        '{"id":"e3","household_id":"h1","time":"2023-01-02","type":"no_such_type"}\n'
        "not json\n", encoding="utf-8")
    items = list(read_events(path))
    assert isinstance(items[0], Illness) and items[0].member == 1
    assert items[0].health is Health.SERIOUS_ILLNESS
    errors = items[1:]
    assert [(e.file, e.line, e.household) for e in errors] == [
        (str(path), 3, "h1"), (str(path), 4, "h1"), (str(path), 5, None)]
    assert errors[0].field == "member"
    assert (errors[1].field, errors[1].value) == ("type", "no_such_type")
    assert "未知的事件类型" in errors[1].reason_zh and "unknown event type" in errors[1].reason_en
    assert "第3行" in str(errors[0]) and "line 3" in str(errors[0])


def test_a_snapshot_must_carry_its_own_household() -> None:
    with pytest.raises(ValueError, match="household_id"):
        event("snapshot", "h2", 1, household=household().model_dump())


def test_each_event_changes_its_part_of_the_record() -> None:
    state = apply_event(None, Snapshot(id="s", household_id="h1", time="2023-01-01",
                                       household=household()))
    steps = [
        event("income_reported", "h1", 1, year=2023,
              income=[{"category": "wage", "amount": 9000, "year": 2023}]),
        event("illness", "h1", 2, member=1, health="chronic_illness"),
        event("large_expenditure", "h1", 3, amount=1200),
        event("large_expenditure", "h1", 4, amount=300),
        event("house_assessed", "h1", 5, grade="C"),
        event("house_renovated", "h1", 6),
        event("child_enrolled", "h1", 7, member=2, stage="primary", grade=3),
        event("insurance_enrolled", "h1", 8, member=2, medical="resident"),
        event("household_identified", "h1", 9, "2023-03-05", group="marginal",
              risks=["因病"]),
        event("disaster", "h1", 10),
        event("household_verified", "h1", 11, "2023-03-12"),
        event("measure_started", "h1", 12, "2023-03-20", measure="job_placement"),
        event("measure_done", "h1", 13, "2023-06-20", measure="job_placement"),
        event("visit", "h1", 14, "2023-07-01", visitor="李四"),
        event("risk_eliminated", "h1", 15, "2023-10-01", method="assisted"),
    ]
    for step in steps:
        before = state
        state = apply_event(state, step)
        assert state is not before
    assert state.income_year == 2023 and state.income is not None
    assert state.income[0].amount == 9000
    assert state.members[0].health is Health.CHRONIC_ILLNESS
    assert state.compliant_out_of_pocket == 1500
    assert state.housing.safety_grade is HousingGrade.C
    assert state.housing.renovation is WorkStatus.DONE
    assert (state.members[1].schooling, state.members[1].grade) == (SchoolingStage.PRIMARY, 3)
    assert state.members[1].medical_insurance is MedicalInsurance.RESIDENT
    monitoring = state.monitoring
    assert monitoring is not None and monitoring.group is MonitoringGroup.MARGINAL
    assert monitoring.identified_on == date(2023, 3, 5)
    assert monitoring.verified_on == date(2023, 3, 12)
    assert monitoring.risks == ["因病", "因自然灾害"]
    assert monitoring.risk_eliminated is True and monitoring.eliminated_on == date(2023, 10, 1)
    [measure] = state.measures
    assert (measure.status, measure.start, measure.completed) == (
        MeasureStatus.DONE, date(2023, 3, 20), date(2023, 6, 20))
    assert state.visits[0].on == date(2023, 7, 1)


@pytest.mark.parametrize(("step", "field"), [
    (event("illness", "h1", 1, member=3), "member"),
    (event("measure_done", "h1", 2, measure="job_placement"), "measures"),
    (event("household_verified", "h1", 3), "monitoring"),
    (event("child_enrolled", "h1", 4, member=1, stage="primary", grade=9), None),
])
def test_an_event_that_cannot_be_applied_raises_and_leaves_the_household(step, field) -> None:
    before = household()
    copy = before.model_copy(deep=True)
    if field is None:  # the model itself refuses the result: grade 9 is valid, so break it
        step = step.model_copy(update={"grade": 12})
    with pytest.raises(ApplyError) as caught:
        apply_event(before, step)
    assert before == copy
    if field is not None:
        assert caught.value.field == field
    assert caught.value.zh != caught.value.en


def test_an_event_before_the_households_snapshot_is_refused() -> None:
    with pytest.raises(ApplyError, match="snapshot"):
        apply_event(None, event("visit", "h9", 1))
