"""Check one household through the library API and print its findings in Chinese and English.

The household is the supervision speech's pre-exit family at 2,808 yuan per head
(``examples/households/pre_exit_2808.json``), checked on 2020-09-30 against every installed rule.

    .venv/bin/python examples/01_check_a_household.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import planner

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "pre_exit_2808.json"


def main() -> None:
    household = planner.Household.model_validate_json(HOUSEHOLD.read_text(encoding="utf-8"))
    result = planner.check([household], reference_date=date(2020, 9, 30))

    facts = planner.derive(
        household, date(2020, 9, 30), planner.default_parameters().at(date(2020, 9, 30))
    )
    print(f"户 {household.id}：{facts.size} 人，人均纯收入 {facts.per_capita_net_income:,.0f} 元")
    print(
        f"household {household.id}: {facts.size} members, "
        f"{facts.per_capita_net_income:,.0f} yuan per head\n"
    )
    for finding in result.findings:
        where = finding.location
        print(f"{finding.code} [{finding.severity}] {where}")
        print(f"  {finding.message_zh}")
        print(f"  {finding.message_en}")
        if finding.proposes:
            print(f"  建议措施 / proposed: {', '.join(finding.proposes)}")
    print(f"\n共 {result.stats.findings} 条问题 / {result.stats.findings} findings")


if __name__ == "__main__":
    main()
