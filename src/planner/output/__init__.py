"""Outputs of a check run: text, JSON, JSON Lines, CSV and SARIF 2.1.0, all streamed.

A writer receives findings one at a time (``write``) between ``start`` and ``finish``, so a run
over a million households never holds its findings in memory. Personal data is masked in every
format unless ``show_personal`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from planner.finding import Finding
from planner.privacy import mask_finding
from planner.registry import RuleSet
from planner.results import CheckStats
from planner.source import RuleSkipped

FORMATS = ("text", "json", "jsonl", "csv", "sarif")


@dataclass(slots=True)
class RunInfo:
    """What a writer knows about the run before the first finding."""

    rules: RuleSet
    reference_date: date
    lang: str = "zh"
    show_personal: bool = False
    explain: bool = False
    inputs: Sequence[str] = ()
    config: str | None = None
    color: bool | None = None
    catalog: Any = None


@dataclass(slots=True)
class InputSummary:
    """Records read, accepted and rejected, the input errors and warnings to report, and the
    rules skipped for sources that lack the fields they need (:class:`planner.source.RuleSkipped`).
    """

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    skipped: list[RuleSkipped] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (errors as text)."""
        return {"read": self.read, "accepted": self.accepted, "rejected": self.rejected,
                "errors": [str(e) for e in self.errors]}


class Writer:
    """Base of the output writers: masks findings, then hands them to :meth:`emit`."""

    def __init__(self, stream: TextIO, info: RunInfo):
        self.stream = stream
        self.info = info

    def start(self) -> None:
        """Write whatever comes before the first finding."""

    def write(self, finding: Finding) -> None:
        """Write one finding (masked unless ``show_personal``)."""
        self.emit(finding if self.info.show_personal else mask_finding(finding))

    def emit(self, finding: Finding) -> None:
        raise NotImplementedError

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        """Write whatever comes after the last finding (totals, closing brackets)."""


def get_writer(fmt: str, stream: TextIO, info: RunInfo) -> Writer:
    """The writer for ``fmt`` (one of :data:`FORMATS`)."""
    from planner.output.sarif import SarifWriter
    from planner.output.structured import CsvWriter, JsonLinesWriter, JsonWriter
    from planner.output.text import TextWriter

    writers: dict[str, type[Writer]] = {
        "text": TextWriter, "json": JsonWriter, "jsonl": JsonLinesWriter, "csv": CsvWriter,
        "sarif": SarifWriter,
    }
    if fmt not in writers:
        raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](stream, info)


__all__ = ["FORMATS", "InputSummary", "RunInfo", "Writer", "get_writer", "mask_finding"]
