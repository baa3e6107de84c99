"""Declared facts of villages, projects and planned measures: listed, complete, and equal to the
values computed before they were declared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields, make_dataclass
from datetime import date
from pathlib import Path

import pytest

from planner.area_facts import ProjectFacts, VillageFacts
from planner.backends.python.facts import compile_entity, derive, derive_project, derive_village
from planner.facts import FACTS
from planner.measure_facts import FACT_PARAMETERS as MEASURE_FACT_PARAMETERS
from planner.measure_facts import MeasureFacts, derive_measures
from planner.measures import default_catalog
from planner.model import Household, Project, Village
from planner.params import default_parameters

DISTRICT = Path(__file__).parent.parent / "examples" / "district"
# derive_village / derive_project as written by hand before the facts were declared, on the
# example district (recorded with that code, every fact but the record).
BEFORE = json.loads((Path(__file__).parent / "data" / "area_facts_before.json").read_text("utf-8"))
VILLAGE_SHEET_FACTS = {"export_counts_recorded", "problem_households"}
ELIGIBILITY = [
    "labour.severe_disability_grade_max", "support.microcredit_age_max",
    "support.microcredit_age_min", "support.welfare_post_age_max", "support.welfare_post_age_min",
]


def measure_attributes() -> set[str]:
    """What a rule can read of a measure: the record, its number and every public property."""
    properties = {name for name, value in vars(MeasureFacts).items()
                  if isinstance(value, property) and not name.startswith("_")}
    return properties | {"record", "number"}


def plain(facts: object) -> dict[str, object]:
    values = {f.name: getattr(facts, f.name) for f in fields(facts)  # type: ignore[arg-type]
              if f.name != "record"}
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


@pytest.mark.parametrize("when", sorted(BEFORE))
def test_village_and_project_facts_from_declarations_equal_the_hand_written_ones(
    when: str,
) -> None:
    villages = json.loads((DISTRICT / "villages.json").read_text("utf-8"))
    projects = json.loads((DISTRICT / "projects.json").read_text("utf-8"))
    day = date.fromisoformat(when)
    derived = [derive_village(Village.model_validate(v), day) for v in villages]
    # Facts of the 2023 village sheet, declared after the recording: the district has none of
    # its counts.
    assert {(v.export_counts_recorded, v.problem_households) for v in derived} == {(False, None)}
    got_villages = [{k: v for k, v in plain(facts).items() if k not in VILLAGE_SHEET_FACTS}
                    for facts in derived]
    got_projects = [plain(derive_project(Project.model_validate(p), day)) for p in projects]
    assert got_villages == BEFORE[when]["village"]
    assert got_projects == BEFORE[when]["project"]
    assert len(got_villages) == 12 and len(got_projects) == 50


def test_every_village_project_and_measure_attribute_is_declared_and_nothing_else() -> None:
    for entity, record in (("village", VillageFacts), ("project", ProjectFacts)):
        declared = sorted(f.fact.name for f in FACTS.of(entity))
        assert declared == sorted(f.name for f in fields(record))
    assert {f.fact.name for f in FACTS.of("measure")} == measure_attributes()


def test_measure_facts_are_what_their_declarations_compute_on_the_example_district() -> None:
    names = [f.fact.name for f in FACTS.of("measure")]
    record = make_dataclass("DeclaredMeasure", names)
    compute, _ = compile_entity(FACTS, "measure", record)
    when = date(2020, 9, 30)
    params = default_parameters().at(when)
    catalog = default_catalog()
    income_raising = catalog.income_raising_ids()
    addresses = {m.id: tuple(m.addresses) for m in catalog.values()}
    lines = (DISTRICT / "households.jsonl").read_text("utf-8").splitlines()
    compared = 0
    ineligible = 0
    for line in lines:
        household = derive(Household.model_validate_json(line), when, params, income_raising,
                           addresses)
        for measure in derive_measures(household, catalog, params):
            declared = compute(v_record=measure.record, v_number=measure.number,
                               v_household=household, v_catalog=catalog, params=params)
            for name in names:
                assert getattr(declared, name) == getattr(measure, name), (measure.id, name)
            compared += 1
            ineligible += measure.eligible is False
    assert compared > 100 and ineligible > 0


def test_measure_fact_parameters_are_derived_from_the_eligibility_helper() -> None:
    for name in ("verdict", "eligible", "ineligibility", "ineligibility_zh", "ineligibility_en"):
        assert sorted(MEASURE_FACT_PARAMETERS[f"measure.{name}"]) == ELIGIBILITY
    assert "measure.overdue" not in MEASURE_FACT_PARAMETERS


def test_planner_facts_json_lists_village_project_and_measure_facts() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from planner.cli import cli; cli()", "facts", "--format", "json"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr
    by_name = {d["name"]: d for d in json.loads(result.stdout)}
    for entity, expected in (
        ("village", {f.name for f in fields(VillageFacts)}),
        ("project", {f.name for f in fields(ProjectFacts)}),
        ("measure", measure_attributes()),
    ):
        listed = {n.partition(".")[2] for n, d in by_name.items() if d["entity"] == entity}
        assert listed == expected
        assert all(n.startswith(f"{entity}.") for n, d in by_name.items() if d["entity"] == entity)
    assert by_name["village.road_share"]["formula"] == (
        "record.road_km_hardened / record.road_km_planned"
    )
    assert by_name["village.road_expected_share"]["helper"] == "scheduled_share"
    assert by_name["village.road_expected_share"]["parameters"] == []
    assert by_name["project.days_overdue"]["depends_on"] == ["project.overdue"]
    assert by_name["project.notice_days_late"]["depends_on"] == ["project.notice_lead_days"]
    assert by_name["measure.verdict"]["helper"] == "eligibility_verdict"
    assert by_name["measure.eligible"]["parameters"] == ELIGIBILITY
    assert by_name["measure.eligible"]["depends_on"] == ["measure.verdict"]
    assert by_name["measure.entry"]["helper"] == "catalog_entry"
    assert by_name["measure.label_zh"]["parameters"] == []
