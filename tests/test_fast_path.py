"""The per-household fast path: only the facts the selected rules read, a light start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from planner import Checker, Household, Run
from planner.backends.python.fact_reads import rule_facts
from planner.backends.python.facts import derive, deriver, with_dependencies
from planner.cli import MODULES, WHERE, _commands
from planner.registry import packaged_yaml_rules
from planner.selection import Selection

ON = date(2020, 9, 30)
SIX_CHECKS = ("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001")
SRC = Path(__file__).resolve().parent.parent / "src"


def household(example_household: Any, name: str = "pre_exit_2808") -> Household:
    return Household.model_validate(example_household(name))


def six_checks() -> Checker:
    return Checker(Run.build(reference_date=ON, selection=[Selection(select=SIX_CHECKS)]))


def test_a_spec_rule_reads_the_facts_its_conditions_evidence_and_message_name():
    inc001 = next(r for r in packaged_yaml_rules("planner.rules", "income.yaml")
                  if r.code == "INC001")
    assert rule_facts(inc001) == {
        "household.income_year", "household.net_income", "household.per_capita_net_income",
        "household.poverty_line", "household.record", "household.registration_era",
        "household.size",
    }


def test_a_python_rule_reads_facts_that_cannot_be_told():
    sup003 = next(r for r in Run.build(reference_date=ON).rules if r.code == "SUP003")
    assert rule_facts(sup003) is None


def test_a_fact_given_the_members_whole_to_a_helper_needs_every_member_fact():
    # head_spouse_same_sex(members) reads each member's sex: its formula does not name it
    needed = with_dependencies(["household.head_spouse_same_sex"])
    assert {"member.sex", "member.birth_date", "member.id_check"} <= needed


def test_the_six_checks_derive_only_what_they_read(example_household):
    record = household(example_household)
    facts = six_checks().rule_facts(record)
    assert facts.per_capita_net_income is not None
    assert facts.members[0].age is not None
    # read by none of the six: left underived
    assert facts.days_since_visit is None and facts.wage_share is None
    assert facts.members[0].id_birth_mismatch is None


def test_the_facts_derived_for_a_selection_equal_the_full_ones(example_household):
    needed = with_dependencies(["household.per_capita_net_income", "member.out_of_school"])
    checker = six_checks()
    for name in ("pre_exit_2808", "edu_dropout", "one_room_unsafe_water", "med_uninsured"):
        record = household(example_household, name)
        args = (record, ON, checker.values, checker.income_raising, checker.measure_addresses)
        full, only = derive(*args), deriver(needed)(*args)
        for field in fields(full):
            if f"household.{field.name}" in needed and field.name != "members":
                assert getattr(only, field.name) == getattr(full, field.name), field.name
        for whole, part in zip(full.members, only.members, strict=True):
            for field in fields(whole):
                if f"member.{field.name}" in needed:
                    assert getattr(part, field.name) == getattr(whole, field.name), field.name


def test_checker_facts_stay_complete_for_the_planner(example_household):
    facts = six_checks().facts(household(example_household))
    assert facts.days_since_visit is not None or facts.record.visits == []
    assert facts.wage_share is not None


def test_explain_derives_every_fact(example_household):
    run = Run.build(reference_date=ON, selection=[Selection(select=("WAT001",))], explain=True)
    facts = Checker(run).rule_facts(household(example_household))
    assert facts.wage_share is not None


def test_the_command_table_names_each_command_where_it_is_defined():
    defined = {c.name: module for module in MODULES for c in _commands(module)}
    assert defined == WHERE


def _imported_by(*args: str) -> set[str]:
    script = ("import sys\nfrom planner.cli import main\nsys.argv = ['planner', *sys.argv[1:]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write(' '.join(sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          env=env, timeout=60, check=True)
    return set(done.stderr.split())


HEAVY = ("pydantic", "pyarrow", "polars", "rich", "networkx", "scipy", "matplotlib", "yaml",
         "orjson", "planner.model", "planner.backends", "planner.rule", "planner.io")


def test_planner_version_imports_no_model_no_engine_and_no_heavy_library():
    imported = _imported_by("--version")
    assert [name for name in HEAVY if name in imported] == []


def test_a_helper_given_the_members_whole_sees_every_member_fact(example_household):
    # head_spouse_same_sex(members) reads member.sex, which no formula of DQ003 names
    run = Run.build(reference_date=ON, selection=[Selection(select=("DQ003",))])
    facts = Checker(run).rule_facts(household(example_household))
    assert all(member.sex is not None for member in facts.members)


def test_what_the_read_facts_depend_on_is_computed_only_when_read(example_household):
    # MED001 reads member.age, which falls back on the ID number only when no birth date is
    # recorded: the ID check behind it is not kept
    run = Run.build(reference_date=ON, selection=[Selection(select=("MED001",))])
    facts = Checker(run).rule_facts(household(example_household))
    assert [m.age for m in facts.members] == [m.age for m in derive(
        household(example_household), ON, run.values).members]
    assert all(m.id_check is None and m.birth_date is None for m in facts.members)


def test_public_names_resolve_lazily_and_rule_stays_the_decorator():
    script = ("import planner.rule, planner\nfrom planner import Hit, rule\n"
              "assert callable(rule) and not isinstance(rule, type(planner))\n"
              "assert planner.rule is rule and planner.Checker.__name__ == 'Checker'\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    subprocess.run([sys.executable, "-c", script], env=env, timeout=60, check=True)
