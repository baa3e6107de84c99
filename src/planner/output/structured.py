"""Machine-readable outputs: JSON (one document), JSON Lines (one finding a line) and CSV.

A finding read from a file carries ``region`` (``{"town", "village"}``, the parts known) and
``source`` (:meth:`planner.source.Source.to_dict`) in JSON and JSON Lines, only when known: a
finding without them is written as before. CSV has fixed columns for them (``town``,
``village``, ``source_file``, ``source_sheet``, ``source_rows``), left empty when unknown, so
that every CSV of a run has the same header. The input warnings and the rules skipped for a
source (:class:`planner.source.RuleSkipped`) are in the JSON summary (``input_warnings``,
``skipped_rules``); JSON Lines has no summary record (the totals go to the command's stderr).
"""

from __future__ import annotations

import csv
import json
from typing import Any

from planner.finding import Finding, region_dict
from planner.io.formulas import neutralise
from planner.output import InputSummary, Writer
from planner.output.places import problem_dict, problem_text
from planner.output.schemas import FINDINGS_FORMAT
from planner.results import CheckStats
from planner.version import __version__


def _dumps(data: Any, indent: int | None = None) -> str:
    # Bare Infinity/NaN is not JSON: a reader would refuse the whole output (ValueError instead).
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str, allow_nan=False)


class JsonWriter(Writer):
    """``{"format", "tool", "reference_date", "inputs", "findings": [...], "summary"}``, streamed
    finding by finding; its JSON Schema is :data:`planner.output.schemas.FINDINGS`."""

    _first = True

    def start(self) -> None:
        head = {"format": FINDINGS_FORMAT, "tool": {"name": "planner", "version": __version__},
                "reference_date": self.info.reference_date.isoformat(),
                "inputs": list(self.info.inputs)}
        self.stream.write(_dumps(head)[:-1] + ', "findings": [')

    def emit(self, finding: Finding) -> None:
        self.stream.write(("\n  " if self._first else ",\n  ") + _dumps(finding.to_dict()))
        self._first = False

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        summary = summary_dict(stats, inputs, self.info.show_personal)
        self.stream.write(("\n" if not self._first else "") + '], "summary": '
                          + _dumps(summary) + "}\n")


def summary_dict(stats: CheckStats, inputs: InputSummary | None, show_personal: bool = False,
                 ) -> dict[str, Any]:
    """The ``summary`` of the JSON output: the counts, and the input errors (masked unless
    ``show_personal``), warnings and skipped rules."""
    summary: dict[str, Any] = {"checks": stats.to_dict()}
    if inputs is not None:
        summary["inputs"] = {**inputs.to_dict(),
                             "errors": [problem_text(e, show_personal) for e in inputs.errors]}
        summary["input_warnings"] = [problem_dict(w, show_personal) for w in inputs.warnings]
        summary["skipped_rules"] = [skipped.to_dict() for skipped in inputs.skipped]
    return summary


class JsonLinesWriter(Writer):
    """One JSON object per finding and line; totals go to the command's stderr."""

    def emit(self, finding: Finding) -> None:
        self.stream.write(_dumps(finding.to_dict()) + "\n")


CSV_COLUMNS = (
    "subject", "subject_kind", "member", "code", "name", "family", "severity", "message",
    "message_zh", "message_en", "waived", "waiver_reason", "waiver_approver", "waiver_expires",
    "proposes", "references", "evidence",
    "town", "village", "source_file", "source_sheet", "source_rows",
)


class CsvWriter(Writer):
    """One row per finding; ``message`` in the chosen language, evidence as JSON; the source
    rows joined by ``;`` as the other lists are (``5;6;7``: a span ``5-7`` would open as a date).

    Text that a spreadsheet would run as a formula (a subject ``=HYPERLINK(…)``) gets an
    apostrophe in front (:func:`planner.io.formulas.neutralise`).
    """

    def start(self) -> None:
        self._csv = csv.writer(self.stream, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def emit(self, finding: Finding) -> None:
        waiver = finding.waiver
        region = region_dict(finding.region)
        source = finding.source
        self._csv.writerow(neutralise(cell) for cell in (
            finding.subject, finding.subject_kind,
            "" if finding.member is None else finding.member,
            finding.code, finding.name, finding.family, finding.severity,
            finding.message(self.info.lang), finding.message_zh, finding.message_en,
            "yes" if finding.waived else "no",
            waiver.reason if waiver else "", waiver.approver if waiver else "",
            waiver.expires.isoformat() if waiver else "",
            ";".join(finding.proposes), ";".join(finding.references),
            _dumps(finding.evidence),
            region.get("town", ""), region.get("village", ""),
            source.file if source else "", (source.sheet or "") if source else "",
            ";".join(map(str, source.rows)) if source else "",
        ))


__all__ = ["CSV_COLUMNS", "CsvWriter", "JsonLinesWriter", "JsonWriter", "summary_dict"]
