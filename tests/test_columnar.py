"""The columnar backend: tables, facts and findings equal to the Python backend's."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from enum import Enum
from typing import Any

import pytest

pytest.importorskip("polars")

from planner.backends import available, checker, supports
from planner.backends.columnar.checker import ColumnarChecker
from planner.backends.columnar.facts import FactCompiler, FactPlan
from planner.backends.columnar.item_entities import item_frames
from planner.backends.columnar.rules import compile_rules
from planner.backends.columnar.tables import build_tables
from planner.backends.python.engine import Checker
from planner.backends.python.facts import derive_posts, derive_work_records
from planner.measure_facts import derive_measures
from planner.model import Household
from planner.run import Run
from planner.selection import Selection
from planner.testing import installed_rules

from .households import ON, SIX_CHECKS, district_households
from .households import generated as generated_households


@pytest.fixture(scope="module")
def run() -> Run:
    return Run.build(reference_date=ON)


@pytest.fixture(scope="module")
def district() -> list[Household]:
    return district_households()


@pytest.fixture(scope="module")
def generated() -> list[Household]:
    return generated_households(2_000, 11, 0.3)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: _plain(item) for key, item in dataclasses.asdict(value).items()}
    if isinstance(value, frozenset | set):
        return sorted(_plain(item) for item in value)
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _compiled(run: Run, targets: list[str] | None = None) -> FactPlan:
    catalog = run.catalog
    addresses = {measure.id: measure.addresses for measure in catalog.values()}
    return FactCompiler(run.values, run.reference_date, catalog.income_raising_ids(),
                        addresses, measures=dict(catalog.items())).compile(targets)


def _differences(run: Run, households: list[Household]) -> dict[str, list[tuple[Any, Any]]]:
    """Every supported fact column against the Python backend's value, household by household
    and member by member, measure by measure: the differences by fact (none expected)."""
    plan = _compiled(run)
    tables = build_tables(households, plan.needs)
    household, member, measure = plan.frames(tables)
    assert measure is not None
    items = item_frames(plan, tables, household, member)
    python = Checker(run)
    facts = [python.facts(h) for h in households]
    measures = [m for f in facts for m in derive_measures(f, run.catalog, run.values)]
    work_records = [w for f in facts for w in derive_work_records(f, run.values)]
    posts = [p for f in facts for p in derive_posts(f, run.values)]
    differences: dict[str, list[tuple[Any, Any]]] = {}
    compared = 0
    seen: set[str] = set()
    for qualified in plan.values:
        entity, name = qualified.split(".")
        frame = {"household": household, "member": member, "measure": measure, **items}[entity]
        if f"f:{name}" not in frame.columns:
            continue  # known when the run starts, or a record reference
        compared += 1
        seen.add(qualified)
        got = frame.get_column(f"f:{name}").to_list()
        want = ([getattr(f, name) for f in facts] if entity == "household"
                else [getattr(m, name) for m in measures] if entity == "measure"
                else [getattr(w, name) for w in work_records] if entity == "work_record"
                else [getattr(p, name) for p in posts] if entity == "post"
                else [getattr(m, name) for f in facts for m in f.members])
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            if isinstance(b, tuple):  # in order: positions, the guarantees' problems
                same = a == [_plain(item) for item in b]
            else:
                same = _plain(a) == _plain(b) and (a is None) == (b is None)
            if not same:
                differences.setdefault(qualified, []).append((a, b))
    assert compared > 80
    assert {"work_record.county_level", "work_record.holder_age_at_start", "work_record.active",
            "post.held", "post.holder_age"} <= seen
    return differences


def test_every_supported_fact_equals_python_on_the_example_district(
        run: Run, district: list[Household]) -> None:
    assert _differences(run, district) == {}


def test_every_supported_fact_equals_python_on_2000_generated_households(
        run: Run, generated: list[Household]) -> None:
    assert _differences(run, generated) == {}


def test_every_fact_but_a_measures_ineligibility_texts_is_compiled(run: Run) -> None:
    """Every household, member and measure fact but the reasons of the catalog's eligibility
    verdict (its texts are built by planner.measures.eligibility, for the findings that name
    them: the rule's Python body builds them where SUP003 fires). ``measure.eligible`` is."""
    plan = _compiled(run)
    assert plan.unsupported == {
        f"measure.{name}": f"the verdict's {attribute}"
        for name, attribute in (("ineligibility", "reason"), ("ineligibility_zh", "zh"),
                                ("ineligibility_en", "en"))}
    assert plan.supported("measure.eligible") and plan.supported("measure.verdict")
    assert plan.supported("household.phone_shared_apart_members")
    assert plan.supported("household.phone_shared_apart")
    for county in ("member.posts_at_once", "member.work_spells_at_once",
                   "household.anyone_on_dibao", "household.anyone_on_tekun"):
        assert plan.supported(county)
    assert plan.supported("member.from_id")
    assert plan.supported("measure.beneficiary_member")
    assert plan.supported("measure.label_zh")
    assert plan.supported("household.per_capita_net_income")
    assert plan.supported("member.out_of_school")
    assert plan.supported("member.addressed_codes")
    assert plan.supported("member.id_problem")


def test_tables_hold_only_what_the_facts_read(run: Run, district: list[Household]) -> None:
    plan = _compiled(run, ["household.size", "household.housing_unsafe"])
    tables = build_tables(district[:5], plan.needs)
    assert tables.household.columns == ["row", "r:housing.safety_grade"]
    assert tables.member.columns == ["row", "position"]
    assert tables.items == {}
    household, _ = plan.evaluate(tables)
    assert household.get_column("f:size").to_list() == [
        sum(m.registered for m in h.members) for h in district[:5]]


def test_unknowns_stay_unknown_and_division_by_zero_is_unknown(run: Run) -> None:
    empty = Household.model_validate({"id": "H0", "income": []})
    unrecorded = Household.model_validate({"id": "H1", "members": [{"name": "甲"}]})
    plan = _compiled(run, ["household.per_capita_net_income", "household.any_can_work",
                           "household.housing_unsafe"])
    household, _ = plan.evaluate(build_tables([empty, unrecorded], plan.needs))
    rows = household.select("f:size", "f:per_capita_net_income", "f:any_can_work",
                            "f:housing_unsafe").rows()
    # no members: 0 / 0 is unknown; one member whose capacity is unknown: unknown, not false
    assert rows == [(0, None, False, None), (1, None, None, None)]


def _findings(run: Run, backend: str, households: list[Household]) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in checker(run, backend).iter_findings(households)]


