"""A member off the register through 人员变更 (death, marriage out, moving out) is kept on file and
counted nowhere: no member rule fires on them, and they count in neither the household's size
(DQ006), its labour share (DQ010's 缺劳动力) nor its income per head (issue 14; domain.md §3 the
household population is the registered population, §4.2 人员变更)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from planner import Household, check, default_catalog, default_parameters, derive
from planner.idnumber import check_digit
from tests.test_generator_recall import built_in_rules

WHEN = date(2020, 9, 30)
RULES = built_in_rules()


def _id(born: str, sequence: int) -> str:
    body = f"522425{born.replace('-', '')}{sequence:03d}"
    return body + check_digit(body)


def _person(born: str, sequence: int, relation: str, sex: str, **fields: Any) -> dict[str, Any]:
    return {"id_number": _id(born, sequence), "name": "王某", "relation": relation, "sex": sex,
            "birth_date": born, "ethnicity": "汉族", "health": "healthy",
            "schooling": "not_student", "medical_insurance": "resident",
            "serious_illness_insurance": True, "benefits": [], **fields}


# Each would raise its codes on the register: a dead ten-year-old out of school (EDU001), a
# daughter married out, insured at her husband's (MED001), a brother moved out recorded with no
# labour at 40 though healthy (DQ009).
DEAD_CHILD = _person("2010-03-01", 91, "son", "male", change="death", labour_capacity="none")
MARRIED_OUT = _person("1996-05-01", 92, "daughter", "female", change="married_out",
                      education="junior_secondary", labour_capacity="normal",
                      medical_insurance="none", serious_illness_insurance=False)
MOVED_OUT = _person("1980-01-01", 93, "brother", "male", change="moved_out",
                    education="primary", labour_capacity="none", pension_insurance="resident")


def _codes(data: dict[str, Any], backend: str = "python") -> set[str]:
    result = check([Household.model_validate(data)], rules=RULES, reference_date=WHEN,
                   backend=backend)
    return {f.code for f in result.findings}


def _on_the_register(data: dict[str, Any]) -> dict[str, Any]:
    """The same record with every member's change removed: all on the register."""
    data = copy.deepcopy(data)
    for member in data["members"]:
        member.pop("change", None)
        member.pop("registered", None)
    return data


@pytest.mark.parametrize("backend", ["python", "columnar", "durable"])
def test_no_member_rule_fires_on_a_departed_member(example_household, backend: str) -> None:
    base = example_household("pre_exit_2808")
    baseline = _codes(base, backend)
    data = copy.deepcopy(base)
    data["members"] += [copy.deepcopy(m) for m in (DEAD_CHILD, MARRIED_OUT, MOVED_OUT)]
    assert _codes(data, backend) == baseline
    registered = _codes(_on_the_register(data), backend)
    # on the register the same members are flagged, and the recorded size (4) no longer agrees
    assert {"EDU001", "MED001", "DQ009", "DQ006"} <= registered - baseline


def test_a_departed_member_counts_in_neither_size_nor_income_per_head(example_household) -> None:
    data = example_household("pre_exit_2808")
    data["members"] += [copy.deepcopy(m) for m in (DEAD_CHILD, MARRIED_OUT, MOVED_OUT)]
    params = default_parameters().at(WHEN)
    raising = default_catalog().income_raising_ids()
    facts = derive(Household.model_validate(data), WHEN, params, raising)
    assert (facts.size, facts.per_capita_net_income) == (4, 2_808)
    assert [m.number for m in facts.members] == [1, 2, 3, 4]
    everyone = derive(Household.model_validate(_on_the_register(data)), WHEN, params, raising)
    assert (everyone.size, everyone.per_capita_net_income) == (7, 11_232 / 7)


def test_a_departed_member_does_not_count_in_the_labour_share(example_household) -> None:
    # 缺劳动力 with two of four members able to work (0.5, not above the share): clean; the
    # daughter married out, able to work, would make it three of five (0.6) on the register
    data = example_household("pre_exit_2808")
    data["causes"] = ["lack_of_labour", "lack_of_funds"]
    assert "DQ010" not in _codes(data)
    data["members"].append(copy.deepcopy(MARRIED_OUT))
    assert "DQ010" not in _codes(data)
    assert "DQ010" in _codes(_on_the_register(data))
