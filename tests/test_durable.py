"""The durable-rules backend (``planner[durable]``): its guards, its compiled rules' decisions
against the Python backend's, and incremental updates.

Real durable-rules throughout: the sharp edges (1,024 sessions, ``delete_state`` on an idle
session, 32-bit ids, swallowed action errors) are shown on the engine, then shown guarded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from typing import Any

import pytest

pytest.importorskip("durable")

from planner.backends import available, checker, supports
from planner.backends.durable import DurableEvaluator
from planner.backends.durable.adapter import (
    ActionFailed,
    RulesetPool,
    fnv1a32,
)
from planner.backends.durable.checker import ITEMS, DurableChecker
from planner.backends.durable.compile import Unsupported, compile_rule
from planner.backends.python.conditions import Compiler
from planner.backends.python.engine import Checker
from planner.backends.python.env import Env
from planner.model import Household
from planner.params import default_parameters
from planner.run import Run
from planner.selection import Selection
from planner.testing import RuleCase, collect_cases, installed_rules, merge_patch

from .conftest import EXAMPLES, HOUSEHOLDS, ROOT

PYTHON = sys.executable
#: Two fact (or session) ids whose 32-bit FNV-1a hashes collide.
COLLIDING = ("f6059", "f264602")
FIRES = {"r": {"$and": [{"kind": "household"}, {"$lt": {"x": 5}}]}}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (a segfault there is a return code, not a dead
    test run)."""
    return subprocess.run([PYTHON, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT / "src")})


# -- the adapter's guards ----------------------------------------------------------------------
def test_the_two_ids_collide_in_32_bits() -> None:
    assert COLLIDING[0] != COLLIDING[1]
    assert fnv1a32(COLLIDING[0]) == fnv1a32(COLLIDING[1])


def test_colliding_fact_ids_are_both_kept() -> None:
    pool = RulesetPool("collide", FIRES)
    first = pool.assert_fact("household-1", COLLIDING[0], {"kind": "household", "x": 1})
    second = pool.assert_fact("household-1", COLLIDING[1], {"kind": "household", "x": 2})
    assert first == [("r", COLLIDING[0])]
    assert second == [("r", COLLIDING[1])]
    held = pool.facts("household-1")
    assert held[COLLIDING[0]]["x"] == 1 and held[COLLIDING[1]]["x"] == 2
    assert pool.hits("household-1") == {("r", COLLIDING[0]), ("r", COLLIDING[1])}
    pool.retract_fact("household-1", COLLIDING[0])
    assert pool.hits("household-1") == {("r", COLLIDING[1])}


def test_colliding_session_ids_are_two_sessions() -> None:
    pool = RulesetPool("collide_sessions", FIRES)
    pool.assert_fact(COLLIDING[0], "h", {"kind": "household", "x": 1})
    pool.assert_fact(COLLIDING[1], "h", {"kind": "household", "x": 2})
    assert pool.facts(COLLIDING[0])["h"]["x"] == 1
    assert pool.facts(COLLIDING[1])["h"]["x"] == 2
    pool.retract_fact(COLLIDING[0], "h")
    assert pool.hits(COLLIDING[0]) == set()
    assert pool.hits(COLLIDING[1]) == {("r", "h")}


def test_the_engine_itself_loses_a_colliding_fact() -> None:
    """What the guard is for: unguarded, the second fact is refused as already observed."""
    result = _run(f"""
        from durable import engine
        class Host(engine.Host):
            def _run(self): pass
        host = Host()
        host.register_rulesets({{"t": {{"r": {{"all": [{{"m": {{"kind": "h"}}}}],
                                             "run": lambda c: None}}}}}})
        host.assert_fact("t", {{"sid": "s", "id": "{COLLIDING[0]}", "kind": "h"}})
        try:
            host.assert_fact("t", {{"sid": "s", "id": "{COLLIDING[1]}", "kind": "h"}})
        except engine.MessageObservedException:
            print("refused")
    """)
    assert result.stdout.strip() == "refused", result.stderr


