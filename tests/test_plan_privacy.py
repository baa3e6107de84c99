"""Plans copy rule messages into notes and reasons: personal data in them is masked unless asked."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from click.testing import CliRunner

from planner.cli import cli
from planner.finding import Finding
from planner.model import Household, Village
from planner.planning import DistrictPlan, plan
from planner.planning.export import to_text, write_csv, write_json

from .conftest import HOUSEHOLDS

WHEN = date(2020, 9, 30)
HOUSEHOLD = "522425-101-0001"
NAME, ID_NUMBER, PHONE = "王建国", "522425197503120018", "13885710001"
MASKED = ("王**", "522425**********18", "138******01")
VILLAGE = Village(id="V-SQ", region={"town": "河口镇", "village": "石桥村",
                                     "division_code": "522425101201"})


def _finding(code: str, family: str, subject: str = HOUSEHOLD, kind: str = "household",
             contract: dict[str, Any] | None = None, **evidence: object) -> Finding:
    """A finding whose messages carry a name (as rules report it: in ``personal``), an ID
    number and a phone number."""
    return Finding(
        code=code, name=code.lower(), family=family, severity="error", subject=subject,
        subject_kind=kind, message_zh=f"{NAME}（{ID_NUMBER}，电话 {PHONE}）需核实",
        message_en=f"{NAME} ({ID_NUMBER}, phone {PHONE}) needs checking",
        evidence=dict(evidence), personal=(NAME,), **(contract or {}))


FINDINGS = [
    _finding("INC001", "income", contract={"need": "income"}),  # the income need: item reasons
    _finding("HOU001", "housing"),  # another need: item reasons or an unmet-need note
    _finding("SUP003", "support", measure="skills_training", beneficiary=4,  # no such measure
             contract={"kind": "mismatch", "measure": "skills_training", "member": 4}),
    _finding("VIL001", "village", subject="V-SQ", kind="village"),  # a village work's reason
]


def _outputs(district: DistrictPlan) -> str:
    as_csv, as_json = io.StringIO(), io.StringIO()
    write_csv(district, as_csv)
    write_json(district, as_json)
    return "\n".join([as_csv.getvalue(), as_json.getvalue(), to_text(district, "zh"),
                      to_text(district, "en")])


def _plan(show_names: bool) -> DistrictPlan:
    household = Household.model_validate_json(
        (HOUSEHOLDS / "pre_exit_2808.json").read_text("utf-8"))
    return plan([household], findings=FINDINGS, reference_date=WHEN, villages=[VILLAGE],
                show_names=show_names)


def test_messages_copied_into_a_plan_are_masked_by_default() -> None:
    district = _plan(show_names=False)
    [household] = district.households
    [work] = district.works
    copied = [work.reason_zh, work.reason_en,
              *(n.zh for n in household.notes if n.kind == "unfit_measure"),
              *(i.reason_en for i in household.items if "INC001" in i.why)]
    assert len(copied) >= 4
    assert all(all(m in text for m in MASKED) for text in copied)
    text = _outputs(district)
    assert all(raw not in text for raw in (NAME, ID_NUMBER, PHONE))


def test_show_names_keeps_the_messages_as_the_rules_wrote_them() -> None:
    district = _plan(show_names=True)
    assert district.works[0].reason_en == FINDINGS[3].message_en
    text = _outputs(district)
    assert all(raw in text for raw in (NAME, ID_NUMBER, PHONE))


LOCAL_RULE = """\
rules:
  - code: TST901
    name: named-head
    family: test
    scope: member
    severity: warning
    message:
      zh: "户主{member.name}（{member.id_number}，{member.phone}）信息需核实"
      en: "head {member.name} ({member.id_number}, {member.phone}) to be verified"
    when: {fact: member.relation, eq: head}
    proposes: [data_correction]
"""


def test_the_plan_command_masks_a_local_rule_message_unless_personal_data_is_asked_for(
        tmp_path) -> None:
    rule_file = tmp_path / "district.yaml"
    rule_file.write_text(LOCAL_RULE, encoding="utf-8")
    runner = CliRunner()
    base = ["plan", str(HOUSEHOLDS / "pre_exit_2808.json"), "--date", "2020-09-30",
            "--rules", str(rule_file), "--output-format", "jsonl"]
    masked = runner.invoke(cli, base)
    assert masked.exit_code == 0, masked.output
    household = json.loads(masked.output.splitlines()[0])
    reasons = [i["reason"]["zh"] for i in household["items"] if "TST901" in i["why"]]
    assert reasons == ["户主王**（522425**********18，138******01）信息需核实"]
    assert all(raw not in masked.output for raw in (NAME, ID_NUMBER, PHONE))
    for flag in ("--show-names", "--show-personal"):
        shown = runner.invoke(cli, [*base, flag])
        assert shown.exit_code == 0, shown.output
        assert f"户主{NAME}（{ID_NUMBER}，{PHONE}）信息需核实" in shown.output
        assert "刘志强" in shown.output  # the helper's name: --show-personal implies --show-names
