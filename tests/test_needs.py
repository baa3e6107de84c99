"""Rules a source cannot feed are skipped, once per table: the fields each rule needs, and the
checker running only the rules a record's source carries the fields of (issue 12, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from planner import Checker, Hit, Household, RuleContext, Run, rule
from planner.facts import FACTS, formula_constants
from planner.facts.expression import Scope, parse
from planner.facts.member import MEMBER_FACTS, MEMBER_INPUTS
from planner.model import Member, Village
from planner.rule import from_spec
from planner.source import RuleSkipped, Source, Sourced
from planner.spec import RuleSpec, SpecError
from planner.spec.needs import carries, formula_needs

ON = date(2020, 9, 30)
ROOT = Path(__file__).resolve().parent.parent
BUILTIN = {r.code: r for r in Run.build(reference_date=ON).rules}
WATER_INDICATORS = ("water.litres_per_person_day", "water.fetch_minutes_round_trip",
                    "water.piped_into_home", "water.reliability")


def _fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf field path of a record model, one level into its sub-records."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = [t for t in (annotation, *getattr(annotation, "__args__", ()))
                 if isinstance(t, type) and issubclass(t, BaseModel)]
        if inner and not prefix:
            found |= _fields(inner[0], f"{name}.")
        else:
            found.add(prefix + name)
    return found


#: What a source that carries everything of a household would name.
EVERY_FIELD = frozenset(_fields(Household) | {f"member.{f}" for f in _fields(Member)})


def household(example_household: Any, name: str = "one_room_unsafe_water",
              **changes: Any) -> Household:
    return Household.model_validate({**example_household(name), **changes})


def codes(findings: list[Any]) -> list[str]:
    return sorted(f.code for f in findings)


def member_formula(text: str) -> frozenset[str]:
    scope = Scope("member", frozenset(f.name for f in MEMBER_FACTS), frozenset(MEMBER_INPUTS),
                  formula_constants(), None, frozenset(Member.model_fields))
    return formula_needs(parse(text, scope, "member.test"), "member")


# -- what rules need ---------------------------------------------------------------------------
@pytest.mark.parametrize(("formula", "needs"), [
    ("age_on(record.birth_date, when)", {"member.birth_date"}),
    ("age_on(coalesce(record.birth_date, id_check.birth_date), when)", {"member.id_number"}),
    ("record.birth_date if is_known(record.birth_date) else id_check.birth_date",
     {"member.id_number"}),
    ("(record.sex == Sex.MALE) != id_check.male if is_known(id_check.birth_date) else None",
     {"member.sex", "member.id_number"}),
    ("False if truthy(record.schooling_exemption) else record.schooling in ENROLLED_STAGES",
     {"member.schooling"}),
    ("employed_in_year(record.employment, when)", {"member.employment"}),
    ("member_addressed_codes(household_record.measures, position, measure_addresses)",
     {"measures"}),
])
def test_a_formula_needs_what_it_reads_except_alternatives_and_guards(formula, needs):
    assert member_formula(formula) == needs


def test_a_fact_needs_the_fields_of_the_facts_it_reads():
    # age reads the birth date fact: the recorded one, else the ID number's (coalesce's last
    # argument is the one needed)
    assert "coalesce" in FACTS.facts["member.birth_date"].fact.formula
    assert set(BUILTIN["MED001"].needs) == {"member.medical_insurance", "status",
                                            "member.id_number"}


def test_edu001_needs_schooling_not_the_optional_exemption_or_education():
    assert {"member.schooling", "status"} <= set(BUILTIN["EDU001"].needs)
    assert not {"member.schooling_exemption", "member.education"} & set(BUILTIN["EDU001"].needs)


def test_edu001_keeps_running_on_an_export_with_id_numbers_but_no_birth_dates():
    assert "member.birth_date" not in BUILTIN["EDU001"].needs
    assert "member.id_number" in BUILTIN["EDU001"].needs


def test_support_rules_need_the_helper_and_the_visits():
    assert BUILTIN["SUP001"].needs == ("helper.name", "status")  # added: truthy() hides it
    assert BUILTIN["SUP002"].needs == ("status", "visits")
    assert BUILTIN["SUP004"].needs == ("measures",)


def test_monitoring_delays_need_the_dates_they_count_to():
    assert {"monitoring.verified_on", "monitoring.assisted_on"} <= set(BUILTIN["MON002"].needs)


def test_water_rules_need_their_indicators():
    # either the quality test or the whole safe-water answer (是否解决安全饮用水) feeds it
    assert BUILTIN["WAT001"].needs == ("status", "water")
    assert set(BUILTIN["WAT002"].needs) == {"status", *WATER_INDICATORS}


def test_a_refinement_that_only_withdraws_a_finding_is_not_needed():
    # an unsafe grade is the problem; renovation or relocation done only withdraws it
    assert BUILTIN["HOU001"].needs == ("housing.safety_grade", "status")
    # each recorded value (birth date, sex, disability) is compared with the ID or card number
    # where it is recorded: only the number is needed
    assert BUILTIN["DQ002"].needs == ("member.id_number",)


def test_dq008_and_dataset_forms_are_never_skipped():
    assert BUILTIN["DQ008"].needs == ()
    assert BUILTIN["DQ004"].needs == ()


def test_a_source_carries_a_field_a_part_of_it_or_a_whole_containing_it():
    fields = frozenset({"income.wage", "water", "member.employment.0.county"})
    assert carries(fields, "income") and carries(fields, "water.reliability")
    assert carries(fields, "member.employment") and carries(fields, "member.employment.county")
    assert not carries(fields, "income.property") and not carries(fields, "visits")
    assert carries(None, "visits")


def test_a_yaml_rule_corrects_its_needs_and_an_unknown_field_is_an_error():
    spec = {"code": "TST010", "name": "x", "family": "test",
            "message": {"zh": "缺", "en": "missing"},
            "when": {"fact": "household.has_helper", "eq": False},
            "needs": {"add": ["helper.name"]}}
    assert from_spec(RuleSpec.model_validate(spec)).needs == ("helper.name",)
    spec["needs"] = {"add": ["helper.nickname"]}
    with pytest.raises(SpecError, match=r"helper\.nickname"):
        from_spec(RuleSpec.model_validate(spec))


def test_a_python_rule_declares_its_needs_and_an_unknown_field_is_an_error():
    with pytest.raises(ValueError, match=r"member\.shoe_size"):
        rule(code="TST011", name="x", family="test", needs=["member.shoe_size"],
             message={"zh": "x", "en": "x"})(lambda ctx: iter(()))


def test_rule_pages_and_json_list_the_needed_fields():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = [sys.executable, "-c", "from planner.cli import cli; cli()", "rules", "SUP002"]
    page = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout
    assert "所需字段 / needs fields: status, visits" in page
    listed = subprocess.run([*run, "--format", "json"], capture_output=True, text=True, env=env,
                            check=True).stdout
    assert json.loads(listed)["needs"] == ["status", "visits"]


# -- the checker -------------------------------------------------------------------------------
def test_without_a_source_every_rule_runs_as_before(example_household):
    checker = Checker(Run.build(reference_date=ON))
    record = household(example_household, water={"quality_safe": False,
                                                  "litres_per_person_day": 15})
    plain = codes(checker.check_household(record))
    everything = Source("all.xlsx", "户", (3,), None, EVERY_FIELD)
    assert codes(checker.check_household(record, source=Source("x.jsonl"))) == plain
    assert codes(checker.check_household(record, source=everything)) == plain
    assert {"WAT001", "WAT002"} <= set(plain)
    assert checker.skipped() == []


def test_a_source_without_the_water_indicators_skips_the_rules_needing_them(example_household):
    checker = Checker(Run.build(reference_date=ON))
    water = example_household("one_room_unsafe_water")["water"]
    first = household(example_household, water={**water, "litres_per_person_day": 15})
    second = household(example_household, id="522425-102-0003",
                       water={**water, "quality_safe": True, "litres_per_person_day": 10})
    plain = sorted((f.code, f.refers_to) for f in checker.check_household(first))
    fields = EVERY_FIELD - {"water.litres_per_person_day", "water.fetch_minutes_round_trip",
                            "water.piped_into_home", "water.reliability", "water.access"}
    table = Source("监测对象.xlsx", "Sheet1", (), "monitoring_2023_members", fields)
    sourced = [Sourced(first, Source(table.file, table.sheet, (4, 5, 6), table.layout, fields)),
               Sourced(second, Source(table.file, table.sheet, (7, 8, 9), table.layout, fields))]
    checker = Checker(Run.build(reference_date=ON))
    found = list(checker.iter_findings(sourced))
    of_first = [f for f in found if f.subject == first.id and BUILTIN[f.code].scope != "dataset"]
    # a grade-C house is HOU001's, not HOU002's (crowding in a safe house only)
    assert plain == [("HOU001", None), ("SUP004", "HOU001"), ("SUP004", "WAT001"),
                     ("SUP004", "WAT002"), ("WAT001", None), ("WAT002", None)]
    # quality is carried: WAT001 is still judged; nothing about quantity, access, reliability
    assert sorted((f.code, f.refers_to) for f in of_first) == [
        ("HOU001", None), ("SUP004", "HOU001"), ("SUP004", "WAT001"), ("WAT001", None)]
    assert not [f for f in found if f.code == "WAT002"]
    assert checker.skipped() == [RuleSkipped(
        "WAT002", "监测对象.xlsx", "Sheet1", "monitoring_2023_members",
        ("water.fetch_minutes_round_trip", "water.litres_per_person_day",
         "water.piped_into_home", "water.reliability"), 2)]


def test_findings_carry_the_source_and_the_region_of_their_subject(example_household):
    checker = Checker(Run.build(reference_date=ON))
    record = household(example_household)
    source = Source("户.csv", None, (2, 3, 4), None, None)
    findings = checker.check_household(record, source=source)
    assert findings
    assert all(f.source is source and f.region is record.region for f in findings)
    assert all(f.source is None and f.region is record.region
               for f in checker.check_household(record))


def test_dq008_checks_only_the_fields_the_source_can_record(example_household):
    checker = Checker(Run.build([BUILTIN["DQ008"]], reference_date=ON))
    data = example_household("one_room_unsafe_water")
    data["water"] = {"quality_safe": False}  # no quantity, access, reliability
    data["members"][1]["medical_insurance"] = None
    record = Household.model_validate(data)
    everywhere = {f.evidence["field"] for f in checker.check_household(record)}
    assert everywhere == {"water.litres_per_person_day", "water.access", "water.reliability",
                          "member.medical_insurance"}
    export = EVERY_FIELD - {"water.litres_per_person_day", "water.fetch_minutes_round_trip",
                            "water.piped_into_home", "water.reliability", "water.access"}
    findings = checker.check_household(record, source=Source("e.xlsx", "S", (), "m", export))
    assert [(f.evidence["field"], f.member) for f in findings] == [
        ("member.medical_insurance", 2)]
    assert checker.skipped() == []


class _Fed:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def add(self, household: Any) -> None:
        self.ids.append(household.record.id)

    def finish(self) -> Iterator[Hit]:
        for household_id in self.ids:
            yield Hit(household=household_id)


@rule(code="TST012", name="fed-households", family="test", scope="dataset",
      needs=("visits",), message={"zh": "已计入", "en": "counted"})
def fed_households(ctx: RuleContext) -> _Fed:
    """Reports each household it was fed."""
    return _Fed()


def test_a_dataset_rule_is_not_fed_households_whose_source_lacks_its_fields(example_household):
    checker = Checker(Run.build([fed_households], reference_date=ON))
    with_visits = household(example_household)
    without = household(example_household, id="522425-102-0009")
    no_visits = frozenset(f for f in EVERY_FIELD if f.partition(".")[0] != "visits")
    lacking = Source("b.xlsx", "S", (5,), "monitoring_2023_members", no_visits)
    carrying = Source("a.xlsx", "S", (2,), None, EVERY_FIELD)
    found = list(checker.iter_findings([Sourced(with_visits, carrying),
                                        Sourced(without, lacking)]))
    assert [(f.code, f.subject) for f in found] == [("TST012", with_visits.id)]
    # a dataset finding's place is kept compactly until the run ends (engine.Places): the
    # same source and region, rebuilt
    assert found[0].source == carrying and found[0].region == with_visits.region
    assert checker.skipped() == [
        RuleSkipped("TST012", "b.xlsx", "S", "monitoring_2023_members", ("visits",), 1)]


def test_villages_come_sourced_and_skip_the_rules_their_source_cannot_feed():
    village = Village.model_validate({"id": "V1", "road_km_planned": 10, "road_km_hardened": 1,
                                      "road_start": "2019-01-01", "road_due": "2020-06-30"})
    vil001 = [BUILTIN["VIL001"]]
    assert vil001[0].needs
    checker = Checker(Run.build(vil001, reference_date=ON))
    assert codes(list(checker.iter_findings([], [village]))) == ["VIL001"]
    source = Source("村.xlsx", "行政村", (4,), "monitoring_2023_villages",
                    frozenset({"population", "region.village"}))
    checker = Checker(Run.build(vil001, reference_date=ON))
    assert list(checker.iter_findings([], [Sourced(village, source)])) == []
    [notice] = checker.skipped()
    assert (notice.code, notice.file, notice.records) == ("VIL001", "村.xlsx", 1)


def test_one_notice_per_rule_and_table_sorted_by_file_sheet_and_code(example_household):
    checker = Checker(Run.build([BUILTIN["SUP001"], BUILTIN["SUP002"]], reference_date=ON))
    no_visits = frozenset(f for f in EVERY_FIELD if f.partition(".")[0] not in ("visits",
                                                                                 "helper"))
    records = [household(example_household, id=f"522425-102-{n:04d}") for n in range(3)]
    sources = [Source("b.xlsx", "户", (2,), "m", no_visits),
               Source("a.xlsx", "户", (2,), "m", no_visits),
               Source("b.xlsx", "户", (3,), "m", no_visits)]
    assert list(checker.iter_findings(map(Sourced, records, sources))) == []
    assert [(n.file, n.code, n.records, n.missing) for n in checker.skipped()] == [
        ("a.xlsx", "SUP001", 1, ("helper.name",)), ("a.xlsx", "SUP002", 1, ("visits",)),
        ("b.xlsx", "SUP001", 2, ("helper.name",)), ("b.xlsx", "SUP002", 2, ("visits",))]