def test_more_than_1024_live_sessions_work() -> None:
    pool = RulesetPool("many", FIRES)
    for number in range(1100):
        assert pool.assert_fact(f"household-{number}", "h", {"kind": "household", "x": 1}) \
            == [("r", "h")]
    assert pool.live_sessions == 1100
    assert pool.rulesets == 2
    assert pool.hits("household-1099") == {("r", "h")}
    for number in range(1100):
        pool.forget(f"household-{number}")
    assert pool.live_sessions == 0


def test_the_engine_itself_fails_past_1024_sessions() -> None:
    result = _run("""
        from durable import engine
        class Host(engine.Host):
            def _run(self): pass
        host = Host()
        host.register_rulesets({"t": {"r": {"all": [{"m": {"kind": "h"}}],
                                           "run": lambda c: None}}})
        failed = 0
        for number in range(1030):
            try:
                host.assert_fact("t", {"sid": f"s{number}", "id": "x", "kind": "h"})
            except MemoryError:
                failed += 1
        print(failed)
    """)
    assert result.stdout.strip() == "6", result.stderr


def test_an_idle_session_is_forgotten_without_a_crash() -> None:
    """``delete_state`` segfaults where no rule fired: the engine crashes, the pool does not."""
    bare = _run("""
        from durable import engine
        class Host(engine.Host):
            def _run(self): pass
        host = Host()
        host.register_rulesets({"t": {"r": {"all": [{"m": {"kind": "h"}}],
                                           "run": lambda c: None}}})
        try:
            host.assert_fact("t", {"sid": "s", "id": "x", "kind": "other"})
        except engine.MessageNotHandledException:
            pass
        host.delete_state("t", "s")
        print("survived")
    """)
    assert bare.returncode != 0 and "survived" not in bare.stdout
    guarded = _run("""
        from planner.backends.durable.adapter import RulesetPool
        pool = RulesetPool("idle", {"r": {"$and": [{"kind": "household"}, {"$lt": {"x": 5}}]}})
        for number in range(1100):  # an idle session is kept and reused
            pool.assert_fact(f"s{number}", "h", {"kind": "household", "x": 9})
            pool.forget(f"s{number}")
        print(pool.idle_sessions, pool.rulesets)
        pool.assert_fact("s0", "h", {"kind": "household", "x": 1})  # fires: deleted
        pool.forget("s0")
        print("survived", pool.idle_sessions, pool.live_sessions)
    """)
    assert guarded.returncode == 0, guarded.stderr
    assert guarded.stdout.splitlines() == ["1 1", "survived 0 0"]


def test_an_action_that_raises_is_reported_after_the_call() -> None:
    def explode(rule: str, fact: str) -> None:
        raise ValueError(f"boom on {fact}")

    pool = RulesetPool("raises", FIRES, on_fire=explode)
    with pytest.raises(ActionFailed, match="boom on h") as caught:
        pool.assert_fact("household-1", "h", {"kind": "household", "x": 1})
    assert caught.value.failures[0][0] == "r"


def test_an_action_that_raises_becomes_a_finding(example_household: Any) -> None:
    run = Run.build(installed_rules(), default_parameters(), date(2020, 9, 30),
                    selection=[Selection(select=["INC001", "INC002"])])

    def explode(rule: str, fact: str) -> None:
        if rule.startswith("INC002"):
            raise RuntimeError("action failed")

    household = Household.model_validate(example_household("pre_exit_2808"))
    findings = DurableChecker(run, on_fire=explode).check_household(household)
    assert [finding.code for finding in findings] == ["PLN001", "INC001"]
    assert findings[0].evidence["rule"] == "INC002"
    assert "action failed" in findings[0].message_en


