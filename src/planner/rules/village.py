"""Village rules (VIL): infrastructure works behind their schedule.

Village scope is outside the declarative spec (which reads households and members), so these are
Python rules reading :class:`planner.area_facts.VillageFacts`.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.area_facts import VillageFacts
from planner.rule import Hit, RuleContext, rule


def behind_schedule(
    share: float | None, expected: float | None, past_due: bool | None, tolerance: float
) -> bool | None:
    """Whether a work is behind: below the expected share by more than ``tolerance`` while it
    runs, or short of completion once its due date has passed. ``None`` when unknown."""
    if share is None or expected is None:
        return None
    if past_due:
        return share < 1.0
    return share < expected - tolerance


@rule(
    code="VIL001",
    name="road-behind-schedule",
    family="village",
    scope="village",
    severity="warning",
    message={
        "zh": "道路硬化完成 {values[done_km]:g} 公里，计划 {values[planned_km]:g} 公里"
        "（{values[share]:.0%}），按计划截至 {values[on]} 应完成 {values[expected]:.0%}"
        "（计划 {values[due]} 完工）",
        "en": "road hardening at {values[done_km]:g} of {values[planned_km]:g} km"
        " ({values[share]:.0%}); by {values[on]} the schedule expects {values[expected]:.0%}"
        " (due {values[due]})",
    },
    parameters=("projects.schedule_tolerance",),
    proposes=("road_hardening",),
    references=("supervision speech: a village with 3 km of 10 km of road hardened",),
)
def road_behind_schedule(ctx: RuleContext) -> Iterator[Hit]:
    """Village road hardening behind its schedule for the reference date.

    ## What it checks
    `road_share` = `road_km_hardened` ÷ `road_km_planned`; `road_expected_share` is the share a
    linear schedule from `road_start` to `road_due` expects on the reference date (0 before the
    start, 1 from the due date on). Fires when the due date has passed and the road is not fully
    hardened, or, while the works run, when `road_share` is below `road_expected_share` minus
    `projects.schedule_tolerance` (0.1). Unknown lengths, or an unknown start before the due
    date, never fire. To inject: `road_km_planned: 10`, `road_km_hardened: 3`, a `road_start`
    and `road_due` around the reference date so that more than 40% is expected.

    ## Why it matters
    The supervision found a village where 3 km of the 10 km of road to harden were done.
    Roads come before industry projects and markets: a late road delays every household plan
    that depends on it.

    ## Example
    Village V01 with 3 of 10 km hardened on 2020-09-30, works from 2020-03-01 to 2020-10-31:
    87% expected, 30% done.

    ## Proposed measures
    Road hardening (`road_hardening`, county transport bureau).

    ## Parameters
    `projects.schedule_tolerance`.

    ## References
    Supervision speech (road hardening 3 km of 10); schedule tolerance is local practice.
    """
    village: VillageFacts = ctx.village
    tolerance = ctx.params["projects.schedule_tolerance"]
    behind = behind_schedule(
        village.road_share, village.road_expected_share, village.road_past_due, tolerance
    )
    if not behind:
        return
    record = village.record
    yield Hit(
        evidence={
            "road_km_planned": record.road_km_planned,
            "road_km_hardened": record.road_km_hardened,
            "road_share": round(village.road_share or 0.0, 4),
            "expected_share": round(village.road_expected_share or 0.0, 4),
            "road_start": record.road_start.isoformat() if record.road_start else None,
            "road_due": record.road_due.isoformat() if record.road_due else None,
        },
        values={
            "done_km": record.road_km_hardened,
            "planned_km": record.road_km_planned,
            "share": village.road_share,
            "expected": village.road_expected_share,
            "on": village.reference_date,
            "due": record.road_due,
        },
    )


@rule(
    code="VIL002",
    name="water-works-behind",
    family="village",
    scope="village",
    severity="warning",
    message={
        "zh": "集中供水入户 {values[tap]} 户，共 {values[total]} 户（{values[share]:.0%}），"
        "按计划截至 {values[on]} 应达 {values[expected]:.0%}（计划 {values[due]} 完工）",
        "en": "{values[tap]} of {values[total]} households have tap water ({values[share]:.0%});"
        " by {values[on]} the schedule expects {values[expected]:.0%} (due {values[due]})",
    },
    parameters=("projects.schedule_tolerance",),
    proposes=("water_works",),
    references=("domain.md §2 饮水安全: piped into the house meets the convenience indicator",),
)
def water_works_behind(ctx: RuleContext) -> Iterator[Hit]:
    """Village drinking-water works behind their schedule for the reference date.

    ## What it checks
    `tap_water_share` = `households_tap_water` ÷ `households_total`; `water_expected_share` is
    the share a linear schedule from `water_works_start` to `water_works_due` expects on the
    reference date (0 before the start, 1 from the due date on). Fires when the due date has
    passed and not every household has tap water, or, while the works run, when
    `tap_water_share` is below `water_expected_share` minus `projects.schedule_tolerance` (0.1).
    Unknown counts, or an unknown start before the due date, never fire. To inject:
    `households_total: 120`, `households_tap_water: 30`, `water_works_due` before the
    reference date.

    ## Why it matters
    Safe drinking water is checked alongside the 三保障; a village supply scheme that lags
    leaves every household it serves with a water problem (WAT findings) that no household
    measure can solve.

    ## Example
    Village V02: 30 of 120 households connected, works due on 2020-06-30, checked on 2020-09-30.

    ## Proposed measures
    Village water-supply works (`water_works`, county water bureau).

    ## Parameters
    `projects.schedule_tolerance`.

    ## References
    domain.md §2 (饮水安全 indicators: piped into the house meets convenience).
    """
    village: VillageFacts = ctx.village
    tolerance = ctx.params["projects.schedule_tolerance"]
    behind = behind_schedule(
        village.tap_water_share, village.water_expected_share, village.water_past_due, tolerance
    )
    if not behind:
        return
    record = village.record
    yield Hit(
        evidence={
            "households_total": record.households_total,
            "households_tap_water": record.households_tap_water,
            "tap_water_share": round(village.tap_water_share or 0.0, 4),
            "expected_share": round(village.water_expected_share or 0.0, 4),
            "water_works_start": (
                record.water_works_start.isoformat() if record.water_works_start else None
            ),
            "water_works_due": (
                record.water_works_due.isoformat() if record.water_works_due else None
            ),
        },
        values={
            "tap": record.households_tap_water,
            "total": record.households_total,
            "share": village.tap_water_share,
            "expected": village.water_expected_share,
            "on": village.reference_date,
            "due": record.water_works_due,
        },
    )


RULES = (road_behind_schedule, water_works_behind)
