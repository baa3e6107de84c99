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
from functools import partial
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


#: What a report does with a household and the findings of its turn (``None``: findings in no
#: household's turn).
Take = Callable[["Sourced[Household] | None", list[Finding]], None]


def check_in_process(
    checker: Checker, dataset: Dataset, take: Take,
    progress: Callable[[Iterable[Any]], Iterator[Any]] | None = None,
) -> None:
    """Run ``checker`` over ``dataset`` in this process and hand ``take`` what
    :meth:`planner.parallel.ParallelRun.checked` gives: each household with the findings of its
    turn, in input order, and ``(None, [finding])`` for a finding in no household's turn.

    The checker's own stream is read (either backend: the columnar one judges a batch at a
    time, then checks its households one by one); a household is taken when the checker asks
    for the next one, so nothing but the household being checked is kept.
    """
    stream: Iterable[Sourced[Household]] = dataset.sourced()
    if progress is not None:
        stream = progress(stream)
    check = checker.iter_findings
    judged = getattr(checker, "judged", None)
    if judged is not None:  # judged a batch at a time here, then checked one by one below
        stream = judged(stream)
        check = partial(Checker.iter_findings, checker)
    turn: list[Finding] = []
    current: list[str] = []

    def households() -> Iterator[Sourced[Household]]:
        for item in stream:
            current[:] = [item.record.id]
            yield item
            # the checker asks for the next household once it has yielded this one's findings
            current.clear()
            take(item, turn)
            turn.clear()

    for finding in check(households(), dataset.sourced_villages(), dataset.sourced_projects()):
        if current and finding.subject_kind == "household" and finding.subject == current[0]:
            turn.append(finding)
        else:
            take(None, [finding])


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
    checker: Checker | None = None,
    checked: Iterable[tuple[Sourced[Household] | None, list[Finding]]] | None = None,
) -> ReportRun:
    """Check ``dataset`` under ``run``, plan each household unless ``plan`` is false, and write
    ``ledger.xlsx``, ``report.json`` and ``report.html`` into ``out_dir``.

    ``checker`` is the checker of the backend to run (default: the Python one,
    :func:`planner.cli.backend.start_checker` gives either); ``checked`` is the run of
    ``checker`` made elsewhere, grouped by household: on worker processes
    (:meth:`planner.parallel.ParallelRun.checked`) or a dask cluster
    (:func:`planner.distributed.check.checked_dataset`), their recipe with ``records``, and
    ``progress`` then left to it. Households are counted, planned and written here, in input
    order, so the files are the same wherever they were checked and on either backend.
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
    if checker is None:
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

        def close(item: Sourced[Household], findings: list[Finding]) -> None:
            household = item.record
            helper = household.helper
            name = helper.name if helper is not None else None
            result = None
            if planner is not None:
                result = planner.plan_household(household, item.source, findings=findings)
                counter.add_plan(result)
                sample.add_plan(result)
            for row in maker.rows(findings, result, name):
                add(row)
            if result is not None:
                book.add_plan(result, name, helper.organisation if helper else None)

        def take(item: Sourced[Household] | None, findings: list[Finding]) -> None:
            if item is None:
                for finding in findings:
                    counter.add_finding(finding)
                    for row in maker.rows([finding]):
                        add(row)
                return
            counter.add_household(item.record)
            for finding in findings:
                counter.add_finding(finding)
            close(item, findings)

        try:
            if checked is not None:
                for item, findings in checked:
                    take(item, findings)
            else:
                check_in_process(checker, dataset, take, progress)
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


__all__ = ["LEDGER_FILE", "RENDERERS", "REPORT_FILE", "ReportRun", "Take",
           "check_in_process", "run_report", "write_json"]
