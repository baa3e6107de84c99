"""Run-to-run tracking: the findings new, resolved and still open between two runs, by area.

Two findings files written by ``planner check --output-format jsonl`` (or ``json``) are matched by
the ledger's :func:`~planner.report.ledger.fingerprint` (subject, code, member and occurrence),
so that a finding keeps its identity from run to run and across the rectification ledger.
Waived findings are left out of both runs, as the ledger leaves them out: a finding waived in the
second run counts as resolved. Given the rectification ledger as an office returned it
(:func:`add_overdue`), the comparison also lists the overdue rectifications: ledger rows still
open or in progress whose deadline has passed and whose finding the second run did not resolve,
counted per area. :class:`Baseline` hides from a run the findings an older run
already had (``planner check --baseline``), like a linter's baseline.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planner.finding import Finding
from planner.privacy import mask_numbers
from planner.report.aggregates import area_of
from planner.report.labels import STATUS_LABELS, label
from planner.report.ledger import fingerprint
from planner.report.status import LedgerState
from planner.results import CheckStats

#: Ledger statuses that are not yet rectified: a row in one of them past its deadline is overdue.
UNRECTIFIED = ("open", "in_progress")


class FindingsFileError(ValueError):
    """A file that is no findings file of ``planner check`` (JSON or JSON Lines), or unreadable."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}\n{en}")


class Fingerprinter:
    """Gives each finding of one run its :func:`fingerprint`, counting the occurrences of findings
    that share subject, code and member (in the order the run wrote them)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, int | None], int] = {}

    def mark(self, subject: str, code: str, member: int | None) -> str:
        """The fingerprint of the next finding with this subject, code and member."""
        key = (subject, code, member)
        self._seen[key] = occurrence = self._seen.get(key, 0) + 1
        return fingerprint(subject, code, member, occurrence)


def read_findings(path: str | Path) -> list[dict[str, Any]]:
    """The findings of a ``planner check`` output file: a JSON document (``{"findings": [...]}``)
    or JSON Lines (one finding a line). Raises :class:`FindingsFileError`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FindingsFileError(f"无法读取问题文件 {path}：{exc}",
                                f"cannot read findings file {path}: {exc}") from exc
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("findings"), list):
        records: list[Any] = document["findings"]
    else:
        records = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise FindingsFileError(
                    f"{path} 第 {number} 行不是 JSON：不是 planner check 的问题文件"
                    "（json 或 jsonl）",
                    f"{path} line {number} is not JSON: not a findings file of planner check "
                    f"(json or jsonl)") from exc
    for number, record in enumerate(records, 1):
        if not (isinstance(record, dict) and isinstance(record.get("code"), str)
                and isinstance(record.get("subject"), str)):
            raise FindingsFileError(f"{path} 第 {number} 个问题缺少 code 或 subject",
                                    f"{path} finding {number} has no code or subject")
    return records


