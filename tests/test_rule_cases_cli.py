"""``planner test``: a pack's YAML cases run without a pytest file; cases can add members and
start from the example households shipped in the package (planner.examples)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import examples
from planner.cli import cli
from planner.testing import CaseError, load_cases, merge_patch

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

NEWBORN = {"id_number": "522425202003030036", "name": "张小宝", "relation": "grandson",
           "sex": "male", "birth_date": "2020-03-03", "ethnicity": "汉族", "health": "healthy",
           "labour_capacity": "none", "schooling": "not_student", "medical_insurance": "none",
           "benefits": []}


def _cases(folder: Path, text: str, name: str = "MED001.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_the_example_households_ship_in_the_package() -> None:
    assert "pre_exit_2808" in examples.names() and len(examples.names()) >= 8
    household = examples.household("pre_exit_2808")
    assert household["members"][0]["relation"] == "head"
    assert examples.households_dir().is_relative_to(Path(examples.__file__).parent)
    with pytest.raises(KeyError, match="no example household 'nobody'"):
        examples.household("nobody")


def test_a_patch_adds_a_member_with_the_next_number() -> None:
    members = examples.household("pre_exit_2808")["members"]
    patched = merge_patch(members, {len(members) + 1: NEWBORN, 1: {"name": "改"}})
    assert len(patched) == len(members) + 1 and patched[-1] == NEWBORN
    assert patched[0]["name"] == "改" and members[0]["name"] != "改"
    with pytest.raises(CaseError, match="the next number, 5, adds one"):
        merge_patch(members, {len(members) + 2: NEWBORN})


def test_planner_test_passes_and_fails_cases_with_exit_codes(tmp_path: Path) -> None:
    folder = _cases(tmp_path / "rules", f"""
        rule: MED001
        cases:
          - name: an added uninsured grandchild is flagged
            base: pre_exit_2808
            patch: {{members: {{5: {NEWBORN}}}}}
            expect: [MED001 m5]
          - name: the household as it is has no uninsured member
            base: pre_exit_2808
            expect: []
        """)
    result = CliRunner().invoke(cli, ["test", str(folder)])
    assert result.exit_code == 0, result.output
    assert "规则用例：通过 2，失败 0" in result.output
    wrong = _cases(tmp_path / "wrong", f"""
        rule: MED001
        cases:
          - name: expecting nothing where there is a finding
            base: pre_exit_2808
            patch: {{members: {{5: {NEWBORN}}}}}
            expect: []
        """)
    result = CliRunner().invoke(cli, ["test", str(wrong / "MED001.yaml"), "--lang", "en"])
    assert result.exit_code == 1
    assert "✗ MED001-expecting-nothing-where-there-is-a-finding" in result.output
    assert "expected []" in result.output and "got      ['MED001 m5']" in result.output
    assert "rule cases: 0 passed, 1 failed" in result.output


def test_planner_test_refuses_an_unreadable_case_file(tmp_path: Path) -> None:
    folder = _cases(tmp_path, "cases: [\n")
    result = CliRunner().invoke(cli, ["--lang", "en", "test", str(folder)])
    assert result.exit_code == 2 and "cannot read case file" in result.output
    folder = _cases(tmp_path / "nobase", """
        cases:
          - name: a base that does not exist
            base: nobody
            expect: []
        """)
    result = CliRunner().invoke(cli, ["test", str(folder)])
    assert result.exit_code == 2 and "no example household 'nobody'" in result.output


def test_load_cases_defaults_to_the_shipped_households(tmp_path: Path) -> None:
    folder = _cases(tmp_path, """
        cases:
          - name: shipped base
            base: one_room_unsafe_water
            expect: []
        """)
    [case] = load_cases(folder / "MED001.yaml")
    assert case.households[0]["housing"] == examples.household("one_room_unsafe_water")[
        "housing"]
