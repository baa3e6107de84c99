"""Facts of one work record and of one public-welfare post of a registered member: what a rule
with ``for_each: work_record`` or ``for_each: post`` reads (declared in
:mod:`planner.facts.items`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.model import EmploymentRecord, PublicWelfarePost


@dataclass(slots=True)
class WorkRecordFacts:
    """A spell of work of a registered member."""

    record: EmploymentRecord
    member: int
    number: int
    reference_date: date
    annual_pay: float | None
    holder_age: int | None
    holder_age_at_start: int | None
    active: bool
    current: bool
    county_level: bool | None


@dataclass(slots=True)
class PostFacts:
    """A public-welfare post of a registered member."""

    record: PublicWelfarePost
    member: int
    number: int
    reference_date: date
    annual_pay: float | None
    holder_age: int | None
    holder_age_at_start: int | None
    held: bool
