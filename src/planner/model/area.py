"""Villages (infrastructure progress) and assistance projects (funds and schedule)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from planner.model.base import Record
from planner.model.household import Region


class VillageWork(Record):
    """An infrastructure work item of a village with its schedule."""

    name: str
    category: str | None = None
    planned_start: date | None = None
    planned_done: date | None = None
    done_on: date | None = None


class Village(Record):
    """An administrative village (行政村) and the progress of its works."""

    id: str = Field(min_length=1)
    region: Region = Field(default_factory=Region)
    exited: bool | None = None
    households_total: int | None = Field(None, ge=0)
    population: int | None = Field(None, ge=0)
    road_km_planned: float | None = Field(None, ge=0)
    road_km_hardened: float | None = Field(None, ge=0)
    road_start: date | None = None
    road_due: date | None = None
    households_tap_water: int | None = Field(None, ge=0)
    water_works_start: date | None = None
    water_works_due: date | None = None
    works: list[VillageWork] = Field(default_factory=list)


class Project(Record):
    """An assistance project of the county project library (项目库)."""

    id: str = Field(min_length=1)
    name: str | None = None
    region: Region = Field(default_factory=Region)
    category: str | None = None
    responsible: str | None = None
    planned_start: date | None = None
    planned_completion: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    funds_allocated: float | None = Field(None, ge=0, description="元")
    funds_disbursed: float | None = Field(None, ge=0, description="元")
    performance_targets: str | None = None
    notice_posted_on: date | None = Field(None, description="事前公示")
    notice_days: int | None = Field(None, ge=0)
    announced_on: date | None = Field(None, description="事后公告")
