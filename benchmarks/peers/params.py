"""The parameters and vocabularies of the six checks, exported from planner for the peers.

The peers (plain Python, polars, OpenFisca) must judge with the numbers planner judges with: the
poverty line of each year, the monitoring threshold, the unsafe housing grades, the compulsory
schooling ages, the measures that raise income, and the value sets the facts read. This module
reads them from planner's parameter files, measure catalog and fact vocabularies once, before
anything is timed, and writes them as one JSON file that the peers load (the OpenFisca peer runs
in a venv without planner).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from planner.facts.vocab import (
    ACTIVE_STATUSES,
    COMPULSORY_COMPLETED,
    ENROLLED_STAGES,
)
from planner.measures.catalog import default_catalog
from planner.model.vocab import HousingGrade, LabourCapacity, WorkStatus
from planner.params import default_parameters

#: Statuses in the scope of the 三保障 and water checks (with monitored households of any status).
SCOPE_STATUSES = ("poor", "pre_exit", "exited", "returned")
#: Statuses INC001 judges.
EXIT_STATUSES = ("pre_exit", "exited")


def six_check_params(reference_date: date) -> dict[str, Any]:
    """The values the six checks read on ``reference_date``, as plain JSON data."""
    parameters = default_parameters()
    now = parameters.at(reference_date)
    lines = {}
    for year in range(2011, reference_date.year + 2):
        line = parameters.at(date(year, 12, 31)).get("income.poverty_line")
        if line is not None:
            lines[str(year)] = line
    return {
        "reference_date": reference_date.isoformat(),
        "poverty_line": lines,
        "monitoring_threshold": now["monitoring.threshold"],
        "unsafe_grades": sorted(now["housing.unsafe_grades"]),
        "unassessed_grade": HousingGrade.UNASSESSED.value,
        "compulsory_age_min": now["education.compulsory_age_min"],
        "compulsory_age_max": now["education.compulsory_age_max"],
        "income_raising": sorted(default_catalog().income_raising_ids()),
        "active_statuses": sorted(s.value for s in ACTIVE_STATUSES),
        "enrolled_stages": sorted(s.value for s in ENROLLED_STAGES),
        "compulsory_completed": sorted(e.value for e in COMPULSORY_COMPLETED),
        "can_work": sorted(c.value for c in LabourCapacity if c.can_work),
        "done": WorkStatus.DONE.value,
        "scope_statuses": list(SCOPE_STATUSES),
        "exit_statuses": list(EXIT_STATUSES),
    }


def main(argv: list[str]) -> None:
    """``python params.py YYYY-MM-DD OUT.json``."""
    when, out = date.fromisoformat(argv[0]), Path(argv[1])
    out.write_text(json.dumps(six_check_params(when), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
