"""An independent re-check of plans: generated households through ``planner check`` and
``planner plan`` (real processes), then every finding with a catalog measure must reach its
household's plan (an item, a cancellation or a note naming its code), and no item may break a
domain rule of eligibility read straight from the household records (issue 14, item 3).

It deliberately shares nothing with the planner's own choice of measures: it reads the JSON the
CLI writes and the households' JSON Lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.measures import default_catalog

#: Measures that put a member to work for a wage or train them for it.
JOBS = frozenset({"job_placement", "workshop_job", "public_welfare_post", "forest_ranger"})
EMPLOYMENT = JOBS | {"skills_training"}
#: Enrolled in senior secondary school or secondary vocational school (高中/中职).
SENIOR_PUPILS = frozenset({"senior_secondary", "secondary_vocational"})
#: Measures that only a C/D house justifies (domain.md §2).
HOUSE_WORKS = frozenset({"housing_renovation", "relocation"})
#: Households a house work may go to (domain.md §2: registered poor, 低保, 特困; monitored).
HOUSE_GROUPS = frozenset({"poor", "pre_exit", "exited", "returned"})
#: Measures whose income does not answer a non-income need (one beneficiary is enough).
_CAPABLE = frozenset({"normal", "skilled"})


@dataclass
class Recheck:
    """What the re-check found: dropped findings and ineligible items, each as readable lines."""

    findings: int = 0
    with_measure: int = 0
    dropped: list[str] = field(default_factory=list)
    ineligible: list[str] = field(default_factory=list)

    def dropped_by_code(self) -> Counter[str]:
        """Silently dropped findings per code."""
        return Counter(line.split(" ", 1)[0] for line in self.dropped)

    def ineligible_by_kind(self) -> Counter[str]:
        """Ineligible items per kind of breach."""
        return Counter(line.split(" ", 1)[0] for line in self.ineligible)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``planner ARGS`` as a real process (the worktree's code first on the path)."""
    command = [sys.executable, "-c", "from planner.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, env=dict(os.environ), capture_output=True,
                          text=True, encoding="utf-8", check=False)


def generate_and_plan(folder: Path, households: int, seed: int = 0,
                      year: int = 2020) -> tuple[Path, Path, Path]:
    """Generate households into ``folder``, check and plan them; the three file paths."""
    data = folder / "data"
    when = f"{year}-09-30"
    for args in (("generate", "-n", str(households), "-s", str(seed), "--year", str(year),
                  "-o", str(data), "-q"),
                 ("check", str(data), "--date", when, "--output-format", "jsonl",
                  "--output", str(folder / "findings.jsonl")),
                 ("plan", str(data), "--date", when, "--output-format", "jsonl",
                  "--output", str(folder / "plans.jsonl"), "--workers", "1")):
        done = run_cli(*args, cwd=folder)
        assert done.returncode in (0, 1), (args, done.stderr[-2000:])
    return data / "households.jsonl", folder / "findings.jsonl", folder / "plans.jsonl"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def recheck(households: Path, findings: Path, plans: Path) -> Recheck:
    """Re-check the plans of ``plans`` against ``findings`` and the ``households`` records."""
    catalog = default_catalog()
    records = {r["id"]: r for r in _lines(households)}
    plan_of = {p["household"]: p for p in _lines(plans) if p.get("type") == "household"}
    result = Recheck()
    for finding in _lines(findings):
        if finding.get("subject_kind") != "household" or finding.get("waived"):
            continue
        result.findings += 1
        code = finding["code"]
        if not finding.get("proposes") and not catalog.addressing(code):
            continue
        result.with_measure += 1
        plan = plan_of.get(finding["subject"])
        if plan is None or not _reaches(plan, code):
            result.dropped.append(f"{code} {finding['subject']} member={finding.get('member')}")
    for household_id, plan in plan_of.items():
        record = records.get(household_id)
        if record is not None:
            result.ineligible.extend(_breaches(record, plan))
    return result


def _reaches(plan: dict[str, Any], code: str) -> bool:
    """Whether the plan answers ``code``: an open item or a cancellation giving it as a reason,
    or a note about it."""
    for item in (*plan["items"], *plan["to_cancel"]):
        if code in item["why"]:
            return True
    return any(note.get("code") == code for note in plan["notes"])


def _breaches(record: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    members = record.get("members") or []
    housing = record.get("housing") or {}
    out: list[str] = []
    per_need: Counter[tuple[str, str]] = Counter()
    household = record["id"]
    for item in plan["items"]:
        if item["status"] != "proposed":
            continue
        measure, number = item["measure"], item.get("member")
        member = members[number - 1] if number and number <= len(members) else None
        where = f"{household} {item['key']}"
        if measure in HOUSE_WORKS and housing.get("safety_grade") not in ("C", "D"):
            out.append(f"house_not_cd {where} grade={housing.get('safety_grade')}")
        if measure in HOUSE_WORKS and not (
                record.get("status") in HOUSE_GROUPS or record.get("monitoring")
                or record.get("category") in ("dibao", "tekun")
                or any({"dibao", "tekun"} & set(m.get("benefits") or []) for m in members)):
            out.append(f"house_not_priority {where} status={record.get('status')}")
        if measure == "tekun_support" and member is not None and member.get("legal_supporter"):
            out.append(f"tekun_with_supporter {where}")
        if member is not None and measure in EMPLOYMENT:
            if member.get("schooling") in SENIOR_PUPILS:
                out.append(f"pupil_employed {where}")
            if member.get("health") == "serious_illness":
                out.append(f"seriously_ill_employed {where}")
        if (member is not None and measure == "job_placement"
                and member.get("labour_capacity") not in _CAPABLE):
            out.append(f"weak_labour_placed {where}")
        if measure in JOBS and not item["gain"] > 0:
            out.append(f"job_without_gain {where}")
        if item.get("need") not in (None, "income", "prerequisite", "existing"):
            per_need[(item["need"], measure)] += 1
    out.extend(f"fan_out {household} {need}:{measure}×{count}"
               for (need, measure), count in per_need.items() if count > 1)
    return out
