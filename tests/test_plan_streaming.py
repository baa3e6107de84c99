"""Without a budget, the district planner streams: plans and bundles are not kept."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.model import Household
from planner.planning import Bundle, DistrictPlanner, HouseholdPlan, PlanItem
from planner.registry import RuleSet, entry_point_rules

from .conftest import HOUSEHOLDS

WHEN = date(2020, 9, 30)
NAMES = ("pre_exit_2808", "no_labour", "one_room_unsafe_water")
PACKS = ("income", "basic_needs", "education", "health", "housing", "water", "support")


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(entry_point_rules(PACKS))


def households(count: int) -> Iterator[Household]:
    """``count`` households made one at a time from the examples, each with its own id."""
    sources = [json.loads((HOUSEHOLDS / f"{n}.json").read_text("utf-8")) for n in NAMES]
    for index in range(count):
        yield Household.model_validate({**sources[index % len(sources)], "id": f"H{index:04d}"})


def alive() -> dict[str, int]:
    """How many plans, plan items and bundles exist right now."""
    gc.collect()
    counts = dict.fromkeys(("plans", "items", "bundles"), 0)
    for thing in gc.get_objects():
        if isinstance(thing, HouseholdPlan):
            counts["plans"] += 1
        elif isinstance(thing, PlanItem):
            counts["items"] += 1
        elif isinstance(thing, Bundle):
            counts["bundles"] += 1
    return counts


def test_without_a_budget_iter_plans_keeps_no_plan_item_or_bundle(rules) -> None:
    before = alive()
    planner = DistrictPlanner(rules=rules, reference_date=WHEN)
    planned = with_bundles = 0
    for result in planner.iter_plans(households(30)):
        planned += 1
        with_bundles += bool(result.bundles)
    del result
    assert (planned, planner.stats.households) == (30, 30)
    assert with_bundles == 20  # pre_exit_2808 and no_labour copies are below the line
    assert planner.bundles == []
    assert alive() == before
    district = planner.finish(None)
    assert district.households == [] and district.allocation is None
    assert district.critical_path  # the summary is still there


def test_with_a_budget_the_bundles_are_kept_for_the_allocation(rules) -> None:
    planner = DistrictPlanner(rules=rules, reference_date=WHEN, budget=5000)
    plans = list(planner.iter_plans(households(6)))
    assert {b.household for b in planner.bundles} == {"H0000", "H0001", "H0003", "H0004"}
    district = planner.finish(plans)
    assert district.allocation is not None
    assert district.allocation.chosen == {"H0000": "cheapest", "H0003": "cheapest"}
    # marked after the run: the funded cheaper bundle replaces the plan's own income measures
    assert district.households[0].item("microcredit") is None
    assert district.households[0].item("workshop_job@m2").funded is True


def test_a_budget_at_the_end_needs_one_from_the_start(rules) -> None:
    planner = DistrictPlanner(rules=rules, reference_date=WHEN)
    list(planner.iter_plans(households(1)))
    with pytest.raises(ValueError, match="budget"):
        planner.finish(None, budget=5000)


@pytest.mark.parametrize(("fmt", "budget", "kept"), [
    ("csv", None, False), ("jsonl", None, False), ("text", None, False),
    ("csv", "5000", True), ("json", None, True),
])
def test_the_plan_command_streams_unless_the_output_needs_every_plan(
        monkeypatch, tmp_path, fmt, budget, kept) -> None:
    seen: list[object] = []
    finish = DistrictPlanner.finish

    def spy(self, plans=None, **kwargs):
        seen.append(plans)
        return finish(self, plans, **kwargs)

    monkeypatch.setattr(DistrictPlanner, "finish", spy)
    source = tmp_path / "households.jsonl"
    source.write_text("".join(h.model_dump_json() + "\n" for h in households(3)), "utf-8")
    args = ["plan", str(source), "--date", "2020-09-30", "--output-format", fmt]
    result = CliRunner().invoke(cli, [*args, *(["--budget", budget] if budget else [])])
    assert result.exit_code == 0, result.output
    [plans] = seen
    assert (plans is not None) is kept
    if fmt == "csv":
        assert {row.split(",")[0] for row in result.output.splitlines()[1:]} == {
            "H0000", "H0001", "H0002"}


def test_json_lines_give_one_line_per_household_then_the_district() -> None:
    source = str(HOUSEHOLDS / "pre_exit_2808.json")
    result = CliRunner().invoke(cli, ["plan", source, "--date", "2020-09-30",
                                      "--output-format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["type"] for line in lines] == ["household", "district"]
    assert lines[0]["household"] == "522425-101-0001"
    assert "microcredit" in [item["measure"] for item in lines[0]["items"]]
    assert lines[1]["stats"]["households"] == 1 and lines[1]["allocation"] is None
