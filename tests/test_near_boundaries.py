"""The work and health near builders (planner.generate.near_work, near_health) sit exactly at
their rule's boundary: the household they build raises no finding of the code, and the one
step over it (a day later, a blank, the other county, the 18-digit number) does."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest

from planner import load_rules
from planner.generate.near_health import NEAR as HEALTH
from planner.generate.near_work import NEAR as WORK
from tests.nearcases import applied, codes, context

Record = dict[str, Any]
WHEN = date(2023, 9, 30)


def _spells(household: Record) -> list[Record]:
    return [s for m in household["members"] for s in m["employment"]]


def _pupil_works_this_year(household: Record) -> None:
    spell = next(s for s in _spells(household) if s["end"] == f"{WHEN.year - 1}-12-31")
    spell["end"] = f"{WHEN.year}-01-01"


def _ends_tomorrow(household: Record) -> None:
    spell = next(s for s in _spells(household) if s.get("employed") is False)
    spell["end"] = (WHEN + timedelta(days=1)).isoformat()


def _workshop_out_of_county(household: Record) -> None:
    next(s for s in _spells(household) if s.get("channel") not in (None, "务工"))["place"] = (
        "in_province")


def _still_current(household: Record) -> None:
    yesterday = (WHEN - timedelta(days=1)).isoformat()
    next(s for s in _spells(household) if s.get("end") == yesterday)["end"] = WHEN.isoformat()


def _transport_blank(household: Record) -> None:
    next(s for s in _spells(household) if s.get("point_to_point") is False).pop("point_to_point")


def _other_county(household: Record) -> None:
    home = household["region"]["county"]
    spell = next(s for s in _spells(household)
                 if s.get("county") not in (None, home, "贵阳市观山湖区", "浙江省宁波市"))
    spell["county"] = "遵义市汇川区"


def _first_county_apart(household: Record) -> None:
    for member in household["members"]:
        for first, then in pairwise(member["employment"]):
            if first.get("end") and then["start"] == (
                    date.fromisoformat(first["end"]) + timedelta(days=1)).isoformat():
                first["county"] = "遵义市汇川区"
                return


def _district_elsewhere(household: Record) -> None:
    for spell in _spells(household):
        if "宁波市" in spell.get("county", "") and not spell["county"].startswith("浙江省"):
            spell["county"] = "遵义市汇川区"


def _eighteen_digits(household: Record) -> None:
    member = next(m for m in household["members"] if len(m["id_number"]) == 20)
    member["id_number"] = member["id_number"][:18]


def _column_without_contract(household: Record) -> None:
    household["assistance"]["health"].remove("家庭医生签约服务")


def _no_medical_assistance(household: Record) -> None:
    for member in household["members"]:
        if member["health"] in ("chronic_illness", "serious_illness"):
            member["benefits"] = [b for b in member["benefits"] if b != "medical_assistance"]


def _illness_risk(household: Record) -> None:
    household["monitoring"]["risks"].append("illness")


def _uninsured(household: Record) -> None:
    next(m for m in household["members"] if m["medical_insurance"] == "employee")[
        "medical_insurance"] = "none"


STEP_OVER: dict[str, Callable[[Record], None]] = {
    "pupil_whose_work_ended_last_year": _pupil_works_this_year,
    "not_working_from_the_reference_date": _ends_tomorrow,
    "workshop_in_the_home_county": _workshop_out_of_county,
    "past_work_incomplete": _still_current,
    "current_work_not_point_to_point": _transport_blank,
    "phone_shared_in_one_county": _other_county,
    "phone_shared_with_one_of_two_counties": _first_county_apart,
    "phone_shared_in_a_city_and_its_district": _district_elsewhere,
    "disability_card_number_only": _eighteen_digits,
    "family_doctor_in_the_health_column": _column_without_contract,
    "medical_assistance_without_family_doctor": _no_medical_assistance,
    "chronic_patient_paying_nothing": _illness_risk,
    "medical_assistance_in_the_employee_scheme": _uninsured,
}


def _codes(household: Record) -> set[str]:
    return codes(household, WHEN, load_rules())


def test_every_builder_has_its_step_over() -> None:
    assert {b.function.__name__ for b in (*WORK, *HEALTH)} == set(STEP_OVER)


@pytest.mark.parametrize("builder", [*WORK, *HEALTH], ids=lambda b: b.function.__name__)
def test_near_household_is_clean_and_one_step_over_is_flagged(builder: Any) -> None:
    household = next(applied(builder, context(200, 4, WHEN), random.Random(9)), None)
    if household is None:
        pytest.fail("the builder never applied")
    assert builder.code not in _codes(household)
    over = copy.deepcopy(household)
    STEP_OVER[builder.function.__name__](over)
    assert builder.code in _codes(over)
