"""Run a district's own rules (a Python file and a YAML file) and explain one finding.

``examples/local_rules/`` holds ``elderly_alone.py`` (LOC001, a Python rule) and
``district_rules.yaml`` (LOC002/LOC003, declarative rules in the condition language). They are
loaded because they are named, not discovered; ``explain=True`` records for each finding the
conditions evaluated, the values read and the parameters used.

    .venv/bin/python examples/05_local_rules.py
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import planner
from planner.registry import load_path

HERE = Path(__file__).resolve().parent


def household(name: str, **changes: object) -> planner.Household:
    data = json.loads((HERE / "households" / f"{name}.json").read_text(encoding="utf-8"))
    return planner.Household.model_validate({**data, **changes})


def main() -> None:
    rules = load_path(HERE / "local_rules")
    for rule in rules:
        print(f"{rule.code} {rule.name} [{rule.severity}] — {rule.summary}")
    pupil = household("pre_exit_2808")
    members = [m.model_dump(mode="json") for m in pupil.members]
    members[2]["benefits"] = []  # the pupil's living subsidy is not recorded
    result = planner.check(
        [household("no_labour"), household("pre_exit_2808", members=members)],
        rules=rules, reference_date=date(2020, 9, 30), explain=True,
    )
    for finding in result.findings:
        print(f"\n{finding.code} {finding.subject}: {finding.message_zh}")
        print(f"  {finding.message_en}")
        print(f"  explanation: {json.dumps(finding.explanation, ensure_ascii=False)[:300]}…")


if __name__ == "__main__":
    main()
