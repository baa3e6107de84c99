"""Text output for people: findings grouped by household, coloured, Chinese by default."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.console import Console
from rich.text import Text

from planner.finding import Finding
from planner.model import Region
from planner.output import InputSummary, Writer
from planner.output.places import problem_text, region_label, source_label
from planner.printable import printable, printable_data
from planner.privacy import mask_numbers
from planner.results import CheckStats
from planner.source import Source

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
KIND_LABELS = {
    "zh": {"household": "户", "village": "村", "project": "项目", "dataset": "全体"},
    "en": {"household": "household", "village": "village", "project": "project",
           "dataset": "dataset"},
}
_MARKS = {True: "✓", False: "✗", None: "?"}


class TextWriter(Writer):
    """Readable by a clerk: one block per household, one line per finding, totals at the end."""

    _subject: tuple[str, str, Source | None, Region | None] | None = None

    def start(self) -> None:
        color = self.info.color
        self.console = Console(
            file=self.stream, highlight=False, soft_wrap=True, emoji=False,
            force_terminal=color if color else None, no_color=color is False,
            color_system="auto" if color is not False else None,
        )

    def _t(self, zh: str, en: str) -> str:
        return zh if self.info.lang == "zh" else en

    def emit(self, finding: Finding) -> None:
        finding = _printable(finding)
        lang = self.info.lang
        # A subject's findings share its record's source and region: shown once, on its line.
        subject = (finding.subject_kind, finding.subject, finding.source, finding.region)
        if subject != self._subject:
            if self._subject is not None:
                self.console.print()
            kind = KIND_LABELS[lang].get(finding.subject_kind, finding.subject_kind)
            heading = Text(f"{kind} {finding.subject}", style="bold")
            if finding.source is not None:
                heading.append(f"  {printable(source_label(finding.source))}", "dim")
            region = region_label(finding.region)
            if region:
                heading.append(f"  {printable(region)}", "dim")
            self.console.print(heading)
            self._subject = subject
        line = Text("  ")
        if finding.member is not None:
            line.append(self._t(f"成员{finding.member} ", f"member {finding.member} "), "dim")
        line.append(f"{finding.code} ", "bold")
        if finding.waived:
            line.append(f"[{self._t('已豁免', 'waived')}] ", "green")
        else:
            label = SEVERITY_LABELS[lang].get(finding.severity, finding.severity)
            line.append(f"[{label}] ", STYLES.get(finding.severity, ""))
        line.append(finding.message(lang), "dim" if finding.waived else "")
        self.console.print(line)
        if finding.waiver is not None:
            w = finding.waiver
            self.console.print(Text(
                "      " + self._t(
                    f"豁免理由：{printable(w.reason)}；审批人：{printable(w.approver)}；"
                    f"有效期至 {w.expires}",
                    f"waiver: {printable(w.reason)}; approved by {printable(w.approver)}; "
                    f"until {w.expires}",
                ), "green"))
        if finding.proposes and not finding.waived:
            self.console.print(Text(
                "      " + self._t("建议措施：", "proposed: ") + self._measures(finding.proposes),
                "dim"))
        if finding.trace is not None:
            self._explain(finding)

    def _measures(self, ids: tuple[str, ...]) -> str:
        catalog = self.info.catalog
        labels = []
        for measure_id in ids:
            measure = catalog.get(measure_id) if catalog is not None else None
            if measure is None:
                labels.append(measure_id)
            else:
                labels.append(measure.label.zh if self.info.lang == "zh" else measure.label.en)
        return ("、" if self.info.lang == "zh" else ", ").join(labels)

    def _explain(self, finding: Finding) -> None:
        for entry in finding.trace or []:
            self._condition(entry, 3)
        for name, dated in (finding.parameters or {}).items():
            since = f", {self._t('自', 'since')} {dated['since']}" if dated.get("since") else ""
            source = f", {dated['source']}" if dated.get("source") else ""
            label = self._t("参数", "parameter")
            self.console.print(Text(
                f"      {label} {name} = {dated.get('value')}{since}{source}", "dim"))

    def _condition(self, entry: dict[str, Any], depth: int) -> None:
        mark = _MARKS.get(entry.get("result"), "?")
        text = f"{'  ' * depth}{mark} {entry.get('condition')}"
        if entry.get("member") is not None:
            text += self._t(f"（成员{entry['member']}）", f" (member {entry['member']})")
        if "value" in entry:
            text += f"  ← {entry['value']}"
            if "against" in entry:
                text += f" / {entry['against']}"
        self.console.print(Text(text, "dim"))
        for child in entry.get("conditions", ()):
            self._condition(child, depth + 1)

    def finish(self, stats: CheckStats, inputs: InputSummary | None = None) -> None:
        if self._subject is not None:
            self.console.print()
        notices = notice_lines(inputs, self.info.lang, self.info.show_personal)
        for line in notices:
            self.console.print(Text(line, "bold" if not line.startswith(" ") else ""))
        if notices:
            self.console.print()
        for line in summary_lines(stats, inputs, self.info.lang, self.info.show_personal):
            self.console.print(Text(line, "bold" if line.startswith(("共", "Checked")) else ""))


def _printable(finding: Finding) -> Finding:
    """``finding`` with the control characters of its data shown as escapes, not executed."""
    return dataclasses.replace(
        finding, subject=printable(finding.subject), message_zh=printable(finding.message_zh),
        message_en=printable(finding.message_en), trace=printable_data(finding.trace),
        parameters=printable_data(finding.parameters),
    )


def notice_lines(inputs: InputSummary | None, lang: str, show_personal: bool = False) -> list[str]:
    """The input warnings (worded as ``planner validate`` words them) and the rules skipped for
    sources that lack the fields they need, each under a heading, in ``zh`` or ``en``; none
    when there are none."""
    lines: list[str] = []
    if inputs is None:
        return lines
    if inputs.warnings:
        lines.append("输入提示：" if lang == "zh" else "Input warnings:")
        for warning in inputs.warnings:
            text = problem_text(warning, show_personal)
            lines.extend("  " + printable(line) for line in text.splitlines())
    if inputs.skipped:
        lines.append("未运行的规则（数据源缺少所需字段）：" if lang == "zh"
                     else "Rules not run (the source lacks fields they need):")
        lines.extend("  " + printable(skipped.message(lang)) for skipped in inputs.skipped)
    return lines


def summary_lines(
    stats: CheckStats, inputs: InputSummary | None, lang: str, show_personal: bool = False
) -> list[str]:
    """Input errors and the totals of a run, in ``zh`` or ``en``."""
    lines = []
    if inputs is not None:
        for error in inputs.errors:
            text = str(error) if show_personal else mask_numbers(str(error))
            lines.append(("输入错误：" if lang == "zh" else "input error: ") + text)
        if lang == "zh":
            lines.append(f"读取记录 {inputs.read} 条：接受 {inputs.accepted} 条，"
                         f"拒绝 {inputs.rejected} 条"
                         + (f"；输入提示 {len(inputs.warnings)} 条" if inputs.warnings else "")
                         + (f"；规则未运行提示 {len(inputs.skipped)} 条（数据源缺少所需字段）"
                            if inputs.skipped else ""))
        else:
            lines.append(f"Records read: {inputs.read}; accepted {inputs.accepted},"
                         f" rejected {inputs.rejected}"
                         + (f"; {len(inputs.warnings)} input warnings" if inputs.warnings else "")
                         + (f"; {len(inputs.skipped)} notices of rules not run (the source"
                            " lacks fields they need)" if inputs.skipped else ""))
    sev = stats.by_severity
    if lang == "zh":
        lines.append(
            f"共检查 {stats.households} 户、{stats.villages} 个村、{stats.projects} 个项目；"
            f"发现问题 {stats.findings} 个（错误 {sev.get('error', 0)}、"
            f"警告 {sev.get('warning', 0)}、提示 {sev.get('info', 0)}），已豁免 {stats.waived} 个"
            + (f"，规则出错 {stats.rule_errors} 次" if stats.rule_errors else "")
        )
    else:
        lines.append(
            f"Checked {stats.households} households, {stats.villages} villages,"
            f" {stats.projects} projects: {stats.findings} findings ({sev.get('error', 0)} errors,"
            f" {sev.get('warning', 0)} warnings, {sev.get('info', 0)} info), {stats.waived} waived"
            + (f", {stats.rule_errors} rule errors" if stats.rule_errors else "")
        )
    return lines


__all__ = ["TextWriter", "notice_lines", "summary_lines"]
