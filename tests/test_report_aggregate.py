"""Aggregates of a check run (planner.report.aggregate): the example district and generated data."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from planner.backends.python.engine import Checker
from planner.finding import Finding
from planner.generate import Generator, GeneratorConfig
from planner.io import open_dataset
from planner.model import Household, Project
from planner.params import load_parameters
from planner.planning import DistrictPlanner
from planner.report import Aggregates, aggregate
from planner.run import Run

from .conftest import EXAMPLES

WHEN = date(2020, 9, 30)
DISTRICT = EXAMPLES / "district"


@pytest.fixture(scope="module")
def district() -> tuple[Run, list[Household], list[Project], list[Finding]]:
    dataset = open_dataset([DISTRICT])
    run = Run.build(parameters=load_parameters(DISTRICT / "params.yaml"), reference_date=WHEN)
    households = list(dataset.households())
    findings = list(Checker(run).iter_findings(households, dataset.villages, dataset.projects))
    return run, households, dataset.projects, findings


def _aggregate(district, **options) -> Aggregates:
    run, households, projects, findings = district
    return aggregate(households, findings, reference_date=WHEN, projects=projects,
                     completion_benchmark=run.values["projects.completion_benchmark"],
                     disbursement_benchmark=run.values["projects.disbursement_benchmark"],
                     **options)


def test_the_speech_town_trails_the_province_on_completion_and_disbursement(district) -> None:
    result = _aggregate(district)
    town = result.town("河口镇")
    assert town is not None
    assert (town.projects_due, town.projects_completed) == (19, 10)
    assert round(100 * town.completion_rate, 1) == 52.6
    assert round(100 * town.disbursement_rate, 1) == 45.0
    assert (result.completion_benchmark, result.disbursement_benchmark) == (0.8791, 0.8848)
    rankings = result.rankings()
    assert rankings["towns_by_completion"][0] == "河口镇"
    assert rankings["towns_by_disbursement"][0] == "河口镇"
    assert [t.name for t in result.towns] == ["河口镇", "青山乡", "龙场镇"]
    assert len(result.villages) == 12
    assert rankings["villages_by_completion"][0].startswith("河口镇/")


def test_counts_agree_with_the_findings_counted_independently(district) -> None:
    _, households, _, findings = district
    result = _aggregate(district)
    unwaived = [f for f in findings if not f.waived]
    county = result.county
    assert county.name == "示范县"
    assert county.households == len(households) == 307
    assert county.findings == len(unwaived)
    assert dict(county.by_code) == dict(Counter(f.code for f in unwaived))
    assert county.households_with_findings == len(
        {f.subject for f in unwaived if f.subject_kind == "household"})
    assert county.data_problems == sum(f.family == "data_quality" for f in unwaived)
    assert county.data_problems_per_100 == round(100 * county.data_problems / 307, 2)
    assert sum(t.households for t in result.towns) == 307
    assert sum(t.findings for t in result.towns) == county.findings
    assert sum(v.households for v in result.villages) == 307
    # PRJ001 and PRJ002 are about 河口镇 (a dataset finding whose subject is the town).
    assert result.town("河口镇").by_code["PRJ001"] == 1


def test_helpers_are_counted_and_masked_unless_personal_data_is_shown(district) -> None:
    _, households, _, findings = district
    masked = _aggregate(district)
    shown = _aggregate(district, show_personal=True)
    names = {h.helper.name for h in households if h.helper is not None and h.helper.name}
    assert {p.name for p in shown.helpers} <= names
    assert not {p.name for p in masked.helpers} & names
    assert all(p.name.endswith("*") for p in masked.helpers)
    assert sum(p.households for p in shown.helpers) == sum(
        1 for h in households if h.helper is not None and h.helper.name)
    by_household = {h.id: h.helper.name for h in households if h.helper and h.helper.name}
    overdue_visits = Counter(by_household[f.subject] for f in findings
                             if f.code == "SUP002" and f.subject in by_household)
    assert {p.name: p.overdue_visits for p in shown.helpers if p.overdue_visits} == dict(
        overdue_visits)
    # collectors as the records name them (none in a district built before the generator named
    # them, one to three per village after)
    named = Counter(h.collector for h in households if h.collector)
    assert masked.collectors_recorded is bool(named)
    assert sorted(p.households for p in masked.collectors) == sorted(named.values())
    assert all(p.name.endswith("*") for p in masked.collectors)


def test_on_track_counts_follow_the_plans(district) -> None:
    run, households, projects, findings = district
    planner = DistrictPlanner(run=run, projects=projects)
    plans = [planner.plan_household(h) for h in households]
    result = aggregate(households, findings, reference_date=WHEN, projects=projects, plans=plans)
    assert result.planned
    statuses = {h.id: h.status.value if h.status else None for h in households}
    expected = sum(1 for p in plans if statuses[p.household] == "pre_exit"
                   and p.income.clears_line is True)
    assert result.county.on_track_exit == expected
    assert result.county.pre_exit == sum(s == "pre_exit" for s in statuses.values())
    assert sum(t.on_track_exit for t in result.towns) == expected
    # Without plans the counts are unknown, not zero.
    assert _aggregate(district).county.on_track_exit is None


def test_only_monitored_households_count_as_on_track_to_have_their_risk_eliminated() -> None:
    dataset = open_dataset([EXAMPLES / "district_2023"], income_year=2023)
    households = list(dataset.households())
    run = Run.build(reference_date=date(2023, 10, 31))
    planner = DistrictPlanner(run=run)
    plans = [planner.plan_household(h) for h in households]
    result = aggregate(households, [], reference_date=run.reference_date, plans=plans)
    monitored = {h.id for h in households if h.monitoring is not None}
    expected = sum(1 for p in plans if p.household in monitored
                   and p.income.clears_threshold is True)
    assert result.county.monitored == len(monitored) > 0
    assert result.county.on_track_risk_eliminated == expected <= len(monitored)
    assert any(p.income.clears_threshold for p in plans if p.household not in monitored)


def test_the_json_form_is_plain_data(district) -> None:
    data = json.loads(json.dumps(_aggregate(district).to_dict(), ensure_ascii=False))
    town = next(t for t in data["towns"] if t["name"] == "河口镇")
    assert town["completion_rate"] == 0.5263
    assert town["disbursement_rate"] == 0.45
    assert data["benchmarks"] == {"completion": 0.8791, "disbursement": 0.8848}
    assert data["rankings"]["towns_by_completion"][0] == "河口镇"


def test_generated_district_counted_as_it_streams_without_keeping_findings() -> None:
    config = GeneratorConfig(households=400, seed=7, reference_date=WHEN, problem_share=0.4,
                             towns=3, villages=9)
    generator = Generator(config)
    households = [Household.model_validate(g.household) for g in generator.households()]
    run = Run.build(reference_date=WHEN)
    expected: Counter[str] = Counter()

    def stream() -> Iterator[Finding]:
        for finding in Checker(run).iter_findings(households):
            if not finding.waived:
                expected[finding.code] += 1
            yield finding

    gc.collect()
    before = sum(isinstance(o, Finding) for o in gc.get_objects())
    result = aggregate(households, stream(), reference_date=WHEN)
    gc.collect()
    assert sum(isinstance(o, Finding) for o in gc.get_objects()) == before
    assert dict(result.county.by_code) == dict(expected)
    assert result.county.households == 400
    assert len(result.towns) == 3
    assert sum(t.findings for t in result.towns) == sum(expected.values())
    assert sum(v.households for v in result.villages) == 400