def test_no_import_on_python_3_13() -> None:
    result = _run("""
        import sys
        sys.version_info = (3, 13, 0, "final", 0)
        try:
            import planner.backends.durable.adapter
        except ImportError as exc:
            print(exc)
    """)
    assert "does not import on Python 3.13" in result.stdout
    assert "Python 3.13" in result.stdout.splitlines()[0]  # Chinese line first


# -- compiled decisions against the Python backend's --------------------------------------------
CASES = [case for folder in (ROOT / "tests" / "rules", EXAMPLES / "plugin_pack" / "tests" / "rules")
         for case in collect_cases(folder, HOUSEHOLDS)]


def _python_hits(run_checker: DurableChecker, household: Household) -> set[tuple[str, str]]:
    """Where each compiled rule's condition is true by the Python backend's closures."""
    facts = run_checker.rule_facts(household)
    hits: set[tuple[str, str]] = set()
    for code, compiled in run_checker.compiled.items():
        spec = compiled.rule.spec
        assert spec is not None
        closures = [Compiler(spec.roots).compile(check.when) for check in spec.conditions]
        env = Env(facts, run_checker.values, catalog=run_checker.catalog)
        if spec.for_each is not None:  # one fact per item, numbered in the derived order
            prefix, derive = ITEMS[spec.for_each]
            items = env.measures() if derive is None else derive(facts, run_checker.values)
            for index, item in enumerate(items):
                setattr(env, spec.for_each, item)
                if any(closure(env) is True for closure in closures):
                    hits.add((code, f"{prefix}{index}"))
            continue
        if spec.scope == "household":
            if any(closure(env) is True for closure in closures):
                hits.add((code, "h"))
            continue
        for member in facts.members:
            env.member = member
            if any(closure(env) is True for closure in closures):
                hits.add((code, f"m{member.number}"))
    return hits


def test_every_case_fires_where_the_python_conditions_hold() -> None:
    """Not only the findings: durable fires exactly where Python's three-valued conditions are
    true (a rule firing too often would be hidden by its Python body otherwise)."""
    compared = fired = 0
    for case in CASES:
        run = _case_run(case)
        durable = DurableChecker(run)
        for record in case.households:
            household = Household.model_validate(record)
            facts = durable.rule_facts(household)
            got = durable.judge(household.id, facts)
            durable.forget(household.id)
            assert got == _python_hits(durable, household), f"{case.source}: {case.name}"
            compared += 1
            fired += bool(got)
    assert compared > 500 and fired > 100


def _case_run(case: RuleCase) -> Run:
    parameters = case.parameters or default_parameters()
    if case.params:
        parameters = parameters.with_values(case.params)
    return Run.build(case.rule_set or installed_rules(), parameters, case.reference_date,
                     selection=[Selection(select=case.rules)])


#: The household and member rules that run through the Python backend inside a durable run.
FALLBACK = {
    **dict.fromkeys(("DQ008", "DQ012", "EX001", "PLN001", "PLN002", "PLN003", "PLN004",
                     "SUP004"), "a Python body"),
}


def test_compiled_and_fallback_rules() -> None:
    on = default_parameters().at(date(2020, 9, 30))
    rules = [rule for rule in installed_rules() if rule.scope in ("household", "member")]
    compiled, fallback = [], {}
    for rule in rules:
        try:
            compile_rule(rule, on)
            compiled.append(rule.code)
        except Unsupported as exc:
            fallback[rule.code] = str(exc)
    assert fallback == FALLBACK
    assert len(compiled) == 97
    assert {"INC001", "INC002", "BAS001", "DQ009", "DQ007", "EDU003"} <= set(compiled)
    # member and measure quantifiers and counts (any/all members, any measure, count members)
    assert {"BEN003", "BEN004", "SUP006", "DQ003", "DQ010", "DQ011", "RSK001", "RSK002",
            "RSK004", "MED006", "MON012"} <= set(compiled)
    # for_each: one fact per planned measure, work record or post
    assert {"PST001", "PST002", "SUP003", "SUP005", "WRK001", "WRK002", "WRK004", "WRK005",
            "WRK007", "WRK008", "WRK009"} <= set(compiled)
    assert all(supports(rule, "durable") for rule in rules if rule.code in compiled)
    assert not any(supports(rule, "durable") for rule in rules if rule.code in fallback)


