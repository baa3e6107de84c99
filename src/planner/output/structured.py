"""Machine-readable outputs: JSON (one document), JSON Lines (one finding a line) and CSV."""

from __future__ import annotations

import csv
import json
from typing import Any

from planner.finding import Finding
from planner.io.formulas import neutralise
from planner.output import InputSummary, Writer
from planner.results import CheckStats
from planner.version import __version__


def _dumps(data: Any, indent: int | None = None) -> str:
    # Bare Infinity/NaN is not JSON: a reader would refuse the whole output (ValueError instead).
    return json.dumps(data, ensure_ascii=False, indent=indent, default=str, allow_nan=False)


class JsonWriter(Writer):
    """``{"tool", "reference_date", "findings": [...], "summary"}``, streamed finding by finding."""

    _first = True

    def start(self) -> None:
        head = {"tool": {"name": "planner", "version": __version__},
                "reference_date": self.info.reference_date.isoformat(),
                "inputs": list(self.info.inputs)}
        self.stream.write(_dumps(head)[:-1] + ', "findings": [')

    def emit(self, finding: Finding) -> None:
        self.stream.write(("\n  " if self._first else ",\n  ") + _dumps(finding.to_dict()))
        self._first = False

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        summary: dict[str, Any] = {"checks": stats.to_dict()}
        if inputs is not None:
            summary["inputs"] = inputs.to_dict()
        self.stream.write(("\n" if not self._first else "") + '], "summary": '
                          + _dumps(summary) + "}\n")


class JsonLinesWriter(Writer):
    """One JSON object per finding and line; totals go to the command's stderr."""

    def emit(self, finding: Finding) -> None:
        self.stream.write(_dumps(finding.to_dict()) + "\n")


CSV_COLUMNS = (
    "subject", "subject_kind", "member", "code", "name", "family", "severity", "message",
    "message_zh", "message_en", "waived", "waiver_reason", "waiver_approver", "waiver_expires",
    "proposes", "references", "evidence",
)


class CsvWriter(Writer):
    """One row per finding; ``message`` in the chosen language, evidence as JSON.

    Text that a spreadsheet would run as a formula (a subject ``=HYPERLINK(…)``) gets an
    apostrophe in front (:func:`planner.io.formulas.neutralise`).
    """

    def start(self) -> None:
        self._csv = csv.writer(self.stream, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def emit(self, finding: Finding) -> None:
        waiver = finding.waiver
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
        ))


__all__ = ["CSV_COLUMNS", "CsvWriter", "JsonLinesWriter", "JsonWriter"]
