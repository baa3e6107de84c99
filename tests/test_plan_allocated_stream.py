"""With a budget, streamed plans keep only the candidates of the allocation in memory.

The plans the allocation may change (a bundle that lifts the household) wait in memory for it;
the others are spooled to a temporary file and written in input order once it is done. What is
written is what keeping every plan wrote.
"""

from __future__ import annotations

import gc
import io
from datetime import date

from click.testing import CliRunner

from planner.cli import cli
from planner.planning import DistrictPlanner, HouseholdPlan, plan
from planner.planning.export import JsonLinesStream, write_allocated, write_jsonl

from .test_plan_streaming import households

WHEN = date(2020, 9, 30)


def test_the_spooled_stream_writes_what_keeping_every_plan_wrote(tmp_path) -> None:
    source = tmp_path / "households.jsonl"
    source.write_text("".join(h.model_dump_json() + "\n" for h in households(12)), "utf-8")
    for budget in ("5000", "0"):
        result = CliRunner().invoke(cli, ["plan", str(source), "--date", "2020-09-30",
                                          "--budget", budget, "--output-format", "jsonl"])
        assert result.exit_code == 0, result.output
        kept = io.StringIO()
        write_jsonl(plan(households(12), reference_date=WHEN, budget=float(budget)), kept)
        assert result.stdout.splitlines() == kept.getvalue().splitlines()


class _Counting(JsonLinesStream):
    """Counts the household plans alive whenever one is written."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.alive: list[int] = []

    def write(self, result: HouseholdPlan) -> None:
        gc.collect()
        self.alive.append(sum(isinstance(x, HouseholdPlan) for x in gc.get_objects()))
        super().write(result)


def test_only_the_candidates_of_the_allocation_stay_in_memory() -> None:
    planner = DistrictPlanner(reference_date=WHEN, budget=5000)
    writer = _Counting()
    district = write_allocated(planner, planner.iter_plans(households(60)), writer)
    candidates = len({b.household for b in planner.bundles if b.lifts})
    assert district.stats.households == 60 and len(writer.alive) == 60
    assert 0 < candidates < 60
    # a candidate's plan and its cheaper alternative, and the one plan just read back; keeping
    # every plan held all 60 and the candidates' alternatives
    assert max(writer.alive) <= 2 * candidates + 1 < 60 + candidates
    assert district.households == []