def test_durable_is_a_backend() -> None:
    assert "durable" in available()
    run = Run.build(installed_rules(), default_parameters(), date(2020, 9, 30))
    assert isinstance(checker(run, "durable"), DurableChecker)


def test_an_empty_list_is_not_all_items_in_durable() -> None:
    """durable's ``$iall`` is false on an empty list (Python's ``all`` is true): ``not contains``
    is compiled as empty-or-all-differ, so an empty list does not contain the item."""
    pool = RulesetPool("empty", {
        "iall": {"$and": [{"kind": "household"}, {"$iall": {"xs": {"$neq": {"$i": 3}}}}]}})
    assert pool.assert_fact("s", "h", {"kind": "household", "xs": [], "xs__len": 0}) == []
    rule = _yaml_rule({"not": {"fact": "household.causes", "contains": "lack_of_funds"}})
    compiled = compile_rule(rule, default_parameters().at(date(2020, 9, 30)))
    both = RulesetPool("contains", compiled.checks)
    assert both.assert_fact("s", "h", {"kind": "household", "household__causes": [],
                                       "household__causes__len": 0}) == [("TST001#0", "h")]
    assert both.assert_fact("t", "h", {"kind": "household"}) == []  # unknown: no finding
    assert both.assert_fact("u", "h", {"kind": "household",
                                       "household__causes": ["lack_of_funds"],
                                       "household__causes__len": 1}) == []


#: Member relations for the quantifier tests: ``None`` leaves a member's relation unknown.
RELATIONS = [(), ("head",), ("son",), (None,), ("head", "head"), ("head", None), ("son", None),
             ("head", "son", None, None), ("son", "daughter"), (None, None)]
QUANTIFIED = [
    {"any_member": {"fact": "member.relation", "eq": "head"}},
    {"all_members": {"fact": "member.relation", "ne": "head"}},
    {"not": {"any_member": {"fact": "member.relation", "eq": "head"}}},
    {"not": {"all_members": {"fact": "member.relation", "ne": "head"}}},
    *({"count_members": {"fact": "member.relation", "eq": "head"}, op: limit}
      for op in ("eq", "ne", "lt", "le", "gt", "ge") for limit in (0, 1, 2)
      if (op, limit) not in {("lt", 0), ("ge", 0), ("gt", 2)}),  # never or always true here
    {"not": {"count_members": {"fact": "member.relation", "eq": "head"}, "ne": 1}},
    {"any_measure": {"fact": "measure.status", "eq": "done"}},
    {"all_measures": {"fact": "measure.status", "eq": "done"}},
    {"not": {"all_measures": {"fact": "measure.status", "eq": "done"}}},
]
MEASURES = [[], [{"measure": "planting_subsidy", "status": "done", "year": 2019}],
            [{"measure": "planting_subsidy", "status": "done", "year": 2019},
             {"measure": "microcredit", "status": "planned", "year": 2020}]]


@pytest.mark.parametrize("when", QUANTIFIED, ids=lambda when: json.dumps(when)[:60])
def test_quantifiers_and_counts_are_three_valued_as_in_python(
        when: dict[str, Any], example_household: Any) -> None:
    """Member and measure quantifiers and counts: the engine fires exactly where Python's
    three-valued quantifier is true, on no members or measures too (``all`` true, ``any``
    false, as in Python; durable's ``$iall`` on an empty list is not used)."""
    run = Run.build([_yaml_rule(when)], default_parameters(), date(2020, 9, 30))
    durable = DurableChecker(run)
    assert durable.compiled and not durable.unsupported
    base = example_household("pre_exit_2808")
    fired = held = 0
    for relations in RELATIONS:
        for measures in MEASURES:
            members = [{**base["members"][index % len(base["members"])], "relation": relation}
                       for index, relation in enumerate(relations)]
            household = Household.model_validate(
                {**base, "members": members, "measures": measures})
            facts = durable.rule_facts(household)
            got = durable.judge(household.id, facts)
            durable.forget(household.id)
            want = _python_hits(durable, household)
            assert got == want, (relations, measures)
            fired += bool(got)
            held += 1
    assert 0 < fired < held  # each condition both holds and fails somewhere


