"""Derived identity: birth date, sex and disability from the ID number or 残疾人证号 when the
record has none; the recorded value first, the ID's value as the fallback (domain.md §5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner import Household, default_catalog, default_parameters, derive
from planner.facts import FACTS, MemberFacts
from planner.facts.expression import Attr, Call, Name, walk
from planner.idnumber import check_id
from planner.model.vocab import DisabilityCategory, Sex

WHEN = date(2020, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
HEAD_ID = "522425197503120018"  # pre_exit_2808's head: born 1975-03-12, male
SON_ID = "522425200601150039"  # pre_exit_2808's son: born 2006-01-15, male


def member_facts(example_household, number: int, **changes: object) -> MemberFacts:
    data = example_household("pre_exit_2808")
    data["members"][number - 1].update(changes)
    household = Household.model_validate(data)
    params = default_parameters().at(WHEN)
    facts = derive(household, WHEN, params, default_catalog().income_raising_ids())
    return facts.members[number - 1]


def test_a_card_number_says_category_and_grade() -> None:
    card = check_id(HEAD_ID + "42")
    assert (card.valid, card.disability_category, card.disability_grade) == (
        True, DisabilityCategory.PHYSICAL, 2)
    assert check_id(HEAD_ID + "7199").disability_category is DisabilityCategory.MULTIPLE
    assert check_id(HEAD_ID + "11").disability_category is DisabilityCategory.VISUAL


def test_card_digits_one_by_one() -> None:
    assert check_id(HEAD_ID + "05").disability_category is None
    assert check_id(HEAD_ID + "05").disability_grade is None  # 5 is no grade
    assert check_id(HEAD_ID + "80").disability_category is None
    assert check_id(HEAD_ID + "34").disability_grade == 4
    assert check_id(HEAD_ID + "34").disability_category is DisabilityCategory.SPEECH


def test_an_invalid_card_number_says_nothing() -> None:
    card = check_id("52242519750312001942")  # check digit wrong
    assert not card.valid
    assert card.disability_category is None and card.disability_grade is None


def test_without_a_recorded_birth_date_and_sex_the_id_number_gives_them(
        example_household) -> None:
    son = member_facts(example_household, 3, birth_date=None, sex=None)
    assert son.birth_date == date(2006, 1, 15)
    assert son.sex is Sex.MALE
    assert son.age == 14
    assert son.compulsory_school_age is True
    assert son.from_id == frozenset({"birth_date", "sex"})
    # Nothing recorded is nothing to compare: no mismatch.
    assert son.id_birth_mismatch is None and son.id_sex_mismatch is None


def test_a_recorded_value_wins_over_the_id_number_and_the_mismatch_is_kept(
        example_household) -> None:
    son = member_facts(example_household, 3, birth_date="2006-01-16", sex="female")
    assert son.birth_date == date(2006, 1, 16)
    assert son.sex is Sex.FEMALE
    assert son.from_id == frozenset()
    assert son.id_birth_mismatch is True and son.id_sex_mismatch is True


@pytest.mark.parametrize("number", ["52242520060115004X", "123", None])
def test_an_invalid_or_missing_id_number_gives_nothing(example_household, number) -> None:
    son = member_facts(example_household, 3, birth_date=None, sex=None, id_number=number)
    assert son.birth_date is None and son.sex is None and son.age is None
    assert son.from_id == frozenset()


def test_the_card_gives_category_and_grade_when_none_is_recorded(example_household) -> None:
    head = member_facts(example_household, 1, id_number=HEAD_ID + "42", health="disabled")
    assert head.disability_category is DisabilityCategory.PHYSICAL
    assert head.disability_grade == 2
    assert head.card_disability_category is DisabilityCategory.PHYSICAL
    assert head.from_id == frozenset({"disability_category", "disability_grade"})
    assert head.id_disability_mismatch is None
    # The card's core is the 18-digit number: birth date and sex are compared with it as usual.
    assert head.id_birth_mismatch is False and head.id_sex_mismatch is False


def test_a_recorded_category_differing_from_the_card_is_a_mismatch(example_household) -> None:
    head = member_facts(example_household, 1, id_number=HEAD_ID + "42", health="disabled",
                        disability_category="visual", disability_grade=2)
    assert head.disability_category is DisabilityCategory.VISUAL  # the record wins
    assert head.id_disability_mismatch is True
    agreeing = member_facts(example_household, 1, id_number=HEAD_ID + "42", health="disabled",
                            disability_category="physical", disability_grade=2)
    assert agreeing.id_disability_mismatch is False


def _first_arguments_of_coalesce(formula_node) -> set[str]:
    found: set[str] = set()
    for part in walk(formula_node):
        if isinstance(part, Call) and part.helper == "coalesce":
            found |= {f"{arg.base.name}.{arg.attr}" for arg in part.args[:-1]
                      if isinstance(arg, Attr) and isinstance(arg.base, Name)}
    return found


@pytest.mark.parametrize("field", ["birth_date", "sex", "disability_category", "disability_grade"])
def test_each_fallback_is_written_with_coalesce_recorded_first(field: str) -> None:
    declared = FACTS.facts[f"member.{field}"]
    assert declared.helper == "coalesce"
    assert f"record.{field}" in _first_arguments_of_coalesce(declared.node)


def test_no_other_member_fact_reads_the_recorded_birth_date_or_sex() -> None:
    readers = set()
    for name, declared in FACTS.facts.items():
        if not name.startswith("member.") or name in (
                "member.birth_date", "member.sex", "member.id_birth_mismatch",
                "member.id_sex_mismatch", "member.from_id"):
            continue
        text = declared.fact.formula
        if "record.birth_date" in text or "record.sex" in text:
            readers.add(name)
    assert readers == set()


@pytest.mark.parametrize("count", [2, 3, 5])
def test_coalesce_takes_the_first_known_of_several_arguments(count: int) -> None:
    from tests.test_facts_declared import evaluate

    args = ", ".join(["record.b"] * (count - 1) + ["record.a"])
    assert evaluate(f"coalesce({args})", a=7, b=None) == 7
    assert evaluate(f"coalesce({args})", a=7, b=3) == 3
    assert evaluate(f"coalesce({', '.join(['record.b'] * count)})", b=None) is None


def test_coalesce_stops_at_the_first_known_argument() -> None:
    from tests.test_facts_declared import evaluate

    assert evaluate("coalesce(record.a, record.b, record.a / record.b)", a=1, b=0) == 1
    assert evaluate("coalesce(record.b, record.b, record.a / record.b)", a=6, b=None) is None


def test_a_district_file_without_birth_dates_is_judged_by_the_id_numbers(tmp_path) -> None:
    """EDU001 finds the out-of-school child of an export that has no birth date column."""
    data = json.loads((ROOT / "examples" / "households" / "edu_dropout.json").read_text("utf-8"))
    for member in data["members"]:
        member.pop("birth_date", None)
        member.pop("sex", None)
    path = tmp_path / "households.json"
    path.write_text(json.dumps([data], ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", "from planner.cli import cli; cli()", "check", str(path),
         "--select", "EDU001,DQ008", "--date", "2020-09-30", "--output-format", "jsonl"],
        capture_output=True, text=True, env=env, check=False,
    )
    codes = [json.loads(line)["code"] for line in result.stdout.splitlines()
             if line.startswith("{")]
    assert codes == ["EDU001"], result.stdout + result.stderr
    assert result.returncode == 1
