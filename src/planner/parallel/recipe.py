"""What a worker process needs to rebuild a run: plain, picklable settings, never compiled rules."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from planner.selection import Selection

if TYPE_CHECKING:
    from planner.io.options import ReadOptions
    from planner.run import Run


@dataclass(frozen=True, slots=True)
class Recipe:
    """The settings a run was built from (:meth:`planner.run.Run.from_config`), so that another
    process builds the same run: local rule files and plugin packs are loaded there again.

    ``reference_date`` is the date the run resolved (so that a run crossing midnight does not
    mix two days).
    ``column_map``, ``income_year`` and ``mask`` are the reading options of the households;
    ``backend`` is the one the checks run on (``python``, ``columnar`` or ``durable``);
    ``records``: send each valid household back with its findings (built, never left unbuilt),
    for a caller that counts and plans households where the parts meet (``planner report``).
    """

    config_file: str | None
    inputs: tuple[str, ...]
    reference_date: date
    selection: Selection | None = None
    rule_paths: tuple[str, ...] = ()
    param_files: tuple[str, ...] = ()
    measure_files: tuple[str, ...] = ()
    waiver_files: tuple[str, ...] = ()
    explain: bool = False
    rule_timeout: float | None = None
    column_map: str | None = None
    income_year: int | None = None
    mask: bool = True
    province: str | None = None
    backend: str = "python"
    records: bool = False

    def build_run(self) -> Run:
        """The run, built as the command that made this recipe built it."""
        from planner.config import resolve_config
        from planner.run import Run

        config = resolve_config(self.config_file, self.inputs)
        # The rule files loaded within their budget in the process that made the recipe; loaded
        # again here, by several workers at once on a busy machine, they get no budget, so that a
        # run is never refused in a worker for what its own process accepted.
        run = Run.from_config(
            config, rule_paths=self.rule_paths, param_files=self.param_files,
            measure_files=self.measure_files, waiver_files=self.waiver_files,
            selection=self.selection, reference_date=self.reference_date, explain=self.explain,
            rule_timeout=None, province=self.province,
        )
        return dataclasses.replace(run, rule_timeout=self.rule_timeout)

    def read_options(self) -> ReadOptions:
        """How the households' records are validated."""
        from planner.io.columns import resolve_column_map
        from planner.io.options import ReadOptions

        return ReadOptions(resolve_column_map(self.column_map), self.income_year, self.mask)


__all__ = ["Recipe"]