def test_the_columnar_backend_is_available_with_polars() -> None:
    assert available()[:2] == ("python", "columnar")  # durable follows when installed


def test_supports_says_yes_to_the_rules_it_compiles_only() -> None:
    rules = {rule.code: rule for rule in installed_rules()}
    # DQ008, DQ012: Python bodies whose gates compile
    for code in ("HOU001", "INC001", "INC005", "EDU001", "MED001", "MED002", "DQ001", "DQ003",
                 "DQ007", "DQ008", "DQ010", "DQ012", "SUP005", "SUP006", "SUP003", "WRK010"):
        assert supports(rules[code], "columnar"), code
    # a rule reading findings, a dataset rule, a village rule
    for code in ("SUP004", "DQ004", "VIL001"):
        assert not supports(rules[code], "columnar"), code


def test_whole_run_on_2000_generated_households_gives_identical_findings(
        run: Run, generated: list[Household]) -> None:
    python = _findings(run, "python", generated)
    assert len(python) > 500
    assert _findings(run, "columnar", generated) == python


def test_the_six_checks_give_identical_findings_in_small_batches(
        generated: list[Household]) -> None:
    run = Run.build(reference_date=ON, selection=[Selection(select=SIX_CHECKS)])
    python = _findings(run, "python", generated)
    assert {f["code"] for f in python} == set(SIX_CHECKS)
    columnar = ColumnarChecker(run, batch_size=300)  # batches that do not divide the input
    assert [f.to_dict() for f in columnar.iter_findings(generated)] == python
    assert columnar.stats.households == len(generated)


def test_the_example_district_gives_identical_findings(
        run: Run, district: list[Household]) -> None:
    assert _findings(run, "columnar", district) == _findings(run, "python", district)


def test_each_compiled_rule_fires_exactly_where_python_finds_something(
        run: Run, generated: list[Household]) -> None:
    plan = compile_rules(run.rules, run.values, run.reference_date,
                         run.catalog.income_raising_ids(),
                         {measure.id: measure.addresses for measure in run.catalog.values()},
                         run.catalog)
    fired = plan.fires(generated)
    python = Checker(run)
    found: dict[str, set[tuple[int, int | None]]] = {}
    for row, household in enumerate(generated):
        for finding in python.check_household(household):
            found.setdefault(finding.code, set()).add((row, finding.member))
    for rule, _ in plan.household:
        rows = {row for row, flag in enumerate(fired.households(rule.code)) if flag}
        assert rows == {row for row, _ in found.get(rule.code, set())}, rule.code
    for rule, _ in plan.member:
        assert fired.members(rule.code) == found.get(rule.code, set()), rule.code


def test_one_household_checked_alone_gives_the_python_findings(
        run: Run, district: list[Household]) -> None:
    columnar, python = ColumnarChecker(run), Checker(run)
    list(columnar.iter_findings(district[:3]))  # a batch judged before: it must not leak
    for household in district[:20]:
        assert columnar.facts(household) == python.facts(household)
        assert ([f.to_dict() for f in columnar.check_household(household)]
                == [f.to_dict() for f in python.check_household(household)])
        facts = python.facts(household)
        assert ([f.to_dict() for f in columnar.check_household(household, facts)]
                == [f.to_dict() for f in python.check_household(household, facts)])