def test_an_unknown_member_leaves_a_count_unknown(example_household: Any) -> None:
    """One head and one member of unknown relation: "exactly one head" is neither true nor
    false (the second could be a head), so neither it nor its negation fires."""
    base = example_household("pre_exit_2808")
    members = [{**base["members"][0], "relation": "head"},
               {**base["members"][1], "relation": None}]
    household = Household.model_validate({**base, "members": members})
    for when in ({"count_members": {"fact": "member.relation", "eq": "head"}, "eq": 1},
                 {"count_members": {"fact": "member.relation", "eq": "head"}, "ne": 1},
                 {"all_members": {"fact": "member.relation", "ne": "son"}}):
        run = Run.build([_yaml_rule(when)], default_parameters(), date(2020, 9, 30))
        durable = DurableChecker(run)
        assert durable.judge(household.id, durable.rule_facts(household)) == set(), when
        durable.forget(household.id)
    assert [f.code for f in DurableChecker(Run.build(
        [_yaml_rule({"any_member": {"fact": "member.relation", "eq": "head"}})],
        default_parameters(), date(2020, 9, 30))).check_household(household)] == ["TST001"]


def _yaml_rule(when: dict[str, Any]) -> Any:
    from planner.rule import from_spec
    from planner.spec import RuleSpec

    spec = RuleSpec.model_validate({
        "code": "TST001", "name": "test", "family": "test", "severity": "info",
        "message": {"zh": "测试", "en": "test"}, "when": when})
    return from_spec(spec)


# -- incremental ---------------------------------------------------------------------------------
def test_findings_appear_and_disappear_incrementally(example_household: Any) -> None:
    run = Run.build(installed_rules(), default_parameters(), date(2020, 9, 30))
    evaluator = DurableEvaluator(run)
    python = Checker(run)
    base = example_household("pre_exit_2808")  # 2,808 yuan a head, below the 2020 line
    wage = base["income"][0]
    high = {"income": [{**wage, "amount": 30000}, *base["income"][1:]]}
    measure = {"measures": [{"measure": "planting_subsidy", "status": "done", "year": 2019},
                            {"measure": "microcredit", "status": "planned", "year": 2020}]}
    steps = [  # (what happens, the record, findings there, findings not there)
        ("income well above the line", merge_patch(base, high), set(), {"INC001", "INC002"}),
        ("income falls below the line", base, {"INC001", "INC002"}, set()),
        ("an income measure is planned this year", merge_patch(base, measure), {"INC001"},
         {"INC002"}),
        ("income rises again", merge_patch(merge_patch(base, measure), high), set(),
         {"INC001", "INC002"}),
    ]
    for name, record, present, absent in steps:
        household = Household.model_validate(record)
        got = evaluator.update(household)
        want = python.check_household(household)
        assert got == want, name
        codes = {finding.code for finding in got}
        assert present <= codes and not absent & codes, name
    evaluator.forget(base["id"])
    assert evaluator.checker.pool.live_sessions == 0
    again = Household.model_validate(base)  # a new session under the same id starts empty
    assert evaluator.update(again) == python.check_household(again)
    low = Household.model_validate(merge_patch(base, high))
    assert evaluator.update(low) == python.check_household(low)
    assert not {"INC001", "INC002"} & {finding.code for finding in evaluator.update(low)}