def open_findings(records: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The unwaived findings of a run by fingerprint."""
    marker = Fingerprinter()
    marked: dict[str, Mapping[str, Any]] = {}
    for record in records:
        member = record.get("member")
        mark = marker.mark(record["subject"], record["code"],
                           member if isinstance(member, int) else None)
        if not record.get("waived"):
            marked[mark] = record
    return marked


@dataclass(slots=True)
class AreaCounts:
    """The findings of one town and village: new, resolved and still open, and the ledger's
    overdue rectifications (0 without a ledger)."""

    town: str
    village: str
    new: int = 0
    resolved: int = 0
    still_open: int = 0
    overdue: int = 0


@dataclass(slots=True)
class RunDiff:
    """Two runs compared: each finding by fingerprint, and the counts per area; ``overdue``
    the ledger rows overdue on ``overdue_on`` (``None`` when no ledger was given)."""

    new: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    resolved: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    still_open: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    areas: dict[tuple[str, str], AreaCounts] = field(default_factory=dict)
    overdue: dict[str, LedgerState] = field(default_factory=dict)
    overdue_on: date | None = None

    def _count(self, record: Mapping[str, Any], kind: str) -> None:
        region = record.get("region") or {}
        town, village = area_of(region.get("town"), region.get("village"),
                                record["subject"], record.get("subject_kind"))
        self._add(town, village, kind)

    def _add(self, town: str, village: str, kind: str) -> None:
        counts = self.areas.setdefault((town, village), AreaCounts(town, village))
        setattr(counts, kind, getattr(counts, kind) + 1)

    def record(self, mark: str) -> Mapping[str, Any] | None:
        """The finding ``mark`` as the newer run wrote it, else as the older one did."""
        return self.still_open.get(mark) or self.new.get(mark) or self.resolved.get(mark)


def add_overdue(diff: RunDiff, states: Mapping[str, LedgerState], on: date) -> RunDiff:
    """Add to ``diff`` the overdue rectifications of a returned ledger (``states`` by finding
    id, :attr:`planner.report.status.Imported.states`): rows still open or in progress whose
    deadline is before ``on``, except those whose finding the newer run resolved; counted in
    each row's town and village."""
    diff.overdue_on = on
    for mark, state in states.items():
        if state.status not in UNRECTIFIED or state.deadline is None or state.deadline >= on \
                or mark in diff.resolved:
            continue
        diff.overdue[mark] = state
        diff._add(state.town, state.village, "overdue")
    diff.areas = dict(sorted(diff.areas.items()))
    return diff


def compare(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> RunDiff:
    """The findings of ``new`` not in ``old``, those of ``old`` gone from ``new`` and those in
    both (``new``'s record), matched by fingerprint."""
    before, after = open_findings(old), open_findings(new)
    diff = RunDiff()
    for mark, record in after.items():
        kind = "still_open" if mark in before else "new"
        getattr(diff, kind)[mark] = record
        diff._count(record, kind)
    for mark, record in before.items():
        if mark not in after:
            diff.resolved[mark] = record
            diff._count(record, "resolved")
    diff.areas = dict(sorted(diff.areas.items()))
    return diff


def _item(mark: str, record: Mapping[str, Any]) -> dict[str, Any]:
    region = record.get("region") or {}
    return {"fingerprint": mark, "code": record["code"], "severity": record.get("severity"),
            "subject": record["subject"], "member": record.get("member"),
            "town": region.get("town"), "village": region.get("village"),
            "message": record.get("message")}


def diff_dict(diff: RunDiff) -> dict[str, Any]:
    """A JSON-ready dict: the totals, the counts per area and the findings of each kind; with a
    ledger, ``overdue_on``, the overdue total and the overdue rows (``overdue``)."""
    result: dict[str, Any] = {
        "totals": {"new": len(diff.new), "resolved": len(diff.resolved),
                   "still_open": len(diff.still_open)},
        "areas": [dataclasses.asdict(counts) for counts in diff.areas.values()],
        **{kind: [_item(mark, record) for mark, record in getattr(diff, kind).items()]
           for kind in ("new", "resolved", "still_open")},
    }
    if diff.overdue_on is not None:
        result["totals"]["overdue"] = len(diff.overdue)
        result["overdue_on"] = diff.overdue_on.isoformat()
        result["overdue"] = [_overdue_item(diff, mark, state)
                             for mark, state in diff.overdue.items()]
    return result


def _overdue_item(diff: RunDiff, mark: str, state: LedgerState) -> dict[str, Any]:
    record = diff.record(mark) or {}
    return {"fingerprint": mark, "town": state.town, "village": state.village,
            "status": state.status,
            "deadline": state.deadline.isoformat() if state.deadline else None,
            "code": record.get("code"), "subject": record.get("subject"),
            "member": record.get("member")}


def diff_lines(diff: RunDiff, lang: str) -> list[str]:
    """The comparison as text in ``lang``: totals, counts per area, then the new and the
    resolved findings (the still-open ones are counted, not listed)."""
    zh = lang == "zh"
    ledger = diff.overdue_on is not None
    lines = [f"新增 {len(diff.new)} 个，已解决 {len(diff.resolved)} 个，仍未解决 "
             f"{len(diff.still_open)} 个" if zh else
             f"{len(diff.new)} new, {len(diff.resolved)} resolved, "
             f"{len(diff.still_open)} still open"]
    if diff.overdue_on is not None:
        on = diff.overdue_on.isoformat()
        lines[0] += (f"；截至 {on} 逾期未整改 {len(diff.overdue)} 条" if zh
                     else f"; {len(diff.overdue)} rectifications overdue on {on}")
    lines.append("")
    lines.append(("乡镇\t村\t新增\t已解决\t仍未解决" if zh
                  else "town\tvillage\tnew\tresolved\tstill open")
                 + (("\t逾期未整改" if zh else "\toverdue") if ledger else ""))
    lines += [f"{c.town or '-'}\t{c.village or '-'}\t{c.new}\t{c.resolved}\t{c.still_open}"
              + (f"\t{c.overdue}" if ledger else "") for c in diff.areas.values()]
    for kind, title in (("new", "新增" if zh else "new"),
                        ("resolved", "已解决" if zh else "resolved")):
        found: dict[str, Mapping[str, Any]] = getattr(diff, kind)
        if found:
            lines += ["", f"{title}:"]
        for mark, record in found.items():
            message = record.get("message") or {}
            text = message.get(lang, "") if isinstance(message, dict) else str(message)
            lines.append(f"  {mark}  {record['code']}  {record['subject']}  {text}")
    if diff.overdue:
        lines += ["", "逾期未整改:" if zh else "overdue:"]
    for mark, state in diff.overdue.items():
        record = diff.record(mark) or {}
        lines.append(f"  {mark}  {record.get('code', '')}  {record.get('subject', '')}  "
                     f"{state.town}/{state.village}  {state.deadline}  "
                     f"{label(STATUS_LABELS, state.status, lang)}")
    return lines


class Baseline:
    """The findings of an older run, to hide from this one (``planner check --baseline``).

    A finding is matched as it is written: its subject masked unless ``show_personal``. Hidden
    findings are counted, and :meth:`stats` takes them out of the run's counts so that the exit
    code and totals speak of the findings shown only.
    """

    def __init__(self, records: Iterable[Mapping[str, Any]], show_personal: bool = False):
        self.marks = set(open_findings(records))
        self.show_personal = show_personal
        self.hidden = CheckStats()
        self._marker = Fingerprinter()

    def hides(self, finding: Finding) -> bool:
        """Whether ``finding`` (of this run, in the order written) was in the baseline."""
        subject = finding.subject if self.show_personal else mask_numbers(finding.subject)
        mark = self._marker.mark(subject, finding.code, finding.member)
        if finding.waived or mark not in self.marks:
            return False
        hidden = self.hidden
        hidden.findings += 1
        hidden.by_severity[finding.severity] = hidden.by_severity.get(finding.severity, 0) + 1
        hidden.findings_by_code[finding.code] = hidden.findings_by_code.get(finding.code, 0) + 1
        return True

    def stats(self, stats: CheckStats) -> CheckStats:
        """``stats`` less the hidden findings."""
        hidden = self.hidden
        by_code = {code: n - hidden.findings_by_code.get(code, 0)
                   for code, n in stats.findings_by_code.items()}
        return dataclasses.replace(
            stats, findings=stats.findings - hidden.findings,
            findings_by_code={code: n for code, n in by_code.items() if n},
            by_severity={s: n - hidden.by_severity.get(s, 0) for s, n in stats.by_severity.items()})


__all__ = ["UNRECTIFIED", "AreaCounts", "Baseline", "FindingsFileError", "Fingerprinter",
           "RunDiff", "add_overdue", "compare", "diff_dict", "diff_lines", "open_findings",
           "read_findings"]