def test_without_polars_the_core_works_and_columnar_is_not_listed() -> None:
    # A real interpreter in which polars cannot be imported (as in an install without the extra).
    script = (
        "import sys; sys.modules['polars'] = None; sys.modules['durable'] = None\n"
        "from datetime import date\n"
        "from planner.backends import available, checker\n"
        "from planner.run import Run\n"
        "import planner.testing\n"
        "print(available())\n"
        "try:\n"
        "    checker(Run.build(reference_date=date(2020, 9, 30)), 'columnar')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env={**os.environ})
    assert done.stdout.splitlines() == [
        "('python',)",
        "后端 columnar 需要 polars：pip install 'fuping-planner[columnar]'",
        "backend columnar needs polars: pip install 'fuping-planner[columnar]'",
    ]


@pytest.mark.parametrize("selected", [None, SIX_CHECKS])
def test_waivers_are_judged_as_the_python_backend_judges_them(
        selected: tuple[str, ...] | None, generated: list[Household]) -> None:
    # every rule (Python facts for every household) and the six checks (none for most)
    run = Run.build(reference_date=ON, selection=[Selection(select=selected)] if selected else ())
    households = []
    python_checker = Checker(run)
    waived_one = False
    for number, household in enumerate(generated[:300]):
        record = household.model_dump(mode="json")
        found = [f for f in python_checker.check_household(household) if f.member is None]
        # a waiver of what fires (on the first household where something fires, whatever its
        # number), an expired one, one of a code that does not
        if number % 3 == 0 or (found and not waived_one):
            waived_one = waived_one or bool(found)
            code = found[0].code if found else "HOU001"
            record["waivers"] = [
                {"code": code, "reason": "复核", "approver": "乡镇", "expires": "2021-01-01"},
                {"code": "WAT001", "reason": "复核", "approver": "乡镇", "expires": "2020-01-01"},
                {"code": "SUP001", "reason": "复核", "approver": "乡镇", "expires": "2021-01-01",
                 "member": 9},
            ]
        households.append(Household.model_validate(record))
    python = _findings(run, "python", households)
    if selected is None:
        assert {f["code"] for f in python} >= {"PLN002", "PLN003"}
    assert any(f.get("waived") for f in python)
    assert _findings(run, "columnar", households) == python


def test_spells_at_once_and_anyone_on_a_benefit_equal_python_at_their_edges(
        run: Run, district: list[Household]) -> None:
    """A same-day handover overlaps, a spell without a start is left out, an unknown end is
    open, an end before its start never counts below zero; a departed member kept on file leaves
    "anyone on dibao" unknown unless a registered member receives it."""
    from datetime import date as day

    from planner.model import Benefit, EmploymentRecord, PublicWelfarePost

    def post(start: day | None, end: day | None) -> PublicWelfarePost:
        return PublicWelfarePost(start=start, end=end)

    spells = [
        [],
        [post(day(2020, 1, 1), day(2020, 3, 1)), post(day(2020, 3, 1), None)],
        [post(None, None), post(None, day(2020, 1, 1))],
        [post(day(2020, 5, 1), day(2020, 1, 1)), post(day(2020, 6, 1), day(2020, 2, 1))],
        [post(day(2019, 1, 1), None), post(day(2019, 6, 1), day(2019, 7, 1)),
         post(day(2019, 6, 1), day(2019, 6, 30)), post(None, day(2019, 6, 15))],
    ]
    base = district[0]
    households = []
    for posts in spells:
        members = [person.model_copy(update={
            "public_welfare_posts": posts,
            "employment": [EmploymentRecord(start=p.start, end=p.end) for p in posts]})
            for person in base.members]
        households.append(base.model_copy(update={"members": members}))
    for benefits, departed in ((None, False), ([Benefit.DIBAO], True), ([], True), ([], False)):
        members = [person.model_copy(update={"benefits": benefits})
                   for person in base.members]
        if departed:
            members.append(members[-1].model_copy(update={"registered": False}))
        households.append(base.model_copy(update={"members": members}))
    plan = _compiled(run, ["member.posts_at_once", "member.work_spells_at_once",
                           "household.anyone_on_dibao", "household.anyone_on_tekun"])
    household, member, _ = plan.frames(build_tables(households, plan.needs))
    python = [Checker(run).facts(h) for h in households]
    for name in ("posts_at_once", "work_spells_at_once"):
        assert member.get_column(f"f:{name}").to_list() == [
            getattr(m, name) for f in python for m in f.members]
    assert [f.posts_at_once for f in python[:5] for f in f.members[:1]] == [0, 2, 0, 0, 3]
    for name in ("anyone_on_dibao", "anyone_on_tekun"):
        assert household.get_column(f"f:{name}").to_list() == [getattr(f, name) for f in python]
    assert [f.anyone_on_dibao for f in python[5:]] == [None, True, None, False]
