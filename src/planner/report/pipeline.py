"""One report run: check (and plan) a dataset as it streams, count it and write its files.

Each household is counted, checked, planned with its own findings (not checked twice) and
written to the ledger before the next is read: what is kept is the aggregates' counts and, per
household, its area and helper. The files are written together or not at all
(:class:`planner.atomic.Replacement`): ``report.json`` (the aggregates), ``report.html`` (the
report a leader reads, :mod:`planner.report.html`) and ``ledger.xlsx``.
Further renderings of the same run (the HTML report) are functions of :data:`RENDERERS`: they
receive the :class:`ReportRun` once the run has been counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.atomic import Replacement
from planner.backends.python.engine import Checker
from planner.backends.python.facts import derive_project
from planner.finding import Finding
from planner.io import Dataset
from planner.model import Household
from planner.params import ParameterError, ParamValues
from planner.report.aggregates import Aggregates, Aggregator
from planner.report.book import LedgerBook
from planner.report.html import HTML_FILE, ReportSample, write_html
from planner.report.ledger import Entry, LedgerRow, RowMaker
from planner.results import CheckStats
from planner.run import Run
from planner.source import Sourced
from planner.version import __version__

LEDGER_FILE = "ledger.xlsx"
REPORT_FILE = "report.json"


@dataclass(slots=True)
class ReportRun:
    """What a report run produced: the aggregates, the check's counts, the input counts and
    the ledger rows written (and how many still open); ``sample`` is what the HTML report shows
    beyond the counts (the first ledger rows, an example per code, the plan workload)."""

    aggregates: Aggregates
    stats: CheckStats
    inputs: dict[str, Any]
    ledger_rows: int
    ledger_open: int
    lang: str
    sample: ReportSample = field(default_factory=ReportSample)
    show_personal: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``report.json``: tool, aggregates, check counts, inputs, ledger totals."""
        return {"tool": {"name": "planner", "version": __version__},
                **self.aggregates.to_dict(), "checks": self.stats.to_dict(),
                "inputs": self.inputs,
                "ledger": {"rows": self.ledger_rows, "open": self.ledger_open}}


def _value(values: ParamValues, name: str) -> Any:
    try:
        return values[name]
    except ParameterError:
        return None


def write_json(report: ReportRun, path: Path) -> None:
    """Write ``report.json``."""
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
                    + "\n", encoding="utf-8")


#: Renderings written from a counted run besides the ledger: file name → writer.
RENDERERS: dict[str, Callable[[ReportRun, Path], None]] = {REPORT_FILE: write_json,
                                                          HTML_FILE: write_html}


def run_report(
    run: Run,
    dataset: Dataset,
    out_dir: str | Path,
    *,
    lang: str = "zh",
    show_personal: bool = False,
    plan: bool = True,
    entries: Mapping[str, Entry] | None = None,
    progress: Callable[[Iterable[Any]], Iterator[Any]] | None = None,
) -> ReportRun:
    """Check ``dataset`` under ``run`` (the Python backend, in this process), plan each household
    unless ``plan`` is false, and write ``ledger.xlsx`` and ``report.json`` into ``out_dir``.

    ``entries`` are the statuses an office returned (:func:`planner.report.status.load_status`),
    by finding fingerprint. ``progress`` wraps the household stream (a live count on a
    terminal). Names, ID and phone numbers are masked unless ``show_personal``.
    """
    from planner.planning import DistrictPlanner

    values = run.values
    when = run.reference_date
    counter = Aggregator(
        when, completion_benchmark=_value(values, "projects.completion_benchmark"),
        disbursement_benchmark=_value(values, "projects.disbursement_benchmark"),
        show_personal=show_personal)
    maker = RowMaker(run.catalog, when, int(_value(values, "support.rectification_days") or 30),
                     lang=lang, show_personal=show_personal, entries=entries,
                     unit_of={p.id: p.responsible for p in dataset.projects if p.responsible})
    checker = Checker(run)
    planner = DistrictPlanner(run=run, villages=dataset.villages, projects=dataset.projects,
                              show_names=show_personal) if plan else None
    out = Path(out_dir)
    sample = ReportSample()
    with Replacement() as files:
        book = LedgerBook(out / LEDGER_FILE, files, lang=lang, show_personal=show_personal,
                          plan=plan)

        def add(row: LedgerRow) -> None:
            book.add(row)
            sample.add_row(row)
        try:
            pending: list[Finding] = []

            def close(item: Sourced[Household]) -> None:
                household = item.record
                helper = household.helper
                name = helper.name if helper is not None else None
                result = None
                if planner is not None:
                    result = planner.plan_household(household, item.source, findings=pending)
                    counter.add_plan(result)
                    sample.add_plan(result)
                for row in maker.rows(pending, result, name):
                    add(row)
                if result is not None:
                    book.add_plan(result, name, helper.organisation if helper else None)
                pending.clear()

            current: list[str] = []

            def households() -> Iterator[Sourced[Household]]:
                stream: Iterable[Sourced[Household]] = dataset.sourced()
                for item in (progress(stream) if progress is not None else stream):
                    counter.add_household(item.record)
                    current[:] = [item.record.id]
                    yield item
                    # the checker asks for the next household once it has yielded this one's
                    close(item)
                    current.clear()

            for finding in checker.iter_findings(households(), dataset.sourced_villages(),
                                                 dataset.sourced_projects()):
                counter.add_finding(finding)
                if current and finding.subject_kind == "household" \
                        and finding.subject == current[0]:
                    pending.append(finding)
                else:
                    for row in maker.rows([finding]):
                        add(row)
            for project in dataset.projects:
                counter.add_project(derive_project(project, when))
        finally:  # an unfinished workbook is discarded with the other files (Replacement)
            aggregates = counter.result()
            book.close(aggregates)
        report = ReportRun(
            aggregates=aggregates, stats=checker.stats,
            inputs={"read": dataset.stats.read, "accepted": dataset.stats.accepted,
                    "rejected": dataset.stats.rejected},
            ledger_rows=sum(book.rows_by_town.values()),
            ledger_open=sum(book.open_by_town.values()), lang=lang, sample=sample,
            show_personal=show_personal)
        for name, render in RENDERERS.items():
            render(report, files.path(out / name))
    return report


__all__ = ["LEDGER_FILE", "RENDERERS", "REPORT_FILE", "ReportRun", "run_report", "write_json"]
