"""The ledger workbook (ledger.xlsx): a summary, one sheet per town, the responsibility lists.

Rows are written as they come (XlsxWriter in constant-memory mode through
:class:`~planner.io.workbook.ReportTables`): a town's sheet is added at its first finding,
the summary sheet comes first and is filled on :meth:`LedgerBook.close` from the aggregates.
The responsibility lists (责任清单) hold one row per plan item still to do, in input order: by
village (village, household, measure, unit, person, deadline, status) and by helper (the same
with the helper first); filter a column to see one village's or one helper's list.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from planner.atomic import Replacement
from planner.fingerprints import key_id
from planner.io.workbook import ReportTables, sheet_name
from planner.planning.labels import STATUS_LABELS as ITEM_STATUS_LABELS
from planner.planning.model import HouseholdPlan
from planner.privacy import mask_name, mask_numbers
from planner.report.aggregates import UNKNOWN_AREA, Aggregates, AreaStats
from planner.report.ledger import LedgerRow, ledger_header

_SHEETS = {"summary": ("汇总", "Summary"), "by_village": ("村责任清单", "By village"),
           "by_helper": ("帮扶责任人清单", "By helper")}
#: The hidden sheet listing the fingerprint of every ledger row written; its header's second
#: cell names the fingerprint key (``key:`` and :func:`planner.fingerprints.key_id`).
IDS_SHEET = "_ids"
KEY_PREFIX = "key:"
_SUMMARY = (("乡镇", "town"), ("检查户数", "households"),
            ("有问题户数", "households with findings"), ("问题数", "findings"),
            ("每百户数据问题", "data problems per 100 households"),
            ("项目竣工率(%)", "project completion (%)"),
            ("竣工率基准(%)", "completion benchmark (%)"),
            ("资金拨付率(%)", "fund disbursement (%)"),
            ("拨付率基准(%)", "disbursement benchmark (%)"),
            ("台账条数", "ledger rows"), ("未整改", "not rectified"))
_ITEMS = (("村", "village"), ("户编号", "household"), ("成员", "member"),
          ("措施", "measure"), ("原因", "why"), ("责任单位", "responsible unit"),
          ("责任人", "responsible person"), ("完成时限", "deadline"), ("状态", "status"))
_HELPER = (("帮扶责任人", "helper"), ("帮扶单位", "organisation"))


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


class LedgerBook:
    """Writes ledger.xlsx row by row; :meth:`close` adds the summary and commits the file."""

    def __init__(self, path: Path, files: Replacement, *, lang: str = "zh",
                 show_personal: bool = False, plan: bool = True):
        self.lang = lang
        self.show_personal = show_personal
        self._summary = _pick(_SHEETS["summary"], lang)
        self.book = ReportTables(path, self._summary, [_pick(p, lang) for p in _SUMMARY], files)
        self._towns: dict[str, str] = {}
        # Every fingerprint written, hidden: the import refuses a row whose id is not one.
        self.book.start(IDS_SHEET, [IDS_SHEET, KEY_PREFIX + key_id()])
        self.book.hide(IDS_SHEET)
        if plan:  # the lists come before the towns' sheets, which are added as they come
            for key, header in (("by_village", _ITEMS), ("by_helper", (*_HELPER, *_ITEMS))):
                self.book.start(_pick(_SHEETS[key], lang), [_pick(p, lang) for p in header])
        self.rows_by_town: Counter[str] = Counter()
        self.open_by_town: Counter[str] = Counter()

    def add(self, row: LedgerRow) -> None:
        """Write one ledger row in its town's sheet."""
        town = row.town or UNKNOWN_AREA
        sheet = self._towns.get(town)
        if sheet is None:
            taken = [self._summary, IDS_SHEET, *self._towns.values(),
                     *(_pick(s, self.lang) for s in _SHEETS.values())]
            sheet = self._towns[town] = sheet_name(town, taken)
            self.book.start(sheet, ledger_header(self.lang))
        self.book.write(sheet, (), row.cells(self.lang))
        self.book.write(IDS_SHEET, (), [row.fingerprint])
        self.rows_by_town[town] += 1
        self.open_by_town[town] += row.status in ("open", "in_progress")

    def add_plan(self, plan: HouseholdPlan, helper: str | None, organisation: str | None,
                 ) -> None:
        """Write a household plan's items still to do in the responsibility lists."""
        lang = self.lang
        person = (helper if self.show_personal else mask_name(helper)) or ""
        household = plan.household if self.show_personal else mask_numbers(plan.household)
        village = plan.village_name or plan.village or ""
        by_village, by_helper = (_pick(_SHEETS[k], lang) for k in ("by_village", "by_helper"))
        for item in plan.items:
            if item.cancelled or item.status == "done":
                continue
            cells: list[Any] = [
                village, household, item.member, item.label_zh if lang == "zh" else item.label_en,
                ("；" if lang == "zh" else "; ").join(item.why_labels(lang)),
                item.responsible_zh if lang == "zh" else item.responsible_en, person, item.due,
                _pick(ITEM_STATUS_LABELS.get(item.status, (item.status, item.status)), lang)]
            self.book.write(by_village, (), cells)
            self.book.write(by_helper, (), [person, organisation or "", *cells])

    def close(self, aggregates: Aggregates) -> None:
        """Fill the summary (each town, then the county) and finish the workbook."""
        for town in aggregates.towns:
            self.book.write(self._summary, (), self._summary_row(town, aggregates))
        total = self._summary_row(aggregates.county, aggregates)
        total[0] = f"{aggregates.county.name}（合计）" if self.lang == "zh" else \
            f"{aggregates.county.name} (total)"
        self.book.write(self._summary, (), total)
        self.book.close()

    def _summary_row(self, area: AreaStats, aggregates: Aggregates) -> list[Any]:
        county = area.level == "county"
        rows = sum(self.rows_by_town.values()) if county else self.rows_by_town[area.name]
        still = sum(self.open_by_town.values()) if county else self.open_by_town[area.name]
        return [area.name, area.households, area.households_with_findings, area.findings,
                area.data_problems_per_100, _percent(area.completion_rate),
                _percent(aggregates.completion_benchmark), _percent(area.disbursement_rate),
                _percent(aggregates.disbursement_benchmark), rows, still]


__all__ = ["IDS_SHEET", "KEY_PREFIX", "LedgerBook"]
