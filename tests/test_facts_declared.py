"""Declared facts: the expression language, the catalogue's checks, and ``planner facts``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import pytest

from planner.backends.python.facts import compile_entity
from planner.facts import (
    FACT_PARAMETERS,
    FACTS,
    Entity,
    Fact,
    FactCatalog,
    FormulaError,
    HouseholdFacts,
    MemberFacts,
)
from planner.facts.vocab import formula_constants
from planner.params import default_parameters

from .bilingual import in_both

# A small entity for the language tests: its record has three fields, ``a`` ``b`` and ``when``.
THING = Entity("thing", {"record": "a thing", "when": "a date"}, frozenset({"a", "b"}))


@dataclass
class Record:
    a: float | None = None
    b: float | None = None


def evaluate(formula: str, a: float | None = 1, b: float | None = 2) -> object:
    """The value of ``formula`` (fact ``x`` of a thing) on a record with fields ``a`` and ``b``."""

    @dataclass
    class Facts:
        x: object

    catalog = FactCatalog([THING], {"thing": [Fact("x", "number", "", "", "", "", formula)]},
                          formula_constants())
    function, _ = compile_entity(catalog, "thing", Facts)
    params = default_parameters().at(date(2020, 9, 30))
    return function(v_record=Record(a, b), v_when=date(2020, 9, 30), params=params).x


def catalog_of(*facts: Fact) -> FactCatalog:
    return FactCatalog([THING], {"thing": facts}, formula_constants())


def fact(name: str, formula: str) -> Fact:
    return Fact(name, "number", "", "", "", "", formula)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("record.a + record.b * 3", 7),
        ("record.b / record.a", 2),
        ("record.a < record.b <= 2", True),
        ("-record.a if record.a > 0 else record.a", -1),
        ("record.a in (1, 5)", True),
        ("Sex.MALE == 'male'", True),
        ('param("education.compulsory_age_min")', 6),
        ("{}", {}),
    ],
)
def test_an_expression_computes_its_value(formula: str, expected: object) -> None:
    assert evaluate(formula) == expected


@pytest.mark.parametrize(
    "formula",
    ["record.a + record.b", "record.a * 2", "record.a < 3", "-record.a", "not record.a",
     "record.a.real", "1 if record.a else 2", "record.a in (1, 2)", "abs(record.a)"],
)
def test_an_unknown_operand_makes_the_result_unknown(formula: str) -> None:
    assert evaluate(formula, a=None) is None


def test_division_by_zero_is_unknown() -> None:
    assert evaluate("record.b / record.a", a=0) is None
    assert evaluate("record.b / record.a", a=None) is None


@pytest.mark.parametrize(
    ("formula", "a", "expected"),
    [
        ("record.a > 0 and record.b > 0", None, None),
        ("record.a > 0 and record.b > 5", None, False),  # false settles "and" whatever is unknown
        ("record.a > 0 or record.b > 0", None, True),  # true settles "or"
        ("record.a > 0 or record.b > 5", None, None),
        ("is_known(record.a)", None, False),
        ("coalesce(record.a, 9)", None, 9),
        ("coalesce(record.a, 9)", 4, 4),
    ],
)
def test_and_or_are_kleene_and_helpers_see_unknowns(
    formula: str, a: float | None, expected: object
) -> None:
    value = evaluate(formula, a=a)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("record.a + nonsense", "unknown name 'nonsense'"),
        ("frobnicate(record.a)", "unknown helper 'frobnicate'"),
        ("record.c", "the record has no field 'c'"),
        ("Sex.ROBOT", "Sex has no member ROBOT"),
        ("record.a[0]", "syntax Subscript is not part of the language"),
        ("(lambda: 1)()", "only named helpers"),
        ("__import__('os')", "unknown helper '__import__'"),
        ("abs(x=record.a)", "only named helpers, with positional arguments"),
        ("age_on(record.a)", "age_on takes 2 arguments, not 1"),
        ("param(record.a)", "param takes a parameter name in quotes"),
        ("count(record.a)", "count is written count(members, <member expression>)"),
        ("record.a +", "not an expression"),
    ],
)
def test_a_formula_outside_the_language_is_rejected_at_declaration(
    formula: str, message: str
) -> None:
    with pytest.raises(FormulaError) as caught:
        catalog_of(fact("x", formula))
    assert message in str(caught.value)
    assert str(caught.value).startswith("事实 thing.x 的公式：")


def test_a_cycle_between_facts_is_named_at_declaration() -> None:
    with pytest.raises(FormulaError) as caught:
        catalog_of(fact("x", "y + 1"), fact("y", "z + 1"), fact("z", "x + 1"))
    assert "facts depend on each other in a cycle: thing." in str(caught.value)
    for name in ("thing.x", "thing.y", "thing.z"):
        assert name in str(caught.value)


def test_a_fact_declared_twice_is_rejected() -> None:
    with pytest.raises(FormulaError, match=r"fact thing\.x is declared twice"):
        catalog_of(fact("x", "1"), fact("x", "2"))


def test_facts_are_ordered_after_what_they_read_and_inherit_its_parameters() -> None:
    catalog = catalog_of(
        fact("late", "early + 1"),
        fact("early", 'param("labour.working_age_min") + record.a'),
    )
    assert [f.fact.name for f in catalog.of("thing")] == ["early", "late"]
    assert catalog.facts["thing.late"].depends_on == ("thing.early",)
    assert catalog.parameters() == {
        "thing.early": ("labour.working_age_min",),
        "thing.late": ("labour.working_age_min",),
    }


def test_the_parameters_of_facts_are_derived_from_formulas_helpers_and_facts_read() -> None:
    # In reading order: housing (housing_unsafe), education (members' out_of_school), water.
    guarantees = (
        "housing.unsafe_grades", "education.compulsory_age_min", "education.school_entry_cutoff",
        "education.compulsory_age_max",
        "water.litres_per_person_day_min", "water.litres_per_person_day_min_water_rich",
        "water.fetch_minutes_max", "water.reliability_min",
    )
    assert FACT_PARAMETERS["household.basic_guarantee_problems"] == guarantees
    assert FACT_PARAMETERS["household.basic_guarantee_secure"] == guarantees
    assert FACT_PARAMETERS["household.water_safe"] == guarantees[4:]  # from the helper
    assert FACT_PARAMETERS["household.school_age_children"] == guarantees[1:4]  # via members
    assert FACT_PARAMETERS["household.poverty_line"] == ("income.poverty_line",)
    assert "household.per_capita_net_income" not in FACT_PARAMETERS


def test_every_attribute_of_the_fact_records_is_declared() -> None:
    for entity, record in (("household", HouseholdFacts), ("member", MemberFacts)):
        declared = [f.fact.name for f in FACTS.of(entity)]
        assert sorted(declared) == sorted(f.name for f in fields(record))


def run_planner(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from planner.cli import cli; cli()", *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
        cwd=Path(__file__).parent,
    )


def test_planner_facts_json_lists_every_fact_with_its_derived_parameters() -> None:
    result = run_planner("facts", "--format", "json")
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    expected = [f"household.{f.name}" for f in fields(HouseholdFacts)]
    expected += [f"member.{f.name}" for f in fields(MemberFacts)]
    # Villages, projects and measures: tests/test_facts_areas.py.
    documents = [d for d in documents if d["entity"] in ("household", "member")]
    assert sorted(d["name"] for d in documents) == sorted(expected)
    # eras, county_health, county, risk, contact, income_stability
    # + 1: household.water_litres_min (regional water quantity)
    assert len(documents) == 65 + 31 + 4 + 7 + 15 + 27 + 2 + 9
    for document in documents:
        assert set(document) == {
            "name", "entity", "type", "unit", "label_zh", "label_en", "doc", "parameters",
            "depends_on", "formula", "helper",
        }
        assert document["parameters"] == sorted(FACT_PARAMETERS.get(document["name"], ()))
        assert document["label_zh"] and document["label_en"] and document["doc"]
    by_name = {d["name"]: d for d in documents}
    assert by_name["household.basic_guarantee_problems"]["parameters"] == [
        "education.compulsory_age_max", "education.compulsory_age_min",
        "education.school_entry_cutoff", "housing.unsafe_grades", "water.fetch_minutes_max",
        "water.litres_per_person_day_min", "water.litres_per_person_day_min_water_rich",
        "water.reliability_min",
    ]
    assert by_name["member.age"]["helper"] == "age_on"
    assert by_name["household.net_income"]["depends_on"] == [
        "household.gross_income", "household.production_costs",
    ]


def test_planner_facts_name_prints_one_page() -> None:
    result = run_planner("facts", "household.per_capita_net_income", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:5] == [
        "household.per_capita_net_income: per-capita net income",
        "type: number",
        "unit: yuan/person/yr",
        "doc: Net income per registered member.",
        "formula: net_income / size",
    ]


def test_planner_facts_unknown_name_exits_2_in_both_languages() -> None:
    result = in_both(lambda: run_planner("facts", "household.nonsense"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "错误：未知的事实 'household.nonsense'；运行 planner facts 查看全部事实",
        "Error: unknown fact 'household.nonsense'; run planner facts to list them",
    ]


@pytest.mark.parametrize("name", ["two words", "x=1", "class", ""])
def test_a_fact_name_that_is_not_an_identifier_is_rejected(name: str) -> None:
    with pytest.raises(FormulaError, match="is not an identifier"):
        catalog_of(fact(name, "1"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((1, 3, None), (1, 4, True, 3)),
        ((1, None), (0, 1, None, 2)),
        ((1, 0), (0, 1, False, 2)),
        ((), (0, 0, False, 0)),
    ],
)
def test_aggregates_over_members(values: tuple, expected: tuple) -> None:
    box = Entity("box", {"record": "", "when": "", "member_facts": ""}, frozenset(),
                 items="thing")
    catalog = FactCatalog(
        [box, THING],
        {
            "thing": [fact("x", "record.a")],
            "box": [
                fact("members", "member_facts"), fact("over_one", "count(members, x > 1)"),
                fact("total", "sum(members, x)"),
                fact("any_over_one", "any_known(members, x > 1)"), fact("size", "count(members)"),
            ],
        },
        formula_constants(),
    )
    assert catalog.facts["box.over_one"].depends_on == ("box.members", "thing.x")

    @dataclass
    class Box:
        members: object
        over_one: object
        total: object
        any_over_one: object
        size: object

    @dataclass
    class Thing:
        x: object

    function, _ = compile_entity(catalog, "box", Box)
    things = tuple(Thing(value) for value in values)
    result = function(v_record=None, v_when=date(2020, 1, 1), v_member_facts=things, params=None)
    assert (result.over_one, result.total, result.any_over_one, result.size) == expected
