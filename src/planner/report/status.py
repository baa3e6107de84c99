"""Statuses returned by the offices: an edited ledger read back, checked, and kept as a file.

``planner ledger import ledger.xlsx`` reads every town sheet of a ledger (the sheets whose header
is the ledger's, in Chinese or English), checks each row — a known finding id (the ids the
ledger was written with, kept in its hidden ``_ids`` sheet), a known status (code or label, in
either language), a real date as deadline — and writes the rows that say more than "open" to a
status file, JSON: ``{"format": "planner-ledger-status", "version": 1, "entries": {id: {status,
verifier, note, deadline}}}``. The next ``planner report --status FILE`` shows those statuses.
A row that fails a check is an :class:`~planner.io.errors.InputError` naming the sheet, the row
and the column; the other rows are still imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from planner.atomic import write_text
from planner.errors import BilingualError
from planner.fingerprints import key_id
from planner.io.errors import InputError
from planner.report.book import IDS_SHEET, KEY_PREFIX
from planner.report.labels import STATUS_LABELS, status_of
from planner.report.ledger import LEDGER_COLUMNS, Entry

FORMAT = "planner-ledger-status"
VERSION = 1
#: The ledger columns read back.
READ = ("fingerprint", "status", "verifier", "deadline", "note")


class StatusFileError(BilingualError):
    """A status file or a ledger that cannot be read as one (the whole file: exit 2)."""


@dataclass(slots=True)
class LedgerState:
    """One valid ledger row as an office returned it: its town and village, status and
    deadline (what ``planner diff --ledger`` needs to tell overdue rectifications)."""

    town: str
    village: str
    status: str
    deadline: date | None


@dataclass(slots=True)
class Imported:
    """What an import read: the entries by finding id (the rows saying more than "open"), every
    valid row's state by finding id, the rows read and the rows' errors."""

    entries: dict[str, Entry] = field(default_factory=dict)
    rows: int = 0
    errors: list[InputError] = field(default_factory=list)
    states: dict[str, LedgerState] = field(default_factory=dict)


def _same_key(name: str, header: tuple[Any, ...]) -> None:
    """Refuse a ledger whose finding ids were made under another fingerprint key: none of its
    rows could be matched, and each would be refused as unknown."""
    written = next((str(cell)[len(KEY_PREFIX):] for cell in header
                    if isinstance(cell, str) and cell.startswith(KEY_PREFIX)), None)
    if written is not None and written != key_id():
        raise StatusFileError(
            f"{name} 的问题编号由另一把指纹密钥（{written}）生成，本机密钥为 {key_id()}："
            "请使用写出该台账时的密钥（PLANNER_FINGERPRINT_KEY 或其密钥文件）",
            f"{name} was written with another fingerprint key ({written}; this machine's is "
            f"{key_id()}): use the key it was written with (PLANNER_FINGERPRINT_KEY or its file)")


def _columns(header: tuple[Any, ...]) -> dict[str, int] | None:
    """Which column holds each ledger key, when ``header`` is a ledger's header (else None)."""
    names = {text: key for key, zh, en in LEDGER_COLUMNS for text in (zh, en)}
    found = {names[str(cell).strip()]: index for index, cell in enumerate(header)
             if cell is not None and str(cell).strip() in names}
    return found if "fingerprint" in found and "status" in found else None


