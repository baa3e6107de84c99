"""Plan measures for the speech's households and print each plan in Chinese and English.

Three named households (``examples/households/``): the pre-exit family at 2,808 yuan per head,
the family in one usable room of three with unsafe water, and the elderly household where nobody
can work. ``planner.plan`` checks them against the built-in rules, chooses eligible measures,
adds their prerequisites (a credit rating before micro-credit, an assessment before renovation),
schedules them and projects per-capita income against the poverty line.

    .venv/bin/python examples/04_plan_households.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import planner

HOUSEHOLDS = Path(__file__).resolve().parent / "households"
NAMES = ("pre_exit_2808", "one_room_unsafe_water", "no_labour")


def main() -> None:
    households = [
        planner.Household.model_validate_json((HOUSEHOLDS / f"{name}.json").read_text("utf-8"))
        for name in NAMES
    ]
    built_in = [rule for rule in planner.load_rules() if rule.pack != "example"]
    district = planner.plan(households, rules=built_in, reference_date=date(2020, 9, 30))
    for plan in district.households:
        income = plan.income
        print(f"\n户 {plan.household} / household {plan.household}: 人均 per head "
              f"{income.per_capita:,.0f} → {income.projected_per_capita:,.0f} 元/yuan "
              f"(贫困线 poverty line {income.poverty_line:,.0f})")
        for item in plan.items:
            who = f" 成员/member {item.member}" if item.member else ""
            why_zh, why_en = "、".join(item.why_labels("zh")), "; ".join(item.why_labels("en"))
            print(f"  {item.start} → {item.due}  {item.label_zh} / {item.label_en}{who}")
            print(f"      {item.responsible_zh} / {item.responsible_en}")
            print(f"      原因：{why_zh} / why: {why_en}")
        for note in plan.notes:
            print(f"  ! {note.zh} / {note.en}")


if __name__ == "__main__":
    main()
