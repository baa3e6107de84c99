"""Near-threshold clean villages, projects and towns (see planner.generate.near): area records
written exactly at (or, for a strict rule, one recordable unit inside) the limit of one village
(VIL) or project (PRJ) rule, expecting no finding.

A builder has the shape of an area injector (:mod:`planner.generate.inject_area`): ``kind``
``village`` (one village record), ``project`` (one project) or ``town`` (the projects of one
town), a function ``(record, rng, ctx) -> expected findings``; :func:`planner.generate.inject_area.
generate_area` draws one for a village, project or town that got no problem. Project and town
builders keep their town's completion rate at or above the benchmark, as the injectors do.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.area_facts import scheduled_share
from planner.generate.household import BuildContext
from planner.generate.inject_area import _completed, _due, _unfinish
from planner.generate.inject_county import fill_village_sheet
from planner.generate.near import near
from planner.generate.problems import Expected, Injector, NotApplicable

Record = dict[str, Any]


# --- works on schedule (VIL001, VIL002) ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Works:
    """A village work judged against its linear schedule: the fields of its whole, of what is
    done, of its start and due dates, and the step what is done is recorded in."""

    code: str
    whole: str
    done: str
    start: str
    due: str
    step: float


ROAD = Works("VIL001", "road_km_planned", "road_km_hardened", "road_start", "road_due", 0.1)
WATER = Works("VIL002", "households_total", "households_tap_water", "water_works_start",
              "water_works_due", 1)
# Shares the schedule may tolerate, before tolerance is added: 0.9 with the default tolerance
# (0.1) puts the due date on the reference date itself (due, not yet past due: 90 % is allowed).
TOLERATED_SHARES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SCHEDULE_DAYS = (200, 300, 400)
DECIMALS = 10  # places a share is compared to (planner.backends.python.conditions.numeric_minus)


def fewest_tolerated(limit: float, whole: float, step: float) -> float:
    """The least amount on ``step``'s grid whose share of ``whole`` is not below ``limit`` (as
    the rule divides: exactly the limit where the grid holds it)."""
    steps = max(0, math.floor(limit * whole / step) - 1)
    while True:
        amount = round(steps * step, 6) if step < 1 else float(steps * step)
        if amount / whole >= limit:
            return amount
        steps += 1


def _on_the_tolerated_share(works: Works) -> Injector:
    def build(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
        tolerance = float(ctx.values["projects.schedule_tolerance"])
        days = rng.choice(SCHEDULE_DAYS)
        share = rng.choice(TOLERATED_SHARES)
        elapsed = min(days, round(days * (share + tolerance)))
        start = ctx.when - timedelta(days=elapsed)
        due = start + timedelta(days=days)
        expected = scheduled_share(start, due, ctx.when)
        assert expected is not None
        # the limit in decimals, as an office computes it (0.4 - 0.1 is 0.3)
        limit = round(expected - tolerance, DECIMALS)
        amount = fewest_tolerated(limit, float(village[works.whole]), works.step)
        village[works.start], village[works.due] = start.isoformat(), due.isoformat()
        village[works.done] = int(amount) if works.step >= 1 else amount
        return []

    build.__doc__ = (
        f"A village whose {works.done} is the least the linear schedule from {works.start} to "
        f"{works.due} tolerates on the reference date (expected share less "
        "projects.schedule_tolerance), the due date at most the reference date itself."
    )
    return near(works.code, "village")(build)


road_on_the_tolerated_share = _on_the_tolerated_share(ROAD)
water_on_the_tolerated_share = _on_the_tolerated_share(WATER)


# --- the village sheet (VIL003, VIL005–VIL009) -----------------------------------------------
SheetEdit = Callable[[Record, BuildContext, random.Random], Record]


@dataclass(frozen=True, slots=True)
class SheetCase:
    """One row: a village with the 2023 village sheet filled, ``exited`` or not, then the
    values ``edit`` returns written over it; ``code`` stays quiet. ``doc`` says what it is."""

    code: str
    name: str
    doc: str
    exited: bool
    edit: SheetEdit


def _fixed(values: Record) -> SheetEdit:
    return lambda village, ctx, rng: values


def _a_zero_answer(village: Record, ctx: BuildContext, rng: random.Random) -> Record:
    # counts no other rule reads as a problem at zero (clinics, doctors: VIL008's)
    field = rng.choice(("primary_schools", "tekun_people", "culture_rooms", "public_toilets",
                        "waste_points", "disabled_people"))
    return {field: 0}


def _income_one_unit_above(village: Record, ctx: BuildContext, rng: random.Random) -> Record:
    # The sheet records 村级集体经济收入 in 万元 to two decimals: 100 yuan is its least step.
    return {"collective_income": float(ctx.values["village_exit.collective_income_min"]) + 100}


def _problems_equal_to_households(village: Record, ctx: BuildContext,
                                  rng: random.Random) -> Record:
    total = village["households_total"]
    water = rng.randint(0, total)
    return {"unsafe_water_households": water, "dangerous_house_households": total - water}


def _a_part_equal_to_its_whole(village: Record, ctx: BuildContext, rng: random.Random) -> Record:
    if rng.random() < 0.5:  # every 低保 household with one recipient (single elderly people)
        return {"dibao_households": village["dibao_people"]}
    return {"pension_insured_people": village["population"]}


SHEET_CASES = (
    SheetCase("VIL003", "village_sheet_with_a_zero",
              "An exited village whose sheet records a zero (schools, 特困 people, culture "
              "rooms, toilets, waste points or disabled people): a zero is an answer, not a "
              "blank.", True, _a_zero_answer),
    SheetCase("VIL005", "collective_income_just_above_the_minimum",
              "An exited village whose collective income is 100 yuan (the sheet's 0.01 万元) "
              "above village_exit.collective_income_min.", True, _income_one_unit_above),
    SheetCase("VIL006", "village_not_exited_without_paved_road",
              "A village not exited without a paved road to the township (only exited villages "
              "are judged).", False, _fixed({"paved_road_to_town": False})),
    SheetCase("VIL007", "problem_households_equal_to_households",
              "An exited village whose unsafe-water and dangerous-house households add up to "
              "exactly its households.", True, _problems_equal_to_households),
    SheetCase("VIL008", "village_not_exited_without_clinic",
              "A village not exited without a village clinic (only exited villages are judged).",
              False, _fixed({"clinics": 0, "doctors": 0})),
    SheetCase("VIL009", "village_count_equal_to_its_whole",
              "A village whose 低保 households equal its 低保 recipients, or whose pension-insured "
              "people equal its population.", False, _a_part_equal_to_its_whole),
)


def sheet_near(case: SheetCase) -> Injector:
    """The near builder of one :data:`SHEET_CASES` row."""

    def build(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
        village["exited"] = case.exited
        fill_village_sheet(village)
        village.update(case.edit(village, ctx, rng))
        return []

    build.__name__ = build.__qualname__ = case.name
    build.__doc__ = case.doc
    return near(case.code, "village")(build)


# --- projects (PRJ003, PRJ004) ---------------------------------------------------------------
@near("PRJ003", "project")
def due_on_the_reference_date(
    project: Record, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A project planned to complete on the reference date itself and not completed yet: due
    (it counts for its town's completion rate), not overdue."""
    if not _due(project, ctx.when):
        raise NotApplicable("not due")
    _unfinish(project)
    project["planned_completion"] = ctx.when.isoformat()
    return []


