"""Where a record was read: file, sheet, rows and the model fields its source carries.

A reader pairs each record with its :class:`Source` (:class:`Sourced`); the checker copies it onto
the record's findings, so that every finding points back to the file, sheet and row(s) it came
from, and skips the rules that need a field the source does not carry (:class:`RuleSkipped`, one
notice per rule and source table, never a finding per household).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Source:
    """The place a record was read from.

    ``file`` is the path as the reader was given it; ``sheet`` the workbook sheet (``None`` for
    CSV, JSON and Parquet); ``rows`` the 1-based row numbers of a table (a household spans the
    rows of its members) or the 1-based record number of a JSON Lines or Parquet file; ``layout``
    the export layout recognised by its headers (``None``: planner's own layout). ``fields`` are
    the model fields the source carries (``member.birth_date``, ``water.quantity_ok``…);
    ``None`` means any field may be present (planner's own formats), so no rule is skipped.
    """

    file: str
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    layout: str | None = None
    fields: frozenset[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``fields`` left out: it is the same for every record of a table)."""
        return {"file": self.file, "sheet": self.sheet, "rows": list(self.rows),
                "layout": self.layout}


class Sourced(NamedTuple, Generic[R]):
    """A record read and its source; the checker accepts these wherever it takes records."""

    record: R
    source: Source | None


@dataclass(frozen=True, slots=True)
class RuleSkipped:
    """A rule not run on the records of one source table because it needs fields the table does
    not carry: reported once per rule and table (text, JSON and SARIF), never per record.

    ``missing`` are the model fields the rule needs that the source lacks; ``records`` how many
    records of the table the rule was skipped for.
    """

    code: str
    file: str
    sheet: str | None
    layout: str | None
    missing: tuple[str, ...]
    records: int = 0

    def message(self, language: str = "zh") -> str:
        """One line for people, in ``zh`` (default) or ``en``."""
        where = self.file if self.sheet is None else f"{self.file} [{self.sheet}]"
        fields = ", ".join(self.missing)
        if language == "zh":
            return (f"{where}：缺少字段 {fields}，"
                    f"规则 {self.code} 未对其中 {self.records} 条记录运行")
        return (f"{where}: rule {self.code} not run on its {self.records} records; the source "
                f"lacks {fields}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"code": self.code, "file": self.file, "sheet": self.sheet,
                "layout": self.layout, "missing": list(self.missing), "records": self.records}


__all__ = ["RuleSkipped", "Source", "Sourced"]