def test_a_measure_added_and_cancelled_fires_and_is_retracted(example_household: Any) -> None:
    """for_each: measure — one fact per planned measure; a training planned for the mother who
    cannot work is SUP003 on her, retracted with the measure's fact when it is cancelled."""
    run = Run.build(installed_rules(), default_parameters(), date(2020, 9, 30),
                    selection=[Selection(select=["SUP003"])])
    evaluator = DurableEvaluator(run)
    python = Checker(run)
    base = example_household("pre_exit_2808")
    head = {"measure": "skills_training", "status": "planned", "year": 2020, "beneficiary": 1}
    mother = {**head, "beneficiary": 4}
    steps = [([head], []), ([head, mother], [4]), ([head, {**mother, "status": "cancelled"}], []),
             ([mother], [4]), ([], [])]
    for measures, flagged in steps:
        household = Household.model_validate({**base, "measures": measures})
        got = evaluator.update(household)
        assert got == python.check_household(household), measures
        assert [(f.code, f.member) for f in got] == [("SUP003", m) for m in flagged], measures
        assert bool(flagged) == any(basis.startswith("x")
                                    for _, basis in evaluator.checker.pool.hits(household.id))


def test_the_evaluator_runs_only_the_rules_its_source_carries(example_household: Any) -> None:
    from planner.source import Source

    run = Run.build(installed_rules(), default_parameters(), date(2020, 9, 30))
    evaluator = DurableEvaluator(run, source_name="events.jsonl")
    household = Household.model_validate(example_household("pre_exit_2808"))
    everything = evaluator.update(household)
    assert "INC001" in {f.code for f in everything}
    assert all(f.source is None for f in everything)
    carries = frozenset({"members", "housing", "water"})  # no income fields
    got = evaluator.update(household, carries)
    assert got == Checker(run).check_household(
        household, source=Source("events.jsonl", fields=carries))
    assert "INC001" not in {f.code for f in got} and got
    assert {f.source.file for f in got if f.source} == {"events.jsonl"}


def test_more_than_1024_households_followed_at_once() -> None:
    """1,100 generated households kept live in one evaluator (two rulesets), each household's
    findings the Python backend's; then every household updated again, then forgotten."""
    from planner.generate import GeneratorConfig, generate_households

    when = date(2020, 9, 30)
    config = GeneratorConfig(households=1100, seed=17, year=when.year, reference_date=when,
                             problem_share=0.4)
    households = [Household.model_validate(item.household)
                  for item in generate_households(config)]
    run = Run.build(installed_rules(), default_parameters(), when)
    evaluator = DurableEvaluator(run)
    python = Checker(run)
    found = 0
    idle = 0  # households where no compiled rule fired: their sessions are never deleted
    for household in households:
        got = evaluator.update(household)
        assert got == python.check_household(household), household.id
        found += len(got)
        idle += not evaluator.checker.pool.hits(household.id)
    assert evaluator.checker.pool.live_sessions == 1100
    assert evaluator.checker.pool.rulesets >= 2
    assert found > 200
    for household in households[:50]:  # unchanged facts: nothing retracted, same findings
        assert evaluator.update(household) == python.check_household(household)
    for household in households:
        evaluator.forget(household.id)
    assert 0 < idle < 1100
    assert evaluator.checker.pool.live_sessions == 0
    assert evaluator.checker.pool.idle_sessions == idle  # kept for reuse, never deleted


def test_only_the_adapter_imports_durable_rules() -> None:
    importers = sorted(
        str(path.relative_to(ROOT / "src")) for path in (ROOT / "src").rglob("*.py")
        if any(line.startswith(("import durable", "from durable ", "from durable."))
               for line in (text.strip() for text in path.read_text("utf-8").splitlines())))
    assert importers == ["planner/backends/durable/adapter.py"]