@near("PRJ004", "project")
def notice_at_the_limits(
    project: Record, rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A project whose notice stayed posted exactly projects.notice_days_min days, or was posted
    on the day the works started, or a project starting the day after the reference date with
    no notice yet."""
    choice = rng.choice(("least_days", "posted_on_start", "starts_tomorrow"))
    if choice == "starts_tomorrow" and _due(project, ctx.when):
        choice = "least_days"
    if choice == "least_days":
        project["notice_days"] = int(ctx.values["projects.notice_days_min"])
    elif choice == "posted_on_start":
        project["notice_posted_on"] = project["started_on"]
    else:
        tomorrow = ctx.when + timedelta(days=1)
        if date.fromisoformat(project["planned_completion"]) <= tomorrow:
            raise NotApplicable("completes too soon")
        project["planned_start"] = project["started_on"] = tomorrow.isoformat()
        project.pop("notice_posted_on", None)
        project.pop("notice_days", None)
    return []


# --- towns (PRJ001, PRJ002) ------------------------------------------------------------------
@near("PRJ001", "town")
def completion_at_the_benchmark(
    projects: list[Record], rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A town with the fewest completed projects projects.completion_benchmark allows: the
    others due are planned to complete on the reference date itself (due, not overdue)."""
    when = ctx.when
    due = [p for p in projects if _due(p, when) and _completed(p, when)]
    if len(due) != sum(_due(p, when) for p in projects):
        raise NotApplicable("a due project is already unfinished")
    benchmark = float(ctx.values["projects.completion_benchmark"])
    completed = math.ceil(benchmark * len(due))
    while completed / len(due) < benchmark:
        completed += 1
    if completed >= len(due):
        raise NotApplicable("too few due projects to leave one unfinished")
    for project in rng.sample(due, len(due) - completed):
        _unfinish(project)
        project["planned_completion"] = when.isoformat()
    return []


@near("PRJ002", "town")
def disbursement_at_the_benchmark(
    projects: list[Record], rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A town whose projects have disbursed the benchmark share of their funds
    (projects.disbursement_benchmark), to the yuan."""
    benchmark = float(ctx.values["projects.disbursement_benchmark"])
    for project in projects:
        project["funds_disbursed"] = float(round(project["funds_allocated"] * benchmark))
    allocated = sum(p["funds_allocated"] for p in projects)
    largest = max(projects, key=lambda p: p["funds_allocated"])
    while sum(p["funds_disbursed"] for p in projects) / allocated < benchmark:
        largest["funds_disbursed"] += 1.0
    return []


NEAR: tuple[Injector, ...] = (
    road_on_the_tolerated_share,
    water_on_the_tolerated_share,
    *(sheet_near(case) for case in SHEET_CASES),
    due_on_the_reference_date,
    notice_at_the_limits,
    completion_at_the_benchmark,
    disbursement_at_the_benchmark,
)
