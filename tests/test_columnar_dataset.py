"""The dataset rules on the columnar backend: the same person (DQ004) and invalid or shared
phones (DQ013) read from a batch's columns, no household built for them; the project rates
(PRJ001, PRJ002) read no household at all. Findings field for field those of the Python backend,
which builds and feeds every household."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends.columnar.checker import BATCH_SIZE, BUILT_BATCH_SIZE, ColumnarChecker
from planner.backends.columnar.fallbacks import fallbacks
from planner.backends.python.engine import Checker, Places
from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.io import open_dataset, write_households
from planner.io.typedparquet import unbuilt_rows
from planner.model import Household, Region
from planner.run import Run
from planner.selection import Selection
from planner.source import Source

from .households import DISTRICT, ON
from .households import generated as _generated

DATASET = ["DQ004", "DQ013", "PRJ001", "PRJ002"]


class CountingChecker(ColumnarChecker):
    """The columnar checker, counting the households it checks as built records."""

    def __init__(self, run: Run, batch_size: int = 10_000) -> None:
        super().__init__(run, batch_size)
        self.built = 0

    def _check_household(self, household: Household, facts: HouseholdFacts | None,
                         source: Source | None, plan: Any) -> list[Finding]:
        self.built += isinstance(household, Household)
        return super()._check_household(household, facts, source, plan)


@pytest.fixture(scope="module")
def generated() -> list[Household]:
    return _generated(3000, 7, 0.3)


def _planted(households: list[Household]) -> list[Household]:
    """``households`` with duplicates of every kind planted in the first few: a shared phone
    between a household and one split from it (one family: not shared), the same phone in an
    unrelated household, a placeholder ID number twice (not compared), an ID number copied onto
    a member moved out (not compared), the same ID number twice in one household."""
    first, second, third, fourth, fifth = (h.model_copy(deep=True) for h in households[:5])
    second.phone = first.phone = "13800001111"
    second.split_from = first.id
    third.phone = "138 0000 1111"
    first.members[0].id_number = second.members[0].id_number = "999999999999999999"
    fourth.members[-1].id_number = fifth.members[0].id_number
    fourth.members[-1].registered = False
    fifth.members[-1].id_number = fifth.members[0].id_number
    return [first, second, third, fourth, fifth, *households[5:]]


def _findings(checker: Checker, path: Path, unbuilt: bool) -> list[dict[str, Any]]:
    dataset = open_dataset(path)
    if unbuilt:
        with unbuilt_rows():
            return [f.to_dict() for f in checker.iter_findings(dataset.sourced())]
    return [f.to_dict() for f in checker.iter_findings(dataset.sourced())]


def test_dataset_rules_from_the_columns_give_the_python_findings_building_nothing(
        tmp_path: Path, generated: list[Household]) -> None:
    path = tmp_path / "households.parquet"
    write_households(_planted(generated), path)
    run = Run.build(reference_date=ON, selection=[Selection(select=DATASET)])
    python = _findings(Checker(run), path, unbuilt=False)
    codes = [f["code"] for f in python]
    assert codes.count("DQ004") >= 4 and codes.count("DQ013") >= 4
    planted = {f["subject"] for f in python if f["code"] == "DQ013"
               and f["evidence"].get("problem") == "shared"}
    assert {generated[2].id} <= planted  # the unrelated household shares the family's number
    fifth = [f for f in python if f["code"] == "DQ004" and f["subject"] == generated[4].id]
    assert len(fifth) == 2  # twice in one household; the member moved out is not compared
    columnar = CountingChecker(run)
    assert _findings(columnar, path, unbuilt=True) == python
    assert columnar.built == 0  # before: every one of the 3,000 households
    assert columnar.stats.households == len(generated)
    assert not [f for f in fallbacks(columnar) if f.code in DATASET]
    # built households (another format) are read through the same columns, in small batches
    built = CountingChecker(run, batch_size=97)
    assert _findings(built, path, unbuilt=False) == python


def test_with_a_compiled_rule_only_the_households_it_fires_on_are_built(
        tmp_path: Path, generated: list[Household]) -> None:
    path = tmp_path / "households.parquet"
    write_households(generated, path)
    run = Run.build(reference_date=ON, selection=[Selection(select=["HOU001", *DATASET])])
    python = _findings(Checker(run), path, unbuilt=False)
    columnar = CountingChecker(run)
    assert _findings(columnar, path, unbuilt=True) == python
    unsafe = len({f["subject"] for f in python if f["code"] == "HOU001"})
    assert 0 < columnar.built == unsafe < len(generated)


def test_the_example_district_with_its_projects_gives_the_python_findings() -> None:
    run = Run.build(reference_date=ON, selection=[Selection(select=DATASET)])
    results = []
    for checker in (Checker(run), ColumnarChecker(run, batch_size=3)):
        dataset = open_dataset(DISTRICT)
        results.append([f.to_dict() for f in checker.iter_findings(
            dataset.sourced(), dataset.sourced_villages(), dataset.sourced_projects())])
    assert results[1] == results[0]
    assert {f["code"] for f in results[0]} >= {"PRJ001", "PRJ002"}


def test_places_give_back_each_households_source_and_region_sharing_regions() -> None:
    one, other = Region(county="A县", village="甲村"), Region(county="A县", village="乙村")
    places = Places()
    places.put("h1", Source("a.jsonl", None, (1,)), one)
    places.put("h2", Source("a.jsonl", None, (2,)), Region(county="A县", village="甲村"))
    places.put("h3", Source("b.xlsx", "户", (4, 5, 6), "national"), other)
    places.put("h4", None, None)
    places.put("h1", Source("a.jsonl", None, (9,)), other)  # read again: the later place
    assert places["h2"] == (Source("a.jsonl", None, (2,)), one)
    assert places["h2"][1] is one  # equal regions: the first one kept, shared
    assert places["h3"] == (Source("b.xlsx", "户", (4, 5, 6), "national"), other)
    assert places["h4"] == (None, None)
    assert places["h1"] == (Source("a.jsonl", None, (9,)), other)
    assert "h5" not in places and len(places) == 4


def test_batches_are_small_only_where_every_household_is_built() -> None:
    every_rule = ColumnarChecker(Run.build(reference_date=ON))
    assert every_rule._python_only and every_rule.batch_size == BUILT_BATCH_SIZE
    dataset_only = ColumnarChecker(Run.build(reference_date=ON,
                                             selection=[Selection(select=DATASET)]))
    assert not dataset_only._python_only and dataset_only.batch_size == BATCH_SIZE
    assert ColumnarChecker(Run.build(reference_date=ON), batch_size=7).batch_size == 7
