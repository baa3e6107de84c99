"""Peer: the six checks as a plain Python loop over JSON lines decoded with orjson.

What a programmer writes by hand without planner: one pass over the file, each household a dict,
the six checks as ``if`` statements with the parameters planner exports
(:mod:`params`). Unknown values decide nothing, as in planner (a missing grade, birth date or
insurance flags no one). Prints the number of households each check flags, as JSON.

Run: ``python plain.py HOUSEHOLDS.jsonl PARAMS.json``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import orjson
from idnumber import id_birth_date


def _age(member: dict[str, Any], when: date) -> int | None:
    recorded = member.get("birth_date")
    born = date.fromisoformat(recorded) if recorded else id_birth_date(member.get("id_number"))
    if born is None:
        return None
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def _measure_year(measure: dict[str, Any]) -> int | None:
    if measure.get("year") is not None:
        return int(measure["year"])
    start = measure.get("start")
    return int(start[:4]) if start else None


class SixChecks:
    """The six checks over household dicts (the JSON of planner's model)."""

    def __init__(self, params: dict[str, Any]):
        self.when = date.fromisoformat(params["reference_date"])
        self.lines = {int(year): value for year, value in params["poverty_line"].items()}
        self.threshold = params["monitoring_threshold"]
        self.unsafe = frozenset(params["unsafe_grades"])
        self.age_min, self.age_max = params["compulsory_age_min"], params["compulsory_age_max"]
        self.raising = frozenset(params["income_raising"])
        self.active = frozenset(params["active_statuses"])
        self.enrolled = frozenset(params["enrolled_stages"])
        self.completed = frozenset(params["compulsory_completed"])
        self.can_work = frozenset(params["can_work"])
        self.done = params["done"]
        self.scope = frozenset(params["scope_statuses"])
        self.exit = frozenset(params["exit_statuses"])
        self.counts = dict.fromkeys(("INC001", "INC002", "HOU001", "EDU001", "MED001", "WAT001"), 0)

    def check(self, h: dict[str, Any]) -> None:
        """Count the checks that flag household ``h``."""
        status = h.get("status")
        in_scope = status in self.scope or h.get("monitoring") is not None
        if in_scope:
            self._services(h)
        per_capita, line = self._income(h)
        if per_capita is None:
            return
        if status in self.exit and line is not None and per_capita < line:
            self.counts["INC001"] += 1
        if in_scope and ((line is not None and per_capita < line) or per_capita < self.threshold):
            self._no_income_measure(h)

    def _services(self, h: dict[str, Any]) -> None:
        housing = h.get("housing") or {}
        grade = housing.get("safety_grade")
        if grade in self.unsafe and self.done not in (housing.get("renovation"),
                                                      housing.get("relocation")):
            self.counts["HOU001"] += 1
        if (h.get("water") or {}).get("quality_safe") is False:
            self.counts["WAT001"] += 1
        members = h.get("members") or ()
        if any(m.get("medical_insurance") == "none" for m in members):
            self.counts["MED001"] += 1
        if any(self._out_of_school(m) for m in members):
            self.counts["EDU001"] += 1

    def _out_of_school(self, m: dict[str, Any]) -> bool:
        if m.get("schooling_exemption") or m.get("schooling") is None:
            return False
        age = _age(m, self.when)
        return (age is not None and self.age_min <= age <= self.age_max
                and m["schooling"] not in self.enrolled
                and m.get("education") not in self.completed)

    def _income(self, h: dict[str, Any]) -> tuple[float | None, float | None]:
        income = h.get("income")
        size = len(h.get("members") or ())
        year = h.get("income_year")
        if year is None:
            years = [s["year"] for s in income or () if s["year"] <= self.when.year]
            year = max(years) if years else self.when.year
        if income is None or not size or (income and not any(s["year"] == year for s in income)):
            return None, None
        net = sum(s["amount"] for s in income if s["year"] == year)
        net -= sum(c["amount"] for c in h.get("production_costs") or () if c["year"] == year)
        return net / size, self.lines.get(year)

    def _no_income_measure(self, h: dict[str, Any]) -> None:
        capacities = [m.get("labour_capacity") for m in h.get("members") or ()]
        if not any(c in self.can_work for c in capacities):
            return  # nobody can work, or unknown: INC002 needs a yes
        year = h.get("income_year")
        if year is None:
            years = [s["year"] for s in h.get("income") or () if s["year"] <= self.when.year]
            year = max(years) if years else self.when.year
        last = max(year, self.when.year)
        window, before = set(), set()
        for measure in h.get("measures") or ():
            plan_year = _measure_year(measure)
            if measure.get("status", "planned") not in self.active or plan_year is None:
                continue
            if plan_year < year:
                before.add(measure["measure"])
            elif plan_year <= last:
                window.add(measure["measure"])
        if not (window - before) & self.raising:
            self.counts["INC002"] += 1


def main(argv: list[str]) -> None:
    """Check every line of ``argv[0]`` with the parameters of ``argv[1]``; print the counts."""
    with open(argv[1], encoding="utf-8") as handle:
        checks = SixChecks(json.load(handle))
    with open(argv[0], "rb") as lines:
        for line in lines:
            checks.check(orjson.loads(line))
    print(json.dumps(checks.counts))


if __name__ == "__main__":
    main(sys.argv[1:])
