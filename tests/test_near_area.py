"""The area near builders sit on the boundary: the record they build is clean, and one recordable
step past it (a tenth of a kilometre, a household, a yuan, a day) is flagged by the same rule."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from planner import Project, RuleSet, Village, check
from planner.generate import Generator, GeneratorConfig
from planner.generate.area import clean_project, clean_village
from planner.generate.household import BuildContext
from planner.generate.near_area import NEAR
from planner.generate.problems import NotApplicable
from tests.test_generator_recall import built_in_rules

Record = dict[str, Any]
BLANKABLE = ("primary_schools", "tekun_people", "culture_rooms", "public_toilets", "waste_points",
             "disabled_people")


def _part_past_its_whole(village: Record, ctx: BuildContext) -> None:
    if village["dibao_households"] == village["dibao_people"]:
        village["dibao_households"] += 1
    else:
        village["pension_insured_people"] += 1


def _zero_made_blank(village: Record, ctx: BuildContext) -> None:
    for field in BLANKABLE:
        if village.get(field) == 0:
            del village[field]


def _one_more_unfinished(projects: list[Record], ctx: BuildContext) -> None:
    done = next(p for p in projects if p.get("completed_on") and p["planned_completion"]
                <= ctx.when.isoformat())
    del done["completed_on"]
    done.pop("announced_on", None)
    done["planned_completion"] = ctx.when.isoformat()


def _a_yuan_less(projects: list[Record], ctx: BuildContext) -> None:
    max(projects, key=lambda p: p["funds_allocated"])["funds_disbursed"] -= 1.0


def _a_day_overdue(project: Record, ctx: BuildContext) -> None:
    project["planned_completion"] = (ctx.when - timedelta(days=1)).isoformat()


def _notice_a_step_past(project: Record, ctx: BuildContext) -> None:
    started = date.fromisoformat(project["started_on"])
    if started > ctx.when:  # not started yet: starting on the reference date needs the notice
        project["planned_start"] = project["started_on"] = ctx.when.isoformat()
    elif project["notice_posted_on"] == project["started_on"]:
        project["notice_posted_on"] = (started + timedelta(days=1)).isoformat()
    else:
        project["notice_days"] -= 1


PAST: dict[str, Callable[[Any, BuildContext], None]] = {
    "VIL001": lambda v, ctx: v.update(road_km_hardened=round(v["road_km_hardened"] - 0.1, 1)),
    "VIL002": lambda v, ctx: v.update(households_tap_water=v["households_tap_water"] - 1),
    "VIL003": _zero_made_blank,
    "VIL005": lambda v, ctx: v.update(collective_income=v["collective_income"] - 100),
    "VIL006": lambda v, ctx: v.update(exited=True),
    "VIL007": lambda v, ctx: v.update(
        dangerous_house_households=v["dangerous_house_households"] + 1),
    "VIL008": lambda v, ctx: v.update(exited=True),
    "VIL009": _part_past_its_whole,
    "PRJ001": _one_more_unfinished,
    "PRJ002": _a_yuan_less,
    "PRJ003": _a_day_overdue,
    "PRJ004": _notice_a_step_past,
}


@functools.cache
def area_rules() -> RuleSet:
    """The built-in village and project rules, loaded once."""
    return RuleSet(r for r in built_in_rules() if r.code.startswith(("VIL", "PRJ")))


def _codes(ctx: BuildContext, villages: list[Record], projects: list[Record]) -> set[str]:
    result = check(
        [], villages=[Village.model_validate(v) for v in villages],
        projects=[Project.model_validate(p) for p in projects], rules=area_rules(),
        reference_date=ctx.when,
    )
    return {f.code for f in result.findings}


@pytest.mark.parametrize("when", [date(2020, 9, 30), date(2023, 9, 30)])
@pytest.mark.parametrize("builder", NEAR, ids=lambda b: f"{b.code}-{b.function.__name__}")
def test_the_area_near_record_is_clean_and_one_step_past_is_flagged(
    builder: Any, when: date
) -> None:
    assert set(PAST) == {b.code for b in NEAR}
    ctx = Generator(GeneratorConfig(households=0, villages=4, towns=1,
                                    reference_date=when)).ctx
    slot = ctx.layout.villages[0]
    built = 0
    for seed in range(12):
        rng = random.Random(seed)
        if builder.kind == "village":
            subject: Any = clean_village(ctx.layout, slot, rng, when)
        else:
            count = rng.randint(10, 20)
            subject = [clean_project(ctx.layout, slot, k + 1, rng, when, due=k < count)
                       for k in range(count + 3)]
        target = rng.choice(subject) if builder.kind == "project" else subject
        try:
            builder.function(target, rng, ctx)
        except NotApplicable:
            continue
        villages = [subject] if builder.kind == "village" else []
        projects = [] if builder.kind == "village" else subject
        assert builder.code not in _codes(ctx, villages, projects), subject
        PAST[builder.code](target, ctx)
        assert builder.code in _codes(ctx, villages, projects), subject
        built += 1
    assert built >= 3
