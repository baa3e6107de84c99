"""What the live-monitoring tests share: a run of the 2023 example district and event helpers."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from planner.io import open_dataset
from planner.live.events import Event, EventRecord
from planner.model import Household
from planner.params import load_parameters
from planner.run import Run

from .conftest import EXAMPLES

DISTRICT_2023 = EXAMPLES / "district_2023"
ON_2023 = date(2023, 10, 31)


@cache
def run_2023() -> Run:
    """The run ``planner check examples/district_2023`` makes: Guizhou, 2023-10-31."""
    return Run.build(parameters=load_parameters(province="贵州"), reference_date=ON_2023)


@cache
def district_2023() -> tuple[Household, ...]:
    """The households of the 2023 example district, read from its export files."""
    return tuple(open_dataset(DISTRICT_2023, income_year=2023).households())


def event(kind: str, household_id: str, number: int, when: str = "2023-03-01",
          **payload: Any) -> Event:
    """One event of ``kind`` validated as a line of a JSONL file is."""
    return EventRecord.model_validate({"id": f"{household_id}-{number}", "type": kind,
                                       "household_id": household_id, "time": when,
                                       **payload}).root


def key(finding: Any) -> tuple[str, str, int, str]:
    """What two findings must share to be the same finding."""
    return (finding.subject, finding.code, finding.member or 0, finding.message_en)
