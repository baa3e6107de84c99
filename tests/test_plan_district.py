"""District plans: village works as prerequisites, critical path, department loads, budget."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from planner.finding import Finding
from planner.model import Household, Project, Village
from planner.planning import DistrictPlanner, plan
from planner.registry import RuleSet, entry_point_rules
from planner.testing import merge_patch

WHEN = date(2020, 9, 30)
BUILTIN_PACKS = ("income", "basic_needs", "education", "health", "housing", "water",
                 "data_quality", "support", "policy", "monitoring", "village", "project")
ONE_ROOM_VILLAGE = {"town": "河口镇", "village": "白岩村", "division_code": "522425101202"}
PRE_EXIT_VILLAGE = {"town": "河口镇", "village": "石桥村", "division_code": "522425101201"}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(entry_point_rules(BUILTIN_PACKS))


@pytest.fixture
def household(example_household):
    def build(name: str, patch: dict | None = None) -> Household:
        data = example_household(name)
        return Household.model_validate(merge_patch(data, patch) if patch else data)

    return build


def test_water_connection_waits_for_the_village_water_works(household, rules) -> None:
    village = Village(id="V-BY", region=ONE_ROOM_VILLAGE, households_total=52,
                      households_tap_water=40, water_works_due=date(2020, 12, 31))
    result = plan([household("one_room_unsafe_water")], rules=rules, reference_date=WHEN,
                  villages=[village])
    [works] = result.works
    assert (works.key, works.due, works.households) == ("water_works@V-BY", date(2020, 12, 31), 1)
    assert works.remaining_share == pytest.approx(12 / 52)
    one_room = result.households[0]
    assert one_room.village == "V-BY"
    water = one_room.item("water_connection")
    assert water.waits_for == ["water_works@V-BY"]
    assert water.start == date(2020, 12, 31)
    assert any(n.kind == "waits_for_village" for n in one_room.notes)
    path = [step["key"] for step in result.critical_path]
    assert path == ["water_works@V-BY", "water_connection"]
    assert result.finish == date(2020, 12, 31) + timedelta(days=60)


def test_an_overdue_road_is_rescheduled_for_its_remaining_share(household, rules) -> None:
    village = Village(id="V-SQ", region=PRE_EXIT_VILLAGE, road_km_planned=10, road_km_hardened=3,
                      road_start=date(2019, 3, 1), road_due=date(2020, 6, 30))
    pre_exit = household("pre_exit_2808", {"measures": [
        {"measure": "planting_subsidy", "status": "planned", "year": 2020}]})
    result = plan([pre_exit], rules=rules, reference_date=WHEN, villages=[village])
    [road] = result.works
    assert road.behind is True
    assert road.start == WHEN
    assert road.due == WHEN + timedelta(days=math.ceil(180 * 0.7))
    assert road.cost == pytest.approx(500000 * 0.7)
    planting = result.households[0].item("planting_subsidy")
    assert planting.status == "planned"
    assert planting.waits_for == ["road_hardening@V-SQ"]
    assert planting.start == road.due


def test_a_village_finding_makes_a_work_pending_and_names_its_code(household) -> None:
    village = Village(id="V-SQ", region=PRE_EXIT_VILLAGE)
    finding = Finding(code="VIL001", name="road-behind", family="village", severity="error",
                      subject="V-SQ", subject_kind="village", message_zh="道路滞后",
                      message_en="road behind schedule")
    result = plan([household("pre_exit_2808")], findings=[finding], reference_date=WHEN,
                  villages=[village])
    [road] = result.works
    assert (road.why, road.source) == (["VIL001"], "finding")
    assert road.reason_en == "road behind schedule"
    assert road.due == WHEN + timedelta(days=180)


def test_an_unfinished_road_project_in_the_village_is_a_pending_work(household) -> None:
    village = Village(id="V-SQ", region=PRE_EXIT_VILLAGE)
    projects = [
        Project(id="P1", name="石桥村通组路", category="road", region=PRE_EXIT_VILLAGE,
                planned_completion=date(2021, 3, 1), funds_allocated=800000,
                funds_disbursed=300000),
        Project(id="P2", category="water", region=PRE_EXIT_VILLAGE, completed_on=date(2020, 5, 1)),
    ]
    result = plan([household("pre_exit_2808")], findings=[], reference_date=WHEN,
                  villages=[village], projects=projects)
    [road] = result.works
    assert (road.measure, road.due, road.cost, road.source) == (
        "road_hardening", date(2021, 3, 1), 500000, "project")


def test_cost_and_workload_are_counted_per_department_and_month(household, rules) -> None:
    village = Village(id="V-BY", region=ONE_ROOM_VILLAGE, households_total=52,
                      households_tap_water=40, water_works_due=date(2020, 12, 31))
    result = plan([household("one_room_unsafe_water"), household("pre_exit_2808")], rules=rules,
                  reference_date=WHEN, villages=[village])
    water = result.departments["County water bureau"]
    assert water.zh == "县水务局"
    assert water.items == 2
    assert water.cost == pytest.approx(1500 + 300000 * 12 / 52)
    assert water.cost_by_month == {"2020-09": pytest.approx(300000 * 12 / 52), "2020-12": 1500}
    assert water.active_by_month["2021-01"] == 1 and water.active_by_month["2020-12"] == 2
    housing = result.departments["County housing and construction bureau"]
    assert (housing.items, housing.cost) == (2, 20200)
    stats = result.stats
    assert (stats.households, stats.below_line, stats.lifted_by_plan) == (2, 1, 1)


def test_a_budget_funds_the_bundles_that_lift_the_most_households(household, rules) -> None:
    result = plan([household("pre_exit_2808"), household("no_labour")], rules=rules,
                  reference_date=WHEN, budget=5000)
    allocation = result.allocation
    assert allocation is not None and allocation.method == "milp"
    assert allocation.lifted == 1 and allocation.candidates == 2
    assert allocation.chosen == {"522425-101-0001": "cheapest"}
    assert allocation.items["522425-101-0001"] == ["workshop_job@m2"]
    pre_exit, no_labour = result.households
    # the funded cheaper bundle replaces the plan's own income measures and is scheduled
    assert {i.key: i.funded for i in pre_exit.items} == {"workshop_job@m2": True}
    workshop = pre_exit.item("workshop_job@m2")
    assert (workshop.start, workshop.due) == (WHEN, WHEN + timedelta(days=workshop.duration_days))
    assert any(n.kind == "allocation" and "workshop_job@m2" in n.en
               and "replacing job_placement@m2, microcredit" in n.en for n in pre_exit.notes)
    assert pre_exit.income.new_gain == 12000 and pre_exit.income.clears_line is True
    assert pre_exit.alternatives["cheapest"].item("workshop_job@m2") is not None
    # the unfunded dibao stays proposed, but its gain is not projected
    assert no_labour.item("dibao").funded is False
    assert no_labour.income.new_gain == 0 and no_labour.income.clears_line is False
    stats = result.stats
    assert (stats.below_line, stats.lifted_by_plan) == (2, 1)
    assert (stats.new_items, stats.cost) == (2, 1000 + 4632)
    assert sum(d.items for d in result.departments.values()) == 2
    for plan_ in result.households:
        scheduled = {i.key for i in plan_.items if i.start is not None and i.due is not None}
        funded = allocation.items.get(plan_.household, [])
        assert set(funded) <= scheduled
        assert plan_.income.new_gain == sum(i.gain for i in plan_.items
                                            if i.new and i.funded is not False)
    enough = plan([household("pre_exit_2808"), household("no_labour")], rules=rules,
                  reference_date=WHEN, budget=20000)
    assert enough.allocation.lifted == 2 and enough.stats.lifted_by_plan == 2
    assert enough.households[1].item("dibao").funded is True
    assert enough.households[1].income.clears_line is True


def test_streamed_plans_count_only_the_households_the_budget_lifts(household, rules) -> None:
    planner = DistrictPlanner(rules=rules, reference_date=WHEN, budget=5000)
    for _ in planner.iter_plans([household("pre_exit_2808"), household("no_labour")]):
        pass
    result = planner.finish(None)
    assert result.allocation.lifted == 1
    assert (result.stats.below_line, result.stats.lifted_by_plan) == (2, 1)


def test_a_negative_budget_is_refused(household, rules) -> None:
    with pytest.raises(ValueError, match="≥ 0"):
        plan([household("no_labour")], rules=rules, reference_date=WHEN, budget=-1)


def test_households_stream_through_the_district_planner(household, rules) -> None:
    planner = DistrictPlanner(rules=rules, reference_date=WHEN, start=date(2020, 10, 8))
    plans = planner.iter_plans(household(n) for n in ("no_labour", "pre_exit_2808"))
    first = next(plans)
    assert first.household == "522425-203-0003" and planner.stats.households == 1
    assert first.start == date(2020, 10, 8) and first.items[0].start == date(2020, 10, 8)
    rest = list(plans)
    result = planner.finish(rest)
    assert result.stats.households == 2 and len(result.households) == 1
    assert result.critical_path[-1]["key"] == "job_placement@m2"


def test_planner_plan_is_the_api_and_still_a_package(household) -> None:
    import planner
    import planner.planning.export as export

    result = planner.plan([household("no_labour")], findings=[], reference_date=WHEN)
    assert result.households[0].measures() == ["dibao"]
    assert export.COLUMNS["why"] == "原因代码 why"
    assert planner.planning.plan_household is planner.plan_household
