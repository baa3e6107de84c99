"""Plan outputs: JSON, one row per item (CSV, XLSX with summary sheets), and a text report.

Rows carry the household, member, action (``add``, ``keep``, ``cancel``), measure (id and zh/en
label), why (codes and zh/en labels), start, due, responsible department, helper (masked unless the
plan was made with names shown), cost and gain. Measures to cancel follow each household's items;
village works are rows too, with the village and no household.

CSV, JSON Lines and text are written household by household (:func:`plan_stream`), so a district
planned with :meth:`DistrictPlanner.iter_plans` is written without keeping its plans; JSON and XLSX
need the whole :class:`DistrictPlan`.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from planner.atomic import Replacement, atomic_open
from planner.atomic import write_text as write_whole_text
from planner.idnumber import ID_PATTERN, MOBILE_PATTERN
from planner.io.formulas import neutralise
from planner.planning.allocate import Method
from planner.planning.district import DistrictPlan, DistrictPlanner
from planner.planning.labels import ACTION_LABELS, STATUS_LABELS, pick
from planner.planning.model import HouseholdPlan, PlanItem
from planner.planning.schema import versioned
from planner.planning.village import VillageWork
from planner.printable import printable
from planner.privacy import mask_data, mask_numbers

#: Row columns, with the bilingual header used in spreadsheets.
COLUMNS = {
    "household": "户编号 household", "town": "乡镇 town", "village": "村 village",
    "member": "成员 member",
    "action": "操作 action", "measure": "措施 measure", "label_zh": "措施名称",
    "label_en": "measure name", "family": "类别 family", "status": "状态 status",
    "why": "原因代码 why", "why_zh": "原因", "why_en": "why (label)",
    "reason_zh": "原因说明", "reason_en": "reason", "start": "开始 start", "due": "完成 due",
    "late": "逾期 late", "responsible_zh": "责任单位", "responsible_en": "responsible",
    "helper": "帮扶责任人 helper", "cost": "成本（元） cost", "gain": "年增收（元） gain",
    "funded": "已获资助 funded",
}


#: Every ID or mobile number starts a run of at least eleven ASCII digits.
_RUN = re.compile("[0-9]{11,}")


def _holds_number(text: str) -> bool:
    """Whether ``text`` holds an ID or mobile number: plan lines hold 12-digit division codes
    and dates, rarely a number to mask, and walking every string of every line to mask it cost
    more than planning the household. The patterns' look-behinds make ``re`` try every position
    (0.4 ms for a line of 2,000 characters), so only the runs of digits found first are tried,
    each with the six characters after it (an ID's ``X`` and four more digits, then one)."""
    for run in _RUN.finditer(text):
        piece = text[run.start():run.end() + 6]
        if ID_PATTERN.search(piece) or MOBILE_PATTERN.search(piece):
            return True
    return False


def _masked(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its ID and mobile numbers masked (:func:`planner.privacy.mask_data`),
    walked only when one of its strings holds one (the newline between them is no digit)."""
    if _holds_number("\n".join(value for value in data.values() if isinstance(value, str))):
        return mask_data(data)
    return data


def why_codes(item: PlanItem) -> list[str]:
    """What an item answers, as codes (:attr:`PlanItem.why_codes`)."""
    return item.why_codes


def _item_row(result: HouseholdPlan, item: PlanItem) -> dict[str, Any]:
    return {
        "household": result.household, "town": result.town or "",
        "village": result.village_name or result.village or "",
        "member": item.member, "action": item.action, "measure": item.measure,
        "label_zh": item.label_zh, "label_en": item.label_en, "family": item.family,
        "status": item.status, "why": ";".join(item.why_codes),
        "why_zh": "；".join(item.why_labels("zh")), "why_en": "; ".join(item.why_labels("en")),
        "reason_zh": item.reason_zh, "reason_en": item.reason_en,
        "start": item.start.isoformat() if item.start else "",
        "due": item.due.isoformat() if item.due else "", "late": item.late,
        "responsible_zh": item.responsible_zh, "responsible_en": item.responsible_en,
        "helper": item.helper or "", "cost": round(item.cost, 2), "gain": round(item.gain, 2),
        "funded": "" if item.funded is None else item.funded,
    }


def _work_row(work: VillageWork) -> dict[str, Any]:
    why_zh, why_en = work.why or ["本村待完工程"], work.why or ["pending village work"]
    return {
        "household": "", "town": "", "village": work.village_name or work.village,
        "member": None,
        "action": "keep" if work.source in ("work", "project") else "add",
        "measure": work.measure, "label_zh": work.label_zh, "label_en": work.label_en,
        "family": "infrastructure", "status": "pending", "why": ";".join(work.why),
        "why_zh": "；".join(why_zh), "why_en": "; ".join(why_en),
        "reason_zh": work.reason_zh, "reason_en": work.reason_en,
        "start": work.start.isoformat(), "due": work.due.isoformat(), "late": work.behind,
        "responsible_zh": work.responsible_zh, "responsible_en": work.responsible_en,
        "helper": "", "cost": round(work.cost, 2), "gain": 0.0, "funded": "",
    }


def plan_rows(plan: DistrictPlan | Iterable[HouseholdPlan]) -> Iterator[dict[str, Any]]:
    """One row per scheduled item, then per measure to cancel (action ``cancel``), household by
    household (village works last when a district plan is given)."""
    households = plan.households if isinstance(plan, DistrictPlan) else plan
    for result in households:
        for item in (*result.items, *result.to_cancel):
            yield _item_row(result, item)
    if isinstance(plan, DistrictPlan):
        for work in plan.works:
            yield _work_row(work)


class PlanStream:
    """Writes household plans as they come (:meth:`write`), then the district (:meth:`close`)."""

    def __init__(self, out: IO[str], language: str = "zh", mask: bool = True) -> None:
        self.out = out
        self.language = language
        # Household ids may be ID numbers: masked in every format unless names are shown.
        self.mask = mask

    def write(self, result: HouseholdPlan) -> None:
        """Write one household's plan."""
        raise NotImplementedError

    def close(self, plan: DistrictPlan) -> None:
        """Write what comes after the households: village works and the district summary."""


class CsvStream(PlanStream):
    """CSV rows (:data:`COLUMNS`): each household's items, then the village works."""

    def __init__(self, out: IO[str], language: str = "zh", mask: bool = True) -> None:
        super().__init__(out, language, mask)
        self._writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        self._writer.writeheader()

    def write(self, result: HouseholdPlan) -> None:
        """One row per item, then per measure to cancel."""
        for row in plan_rows([result]):
            self._row(row)

    def close(self, plan: DistrictPlan) -> None:
        """One row per pending village work."""
        for work in plan.works:
            self._row(_work_row(work))

    def _row(self, row: dict[str, Any]) -> None:
        """Text a spreadsheet would run as a formula gets an apostrophe in front (a village
        or helper ``=HYPERLINK(…)``); numbers stay numbers (:mod:`planner.io.formulas`)."""
        shown = _masked(row) if self.mask else row
        self._writer.writerow({key: neutralise(value) for key, value in shown.items()})


class JsonLinesStream(PlanStream):
    """One JSON object a line: ``{"type": "household", ...}`` per household, then
    ``{"type": "work", ...}`` per village work and a last ``{"type": "district", ...}`` line with
    the summary (stats, critical path, departments, allocation, input errors)."""

    def _line(self, kind: str, data: dict[str, Any]) -> None:
        line = json.dumps({"type": kind, **data}, ensure_ascii=False)
        # The digits of the line are those of its strings (and numbers), quotes between them,
        # unless a control character was escaped as \u00XX: then every string is masked.
        if self.mask and ("\\u" in line or _holds_number(line)):
            line = json.dumps({"type": kind, **mask_data(data)}, ensure_ascii=False)
        self.out.write(line + "\n")

    def write(self, result: HouseholdPlan) -> None:
        """One line for the household's plan."""
        self._line("household", result.to_dict())

    def close(self, plan: DistrictPlan) -> None:
        """Lines for the works and the district summary."""
        for work in plan.works:
            self._line("work", work.to_dict())
        self._line("district", plan.summary_dict())


class _Discard(io.StringIO):
    """A text sink that keeps nothing (the recording console keeps what is exported)."""

    def write(self, text: str) -> int:
        return len(text)


class TextStream(PlanStream):
    """The readable report (:func:`to_text`), household by household."""

    def __init__(self, out: IO[str], language: str = "zh", width: int = 140,
                 mask: bool = True) -> None:
        from rich.console import Console

        super().__init__(out, language, mask)
        self._zh = language == "zh"
        self._console = Console(file=_Discard(), width=width, record=True)

    def write(self, result: HouseholdPlan) -> None:
        """The household's table and notes."""
        self._console.print(_household_table(result, self._zh))
        for note in result.notes:
            self._console.print(f"  • {note.text(self.language)}")
        self._flush()

    def close(self, plan: DistrictPlan) -> None:
        """The district summary."""
        for line in _summary(plan, self._zh):
            self._console.print(line)
        self._flush()


    def _flush(self) -> None:
        # The recorded text is plain (no styles): any control character in it came with the data.
        text = printable(self._console.export_text(clear=True), lines=True)
        self.out.write(mask_numbers(text) if self.mask else text)


#: Output formats written household by household.
STREAMS: dict[str, type[PlanStream]] = {
    "csv": CsvStream, "jsonl": JsonLinesStream, "text": TextStream}


def plan_stream(fmt: str, out: IO[str], language: str = "zh", mask: bool = True) -> PlanStream:
    """A writer of ``fmt`` (``csv``, ``jsonl``, ``text``) over an open text stream."""
    return STREAMS[fmt](out, language, mask=mask)


def write_allocated(planner: DistrictPlanner, plans: Iterable[HouseholdPlan],
                    writer: PlanStream, *, method: Method = "auto",
                    errors: Iterable[Any] = ()) -> DistrictPlan:
    """Write each of ``plans`` (the planner's, e.g. :meth:`DistrictPlanner.iter_plans`), in input
    order, once the budget's allocation has marked it; then the district (``writer.close``).

    Only the plans the allocation may change (:meth:`DistrictPlanner.is_candidate`) stay in
    memory; the others wait pickled in a temporary file, so memory follows the candidates and
    their bundles, not the households. The district returned keeps no household plans.
    """
    kept: dict[int, HouseholdPlan] = {}
    with tempfile.TemporaryFile() as spool:
        count = 0
        for count, result in enumerate(plans, start=1):
            if planner.is_candidate(result):
                kept[count] = result
            pickle.dump(None if count in kept else result, spool, pickle.HIGHEST_PROTOCOL)
        district = planner.finish(list(kept.values()), method=method, errors=errors)
        spool.seek(0)
        for index in range(1, count + 1):
            written = pickle.load(spool)  # our own file, written just above
            writer.write(kept[index] if written is None else written)
    district.households = []
    writer.close(district)
    return district


def write_csv(plan: DistrictPlan | Iterable[HouseholdPlan], out: str | Path | IO[str]) -> None:
    """Write the rows as CSV (a file gets a UTF-8 byte-order mark so Excel reads the Chinese)."""
    if isinstance(out, str | Path):
        with atomic_open(out, "w", encoding="utf-8-sig", newline="") as handle:
            write_csv(plan, handle)
        return
    writer = CsvStream(out, mask=not (isinstance(plan, DistrictPlan) and plan.show_names))
    for result in (plan.households if isinstance(plan, DistrictPlan) else plan):
        writer.write(result)
    if isinstance(plan, DistrictPlan):
        writer.close(plan)


def plan_frame(plan: DistrictPlan, library: str | None = None) -> Any:
    """:meth:`DistrictPlan.to_frame`: :func:`plan_rows` in a pandas or polars frame."""
    from planner.frames import frame

    rows = [row if plan.show_names else _masked(row) for row in plan_rows(plan)]
    return frame(rows, tuple(COLUMNS), library)


def write_jsonl(plan: DistrictPlan, out: str | Path | IO[str]) -> None:
    """Write the district plan as JSON Lines (:class:`JsonLinesStream`)."""
    if isinstance(out, str | Path):
        with atomic_open(out, "w", encoding="utf-8") as handle:
            write_jsonl(plan, handle)
        return
    writer = JsonLinesStream(out, mask=not plan.show_names)
    for result in plan.households:
        writer.write(result)
    writer.close(plan)


def write_json(plan: DistrictPlan, out: str | Path | IO[str], indent: int | None = 2) -> None:
    """Write the whole district plan as JSON, led by its format and version
    (:data:`planner.planning.schema.PLAN_FORMAT`; schema: ``planner schema --entity plan``)."""
    data = versioned(plan.to_dict() if plan.show_names else mask_data(plan.to_dict()))
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    if isinstance(out, str | Path):
        write_whole_text(out, text + "\n")
    else:
        out.write(text + "\n")


def write_xlsx(plan: DistrictPlan, path: str | Path) -> None:
    """Write an Excel workbook: items, income projections, departments, works, allocation, notes.

    Written through :class:`planner.io.workbook.ReportTables`, as the ledger is: text is text
    (never a formula), over-long text is refused, the file appears whole or not at all; every
    sheet has a bold frozen header, a filter and fitted widths, and dates are Excel dates.
    """
    from planner.io.workbook import ReportTables

    plan_sheet = "计划 Plan"
    with Replacement() as files:
        book = ReportTables(Path(path), plan_sheet, list(COLUMNS.values()), files)
        try:
            _xlsx_sheets(plan, book if plan.show_names else _MaskedBook(book), plan_sheet)
        finally:
            book.close()


def _xlsx_sheets(plan: DistrictPlan, book: Any, plan_sheet: str) -> None:
    for row in plan_rows(plan):
        book.write(plan_sheet, (), [_cell(_date(row[column]) if column in _DATES else row[column])
                                    for column in COLUMNS])
    income_header = ["户编号 household", "人口 size", "现人均纯收入 per capita",
                     "已计划增收 planned gain", "新增增收 new gain",
                     "计划后人均（全年化） projected (annualised)",
                     "年内人均（至12月31日） within the year (to 31 Dec)",
                     "贫困线 line", "监测线 threshold", "达线 clears line",
                     "超过监测线 clears threshold", "新增成本 cost"]
    book.start("收入 Income", income_header)
    for result in plan.households:
        income = result.income
        book.write("收入 Income", (), [
            result.household, income.size, _round(income.per_capita),
            round(income.planned_gain, 2), round(income.new_gain, 2),
            _round(income.projected_per_capita), _round(income.within_year_per_capita),
            income.poverty_line,
            income.monitoring_threshold, _cell(income.clears_line),
            _cell(income.clears_threshold), round(result.cost, 2)])
    months = sorted({m for d in plan.departments.values() for m in d.active_by_month})
    sheet = "部门 Departments"
    book.start(sheet, ["责任单位", "department", "措施数 items", "成本 cost", *months])
    for _, load in sorted(plan.departments.items()):
        book.write(sheet, (), [load.zh, load.en, load.items, round(load.cost, 2),
                               *[load.active_by_month.get(m, 0) for m in months]])
    sheet = "村级工程 Works"
    book.start(sheet, ["村 village", "工程 work", "开始 start", "完成 due", "成本 cost",
                       "剩余比例 remaining", "等待户数 households", "原因 reason"])
    for work in plan.works:
        book.write(sheet, (), [work.village_name or work.village, work.label_zh,
                               work.start, work.due, round(work.cost, 2),
                               work.remaining_share, work.households, work.reason_zh])
    if plan.allocation is not None:
        allocation = plan.allocation
        sheet = "预算 Allocation"
        book.start(sheet, ["方法 method", allocation.method, "预算 budget", allocation.budget,
                           "支出 spent", round(allocation.spent, 2),
                           "达线户数 lifted", allocation.lifted,
                           "上界 bound", _cell(allocation.bound),
                           "差距 gap", _cell(allocation.gap)])
        book.write(sheet, (), ["户编号 household", "组合 bundle", "措施 items"])
        for household, name in sorted(allocation.chosen.items()):
            book.write(sheet, (), [household, name,
                                   "; ".join(allocation.items.get(household, []))])
    sheet = "说明 Notes"
    book.start(sheet, ["户编号 household", "类型 kind", "说明", "note"])
    for result in plan.households:
        for note in result.notes:
            book.write(sheet, (), [result.household, note.kind, note.zh, note.en])


class _MaskedBook:
    """Workbook tables whose text cells have their ID and mobile numbers masked as written."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def start(self, table: str, header: list[str]) -> None:
        self.book.start(table, header)

    def write(self, table: str, header: Any, row: list[Any]) -> None:
        self.book.write(table, header, mask_data(row))


#: Row columns holding a date (ISO text in CSV and JSON, an Excel date in XLSX).
_DATES = ("start", "due")


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    return value


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _household_table(result: HouseholdPlan, zh: bool) -> Any:
    from rich.markup import escape
    from rich.table import Table

    income = result.income
    now, after = _number(income.per_capita), _number(income.projected_per_capita)
    line = "—" if income.poverty_line is None else f"{income.poverty_line:.0f}"
    within = _number(income.within_year_per_capita)
    title = (f"{result.household}  人均 {now} → {after} 元（全年化；年内 {within} 元；"
             f"贫困线 {line}）" if zh
             else f"{result.household}  per capita {now} → {after} yuan (annualised; "
             f"{within} within the year; line {line})")
    table = Table(title=title, title_justify="left")
    for zh_name, en_name in (("措施", "measure"), ("成员", "member"), ("原因", "why"),
                             ("开始", "start"), ("完成", "due"), ("责任单位", "responsible"),
                             ("成本", "cost"), ("增收", "gain")):
        table.add_column(zh_name if zh else en_name, overflow="fold")
    language = "zh" if zh else "en"
    separator = "；" if zh else "; "
    for item in (*result.items, *result.to_cancel):
        label = item.label_zh if zh else item.label_en
        if item.cancelled:
            label += f" [{pick(ACTION_LABELS['cancel'], language)}]"
        elif not item.new:
            label += f" [{pick(STATUS_LABELS.get(item.status, (item.status,) * 2), language)}]"
        dated = item.start is not None
        table.add_row(
            escape(label), "" if item.member is None else f"m{item.member}",
            escape(separator.join(item.why_labels(language))), str(item.start) if dated else "—",
            f"{item.due}{' !' if item.late else ''}" if dated else "—",
            item.responsible_zh if zh else item.responsible_en,
            "—" if item.cancelled else f"{item.cost:.0f}",
            "—" if item.cancelled else f"{item.gain:.0f}")
    return table


def _summary(plan: DistrictPlan, zh: bool) -> list[str]:
    stats = plan.stats
    if zh:
        lines = [f"共 {stats.households} 户，{stats.with_new_items} 户有新增措施"
                 f"（{stats.new_items} 项，{stats.cost:.0f} 元）；"
                 f"低于贫困线 {stats.below_line} 户，计划后达线 {stats.lifted_by_plan} 户"]
    else:
        lines = [f"{stats.households} households, {stats.with_new_items} with new measures "
                 f"({stats.new_items} items, {stats.cost:.0f} yuan); {stats.below_line} below "
                 f"the line, {stats.lifted_by_plan} above it after the plan"]
    if stats.cancelled:
        lines.append(f"应取消与对象不符的原有措施 {stats.cancelled} 项" if zh
                     else f"unfit planned measures to cancel: {stats.cancelled}")
    if plan.critical_path:
        chain = " → ".join(step["label"]["zh" if zh else "en"] for step in plan.critical_path)
        lines.append(f"关键路径：{chain}（{plan.finish}）" if zh
                     else f"critical path: {chain} ({plan.finish})")
    allocation = plan.allocation
    if allocation is not None:
        budget, spent = f"{allocation.budget:.0f}", f"{allocation.spent:.0f}"
        method, lifted = allocation.method, allocation.lifted
        lines.append(
            f"预算 {budget} 元（{method}）：资助 {lifted} 户达线，支出 {spent} 元" if zh
            else f"budget {budget} yuan ({method}): lifts {lifted} households, spends {spent} yuan")
        quality = allocation.quality()
        if quality is not None:
            lines.append(quality[0] if zh else quality[1])
    return lines


def to_text(plan: DistrictPlan, language: str = "zh", width: int = 140) -> str:
    """A readable report: each household's items, notes and projection, then the district."""
    out = io.StringIO()
    writer = TextStream(out, language, width, mask=not plan.show_names)
    for result in plan.households:
        writer.write(result)
    writer.close(plan)
    return out.getvalue()
