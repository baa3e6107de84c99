"""The six checks of issue 11 as a plain Python loop over orjson: the yardstick of the Python
backend (``planner check --select`` the six from JSON Lines is measured against it).

No model, no validation, no masking, no messages: each line parsed into dicts and judged by hand
the way the rules judge it (income below the line, no new income measure, unsafe house, child
out of school, member uninsured, unsafe water), the findings counted. It follows the rules closely
but not to the last edge (ID-number birth dates, exemptions, the monitoring range): the count is
close to planner's, the work is the same in kind. Run: ``python benchmarks/plain_six.py FILE``.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import orjson

ON = date(2020, 9, 30)
POVERTY_LINE = {2019: 3747.0, 2020: 4000.0}  # the series of income.poverty_line, rounded
MONITORING_THRESHOLD = 6000.0
IN_SCOPE = frozenset({"poor", "pre_exit", "exited", "returned"})
ACTIVE = frozenset({"planned", "in_progress", "done"})
INCOME_RAISING = frozenset({"job_placement", "public_welfare_post", "livestock_subsidy",
                            "microcredit", "skills_training", "planting_subsidy"})
ENROLLED = frozenset({"preschool", "primary", "junior_secondary", "senior_secondary",
                      "vocational", "higher", "home_teaching"})
COMPLETED = frozenset({"junior_secondary", "senior_secondary", "vocational", "higher"})


def _age(birth: str | None) -> int | None:
    if not birth:
        return None
    year, month, day = int(birth[:4]), int(birth[5:7]), int(birth[8:10])
    return ON.year - year - ((ON.month, ON.day) < (month, day))


def check(line: bytes) -> int:
    """The number of findings of one household line."""
    household = orjson.loads(line)
    found = 0
    status = household.get("status")
    monitored = household.get("monitoring") is not None
    in_scope = status in IN_SCOPE or monitored
    members = [m for m in household.get("members") or () if m.get("registered", True)]
    income = household.get("income")
    year = household.get("income_year") or max(
        (s["year"] for s in income or () if s["year"] <= ON.year), default=ON.year)
    if income is not None and members:
        gross = sum(s["amount"] for s in income if s["year"] == year)
        costs = sum(c["amount"] for c in household.get("production_costs") or ()
                    if c["year"] == year)
        per_capita = (gross - costs) / len(members)
        line_of_year = POVERTY_LINE.get(year)
        below = line_of_year is not None and per_capita < line_of_year
        if status in ("pre_exit", "exited") and below:
            found += 1  # INC001
        can_work = any(m.get("labour_capacity") in ("normal", "weak") for m in members)
        new = {m["measure"] for m in household.get("measures") or ()
               if m.get("status") in ACTIVE and year <= (m.get("year") or 0) <= ON.year}
        if (in_scope and (below or per_capita < MONITORING_THRESHOLD) and can_work
                and not new & INCOME_RAISING):
            found += 1  # INC002
    if in_scope:
        housing = household.get("housing") or {}
        if housing.get("safety_grade") in ("C", "D") and "done" not in (
                housing.get("renovation"), housing.get("relocation")):
            found += 1  # HOU001
        if (household.get("water") or {}).get("quality_safe") is False:
            found += 1  # WAT001
        for member in members:
            age = _age(member.get("birth_date"))
            if (age is not None and 6 <= age <= 15 and member.get("schooling") not in ENROLLED
                    and not member.get("schooling_exemption")
                    and member.get("education") not in COMPLETED):
                found += 1  # EDU001
            if member.get("medical_insurance") == "none":
                found += 1  # MED001
    return found


def run(path: Path) -> int:
    """Findings of every line of ``path``."""
    with path.open("rb") as handle:
        return sum(check(line) for line in handle if line.strip())


if __name__ == "__main__":
    started = time.perf_counter()
    count = run(Path(sys.argv[1]))
    print(f"{count} findings in {time.perf_counter() - started:.2f} s")
