"""SUP003 and WRK010 on the columnar backend (issue 11): the catalog's eligibility verdict
(``measure.eligible``) and the members sharing a phone while working apart
(``household.phone_shared_apart_members``) are columns equal to the Python backend's facts on
households shaken to reach every branch; a run of every household and member rule on typed
Parquet builds only the households with a finding, with the Python backend's findings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends.columnar.checker import ColumnarChecker
from planner.backends.columnar.facts import FactCompiler
from planner.backends.columnar.tables import build_tables
from planner.backends.python.engine import Checker
from planner.backends.python.facts import derive
from planner.generate import GeneratorConfig, generate_households
from planner.io import open_dataset, write_households
from planner.io.typedparquet import unbuilt_rows
from planner.measure_facts import derive_measures
from planner.model import Household
from planner.rule_docs import builtin_rules
from planner.run import Run
from planner.selection import Selection

ON = date(2020, 9, 30)
STATUSES = ("planned", "in_progress", "done", "cancelled")
CAPACITIES = (None, "none", "lost", "weak", "normal", "skilled")
PHONES = (None, "13885710031", "138 8571 0031", "０８５１-1234567", "no phone",
          "1" * 18, "13900000001", "0851 8888 1234")
PLACES = (None, "", "  ", "贵阳市花溪区", "花溪区", "遵义市汇川区", "汇川区", "520111",
          "520111000000", "520100", "贵州省", "遵义市", "522425", "织金县 ", "4401")


def _generated(count: int, seed: int, weights: dict[str, float]) -> list[dict[str, Any]]:
    config = GeneratorConfig(households=count, seed=seed, year=ON.year, reference_date=ON,
                             problem_share=0.4, weights=weights)
    return [item.household for item in generate_households(config)]


def _day(rng: random.Random) -> str | None:
    if rng.random() < 0.2:
        return None
    return (date(2016, 1, 1) + timedelta(days=rng.randint(0, 365 * 6))).isoformat()


def _shaken_measures(rows: list[dict[str, Any]], ids: list[str], seed: int) -> list[Household]:
    """Measures of every catalog id (an unknown one too) in every status, for the household,
    a registered, an unregistered or a missing member, with and without dates; members of
    unknown labour capacity or birth date; households of unknown status."""
    rng = random.Random(seed)
    for row in rows:
        members = row["members"]
        for member in members:
            if rng.random() < 0.15:
                member["labour_capacity"] = rng.choice(CAPACITIES)
            if rng.random() < 0.1:
                member["birth_date"] = None
        if len(members) > 1 and rng.random() < 0.2:
            rng.choice(members[:-1])["registered"] = False
        if rng.random() < 0.1:
            row["status"] = None
        if rng.random() < 0.1:
            row["monitoring"] = None
        measures = []
        for _ in range(rng.randint(0, 4)):
            beneficiary = rng.choice([None, None, *range(1, len(members) + 2)])
            measures.append({"measure": rng.choice([*ids, "no_such_measure"]),
                             "status": rng.choice(STATUSES), "beneficiary": beneficiary,
                             "start": _day(rng), "completed": _day(rng)})
        row["measures"] = measures
    return [Household.model_validate(row) for row in rows]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_eligible_column_is_the_catalogs_verdict_on_every_measure(seed: int) -> None:
    run = Run.build(reference_date=ON)
    catalog = dict(run.catalog.items())
    households = _shaken_measures(_generated(500, seed, {"SUP003": 20}), list(catalog), seed)
    compiler = FactCompiler(run.values, ON, run.catalog.income_raising_ids(), measures=catalog)
    plan = compiler.compile(["measure.eligible"])
    assert "measure.eligible" in plan.values, plan.unsupported
    _, _, measures = plan.frames(build_tables(households, plan.needs))
    assert measures is not None
    columnar = measures.get_column("f:eligible").to_list()
    python = [measure.eligible for household in households
              for measure in derive_measures(
                  derive(household, ON, run.values, run.catalog.income_raising_ids(), None),
                  catalog, run.values)]
    assert columnar == python
    # every outcome is reached, each often
    assert python.count(None) > 20 and python.count(False) > 50 and python.count(True) > 50


def _shaken_phones(rows: list[dict[str, Any]], seed: int) -> list[Household]:
    """Members sharing phones (spaced, full-width, too long, no digits) and working this year,
    other years or nowhere, in counties written as names, suffixes, codes, provinces."""
    rng = random.Random(seed)
    for row in rows:
        phones = rng.sample(PHONES, 2)  # a household's members share one of two numbers
        for member in row["members"]:
            member["phone"] = rng.choice(phones)
            spells = []
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                year = rng.choice((ON.year - 1, ON.year, ON.year, None))
                spells.append({
                    "start": None if year is None else f"{year}-0{rng.randint(1, 9)}-01",
                    "end": rng.choice((None, f"{ON.year - 1}-12-31", f"{ON.year}-11-30")),
                    "county": rng.choice(PLACES)})
            member["employment"] = spells
        if len(row["members"]) > 2 and rng.random() < 0.2:
            row["members"][0]["registered"] = False
    return [Household.model_validate(row) for row in rows]


@pytest.mark.parametrize("seed", [3, 4])
def test_the_phone_column_pairs_the_members_python_pairs(seed: int) -> None:
    run = Run.build(reference_date=ON)
    households = _shaken_phones(_generated(600, seed, {"WRK010": 20}), seed)
    plan = FactCompiler(run.values, ON).compile(["household.phone_shared_apart_members"])
    assert "household.phone_shared_apart_members" in plan.values, plan.unsupported
    frame, _ = plan.evaluate(build_tables(households, plan.needs))
    columnar = [tuple(found) for found in frame.get_column(
        "f:phone_shared_apart_members").to_list()]
    python = [derive(household, ON, run.values, (), None).phone_shared_apart_members
              for household in households]
    assert columnar == python
    assert 30 < sum(bool(found) for found in python) < len(households)


def test_every_household_rule_runs_on_columns_and_builds_only_where_one_fires(
        tmp_path: Path, households_built: list[int]) -> None:
    path = tmp_path / "households.parquet"
    rows = _generated(1_500, 5, {"SUP003": 20, "WRK010": 20})
    write_households([Household.model_validate(row) for row in rows], path)
    built = households_built
    codes = tuple(rule.code for rule in builtin_rules() if rule.scope in ("household", "member"))
    run = Run.build(reference_date=ON, selection=[Selection(select=codes)])
    columnar = ColumnarChecker(run)
    assert columnar.compiled.unsupported == {}
    assert not columnar._python_only
    with unbuilt_rows():
        found = [f.to_dict() for f in columnar.iter_findings(open_dataset(path).sourced())]
    python = [f.to_dict() for f in Checker(run).iter_findings(open_dataset(path).sourced())]
    assert found == python
    codes_found = [finding["code"] for finding in found]
    assert codes_found.count("SUP003") > 20 and codes_found.count("WRK010") > 20
    assert sum(built) == len({finding["subject"] for finding in found}) < len(rows)
