"""The rectification ledger (整改台账): one row per finding to fix, with measure, who and when.

A row names the finding's town, village and subject (masked unless ``show_personal``), the
problem in the chosen language, the measure that fixes it (the household plan's item that
answers the finding, else the first measure the rule proposes), the responsible unit and person
(the household's helper), the deadline (the item's due date, else the reference date plus
``support.rectification_days``), the status and the verifier — those last two as an office
returned them (:mod:`planner.report.status`), else ``open``. Each row carries the finding's
:func:`fingerprint`, by which an edited ledger is read back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planner.finding import Finding
from planner.fingerprints import keyed_digest
from planner.measures import MeasureCatalog
from planner.planning.model import HouseholdPlan, PlanItem
from planner.privacy import mask_finding, mask_name
from planner.report.aggregates import finding_area
from planner.report.labels import FAMILY_LABELS, SEVERITY_LABELS, STATUS_LABELS, label


def fingerprint(subject: str, code: str, member: int | None, occurrence: int = 1) -> str:
    """A stable id of a finding from its subject (household id), code and member: the same
    problem of the same household has the same fingerprint run after run (keyed, so that it
    does not reveal the household id: :mod:`planner.fingerprints`). ``occurrence`` tells
    apart findings that share all three (one DQ008 per missing field): the second is ``…-2``."""
    digest = keyed_digest(f"{subject}\x1f{code}\x1f{'' if member is None else member}", 8)
    return digest if occurrence == 1 else f"{digest}-{occurrence}"


@dataclass(slots=True)
class Entry:
    """What an office wrote back about one finding: its status, verifier and note."""

    status: str = "open"
    verifier: str | None = None
    note: str | None = None
    deadline: date | None = None


@dataclass(slots=True)
class LedgerRow:
    """One finding to fix, ready to be written (personal data already masked when asked)."""

    fingerprint: str
    town: str
    village: str
    subject: str
    member: int | None
    code: str
    family: str
    severity: str
    problem: str
    measure: str
    unit: str
    person: str
    deadline: date | None
    status: str
    verifier: str
    note: str

    def cells(self, lang: str) -> list[Any]:
        """The row's cells in :data:`LEDGER_COLUMNS` order, codes as ``lang`` labels; nothing
        known is an empty cell (for the office to fill in)."""
        return [None if cell == "" else cell for cell in (
                self.fingerprint, self.town, self.village, self.subject, self.member, self.code,
                label(FAMILY_LABELS, self.family, lang),
                label(SEVERITY_LABELS, self.severity, lang),
                self.problem, self.measure, self.unit, self.person, self.deadline,
                label(STATUS_LABELS, self.status, lang), self.verifier, self.note)]


#: Ledger columns: (key, zh header, en header). The import reads them by key (fingerprint,
#: status, verifier, deadline, note) from either header.
LEDGER_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("fingerprint", "问题编号", "finding id"), ("town", "乡镇", "town"),
    ("village", "村", "village"), ("subject", "户编号/对象", "household / subject"),
    ("member", "成员", "member"), ("code", "问题代码", "code"), ("family", "问题类别", "kind"),
    ("severity", "严重程度", "severity"), ("problem", "问题", "problem"),
    ("measure", "整改措施", "measure"), ("unit", "责任单位", "responsible unit"),
    ("person", "责任人", "responsible person"), ("deadline", "整改时限", "deadline"),
    ("status", "整改状态", "status"), ("verifier", "核验人", "verifier"),
    ("note", "备注", "note"),
)


def ledger_header(lang: str) -> list[str]:
    """The ledger's header row in ``lang``."""
    return [zh if lang == "zh" else en for _, zh, en in LEDGER_COLUMNS]


class RowMaker:
    """Turns findings (with their household's plan and helper) into :class:`LedgerRow`.

    ``entries`` are the statuses read back by fingerprint; ``unit_of`` gives the responsible
    unit of a project by id (the project record's ``responsible``).
    """

    def __init__(self, catalog: MeasureCatalog, reference_date: date, rectification_days: int,
                 *, lang: str = "zh", show_personal: bool = False,
                 entries: Mapping[str, Entry] | None = None,
                 unit_of: Mapping[str, str] | None = None):
        self.catalog = catalog
        self.default_deadline = reference_date + timedelta(days=rectification_days)
        self.lang = lang
        self.show_personal = show_personal
        self.entries = entries or {}
        self.unit_of = unit_of or {}
        self._seen: dict[tuple[str, str, int | None], int] = {}
        self._subject: str | None = None

    def rows(self, findings: Iterable[Finding], plan: HouseholdPlan | None = None,
             helper: str | None = None) -> list[LedgerRow]:
        """The rows of ``findings`` to fix (waived ones are not), answered by ``plan``'s items;
        ``helper`` is the responsible person (the household's helper, unmasked)."""
        items = [*plan.items] if plan is not None else []
        return [self.row(f, items, helper) for f in findings if not f.waived]

    def row(self, finding: Finding, items: list[PlanItem], helper: str | None) -> LedgerRow:
        """The row of one finding."""
        if finding.subject != self._subject:  # findings come grouped by subject
            self._subject, self._seen = finding.subject, {}
        key = (finding.subject, finding.code, finding.member)
        self._seen[key] = occurrence = self._seen.get(key, 0) + 1
        mark = fingerprint(*key, occurrence)
        entry = self.entries.get(mark, Entry())
        shown = finding if self.show_personal else mask_finding(finding)
        item = _answering(finding, items)
        measure, unit, deadline = self._measure(finding, item)
        person = helper if self.show_personal else mask_name(helper)
        town, village = finding_area(finding)
        return LedgerRow(
            fingerprint=mark, town=town, village=village, subject=shown.subject,
            member=finding.member, code=finding.code, family=finding.family,
            severity=finding.severity, problem=shown.message(self.lang), measure=measure,
            unit=unit, person=person or "", deadline=entry.deadline or deadline,
            status=entry.status, verifier=entry.verifier or "", note=entry.note or "",
        )

    def _measure(self, finding: Finding, item: PlanItem | None) -> tuple[str, str, date | None]:
        zh = self.lang == "zh"
        if item is not None:
            return (item.label_zh if zh else item.label_en,
                    item.responsible_zh if zh else item.responsible_en,
                    item.due or self.default_deadline)
        unit = self.unit_of.get(finding.subject, "") if finding.subject_kind == "project" else ""
        for measure_id in finding.proposes:
            if measure_id in self.catalog:
                measure = self.catalog[measure_id]
                return (measure.label.text(self.lang), unit or measure.responsible.text(self.lang),
                        self.default_deadline)
        return "", unit, self.default_deadline


def _answering(finding: Finding, items: list[PlanItem]) -> PlanItem | None:
    """The plan item answering ``finding``: one whose reasons name its code (for a finding that
    points at another, such as a need left without a measure, that one's code), for its member
    (or the household), the earliest due first; a cancelled item answers nothing."""
    for code in (finding.refers_to, finding.code):
        found = [item for item in items
                 if code is not None and not item.cancelled and code in item.why_codes
                 and (finding.member is None or item.member in (None, finding.member))]
        if found:
            return min(found, key=lambda item: (item.due or date.max, item.key))
    return None


__all__ = ["LEDGER_COLUMNS", "Entry", "LedgerRow", "RowMaker", "fingerprint", "ledger_header"]
