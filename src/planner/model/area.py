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
    # Counts and services of the village export (（自定义）行政村信息)
    disabled_people: int | None = Field(None, ge=0, description="残疾人口数")
    dibao_people: int | None = Field(None, ge=0, description="低保人口数")
    dibao_households: int | None = Field(None, ge=0, description="低保户数")
    tekun_people: int | None = Field(None, ge=0, description="特困供养人口数")
    unsafe_water_households: int | None = Field(None, ge=0, description="未实现饮水安全户数")
    dangerous_house_households: int | None = Field(None, ge=0, description="危房户数")
    pension_insured_people: int | None = Field(
        None, ge=0, description="参加城乡居民基本养老保险人数")
    collective_income: float | None = Field(None, ge=0, description="村级集体经济收入, 元")
    primary_schools: int | None = Field(None, ge=0, description="村小学（个数）")
    clinics: int | None = Field(None, ge=0, description="行政村卫生室个数")
    doctors: int | None = Field(None, ge=0, description="行政村执业（助理）医师（人）")
    public_toilets: int | None = Field(None, ge=0, description="行政村公共卫生厕所个数")
    waste_points: int | None = Field(
        None, ge=0, description="行政村生产生活垃圾集中堆放点个数")
    culture_rooms: int | None = Field(None, ge=0, description="行政村文化（图书）室个数")
    bus_service: bool | None = Field(None, description="是否通客运班车")
    paved_road_to_town: bool | None = Field(None, description="到乡镇是否通沥青（水泥）路")


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
