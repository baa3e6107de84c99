"""Rule packs: the example third-party pack (entry point), local files, duplicates, broken packs."""

from __future__ import annotations

from datetime import date
from importlib.metadata import EntryPoint, entry_points

import pytest

from planner import Household, check
from planner.registry import RegistryError, RuleSet, entry_point_rules, load_path, load_rules
from planner.testing import collect_cases

from .conftest import EXAMPLES, HOUSEHOLDS

ON = date(2020, 9, 30)
PACK = EXAMPLES / "plugin_pack"
LOCAL = EXAMPLES / "local_rules"


def test_the_example_pack_is_registered_by_its_entry_point():
    names = {e.name: e.value for e in entry_points(group="planner.rules")}
    assert names.get("example") == "planner_example_pack", "pip install -e examples/plugin_pack"
    rules = load_rules()
    assert {"EX001", "EX002"} <= {r.code for r in rules}
    assert rules.get("EX001").pack == "example"
    assert rules.get("EX002").origin == "planner_example_pack/rules.yaml:EX002"


def test_built_in_families_load_through_the_same_group():
    packs = {r.pack for r in load_rules() if r.code.startswith("INC")}
    assert packs == {"income"}


def test_the_example_pack_runs_with_the_built_in_rules(example_household):
    record = Household.model_validate(example_household("pre_exit_2808"))
    codes = check([record], reference_date=ON, select=["INC001", "example"]).codes()
    assert codes == ["EX001", "EX002", "INC001"]


def test_the_example_packs_own_cases_pass_with_planner_testing():
    cases = collect_cases(PACK / "tests" / "rules", HOUSEHOLDS)
    assert len(cases) == 7
    for case in cases:
        case.check()


def test_local_python_and_yaml_rule_files_are_loaded_when_named():
    rules = load_path(LOCAL)
    assert [r.code for r in rules] == ["LOC002", "LOC003", "LOC001"]  # district_rules, elderly
    assert {r.pack for r in rules} == {str(LOCAL / "district_rules.yaml"),
                                       str(LOCAL / "elderly_alone.py")}
    assert rules[0].parameters == ("monitoring.threshold",)


def test_local_rules_run(example_household):
    rules = load_path(LOCAL)
    elderly = Household.model_validate(example_household("no_labour"))
    pupil_members = example_household("pre_exit_2808")["members"]
    pupil_members[2] = {**pupil_members[2], "benefits": []}
    pupil = Household.model_validate({**example_household("pre_exit_2808"),
                                      "members": pupil_members})
    result = check([elderly, pupil], rules=rules, reference_date=ON)
    assert [(f.code, f.subject) for f in result.findings] == [
        ("LOC001", "522425-203-0003"), ("LOC002", "522425-101-0001")]
    assert result.findings[0].message_zh == (
        "空巢老人户：在册 2 人均已超过劳动年龄（65 岁），无人有劳动能力")


def test_two_packs_with_the_same_code_are_rejected_naming_both(tmp_path):
    clash = tmp_path / "clash.py"
    clash.write_text(
        "from planner_example_pack import idle_labour\n"
        "import dataclasses\n"
        "RULES = (dataclasses.replace(idle_labour, name='idle-labour-copy', pack=''),)\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError) as caught:
        load_rules([clash])
    message = caught.value.en  # the English line of the bilingual message
    assert message.startswith("duplicate rule code EX001:")
    assert "pack 'example'" in message and str(clash) in message


def test_a_rule_name_used_twice_is_rejected():
    [rule] = [r for r in load_rules() if r.code == "EX001"]
    import dataclasses

    twin = dataclasses.replace(rule, code="EX901", pack="other")
    with pytest.raises(RegistryError, match="duplicate rule name idle-labour: EX001 from pack"):
        RuleSet([rule, twin])


def test_two_entry_points_with_the_same_rules_name_both_packs(monkeypatch):
    fake = [EntryPoint("first", "planner_example_pack", "planner.rules"),
            EntryPoint("second", "planner_example_pack", "planner.rules")]
    monkeypatch.setattr("planner.registry.entry_points", lambda group: fake)
    with pytest.raises(RegistryError) as caught:
        RuleSet(entry_point_rules())
    message = str(caught.value)
    assert "pack 'first'" in message and "pack 'second'" in message


def test_a_pack_that_fails_to_import_is_named(monkeypatch):
    fake = [EntryPoint("broken", "planner_no_such_pack", "planner.rules")]
    monkeypatch.setattr("planner.registry.entry_points", lambda group: fake)
    with pytest.raises(RegistryError, match=r"rule pack 'broken' .* failed to load: "
                                            r"ModuleNotFoundError"):
        entry_point_rules()


def test_a_module_without_rules_is_rejected(tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"empty\.py: a rule pack must define RULES"):
        load_path(empty)


def test_a_local_file_that_raises_on_import_is_named(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('no')\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"broken\.py: failed to import: RuntimeError: no"):
        load_path(broken)
