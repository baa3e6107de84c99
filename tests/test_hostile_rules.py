"""Hostile rules: loops, sys.exit, errors and writes in local rule files never stop or hang a run.

Rules that loop forever are stopped by the time budget (PLN004), a rule that exits or raises is
PLN001, a rule file that loops or exits at import is a rule-loading error (exit code 2), and a
rule from outside ``planner`` sees its household read-only. Every subprocess has a ``timeout``, so
a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from planner import Household, check
from planner.registry import RegistryError, load_path, load_rules
from planner.watchdog import Budget, RuleTimeout

from .bilingual import in_both
from .conftest import EXAMPLES, HOUSEHOLDS

ON = date(2020, 9, 30)
BUDGET = 0.5
PLANNER = [str(Path(sys.executable).parent / "planner")]
DISTRICT = EXAMPLES / "district" / "households.jsonl"
# DQ004's first call imports numpy, which can take longer than the tests' small budget on a
# busy machine; the tests leave it out so that the only PLN004 are the hostile rules' own.
SLOW_TO_START = ("--ignore", "DQ004")

HEADER = '''
import sys
from planner import Hit, rule
'''


def _rule(code: str, name: str, body: str, **options: str) -> str:
    extra = "".join(f", {key}={value}" for key, value in options.items())
    return (
        f'@rule(code="{code}", name="{name}", family="hostile",'
        f' message={{"zh": "{name}", "en": "{name}"}}{extra})\n'
        f"def {name.replace('-', '_')}(ctx):\n"
        f'    """A hostile rule of the tests."""\n'
        + "".join(f"    {line}\n" for line in body.strip().splitlines())
        + "    yield Hit()\n"
        + f"\n\nRULES = ({name.replace('-', '_')},)\n"
    )


LOOPS = _rule("TST951", "loops-forever", "while True:\n    pass")
EXITS = _rule("TST952", "exits", "sys.exit(0)")
RAISES = _rule("TST953", "raises-on-no-labour",
               "if ctx.household.members_can_work == 0:\n    raise RuntimeError('boom')\nreturn")
MUTATES = _rule("TST954", "mutates", "ctx.household.record.members.clear()")
SETS_FACT = _rule("TST955", "sets-a-fact", "ctx.household.per_capita_net_income = 0.0")
READS = _rule("TST956", "reads-through-the-view",
              "if ctx.household.record.members[0].name and ctx.household.size > 0 and"
              " ctx.params['income.poverty_line'] > 0:\n"
              "    yield Hit(evidence={'size': ctx.household.size})\nreturn")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def _households() -> list[Household]:
    return [Household.model_validate_json((HOUSEHOLDS / f"{name}.json").read_text("utf-8"))
            for name in ("pre_exit_2808", "no_labour", "one_room_unsafe_water")]


def _keys(findings, exclude=("PLN001", "PLN004")):  # type: ignore[no-untyped-def]
    return collections.Counter(
        (f.code, f.subject, f.member) for f in findings if f.code not in exclude
    )


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANNER, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


# -- the API --------------------------------------------------------------------------------
def test_a_rule_looping_forever_is_stopped_once_and_the_other_rules_all_run(tmp_path):
    rules = load_rules([_write(tmp_path, "loops", LOOPS)])
    households = _households()
    started = time.monotonic()
    result = check(households, rules=rules, reference_date=ON, ignore=["DQ004"],
                   rule_timeout=BUDGET)
    assert time.monotonic() - started < 20 * BUDGET
    timeouts = [f for f in result.findings if f.code == "PLN004"]
    assert [(f.subject, f.severity) for f in timeouts] == [(households[0].id, "error")]
    assert timeouts[0].evidence["rule"] == "TST951" and timeouts[0].evidence["seconds"] == BUDGET
    assert "disabled for the rest of the run" in timeouts[0].message_en
    assert "本次运行不再执行该规则" in timeouts[0].message_zh
    baseline = check(households, rules=load_rules(), reference_date=ON, ignore=["DQ004"])
    assert _keys(result.findings) == _keys(baseline.findings)
    assert result.stats.rule_errors == 1


def test_sys_exit_in_a_rule_is_a_rule_error_for_each_household(tmp_path):
    rules = load_rules([_write(tmp_path, "exits", EXITS)])
    households = _households()
    result = check(households, rules=rules, reference_date=ON, select=["TST", "INC"])
    errors = [f for f in result.findings if f.code == "PLN001"]
    assert [f.subject for f in errors] == [h.id for h in households]
    assert all(f.evidence["error"] == "SystemExit: 0" for f in errors)
    baseline = check(households, reference_date=ON, select=["INC"])
    assert _keys(result.findings) == _keys(baseline.findings)


def test_a_raising_rule_is_a_rule_error_only_where_it_raises(tmp_path):
    rules = load_rules([_write(tmp_path, "raises", RAISES)])
    result = check(_households(), rules=rules, reference_date=ON, select=["TST", "INC"])
    assert [(f.code, f.subject) for f in result.findings if f.code.startswith(("PLN", "TST"))] \
        == [("PLN001", "522425-203-0003")]


def test_a_rule_cannot_change_the_household_that_later_rules_and_the_planner_see(tmp_path):
    rules = load_rules([_write(tmp_path, "mutates", MUTATES),
                        _write(tmp_path, "sets_fact", SETS_FACT)])
    households = _households()
    members = [len(h.members) for h in households]
    result = check(households, rules=rules, reference_date=ON, select=["TST", "INC"])
    errors = [f for f in result.findings if f.code == "PLN001"]
    assert sorted((f.evidence["rule"], f.subject) for f in errors) == sorted(
        (code, h.id) for code in ("TST954", "TST955") for h in households)
    assert {f.evidence["rule"]: f.evidence["error"] for f in errors} == {
        "TST954": "ReadOnlyError: 规则只能读取、不能修改列表"
                  " / rules may read a list but not change it",
        "TST955": "ReadOnlyError: 规则只能读取、不能修改 HouseholdFacts.per_capita_net_income"
                  " / rules may read HouseholdFacts.per_capita_net_income but not change it",
    }
    assert [len(h.members) for h in households] == members
    baseline = check(households, reference_date=ON, select=["INC"])
    assert _keys(result.findings) == _keys(baseline.findings)


def test_a_rule_reads_through_the_view_like_the_real_objects(tmp_path):
    rules = load_rules([_write(tmp_path, "reads", READS)])
    result = check(_households(), rules=rules, reference_date=ON, select=["TST956"])
    assert result.codes() == ["TST956", "TST956", "TST956"]
    assert [f.evidence for f in result.findings] == [{"size": 4}, {"size": 2}, {"size": 3}]


def test_a_dataset_rule_looping_while_it_collects_is_stopped_once(tmp_path):
    text = '''
class Collect:
    def add(self, household):
        while household.size > 0:
            pass

    def finish(self):
        return ()


@rule(code="TST957", name="loops-collecting", family="hostile", scope="dataset",
      message={"zh": "x", "en": "x"})
def loops_collecting(ctx):
    """A hostile dataset rule of the tests."""
    return Collect()


RULES = (loops_collecting,)
'''
    rules = load_rules([_write(tmp_path, "collect", text)])
    result = check(_households(), rules=rules, reference_date=ON, select=["TST", "INC"],
                   rule_timeout=BUDGET)
    assert [(f.code, f.subject) for f in result.findings if f.code.startswith("PLN")] == [
        ("PLN004", "522425-101-0001")]


@pytest.mark.parametrize(("body", "reason"), [
    ("while True:\n    pass\n", "exceeded the time budget of 0.5 s and was interrupted"),
    ("sys.exit(0)\n", "SystemExit: 0"),
    ("raise SystemExit(3)\n", "SystemExit: 3"),
])
def test_a_rule_file_that_loops_or_exits_at_import_is_a_loading_error(tmp_path, body, reason):
    path = _write(tmp_path, "at_import", body)
    with pytest.raises(RegistryError) as caught:
        load_path(path, timeout=BUDGET)
    assert caught.value.en == f"{path}: failed to import: {reason}"
    assert str(path) in caught.value.zh


def test_a_budget_of_zero_never_interrupts():
    budget = Budget(0)
    with budget:
        time.sleep(0.05)
    assert budget.seconds is None and budget.tick == 2


def test_a_timeout_outside_any_call_is_never_sent():
    budget = Budget(0.05)
    time.sleep(0.3)  # no call open: nothing may be raised here
    with pytest.raises(RuleTimeout), budget:
        while True:
            pass


# -- the command line, as real processes ----------------------------------------------------
def test_check_goes_on_past_hostile_rules_and_writes_every_finding(tmp_path):
    hostile = [_write(tmp_path, name, text) for name, text in
               (("loops", LOOPS), ("exits", EXITS), ("raises", RAISES), ("mutates", MUTATES))]
    out, base = tmp_path / "out.json", tmp_path / "base.json"
    common = ["check", str(DISTRICT), "--date", "2020-09-30", *SLOW_TO_START,
              "--output-format", "json", "--rule-timeout", str(BUDGET)]
    done = _run(*common, *(a for p in hostile for a in ("--rules", str(p))), "--output", str(out),
                cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    baseline = _run(*common, "--output", str(base), cwd=tmp_path)
    assert baseline.returncode == 1, baseline.stderr
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    households = sum(1 for line in DISTRICT.read_text("utf-8").splitlines() if line.strip())
    codes = collections.Counter((f["code"], f["evidence"].get("rule")) for f in findings
                                if f["code"].startswith("PLN"))
    raising = collections.Counter(f["subject"] for f in findings if f["code"] == "PLN001"
                                  and f["evidence"]["rule"] == "TST953")
    assert codes == {("PLN004", "TST951"): 1, ("PLN001", "TST952"): households,
                     ("PLN001", "TST954"): households, ("PLN001", "TST953"): len(raising)}
    assert raising and all(n == 1 for n in raising.values())

    def others(items):  # type: ignore[no-untyped-def]
        return collections.Counter((f["code"], f["subject"], f.get("member")) for f in items
                                   if not f["code"].startswith("PLN"))

    assert others(findings) == others(json.loads(base.read_text("utf-8"))["findings"])


def test_check_exits_1_not_0_when_a_rule_calls_sys_exit(tmp_path):
    out = tmp_path / "out.jsonl"
    done = _run("check", str(HOUSEHOLDS / "pre_exit_2808.json"), "--date", "2020-09-30",
                "--rules", str(_write(tmp_path, "exits", EXITS)), "--select", "TST",
                "--output-format", "jsonl", "--output", str(out), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line.get("code") for line in lines if "code" in line] == ["PLN001"]


@pytest.mark.parametrize("body", ["while True:\n    pass\n", "sys.exit(0)\n"])
@pytest.mark.parametrize("command", ["check", "plan"])
def test_a_rule_file_looping_or_exiting_at_import_stops_with_exit_2(tmp_path, body, command):
    path = _write(tmp_path, "at_import", body)
    out = tmp_path / "out.txt"
    done = in_both(lambda: _run(command, str(HOUSEHOLDS / "pre_exit_2808.json"), "--rules",
                                str(path), "--rule-timeout", str(BUDGET), "--output", str(out),
                                cwd=tmp_path))
    assert done.returncode == 2
    assert f"{path}: failed to import: " in done.stderr and f"{path}：导入失败：" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_plan_goes_on_past_a_looping_rule_and_writes_every_plan(tmp_path):
    out = tmp_path / "plans.jsonl"
    done = _run("plan", str(DISTRICT), "--date", "2020-09-30", "--rule-timeout", str(BUDGET),
                "--rules", str(_write(tmp_path, "loops", LOOPS)),
                "--rules", str(_write(tmp_path, "mutates", MUTATES)),
                "--output-format", "jsonl", "--output", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    households = sum(1 for line in DISTRICT.read_text("utf-8").splitlines() if line.strip())
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == households + 1  # every plan, then the district summary
    assert f"规则出错或超时 {households + 1} 次（PLN001/PLN004）" in done.stderr
