"""Villages and projects of the generated county, with village (VIL) and project (PRJ) problems.

Town-level rates follow the rules' definitions (completion = completed ÷ due; disbursement =
Σ disbursed ÷ Σ allocated). A project injected as overdue also counts against its town's
completion rate, so single overdue projects go only to towns that stay above the benchmark, and
a town made to trail (PRJ001) lists its unfinished projects as PRJ003 too: that is what the
rules legitimately report.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from planner.generate.area import clean_project, clean_village
from planner.generate.household import BuildContext
from planner.generate.problems import Expected, Injector, NotApplicable, injector

Record = dict[str, Any]


def _due(project: Record, when: date) -> bool:
    return date.fromisoformat(project["planned_completion"]) <= when


def _completed(project: Record, when: date) -> bool:
    done = project.get("completed_on")
    return done is not None and date.fromisoformat(done) <= when


def completion_rate(projects: list[Record], when: date) -> float | None:
    """Completed ÷ due among ``projects`` (None when none is due)."""
    due = [p for p in projects if _due(p, when)]
    return sum(_completed(p, when) for p in due) / len(due) if due else None


def _unfinish(project: Record) -> None:
    project.pop("completed_on", None)
    project.pop("announced_on", None)


@injector("VIL001", "village")
def road_behind(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """Road hardening far behind its schedule (the speech's 3 of 10 km)."""
    when = ctx.when
    planned = float(rng.choice((8, 10, 10, 12)))
    village["road_km_planned"] = planned
    village["road_km_hardened"] = round(planned * rng.uniform(0.2, 0.4), 1)
    village["road_start"] = (when - timedelta(days=rng.randint(300, 420))).isoformat()
    village["road_due"] = (when + timedelta(days=rng.randint(30, 90))).isoformat()
    return [Expected("VIL001", subject=village["id"])]


@injector("VIL002", "village")
def water_works_behind(village: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """Water-supply works past their due date with many households still without tap water."""
    total = village["households_total"]
    village["households_tap_water"] = int(total * rng.uniform(0.2, 0.6))
    village["water_works_start"] = (ctx.when - timedelta(days=rng.randint(300, 500))).isoformat()
    village["water_works_due"] = (ctx.when - timedelta(days=rng.randint(20, 150))).isoformat()
    return [Expected("VIL002", subject=village["id"])]


@injector("PRJ003", "project")
def project_overdue(project: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A project past its planned completion date and not finished."""
    if not _due(project, ctx.when):
        raise NotApplicable("not due yet")
    _unfinish(project)
    return [Expected("PRJ003", subject=project["id"])]


@injector("PRJ004", "project")
def not_announced(project: Record, rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """No public notice before the work started, too short a notice, or no announcement after."""
    choice = rng.choice(("no_notice", "short_notice", "late_notice", "no_announcement"))
    if choice == "no_announcement" and not _completed(project, ctx.when):
        choice = "no_notice"
    if choice == "no_notice":
        project.pop("notice_posted_on", None)
        project.pop("notice_days", None)
    elif choice == "short_notice":
        project["notice_days"] = rng.randint(2, int(ctx.values["projects.notice_days_min"]) - 1)
    elif choice == "late_notice":
        started = date.fromisoformat(project["started_on"])
        project["notice_posted_on"] = (started + timedelta(days=rng.randint(3, 20))).isoformat()
    else:
        project.pop("announced_on", None)
    return [Expected("PRJ004", subject=project["id"])]


@injector("PRJ001", "town")
def completion_low(projects: list[Record], rng: random.Random, ctx: BuildContext) -> list[Expected]:
    """A town whose due projects are far from finished (the speech's 52.6 %); every unfinished
    due project is overdue as well (PRJ003)."""
    due = [p for p in projects if _due(p, ctx.when)]
    if len(due) < 4:
        raise NotApplicable("too few due projects")
    benchmark = float(ctx.values["projects.completion_benchmark"])
    rate = rng.uniform(max(0.3, benchmark - 0.45), benchmark - 0.15)
    unfinished = rng.sample(due, len(due) - int(rate * len(due)))
    for project in unfinished:
        _unfinish(project)
    town = projects[0]["region"]["town"]
    return [
        Expected("PRJ001", subject=town),
        *(Expected("PRJ003", subject=p["id"]) for p in unfinished),
    ]


@injector("PRJ002", "town")
def disbursement_low(
    projects: list[Record], rng: random.Random, ctx: BuildContext
) -> list[Expected]:
    """A town that has paid out well under the benchmark share of its funds (the speech's 45 %)."""
    share = rng.uniform(0.35, 0.6)
    for project in projects:
        project["funds_disbursed"] = float(
            round(project["funds_allocated"] * share * rng.uniform(0.9, 1.1))
        )
    return [Expected("PRJ002", subject=projects[0]["region"]["town"])]


INJECTORS = (
    road_behind,
    water_works_behind,
    project_overdue,
    not_announced,
    completion_low,
    disbursement_low,
)

Chooser = Callable[[str, random.Random], Injector | None]


def generate_area(
    ctx: BuildContext,
    choose: Chooser,
    near: Chooser | None = None,
    applied: Counter[str] | None = None,
) -> tuple[list[Record], list[Record], list[Expected]]:
    """Villages and projects of the county, each given a problem when ``choose`` picks one.

    ``choose(kind, rng)`` returns the injector for a village, project or town, or None. One
    left without a problem may get a near builder (:mod:`planner.generate.near_area`) when
    ``near(kind, rng)`` returns one; its code is then counted in ``applied``. A builder that
    declines (:class:`NotApplicable`), or a project one that would pull a clean town below the
    completion benchmark, leaves the record clean.
    """
    when = ctx.when
    rng = random.Random(f"area/{ctx.config.seed}")
    layout = ctx.layout
    benchmark = float(ctx.values["projects.completion_benchmark"])

    def nearby(kind: str, trial: Any) -> tuple[str, list[Expected]] | None:
        """A near builder's code and findings once applied to ``trial`` (a copy), or None."""
        builder = None if near is None else near(kind, rng)
        if builder is None:
            return None
        try:
            return builder.code, builder.function(trial, rng, ctx)
        except NotApplicable:
            return None

    def keep(near_code: str | None, found: list[Expected]) -> None:
        if near_code is not None and applied is not None:
            applied[near_code] += 1
        expected.extend(found)

    villages: list[Record] = []
    expected: list[Expected] = []
    for slot in layout.villages:
        village = clean_village(layout, slot, rng, when)
        chosen = choose("village", rng)
        if chosen is not None:
            expected.extend(chosen.function(village, rng, ctx))
        elif (built := nearby("village", trial := {**village})) is not None:
            village = trial
            keep(*built)
        villages.append(village)
    projects: list[Record] = []
    for town, code in layout.towns:
        slots = [s for s in layout.villages if s.town_code == code]
        town_projects = [
            clean_project(layout, rng.choice(slots), k + 1, rng, when, due=k < count_due)
            for count_due in (rng.randint(10, 20),)
            for k in range(count_due + rng.randint(0, 4))
        ]
        chosen = choose("town", rng)
        if chosen is not None:
            expected.extend(chosen.function(town_projects, rng, ctx))
        elif (built := nearby("town", trials := [{**p} for p in town_projects])) is not None:
            town_projects = trials
            keep(*built)
        for number, project in enumerate(town_projects):
            chosen = choose("project", rng)
            if "completed_on" not in project and _due(project, when):
                continue
            trial = {**project}
            near_code: str | None = None
            if chosen is None:
                built = nearby("project", trial)
                if built is None:
                    continue
                near_code, found = built
            else:
                try:
                    found = chosen.function(trial, rng, ctx)
                except NotApplicable:
                    continue
            # an unfinished project must not pull a clean town below the benchmark (PRJ001)
            rate = completion_rate([*town_projects[:number], trial, *town_projects[number + 1:]],
                                   when)
            if (
                rate is not None
                and rate < benchmark
                and not any(e.code == "PRJ001" for e in expected if e.subject == town)
            ):
                continue
            town_projects[number] = trial
            keep(near_code, found)
        projects.extend(town_projects)
    return villages, projects, expected
