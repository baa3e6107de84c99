"""Clean monitoring-era households written as the 2023 export stay clean: the generator records
the premium subsidy of a household identified in the window (MED003) and operating income beside
an industry measure (IND001), which the export's measure columns show."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner import check, load_parameters, load_rules
from planner.facts import ACTIVE_STATUSES
from planner.generate import Generator, GeneratorConfig
from planner.generate.household import PREMIUM_SUBSIDY_ITEM
from planner.io import open_dataset
from planner.io.exportwrite import with_assistance, write_export
from planner.measures import default_catalog
from planner.model import Household

WHEN = date(2023, 10, 31)
PARAMS = load_parameters(province="贵州")


def _clean(count: int = 300) -> list[dict]:
    config = GeneratorConfig(households=count, seed=7, reference_date=WHEN, problem_share=0.0,
                             parameters=PARAMS)
    return [item.household for item in Generator(config).households()]


def test_a_clean_household_identified_in_the_window_has_the_premium_subsidy():
    households = _clean()
    window = (date(2022, 10, 1), date(2023, 3, 31))
    monitored = [h for h in households if (h.get("monitoring") or {}).get("risk_eliminated")
                 is False]
    inside = [h for h in monitored
              if window[0] <= date.fromisoformat(h["monitoring"]["identified_on"]) <= window[1]]
    assert inside  # the sample holds some
    for household in monitored:
        health = (household.get("assistance") or {}).get("health") or []
        assert (PREMIUM_SUBSIDY_ITEM in health) == (household in inside), household["id"]


def test_a_clean_household_with_an_industry_measure_earns_operating_income():
    catalog = default_catalog()
    active = {status.value for status in ACTIVE_STATUSES}
    industry = [h for h in _clean() if any(
        m["status"] in active and catalog[m["measure"]].family == "industry"
        for m in h["measures"])]
    assert industry
    for household in industry:
        assert sum(i["amount"] for i in household["income"]
                   if i["category"] == "operating" and i["year"] == WHEN.year) > 0


def test_clean_households_written_as_the_export_give_no_med003_or_ind001(tmp_path: Path):
    households = [with_assistance(Household.model_validate(h)) for h in _clean()]
    write_export(tmp_path, households, income_year=WHEN.year)
    dataset = open_dataset(tmp_path, income_year=WHEN.year)
    rules = [r for r in load_rules() if r.code in ("MED003", "MED004", "IND001")]
    result = check(dataset.sourced(), rules=rules, params=PARAMS, reference_date=WHEN)
    assert dataset.errors == []
    assert sorted((f.subject, f.code) for f in result.findings) == []
