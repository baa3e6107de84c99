"""The monitored-household injectors of the generator (MON006–MON020) and those of households
without labour in every monitoring-era year, and the injectors that once planted a code beside
their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.generate import GeneratorConfig
from planner.generate.problems import all_injectors
from tests.test_generator_recall import report, run

MONITORED = ("MON006", "MON007", "MON008", "MON009", "MON010", "MON012", "MON013", "MON014",
             "MON015", "MON016", "MON017", "MON018", "MON019")


def only(*codes: str) -> dict[str, float]:
    """Weights that draw only ``codes``."""
    return {code: 0.0 for code in all_injectors() if code not in codes}


@pytest.mark.parametrize("year", [2021, 2022, 2024])
def test_monitored_household_codes_are_found_alone_in_every_monitoring_era_year(
    tmp_path: Path, year: int
) -> None:
    config = GeneratorConfig(households=260, seed=year, year=year, problem_share=0.9,
                             villages=4, towns=2, weights=only(*MONITORED))
    result = run(tmp_path, config)
    planted = {key[1] for key in result.expected}
    # MON009 checks identifications since 2023 only: before that its slot is given up.
    assert planted == set(MONITORED) - ({"MON009"} if year < 2023 else set())
    assert result.precision == 1.0 and result.recall == 1.0, report(result)


@pytest.mark.parametrize(
    ("codes", "year"),
    [
        # moved an identification into 2023 on a household above the identification ceiling,
        # so MON009 fired beside them
        (("MED003", "MED004"), 2023),
        # zero rigid expenditure on a sudden-hardship household: MON008 fired beside it
        (("MED006",), 2021),
    ],
)
def test_insurance_injectors_plant_no_monitored_household_code(
    tmp_path: Path, codes: tuple[str, ...], year: int
) -> None:
    config = GeneratorConfig(households=400, seed=5, year=year, problem_share=1.0, villages=4,
                             towns=2, weights=only(*codes))
    result = run(tmp_path, config)
    assert result.precision == 1.0 and result.recall == 1.0, report(result)


# Codes planted on a household rebuilt so that nobody (MON011: somebody) can work, its work,
# income, 低保 and monitoring rebuilt with it (planner.generate.edits.without_labour).
WITHOUT_LABOUR = ("MON011", "MON020", "RSK007", "RSK013", "BEN006")


@pytest.mark.parametrize("year", [2021, 2022, 2024])
def test_households_without_labour_carry_only_their_codes_in_every_monitoring_era_year(
    tmp_path: Path, year: int
) -> None:
    config = GeneratorConfig(households=200, seed=year, year=year, problem_share=0.9,
                             villages=4, towns=2, weights=only(*WITHOUT_LABOUR))
    result = run(tmp_path, config)
    assert {key[1] for key in result.expected} == set(WITHOUT_LABOUR)
    assert result.precision == 1.0 and result.recall == 1.0, report(result)


def test_a_grown_up_recorded_as_student_who_can_work_is_edu007_too_after_2020(
    tmp_path: Path
) -> None:
    # DQ007's undergraduate of 50 kept his labour capacity: EDU007 fired beside it, unplanted
    config = GeneratorConfig(households=150, seed=12, year=2023, problem_share=1.0, villages=4,
                             towns=2, weights=only("DQ007"))
    result = run(tmp_path, config)
    assert "EDU007" in {key[1] for key in result.expected}
    assert result.precision == 1.0 and result.recall == 1.0, report(result)
