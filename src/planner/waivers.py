"""Waivers: reviewed exceptions, read from waiver files and judged against a run's findings.

A waiver is kept in the household record or in a waiver file (YAML or CSV). Each file entry
names a household, a rule code, optionally a member (1-based), and must give a reason, an
approver and an expiry date::

    - {household: 522425-101-0001, code: HOU001, reason: 等待易地搬迁安置, approver: 河口镇政府,
       expires: 2020-12-31}

CSV files have the header ``household,code,member,reason,approver,expires``. A missing reason,
approver or expiry is an error naming the file and the entry.

:class:`WaiverLedger` judges the waivers of one run: it marks the findings a live waiver covers,
reports expired waivers (``PLN002``) and unused ones (``PLN003``, as ruff's RUF100), and keeps the
waivers of dataset-scope codes until the end of the run, when those findings exist.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.engine_rules import WAIVER_EXPIRED, WAIVER_UNUSED
from planner.errors import BilingualError
from planner.finding import Finding
from planner.io.formats import sniff_encoding
from planner.model import Waiver
from planner.registry import RuleSet
from planner.rule import CODE_PATTERN, Rule
from planner.safe_yaml import parse_yaml, read_text

FIELDS = ("household", "code", "member", "reason", "approver", "expires")
REQUIRED = ("household", "code", "reason", "approver", "expires")
_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header (no header can be this)


@dataclass(slots=True)
class FileWaiver:
    """A waiver kept in a waiver file rather than in the household record."""

    household: str
    waiver: Waiver
    source: str = ""


class WaiverError(BilingualError):
    """A waiver file is unreadable or an entry lacks a required field.

    The message is in Chinese, then English (``.zh``, ``.en``), and names the file and the entry.
    """


def _where_zh(where: str) -> str:
    """``entry #3`` → ``第3条``, ``line 7`` → ``第7行``."""
    kind, _, number = where.partition(" ")
    return f"第{number.lstrip('#')}{'行' if kind == 'line' else '条'}"


def _entry(item: Any, source: str, where: str) -> FileWaiver:
    if not isinstance(item, dict):
        raise WaiverError(
            f"{source}：{_where_zh(where)}：每条豁免须是含 {'、'.join(FIELDS)} 的映射",
            f"{source}: {where}: a waiver is a mapping of {', '.join(FIELDS)}",
        )
    raw_household = item.get("household")
    household = str(raw_household or "").strip()
    code = str(item.get("code") or "").strip()
    zh = f"{source}：{_where_zh(where)}（户 {household or '?'}，规则 {code or '?'}）"
    en = f"{source}: {where} (household {household or '?'}, code {code or '?'})"
    if raw_household is not None and not isinstance(raw_household, str):
        # YAML reads 0012345670 as a number (octal even): the id would silently change.
        raise WaiverError(f"{zh}：户编号须加引号：household: \"...\"",
                          f"{en}: write the household id in quotes: household: \"...\"")
    missing = [key for key in REQUIRED if item.get(key) in (None, "")]
    if missing:
        raise WaiverError(f"{zh}：缺少 {'、'.join(missing)}", f"{en}: missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise WaiverError(f"{zh}：未知的字段 {'、'.join(unknown)}",
                          f"{en}: unknown field {', '.join(unknown)}")
    if not CODE_PATTERN.match(code):
        raise WaiverError(f"{zh}：{code!r} 不是规则代码", f"{en}: {code!r} is not a rule code")
    fields = {k: v for k, v in item.items() if k != "household" and v not in (None, "")}
    try:
        waiver = Waiver.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise WaiverError(f"{zh}：{field} 的值有误：{error['msg']}",
                          f"{en}: {field}: {error['msg']}") from exc
    return FileWaiver(household=household, waiver=waiver, source=f"{source}: {where}")


def parse_yaml_waivers(text: str, source: str = "<waivers>") -> list[FileWaiver]:
    """Waivers of a YAML file: a list, or a mapping with ``waivers: [...]``."""
    document = parse_yaml(text, source, WaiverError)
    data = document.data
    path: tuple[str, ...] = ()
    if isinstance(data, dict) and "waivers" in data:
        data, path = data["waivers"], ("waivers",)
    if data is None:
        return []
    if not isinstance(data, list):
        raise WaiverError(f"{document.where(*path)}：豁免文件应是豁免条目的列表",
                          f"{document.where(*path)}: a waiver file holds a list of waivers")
    return [_entry(item, document.where(*path, i - 1), f"entry #{i}")
            for i, item in enumerate(data, start=1)]


