"""The supervision report: aggregates by area and person, the rectification ledger, its import.

``planner.report.aggregate(households, findings, ...)`` counts a check run (streamed) into
:class:`Aggregates` (as data frames with :meth:`Aggregates.to_frames`); :func:`run_report`
checks, plans and writes ``ledger.xlsx``, ``report.json`` and ``report.html``;
:mod:`planner.report.status` reads an edited ledger back.
"""

from __future__ import annotations

from planner.report.aggregates import Aggregates, Aggregator, AreaStats, PersonStats, aggregate
from planner.report.ledger import Entry, LedgerRow, fingerprint
from planner.report.pipeline import ReportRun, run_report

__all__ = ["Aggregates", "Aggregator", "AreaStats", "Entry", "LedgerRow", "PersonStats",
           "ReportRun", "aggregate", "fingerprint", "run_report"]
