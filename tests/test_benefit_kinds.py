"""Benefits a source answers kind by kind: the 2023 export answers 低保, 特困 and 医疗救助 for each
member and nothing else, so a rule asking for another benefit (a pupil's living subsidy, a
family-doctor contract) is skipped on it with a notice instead of reading the benefit as absent
(planner.spec.needs, *Kinds*; planner.io.exportlayouts.answered_kind)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from planner import Run
from planner.io.columns import default_column_map
from planner.io.exportlayouts import export_layouts
from planner.io.exportwrite import with_assistance, write_export
from planner.model import Household
from planner.spec.needs import carries

PLANNER = Path(sys.executable).with_name("planner")
BUILTIN = {r.code: r for r in Run.build(reference_date=date(2023, 6, 30)).rules}
MEMBERS = next(layout for layout in export_layouts() if layout.name == "monitoring_2023_members")


def test_a_rule_testing_for_one_benefit_needs_that_kind():
    assert {"member.benefits.living_subsidy", "member.benefits.education_aid"} <= set(
        BUILTIN["EDU002"].needs)
    assert "member.benefits.medical_assistance" in BUILTIN["MED002"].needs
    # MED002 reads the contract from the benefits or, on the export, from 健康帮扶
    assert "assistance.health" in BUILTIN["MED002"].needs
    assert "member.benefits.family_doctor" not in BUILTIN["MED002"].needs
    assert {"member.benefits.dibao", "member.benefits.tekun"} <= set(BUILTIN["MON012"].needs)
    # a rule reading the benefits through a fact, not testing for one kind, needs the list
    assert not [need for need in BUILTIN["BEN001"].needs if need.startswith("member.benefits.")]


def test_the_member_sheet_carries_the_three_benefits_it_answers_not_the_whole_list():
    fields = MEMBERS.carried_fields(default_column_map())
    kinds = {field for field in fields if field.startswith("member.benefits")}
    assert kinds == {"member.benefits.dibao", "member.benefits.tekun",
                     "member.benefits.medical_assistance", "member.benefits_declined"}
    assert carries(fields, "member.benefits") and carries(fields, "member.benefits.dibao")
    assert not carries(fields, "member.benefits.living_subsidy")
    assert not carries(fields, "member.benefits.family_doctor")
    # a source carrying the list (a JSON record) carries every kind of it
    assert carries(frozenset({"member.benefits"}), "member.benefits.living_subsidy")


def test_the_export_does_not_read_an_unanswered_benefit_as_absent(tmp_path: Path):
    # member 2 is ill with a family doctor, member 3 a pupil with the living subsidy: the
    # export has no member's contract or subsidy, and neither MED002 nor EDU002 may fire for
    # them (MED002 reads 家庭医生签约服务 in 健康帮扶, EDU002 is skipped)
    examples = Path(__file__).resolve().parent.parent / "examples" / "households"
    record = json.loads((examples / "mon_unstable_exited.json").read_text(encoding="utf-8"))
    household = with_assistance(Household.model_validate(record))
    year = str(record["income_year"])
    write_export(tmp_path, [household], income_year=int(year))
    done = subprocess.run([str(PLANNER), "check", str(tmp_path), "--date", "2023-06-30",
                           "--income-year", year, "--output-format", "jsonl", "--lang", "en"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "rejected 0" in done.stderr
    codes = {json.loads(line)["code"] for line in done.stdout.splitlines()}
    assert not {"EDU002", "MED002"} & codes
    skipped = [line for line in done.stderr.splitlines() if "EDU002" in line or "MED002" in line]
    assert any("member.benefits.living_subsidy" in line for line in skipped), done.stderr
    assert not [line for line in skipped if "MED002" in line], done.stderr