def parse_csv_waivers(text: str, source: str = "<waivers>") -> list[FileWaiver]:
    """Waivers of a CSV file with a header row (``household,code,member,…``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restkey=_EXTRA)
    header = [h.strip() for h in reader.fieldnames or ()]
    lacking = [key for key in REQUIRED if key not in header]
    if lacking:
        raise WaiverError(f"{source}：表头缺少 {'、'.join(lacking)}",
                          f"{source}: the header lacks {', '.join(lacking)}")
    waivers = []
    for row in reader:
        if row.get(_EXTRA):  # restkey collects cells beyond the header
            cells = len(header) + len(row[_EXTRA])
            raise WaiverError(
                f"{source}：第{reader.line_num}行有 {cells} 个单元格，表头只有 {len(header)} 列",
                f"{source}: line {reader.line_num} has {cells} cells, the header only"
                f" {len(header)} columns",
            )
        row.pop(_EXTRA, None)
        item = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not any(item.values()):
            continue
        waivers.append(_entry(item, source, f"line {reader.line_num}"))
    return waivers


def load_waivers(path: str | Path) -> list[FileWaiver]:
    """Waivers of a ``.yaml``/``.yml`` or ``.csv`` file."""
    path = Path(path)
    # Excel in a Chinese locale saves CSV as GBK/GB18030; YAML is UTF-8 by its own definition.
    is_csv = path.suffix.lower() == ".csv"
    text = read_text(path, WaiverError, sniff_encoding if is_csv else None)
    if is_csv:
        return parse_csv_waivers(text, str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_yaml_waivers(text, str(path))
    raise WaiverError(f"{path}：豁免文件须为 .yaml、.yml 或 .csv",
                      f"{path}: waiver files are .yaml, .yml or .csv")


Report = Callable[..., Finding]
"""Builds an engine finding: ``report(rule, subject, values, evidence, member, values_en=...)``."""


class WaiverLedger:
    """The waivers of one run and what became of them.

    ``rules`` are the selected rules (a waiver of a retired code covers its rule through the
    aliases); ``known_codes`` are the codes and aliases of every loaded rule, selected or not: a
    waiver of a known but unselected code is neither used nor reported as unused.
    ``engine_codes`` says which of ``PLN002``/``PLN003`` are reported; ``dataset_codes`` are the
    codes of dataset-scope rules, whose waivers wait for :meth:`finish`.
    """

    def __init__(
        self,
        rules: RuleSet,
        file_waivers: Iterable[FileWaiver],
        reference_date: date,
        report: Report,
        *,
        known_codes: Iterable[str] = (),
        engine_codes: Iterable[str] = (),
        dataset_codes: Iterable[str] = (),
    ) -> None:
        self.rules = rules
        self.reference_date = reference_date
        self._report = report
        self._selected = codes_with_aliases(rules)
        self._known = self._selected | frozenset(known_codes)
        self._engine_codes = frozenset(engine_codes)
        self._dataset_codes = frozenset(dataset_codes)
        self._deferred: dict[str, list[Waiver]] = {}
        self._by_household: dict[str, list[Waiver]] = {}
        self._judged: set[str] = set()  # households whose file waivers were judged
        for entry in file_waivers:
            self._by_household.setdefault(entry.household, []).append(entry.waiver)

    def of_household(self, subject: str, own: Sequence[Waiver]) -> list[Waiver]:
        """The waivers to judge with the findings of household ``subject``: its own and those of
        the files, less the live waivers of dataset-scope codes (kept for :meth:`finish`)."""
        from_files = self._by_household.get(subject, ())
        if from_files:
            self._judged.add(subject)
        waivers = [*own, *from_files]
        if not waivers or not self._dataset_codes:
            return waivers
        keep: list[Waiver] = []
        for waiver in waivers:
            if waiver.code in self._dataset_codes and waiver.expires >= self.reference_date:
                self._deferred.setdefault(subject, []).append(waiver)
            else:
                keep.append(waiver)
        return keep

    def mark(self, waivers: Iterable[Waiver], findings: Iterable[Finding]) -> None:
        """Mark the findings live waivers cover, reporting nothing (for rules reading findings)."""
        findings = list(findings)
        for waiver in waivers:
            if waiver.expires < self.reference_date:
                continue
            codes = self.rules.codes_of(waiver.code)
            for finding in findings:
                if finding.code in codes and waiver.member in (None, finding.member):
                    finding.waiver = waiver

    def apply(
        self, subject: str, waivers: Iterable[Waiver], findings: Sequence[Finding],
        absent: bool = False,
    ) -> list[Finding]:
        """Mark the findings each waiver covers; return PLN002 for expired waivers and PLN003 for
        those that cover nothing (``absent``: the household is not in the input)."""
        extra: list[Finding] = []
        for waiver in waivers:
            codes = self.rules.codes_of(waiver.code)
            evidence = {"code": waiver.code, "reason": waiver.reason, "approver": waiver.approver,
                        "expires": waiver.expires.isoformat(), "member": waiver.member}
            if waiver.expires < self.reference_date:
                if WAIVER_EXPIRED.code in self._engine_codes:
                    extra.append(self._report(WAIVER_EXPIRED, subject, evidence, evidence,
                                              waiver.member))
                continue
            used = False
            for finding in findings:
                if finding.code in codes and (
                    waiver.member is None or finding.member == waiver.member
                ):
                    finding.waiver = waiver
                    used = True
            if used or WAIVER_UNUSED.code not in self._engine_codes:
                continue
            why = self._why_unused(waiver, absent)
            if why is not None:
                extra.append(self._report(
                    WAIVER_UNUSED, subject, {**evidence, "why": why[0]}, evidence,
                    waiver.member, values_en={**evidence, "why": why[1]},
                ))
        return extra

    def _why_unused(self, waiver: Waiver, absent: bool) -> tuple[str, str] | None:
        """Why a live waiver covered nothing (zh, en); ``None`` when its rule did not run."""
        if absent:
            return "输入中没有此户", "the household is not in the input"
        if waiver.code in self._selected:
            if waiver.member is not None:
                return (f"第 {waiver.member} 名成员没有此问题",
                        f"no such finding for member {waiver.member}")
            return "该户没有此问题", "no such finding for this household"
        if waiver.code in self._known:
            return None  # the rule was not selected for this run: nothing to judge
        return "没有这个规则代码", "no rule has this code"

    def take_partial(self) -> tuple[list[str], list[tuple[str, list[Waiver]]]]:
        """What households judged since the last call leave for :meth:`finish` — the households
        whose file waivers were judged, the deferred waivers by household — forgotten here, to be
        merged (:meth:`merge`) into the ledger that finishes the run (parts checked elsewhere)."""
        partial = sorted(self._judged), list(self._deferred.items())
        self._judged, self._deferred = set(), {}
        return partial

    def merge(self, partial: tuple[list[str], list[tuple[str, list[Waiver]]]],
              exclude: Container[str] = ()) -> None:
        """Take in a :meth:`take_partial` of households read after those judged here, leaving
        out those in ``exclude`` (records rejected after they were checked)."""
        judged, deferred = partial
        self._judged.update(subject for subject in judged if subject not in exclude)
        for subject, waivers in deferred:
            if subject not in exclude:
                self._deferred.setdefault(subject, []).extend(waivers)

    def finish(self, dataset_findings: Sequence[Finding]) -> list[Finding]:
        """At the end of the run: apply the deferred waivers to the dataset findings, and report
        the file waivers of households that were not in the input (PLN003)."""
        by_subject: dict[str, list[Finding]] = {}
        for finding in dataset_findings:
            by_subject.setdefault(finding.subject, []).append(finding)
        extra: list[Finding] = []
        for subject, waivers in self._deferred.items():
            extra.extend(self.apply(subject, waivers, by_subject.get(subject, [])))
        for subject, waivers in self._by_household.items():
            if subject not in self._judged:
                extra.extend(self.apply(subject, waivers, [], absent=True))
        return extra


def codes_with_aliases(rules: Iterable[Rule]) -> frozenset[str]:
    """Every code and alias of ``rules``."""
    return frozenset(code for rule in rules for code in (rule.code, *rule.aliases))


__all__ = [
    "FileWaiver",
    "WaiverError",
    "WaiverLedger",
    "codes_with_aliases",
    "load_waivers",
    "parse_csv_waivers",
    "parse_yaml_waivers",
]