def test_without_durable_rules_the_core_works_and_durable_is_not_listed() -> None:
    result = _run("""
        import sys
        sys.modules["durable"] = None  # as in an install without the extra
        from datetime import date
        from planner.backends import available, checker
        from planner.run import Run
        import planner.testing
        print(available())
        try:
            checker(Run.build(reference_date=date(2020, 9, 30)), "durable")
        except ValueError as exc:
            print(exc)
    """)
    assert result.stdout.splitlines() == [
        "('python', 'columnar')",
        "后端 durable 需要 durable-rules：pip install 'fuping-planner[durable]'",
        "backend durable needs durable-rules: pip install 'fuping-planner[durable]'",
    ], result.stderr


def test_planner_check_backend_durable_gives_the_python_findings() -> None:
    from .households import DISTRICT

    planner = [sys.executable, "-c", "import sys; from planner.cli import main; sys.exit(main())"]

    def check(backend: str, *more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*planner, "check", str(DISTRICT), "--date", "2020-09-30",
                               "--output-format", "jsonl", "--backend", backend, "--lang", "en",
                               *more], capture_output=True, text=True, timeout=300)

    python, durable = check("python"), check("durable", "--explain-backend")
    assert durable.returncode == python.returncode == 1, durable.stderr
    assert durable.stdout == python.stdout and durable.stdout.count("\n") > 50
    lines = durable.stderr.splitlines()
    assert lines[0] == "backend: durable (as --backend asked)"
    assert ("rule DQ008 runs in Python: not compiled for durable-rules (a Python body)"
            in lines)
    assert not any("MED006" in line or "SUP003" in line for line in lines)
    assert not any("INC001" in line for line in lines)
    workers = check("durable", "--workers", "2")
    assert workers.stdout == python.stdout, workers.stderr
    explained = check("durable", "--explain")
    assert explained.stdout == check("python", "--explain").stdout


def test_retracting_a_basis_retracts_what_it_supported() -> None:
    pool = RulesetPool("justified", {
        "low": {"$and": [{"kind": "household"}, {"$lt": {"x": 5}}]},
        "member": {"$and": [{"kind": "member"}, {"$gt": {"age": 60}}]}})
    pool.assert_fact("s", "h", {"kind": "household", "x": 1})
    pool.assert_fact("s", "m1", {"kind": "member", "age": 70})
    pool.assert_fact("s", "m2", {"kind": "member", "age": 20})
    derived = {k: v for k, v in pool.facts("s").items() if v["kind"] == "derived"}
    assert {(v["rule"], v["basis"]) for v in derived.values()} == {("low", "h"), ("member", "m1")}
    assert pool.retract_fact("s", "m1") == [("member", "m1")]
    assert pool.hits("s") == {("low", "h")}
    assert pool.assert_fact("s", "h", {"kind": "household", "x": 9}) == []  # replaced
    assert pool.hits("s") == set()
    assert set(pool.facts("s")) <= {"h", "m2"}


def test_values_as_the_engine_holds_them() -> None:
    from enum import Enum

    from planner.backends.durable.compile import encode

    class Colour(Enum):
        RED = "red"

    assert encode(date(2020, 9, 30)) == date(2020, 9, 30).toordinal()
    assert encode(Colour.RED) == "red"
    assert encode([Colour.RED, date(1, 1, 1)]) == ["red", 1]
    assert encode({"a": 1}) == ["a"]  # ``contains`` on a mapping reads its keys, as Python's
    assert encode(None) is None and encode(True) is True
    with pytest.raises(Unsupported):
        encode(object())


def test_on_python_3_13_the_backend_names_the_python_version() -> None:
    result = _run("""
        import sys
        from datetime import date
        from planner.backends import available, checker
        from planner.run import Run
        import planner.testing
        run = Run.build(reference_date=date(2020, 9, 30))
        sys.version_info = (3, 13, 0, "final", 0)  # once the core is imported
        print("durable" in available())
        try:
            checker(run, "durable")
        except ValueError as exc:
            print(exc)
    """)
    assert result.stdout.splitlines()[0] == "False", result.stderr
    assert "the durable backend needs Python 3.12 or earlier" in result.stdout
