"""The HTML supervision report (report.html): one self-contained file a leader reads or prints.

Everything is in the file: the style sheet (with an ``@media print`` part), the charts as inline
SVG drawn here (no script, no library, no font, no image, no link), so it opens offline and
requests nothing. Text stays text, in the SVG too, so Chinese renders with the reader's own
fonts whatever the machine that wrote the file has. Every value is escaped
(:func:`html.escape`). Chinese by default, English with ``lang="en"``.

The sections follow the speech (domain.md, "The supervision speech"): the county's and towns'
project completion and fund disbursement beside the province benchmark, towns and villages
ranked worst first, findings by family per town and plan workload per month (charts), helpers
and collectors, an example per problem kind, then the rectification ledger (masked as written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from planner.planning.model import HouseholdPlan
from planner.report.aggregates import Aggregates, AreaStats, PersonStats
from planner.report.labels import FAMILY_LABELS, SEVERITY_LABELS, STATUS_LABELS, label
from planner.report.ledger import LedgerRow
from planner.version import __version__

if TYPE_CHECKING:
    from planner.report.pipeline import ReportRun

HTML_FILE = "report.html"
#: Ledger rows shown in the HTML report; the workbook holds them all.
LEDGER_ROWS_SHOWN = 1000

#: Colours of the chart series (readable in grey when printed: distinct lightness).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#e7ba52", "#843c39", "#637939")


@dataclass(slots=True)
class ReportSample:
    """What the HTML report needs beyond the counts, kept while the run streams: the first
    :data:`LEDGER_ROWS_SHOWN` ledger rows, the first row of each finding code (its example) and
    the plan items still to do per due month (``YYYY-MM``) and town."""

    rows: list[LedgerRow] = field(default_factory=list)
    rows_total: int = 0
    examples: dict[str, LedgerRow] = field(default_factory=dict)
    workload: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_row(self, row: LedgerRow) -> None:
        """Keep a ledger row (up to the cap) and the first row of its code."""
        self.rows_total += 1
        if len(self.rows) < LEDGER_ROWS_SHOWN:
            self.rows.append(row)
        self.examples.setdefault(row.code, row)

    def add_plan(self, plan: HouseholdPlan) -> None:
        """Count a plan's items still to do by due month and the household's town."""
        town = plan.town or ""
        for item in plan.items:
            if item.cancelled or item.status == "done" or item.due is None:
                continue
            self.workload[(item.due.strftime("%Y-%m"), town)] += 1


_TEXT: dict[str, tuple[str, str]] = {
    "title": ("脱贫攻坚督查报告", "Poverty alleviation supervision report"),
    "date": ("检查基准日", "Reference date"),
    "made": ("由 planner {v} 生成；个人信息已脱敏。",
             "Written by planner {v}; personal data masked."),
    "made_personal": ("由 planner {v} 生成；含未脱敏的个人信息。",
                      "Written by planner {v}; personal data shown."),
    "rates": ("项目竣工率与资金拨付率（与全省基准对比）",
              "Project completion and fund disbursement against the province benchmark"),
    "area": ("地区", "Area"), "completion": ("项目竣工率", "Project completion"),
    "disbursement": ("资金拨付率", "Fund disbursement"), "benchmark": ("全省基准", "Province"),
    "gap": ("差距", "Gap"), "below": ("低于基准", "below benchmark"),
    "due": ("到期项目", "projects due"), "done": ("已竣工", "completed"),
    "overview": ("总体情况", "Overview"), "households": ("检查户数", "Households checked"),
    "with_findings": ("有问题户数", "Households with findings"),
    "findings": ("问题数", "Findings"), "per100": ("每百户数据问题", "Data problems per 100"),
    "share": ("有问题户占比", "Share with findings"),
    "on_track_exit": ("预计可脱贫户", "On track to exit"),
    "on_track_risk": ("预计可消除风险户", "On track to have risk eliminated"),
    "rankings": ("排名（由差到好）", "Rankings (worst first)"),
    "towns_by_problem_share": ("乡镇：有问题户占比", "Towns: share of households with findings"),
    "towns_by_data_problems": ("乡镇：每百户数据问题", "Towns: data problems per 100 households"),
    "towns_by_completion": ("乡镇：项目竣工率", "Towns: project completion"),
    "towns_by_disbursement": ("乡镇：资金拨付率", "Towns: fund disbursement"),
    "villages_by_problem_share": ("村：有问题户占比",
                                  "Villages: share of households with findings"),
    "villages_by_data_problems": ("村：每百户数据问题",
                                  "Villages: data problems per 100 households"),
    "villages_by_completion": ("村：项目竣工率", "Villages: project completion"),
    "villages_by_disbursement": ("村：资金拨付率", "Villages: fund disbursement"),
    "charts": ("图表", "Charts"),
    "chart_families": ("各乡镇问题数（按类别）", "Findings by family per town"),
    "chart_workload": ("帮扶计划每月工作量（待办措施数，按乡镇）",
                       "Plan workload per month (measures to do, by town)"),
    "no_data": ("无数据", "no data"),
    "people": ("帮扶责任人与信息采集人", "Helpers and data collectors"),
    "helpers": ("帮扶责任人", "Helpers"), "collectors": ("信息采集人", "Data collectors"),
    "no_collectors": ("数据未记录信息采集人。", "The records name no data collector."),
    "name": ("姓名", "Name"), "organisation": ("单位", "Organisation"),
    "overdue_measures": ("逾期措施", "Overdue measures"),
    "overdue_visits": ("逾期走访", "Overdue visits"),
    "data_problems": ("数据问题", "Data problems"),
    "examples": ("问题类型及典型户", "Problems by kind, with an example"),
    "code": ("问题代码", "Code"), "kind": ("类别", "Kind"), "count": ("数量", "Count"),
    "severity": ("严重程度", "Severity"), "example": ("典型", "Example"),
    "ledger": ("整改台账", "Rectification ledger"),
    "ledger_more": ("另有 {n} 条见 ledger.xlsx。", "{n} more rows in ledger.xlsx."),
    "town": ("乡镇", "Town"), "village": ("村", "Village"),
    "subject": ("户编号/对象", "Household / subject"), "problem": ("问题", "Problem"),
    "measure": ("整改措施", "Measure"), "unit": ("责任单位", "Responsible unit"),
    "person": ("责任人", "Responsible person"), "deadline": ("整改时限", "Deadline"),
    "status": ("整改状态", "Status"),
}

_STYLE = """
:root { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color: #222; }
body { margin: 1.5em auto; max-width: 72em; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { border-bottom: 2px solid #1f4e79;
  color: #1f4e79; margin-top: 1.6em; } .meta { color: #555; }
table { border-collapse: collapse; margin: .5em 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #e8eef5; } th[scope="row"] { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.below { color: #b00020; font-weight: bold; }
.rankings { display: flex; flex-wrap: wrap; gap: 1em 2.5em; }
.rankings ol { margin: .2em 0; padding-left: 1.6em; }
.rankings ol li:first-child { color: #b00020; }
svg.chart { display: block; max-width: 100%; height: auto; margin: .5em 0 1em; }
svg.chart text { font-family: inherit; font-size: 12px; fill: #222; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, svg.chart, .rankings ol { break-inside: avoid; page-break-inside: avoid; }
  table.ledger { break-inside: auto; page-break-inside: auto; }
  table.ledger tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.chart rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _t(key: str, lang: str) -> str:
    return escape(label(_TEXT, key, lang))


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def _cell(value: object, *, num: bool = False, attrs: str = "") -> str:
    shown = "" if value is None else str(value)
    klass = ' class="num"' if num else ""
    return f"<td{klass}{attrs}>{escape(shown)}</td>"


def _head(keys: Iterable[str], lang: str) -> str:
    return "<thead><tr>" + "".join(f"<th>{_t(k, lang)}</th>" for k in keys) + "</tr></thead>"


def _rates(aggregates: Aggregates, lang: str) -> str:
    """The county's and each town's completion and disbursement beside the benchmarks."""
    bench_c, bench_d = aggregates.completion_benchmark, aggregates.disbursement_benchmark
    rows = []
    for area in (aggregates.county, *aggregates.towns):
        cells = [f'<th scope="row">{escape(area.name)}</th>',
                 _cell(f"{area.projects_completed}/{area.projects_due}", num=True)]
        for key, rate, bench in (("completion", area.completion_rate, bench_c),
                                 ("disbursement", area.disbursement_rate, bench_d)):
            low = rate is not None and bench is not None and rate < bench
            gap = "—" if rate is None or bench is None else f"{100 * (rate - bench):+.1f}"
            mark = f' <span class="below">（{_t("below", lang)}）</span>' if low and lang == "zh" \
                else (f' <span class="below">({_t("below", lang)})</span>' if low else "")
            cells.append(f'<td class="num rate" data-rate="{key}" data-area="{escape(area.name)}">'
                         f'{escape(_percent(rate))}{mark}</td>')
            cells.append(_cell(_percent(bench), num=True, attrs=f' data-benchmark="{key}"'))
            cells.append(_cell(gap, num=True))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = ("<thead><tr>" + f"<th>{_t('area', lang)}</th><th>{_t('done', lang)}/"
            f"{_t('due', lang)}</th>" + "".join(
                f"<th>{_t(k, lang)}</th><th>{_t('benchmark', lang)}</th><th>{_t('gap', lang)}</th>"
                for k in ("completion", "disbursement")) + "</tr></thead>")
    return f'<table id="rates">{head}<tbody>{"".join(rows)}</tbody></table>'


def _overview(aggregates: Aggregates, lang: str) -> str:
    keys = ["area", "households", "with_findings", "share", "findings", "per100"]
    if aggregates.planned:
        keys += ["on_track_exit", "on_track_risk"]
    rows = []
    for area in (aggregates.county, *aggregates.towns):
        cells = [f"<th scope=\"row\">{escape(area.name)}</th>",
                 _cell(area.households, num=True), _cell(area.households_with_findings, num=True),
                 _cell(_percent(area.problem_share), num=True), _cell(area.findings, num=True),
                 _cell(area.data_problems_per_100, num=True)]
        if aggregates.planned:
            cells += [_cell(area.on_track_exit, num=True),
                      _cell(area.on_track_risk_eliminated, num=True)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="overview">{_head(keys, lang)}<tbody>{"".join(rows)}</tbody></table>'


def _rankings(aggregates: Aggregates, lang: str) -> str:
    lists = []
    for key, names in aggregates.rankings().items():
        items = "".join(f"<li>{escape(name)}</li>" for name in names) or \
            f"<li>{_t('no_data', lang)}</li>"
        lists.append(f'<div><h3>{_t(key, lang)}</h3><ol id="rank-{key}">{items}</ol></div>')
    return f'<div class="rankings">{"".join(lists)}</div>'


def stacked_bars(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[int]]],
                 series: Sequence[str], *, empty: str) -> str:
    """An inline SVG chart of horizontal stacked bars: one bar per ``rows`` entry (its label and
    one count per ``series`` name), a legend, the total at each bar's end. All text is SVG
    ``<text>`` (the reader's fonts draw it); every string is escaped."""
    bar, gap, left, width, legend_row = 22, 10, 140, 520, 20
    top = 30
    total_max = max((sum(counts) for _, counts in rows), default=0)
    legend_top = top + len(rows) * (bar + gap) + 10
    legend_lines = (len(series) + 3) // 4
    height = legend_top + legend_lines * legend_row + 10
    out = [f'<svg class="chart" id="{escape(chart_id)}" '
           f'role="img" viewBox="0 0 {left + width + 60} {height}" width="{left + width + 60}" '
           f'height="{height}"><title>{escape(title)}</title>',
           f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>']
    if not rows or total_max == 0:
        out.append(f'<text x="{left}" y="{top + 16}">{escape(empty)}</text></svg>')
        return "".join(out)
    scale = width / total_max
    for index, (name, counts) in enumerate(rows):
        y = top + index * (bar + gap)
        out.append(f'<text x="{left - 6}" y="{y + bar - 6}" text-anchor="end">'
                   f"{escape(name)}</text>")
        x = float(left)
        for number, count in enumerate(counts):
            if not count:
                continue
            w = count * scale
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                       f'fill="{PALETTE[number % len(PALETTE)]}"><title>{escape(name)} · '
                       f'{escape(series[number])}: {count}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + bar - 6}">{sum(counts)}</text>')
    for number, name in enumerate(series):
        x = left + (number % 4) * 130
        y = legend_top + (number // 4) * legend_row
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" '
                   f'fill="{PALETTE[number % len(PALETTE)]}"/>'
                   f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def _family_chart(aggregates: Aggregates, lang: str) -> str:
    families = sorted({f for town in aggregates.towns for f in town.by_family})
    rows = [(town.name, [town.by_family.get(f, 0) for f in families])
            for town in aggregates.towns]
    return stacked_bars("chart-families", label(_TEXT, "chart_families", lang), rows,
                        [label(FAMILY_LABELS, f, lang) for f in families],
                        empty=label(_TEXT, "no_data", lang))


def _workload_chart(sample: ReportSample, lang: str) -> str:
    months = sorted({month for month, _ in sample.workload})
    towns = sorted({town for _, town in sample.workload})
    rows = [(month, [sample.workload.get((month, town), 0) for town in towns])
            for month in months]
    return stacked_bars("chart-workload", label(_TEXT, "chart_workload", lang), rows,
                        [town or "—" for town in towns], empty=label(_TEXT, "no_data", lang))


def _people(people: list[PersonStats], lang: str) -> str:
    keys = ["name", "organisation", "households", "with_findings", "findings",
            "overdue_measures", "overdue_visits", "data_problems"]
    ranked = sorted(people, key=lambda p: (-p.findings, -p.overdue_measures, p.name))
    rows = "".join(
        "<tr>" + _cell(p.name) + _cell(p.organisation) + "".join(
            _cell(v, num=True) for v in (p.households, p.households_with_findings, p.findings,
                                         p.overdue_measures, p.overdue_visits, p.data_problems))
        + "</tr>" for p in ranked)
    return f"<table>{_head(keys, lang)}<tbody>{rows}</tbody></table>"


def _row_cells(row: LedgerRow, lang: str) -> str:
    return "".join((
        _cell(row.town), _cell(row.village), _cell(row.subject), _cell(row.problem),
        _cell(row.measure), _cell(row.unit), _cell(row.person),
        _cell(row.deadline.isoformat() if row.deadline else "", num=True),
        _cell(label(STATUS_LABELS, row.status, lang))))


def _examples(county: AreaStats, sample: ReportSample, lang: str) -> str:
    keys = ["code", "kind", "severity", "count", "town", "village", "subject", "problem",
            "measure", "unit", "person", "deadline", "status"]
    rows = []
    for code, row in sorted(sample.examples.items()):
        rows.append(f'<tr data-code="{escape(code)}">' + _cell(code)
                    + _cell(label(FAMILY_LABELS, row.family, lang))
                    + _cell(label(SEVERITY_LABELS, row.severity, lang))
                    + _cell(county.by_code.get(code, 0), num=True) + _row_cells(row, lang)
                    + "</tr>")
    return f'<table id="examples">{_head(keys, lang)}<tbody>{"".join(rows)}</tbody></table>'


def _ledger(sample: ReportSample, lang: str) -> str:
    keys = ["code", "town", "village", "subject", "problem", "measure", "unit", "person",
            "deadline", "status"]
    rows = "".join(f'<tr data-code="{escape(r.code)}">' + _cell(r.code) + _row_cells(r, lang)
                   + "</tr>" for r in sample.rows)
    more = sample.rows_total - len(sample.rows)
    note = f'<p>{escape(label(_TEXT, "ledger_more", lang).format(n=more))}</p>' if more else ""
    return (f'<table class="ledger" id="ledger">{_head(keys, lang)}<tbody>{rows}</tbody></table>'
            + note)


def render_html(report: ReportRun) -> str:
    """The whole report as one HTML document (a string), in ``report.lang``."""
    lang, sample, show_personal = report.lang, report.sample, report.show_personal
    agg = report.aggregates
    title = f"{agg.county.name} {label(_TEXT, 'title', lang)}"
    made = label(_TEXT, "made_personal" if show_personal else "made", lang).format(v=__version__)
    people = f"<h3>{_t('helpers', lang)}</h3>{_people(agg.helpers, lang)}"
    people += f"<h3>{_t('collectors', lang)}</h3>" + (
        _people(agg.collectors, lang) if agg.collectors_recorded
        else f"<p>{_t('no_collectors', lang)}</p>")
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{_t("date", lang)}: <time>{agg.reference_date.isoformat()}</time>'
        f" · {escape(made)}</p>",
        f'<section id="sec-rates"><h2>{_t("rates", lang)}</h2>{_rates(agg, lang)}</section>',
        f'<section id="sec-overview"><h2>{_t("overview", lang)}</h2>{_overview(agg, lang)}'
        "</section>",
        f'<section id="sec-rankings"><h2>{_t("rankings", lang)}</h2>{_rankings(agg, lang)}'
        "</section>",
        f'<section id="sec-charts"><h2>{_t("charts", lang)}</h2>{_family_chart(agg, lang)}'
        f"{_workload_chart(sample, lang)}</section>",
        f'<section id="sec-people"><h2>{_t("people", lang)}</h2>{people}</section>',
        f'<section id="sec-examples"><h2>{_t("examples", lang)}</h2>'
        f"{_examples(agg.county, sample, lang)}</section>",
        f'<section id="sec-ledger"><h2>{_t("ledger", lang)}</h2>{_ledger(sample, lang)}'
        "</section>",
    ]
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def write_html(report: ReportRun, path: Path) -> None:
    """Write ``report.html`` (UTF-8): a renderer of :data:`planner.report.pipeline.RENDERERS`."""
    path.write_text(render_html(report), encoding="utf-8")


__all__ = ["HTML_FILE", "LEDGER_ROWS_SHOWN", "ReportSample", "render_html", "stacked_bars",
           "write_html"]
