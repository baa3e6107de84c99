"""Rule packs: the example third-party pack (entry point), local files, duplicates, broken packs."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import date
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from planner import Hit, Household, RuleContext, check, rule
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


def _pack_distribution(root, entry_point: str, yaml_name: str, yaml_text: str) -> None:
    """A real installed distribution on ``root``: a package holding one YAML file, and the
    dist-info naming it in the ``planner.rules`` group (what ``pip install`` writes)."""
    package = root / "yaml_only_pack"
    package.mkdir()
    (package / "__init__.py").write_text('"""A pack of YAML rules only."""\n', encoding="utf-8")
    (package / yaml_name).write_text(yaml_text, encoding="utf-8")
    info = root / "yaml_only_pack-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: yaml-only-pack\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[planner.rules]\nyamlpack = {entry_point}\n", encoding="utf-8")


def _planner(*args: str, path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(path), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([str(Path(sys.executable).parent / "planner"), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_an_entry_point_may_name_a_yaml_rule_file_of_its_package(tmp_path):
    text = (PACK / "src" / "planner_example_pack" / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("EX002", "YP001").replace("credit-policy-unknown", "yaml-pack-credit")
    _pack_distribution(tmp_path, "yaml_only_pack:rules.yaml", "rules.yaml", text)
    result = _planner("rules", "--select", "YP", "--format", "json", path=tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [listed] = json.loads(result.stdout)
    assert (listed["code"], listed["pack"], listed["body"]) == ("YP001", "yamlpack", "spec")


def test_a_yaml_entry_point_naming_a_missing_file_is_named(tmp_path):
    _pack_distribution(tmp_path, "yaml_only_pack:missing.yaml", "rules.yaml", "[]\n")
    result = _planner("rules", "--lang", "en", path=tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert "rule pack 'yamlpack' (yaml_only_pack:missing.yaml) failed to load" in result.stderr
    assert "Traceback" not in result.stderr


def test_built_in_yaml_families_need_no_shim_module():
    values = {e.name: e.value for e in entry_points(group="planner.rules")}
    assert values["income"] == "planner.rules:income.yaml"
    assert importlib.util.find_spec("planner.rules.income") is None
    assert {r.origin for r in load_rules() if r.pack == "income"} >= {
        "planner/rules/income.yaml:INC001"}


def test_each_rule_says_what_its_body_is():
    rules = load_rules()
    assert rules.get("INC001").body == "spec"  # YAML
    assert rules.get("EX001").body == "python"  # a Python function
    assert rules.get("DQ004").body == "spec"  # a dataset form (duplicates by key)

    class Count:
        def add(self, household: object) -> None: ...

        def finish(self) -> list[Hit]:
            return []

    @rule(code="XDS001", name="count-households", family="test", scope="dataset",
          message={"zh": "户数", "en": "households"})
    def count_households(ctx: RuleContext) -> Count:
        """Counts households (a dataset rule written in Python)."""
        return Count()

    assert count_households.body == "dataset"
