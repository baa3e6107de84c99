"""The aggregates as data frames (polars, else pandas), for analysis beyond the report.

:func:`to_frames` (also :meth:`planner.report.Aggregates.to_frames`) returns a dict of frames,
one row per fact, flat columns, no nested values:

``areas``
    One row per area: the county, then each town, then each village. Columns: ``level``
    (county, town, village), ``town`` (the village's town; empty otherwise), ``name``,
    ``households``, ``households_with_findings``, ``findings``, ``waived``, ``data_problems``,
    ``data_problems_per_100``, ``problem_share``, ``projects_due``, ``projects_completed``,
    ``completion_rate``, ``completion_benchmark``, ``funds_allocated``, ``funds_disbursed``,
    ``disbursement_rate``, ``disbursement_benchmark``, ``pre_exit``, ``monitored``,
    ``on_track_exit``, ``on_track_risk_eliminated`` (rates as fractions, null when undefined;
    on-track counts null without a plan).
``counts``
    The findings of each area broken down, long form: ``level``, ``town``, ``name``,
    ``dimension`` (family, code or severity), ``key`` (the family, code or severity),
    ``count``.
``rankings``
    ``ranking`` (as in ``report.json``: ``towns_by_completion`` …), ``rank`` (1 = worst),
    ``area`` (a town, or ``town/village``).
``helpers`` and ``collectors``
    One row per helper (帮扶责任人) or data collector (信息采集人): ``name`` (masked unless the
    aggregates were made with ``show_personal``), ``organisation``, ``households``,
    ``households_with_findings``, ``findings``, ``overdue_measures``, ``overdue_visits``,
    ``data_problems``.

The library is chosen as for every frame of planner (:func:`planner.frames.frame`: the one
asked for, else pandas, else polars; extras ``pandas``, ``polars`` or ``frames``); with neither
installed it raises :class:`~planner.extras.MissingExtra`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from planner.report.aggregates import PersonStats

if TYPE_CHECKING:
    from planner.report.aggregates import Aggregates

_AREA_COLUMNS = ("level", "town", "name", "households", "households_with_findings", "findings",
                 "waived", "data_problems", "data_problems_per_100", "problem_share",
                 "projects_due", "projects_completed", "completion_rate", "completion_benchmark",
                 "funds_allocated", "funds_disbursed", "disbursement_rate",
                 "disbursement_benchmark", "pre_exit", "monitored", "on_track_exit",
                 "on_track_risk_eliminated")
_COUNT_COLUMNS = ("level", "town", "name", "dimension", "key", "count")
_RANK_COLUMNS = ("ranking", "rank", "area")
_PERSON_COLUMNS = tuple(f.name for f in fields(PersonStats))
_TEXT = {"level", "town", "name", "dimension", "key", "ranking", "area", "organisation"}
_FLOAT = {"data_problems_per_100", "problem_share", "completion_rate", "completion_benchmark",
          "funds_allocated", "funds_disbursed", "disbursement_rate", "disbursement_benchmark"}
def tables(aggregates: Aggregates) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """The frames' contents as plain rows: name → (columns, rows)."""
    areas: list[tuple[Any, ...]] = []
    counts: list[tuple[Any, ...]] = []
    for area in (aggregates.county, *aggregates.towns, *aggregates.villages):
        town = area.town or ""
        areas.append((area.level, town, area.name, area.households,
                      area.households_with_findings, area.findings, area.waived,
                      area.data_problems, area.data_problems_per_100, area.problem_share,
                      area.projects_due, area.projects_completed, area.completion_rate,
                      aggregates.completion_benchmark, area.funds_allocated,
                      area.funds_disbursed, area.disbursement_rate,
                      aggregates.disbursement_benchmark, area.pre_exit, area.monitored,
                      area.on_track_exit, area.on_track_risk_eliminated))
        for dimension, counter in (("family", area.by_family), ("code", area.by_code),
                                   ("severity", area.by_severity)):
            counts += [(area.level, town, area.name, dimension, key, count)
                       for key, count in sorted(counter.items())]
    rankings = [(ranking, rank, name) for ranking, names in aggregates.rankings().items()
                for rank, name in enumerate(names, start=1)]

    def people(found: list[PersonStats]) -> list[tuple[Any, ...]]:
        return [tuple(getattr(p, column) for column in _PERSON_COLUMNS) for p in found]

    return {"areas": (_AREA_COLUMNS, areas), "counts": (_COUNT_COLUMNS, counts),
            "rankings": (_RANK_COLUMNS, rankings),
            "helpers": (_PERSON_COLUMNS, people(aggregates.helpers)),
            "collectors": (_PERSON_COLUMNS, people(aggregates.collectors))}


def to_frames(aggregates: Aggregates, library: str | None = None) -> dict[str, Any]:
    """The aggregates as data frames of ``library`` ("pandas" or "polars"; by default as
    :func:`planner.frames.frame` chooses): ``areas``, ``counts``, ``rankings``, ``helpers``,
    ``collectors`` (see the module's documentation for their columns). Raises
    :class:`~planner.extras.MissingExtra` when the library is not installed."""
    from planner.frames import frame

    frames: dict[str, Any] = {}
    for key, (columns, rows) in tables(aggregates).items():
        types = {column: "text" if column in _TEXT else "float" if column in _FLOAT else "int"
                 for column in columns}
        frames[key] = frame([dict(zip(columns, row, strict=True)) for row in rows], columns,
                            library, types)
    return frames


__all__ = ["tables", "to_frames"]