def _date(value: Any) -> date | str | None:
    """A deadline cell as a date (``None`` when empty), or the text when it is no date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def read_ledger(path: str | Path) -> Imported:
    """Read an edited ledger: every row's status, verifier, note and deadline by finding id.

    Raises :class:`StatusFileError` when the file is no ledger written by ``planner report``
    (unreadable, no ledger sheet, or no ``_ids`` sheet).
    """
    import openpyxl

    name = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for what is no workbook
        raise StatusFileError(f"无法读取整改台账 {name}：{type(exc).__name__}",
                              f"cannot read the ledger {name}: {type(exc).__name__}") from exc
    try:
        if IDS_SHEET not in book.sheetnames:
            raise StatusFileError(
                f"{name} 不是 planner report 写出的整改台账（缺少隐藏的 {IDS_SHEET} 工作表）",
                f"{name} is not a ledger written by planner report (no hidden {IDS_SHEET} sheet)")
        ids = book[IDS_SHEET].iter_rows(values_only=True)
        _same_key(name, next(ids, ()))
        known = {str(row[0]) for row in ids if row and row[0] is not None}
        result = Imported()
        sheets = 0
        for sheet in book.worksheets:
            if sheet.title == IDS_SHEET:
                continue
            rows = sheet.iter_rows(values_only=True)
            columns = _columns(next(rows, ()))
            if columns is None:
                continue  # the summary and the responsibility lists
            sheets += 1
            header = {key: _header(key, index) for key, index in columns.items()}
            for number, row in enumerate(rows, start=2):
                if not any(cell is not None and str(cell).strip() for cell in row):
                    continue
                result.rows += 1
                _read_row(name, sheet.title, number, row, columns, header, known, result)
        if not sheets:
            raise StatusFileError(f"{name} 中没有整改台账工作表", f"{name} holds no ledger sheet")
        return result
    finally:
        book.close()


def _header(key: str, index: int) -> str:
    zh, en = next((zh, en) for k, zh, en in LEDGER_COLUMNS if k == key)
    return f"{zh} {en} ({_letters(index)})"


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _read_row(file: str, sheet: str, number: int, row: tuple[Any, ...],
              columns: Mapping[str, int], header: Mapping[str, str], known: set[str],
              result: Imported) -> None:
    def cell(key: str) -> Any:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    def error(key: str, value: Any, zh: str, en: str) -> None:
        result.errors.append(InputError(file=file, sheet=sheet, row=number, column=header[key],
                                        value=None if value is None else str(value),
                                        reason_zh=zh, reason_en=en))

    mark = _text(cell("fingerprint"))
    if mark is None or mark not in known:
        error("fingerprint", mark, "问题编号不是本台账写出的编号（请勿修改或复制该列）",
              "unknown finding id: not one this ledger was written with (do not edit or copy it)")
        return
    status_text = _text(cell("status"))
    status = "open" if status_text is None else status_of(status_text)
    if status is None:
        choices = "、".join(zh for zh, _ in STATUS_LABELS.values())
        choices_en = ", ".join(en for _, en in STATUS_LABELS.values())
        error("status", status_text, f"未知的整改状态，应为：{choices}",
              f"unknown status; one of: {choices_en}")
        return
    deadline = _date(cell("deadline")) if "deadline" in columns else None
    if isinstance(deadline, str):
        error("deadline", deadline, "整改时限不是日期（应为 2020-11-30 这样的日期）",
              "the deadline is not a date (write it as 2020-11-30)")
        return
    entry = Entry(status=status, verifier=_text(cell("verifier")), note=_text(cell("note")),
                  deadline=deadline)
    result.states[mark] = LedgerState(_text(cell("town")) or "", _text(cell("village")) or "",
                                      status, deadline)
    if entry.status != "open" or entry.verifier or entry.note:
        result.entries[mark] = entry


def save_status(entries: Mapping[str, Entry], path: str | Path) -> None:
    """Write ``entries`` as a status file (whole or not at all)."""
    data = {"format": FORMAT, "version": VERSION, "entries": {
        mark: {key: value.isoformat() if isinstance(value, date) else value
               for key, value in (("status", entry.status), ("verifier", entry.verifier),
                                  ("note", entry.note), ("deadline", entry.deadline))
               if value is not None}
        for mark, entry in sorted(entries.items())}}
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def load_status(path: str | Path) -> dict[str, Entry]:
    """The entries of a status file; :class:`StatusFileError` when it is none."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatusFileError(f"无法读取整改状态文件 {name}：{exc}",
                              f"cannot read the status file {name}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("entries"), dict):
        raise StatusFileError(f"{name} 不是整改状态文件（应由 planner ledger import 写出）",
                              f"{name} is not a status file (planner ledger import writes one)")
    return dict(_entries(name, data["entries"]))


def _entries(name: str, raw: Mapping[str, Any]) -> Iterator[tuple[str, Entry]]:
    for mark, item in raw.items():
        status = item.get("status") if isinstance(item, dict) else None
        if status not in STATUS_LABELS:
            raise StatusFileError(f"{name}：问题 {mark} 的整改状态 {status!r} 无效",
                                  f"{name}: finding {mark} has an invalid status {status!r}")
        deadline = _date(item.get("deadline"))
        if isinstance(deadline, str):
            raise StatusFileError(f"{name}：问题 {mark} 的整改时限 {deadline!r} 不是日期",
                                  f"{name}: finding {mark} has a deadline that is no date")
        yield mark, Entry(status=status, verifier=item.get("verifier"), note=item.get("note"),
                          deadline=deadline)


__all__ = ["FORMAT", "Imported", "LedgerState", "StatusFileError", "load_status", "read_ledger",
           "save_status"]
