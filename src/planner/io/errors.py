"""Input errors and read counts: every rejected record or cell, located and explained."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from planner.printable import printable
from planner.privacy import mask_numbers, mask_personal

ERROR = "error"
WARNING = "warning"
FILE = "file"


_PLACE_WORDS: dict[str, dict[str, str]] = {
    "zh": {"sheet": "工作表「{}」", "row": "第{}行", "line": "第{}行", "record": "第{}条记录",
           "household": "户编号 {}", "column": "列「{}」", "field": "字段 {}", "separator": " "},
    "en": {"sheet": "sheet {}", "row": "row {}", "line": "line {}", "record": "record {}",
           "household": "household {}", "column": "column {}", "field": "field {}",
           "separator": ", "},
}


@dataclass(frozen=True, slots=True, kw_only=True)
class InputError:
    """One problem met while reading a file, with where it is and why, in Chinese and English.

    ``row`` is the 1-based spreadsheet row (CSV and XLSX, title rows and header included), ``line``
    the 1-based line of a JSON Lines file, ``record`` the 1-based position of the record in the
    file (JSON list item, JSONL line without blank lines, Parquet row). ``field`` is the model
    field path with 1-based list positions (``members.2.birth_date`` is the second member);
    ``column`` is the header as written in the file. ``value`` is the offending value as text,
    with personal data (ID numbers, names, phone numbers) masked unless the reader was asked not
    to. ``level`` is ``"error"`` (the record or cell is rejected), ``"warning"`` (nothing is
    rejected, e.g. a column that is not used) or ``"file"`` (the file, or the rest of it, could
    not be read: records in it went uncounted; the CLI exits with 2).
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    line: int | None = None
    record: int | None = None
    field: str | None = None
    value: str | None = None
    reason_zh: str
    reason_en: str
    column: str | None = None
    household: str | None = None
    level: str = ERROR

    @property
    def is_warning(self) -> bool:
        """True for notices that reject nothing (unused columns)."""
        return self.level == WARNING

    @property
    def is_file_error(self) -> bool:
        """True when the file, or the rest of it, could not be read (not one record's fault)."""
        return self.level == FILE

    def with_household(self, household: str | None) -> InputError:
        """This error naming ``household`` (``dataclasses.replace`` costs ~8× more, which a file
        of fifty thousand bad cells feels)."""
        new = object.__new__(InputError)
        for name in _FIELDS:
            _set(new, name, getattr(self, name))
        _set(new, "household", household)
        return new

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready mapping; keys whose value is unknown are left out."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    def location(self, language: str = "zh") -> str:
        """Where the problem is, e.g. ``a.csv 第7行 列「证件号码」`` in Chinese."""
        words = _PLACE_WORDS[language]
        parts = [self.file]
        if self.sheet:
            parts.append(words["sheet"].format(self.sheet))
        for key in ("row", "line", "record"):  # the first one known locates the record
            number = getattr(self, key)
            if number is not None:
                parts.append(words[key].format(number))
                break
        if self.household:
            parts.append(words["household"].format(self.household))
        if self.column:
            parts.append(words["column"].format(self.column))
        if self.field and self.field != self.column:
            parts.append(words["field"].format(self.field))
        return words["separator"].join(parts)

    def location_zh(self) -> str:
        """Where the problem is, in Chinese."""
        return self.location("zh")

    def location_en(self) -> str:
        """Where the problem is, in English."""
        return self.location("en")

    def __str__(self) -> str:
        # Read for people on a terminal: a control character in a value, an id or a header
        # is shown, not executed.
        value = printable(self.value) if self.value is not None else None
        value_zh = f"（值：{value}）" if value is not None else ""
        value_en = f" (value: {value})" if value is not None else ""
        return (
            f"{printable(self.location_zh())}：{printable(self.reason_zh)}{value_zh}\n"
            f"  {printable(self.location_en())}: {printable(self.reason_en)}{value_en}"
        )


@dataclass(slots=True)
class ReadStats:
    """Counts of one read: ``read == accepted + rejected`` always holds.

    For household files the unit is the household (one per household id, however many member
    rows it has), plus one per row that cannot belong to any household (no household id, or a
    part-table row whose household is not in the main table), plus one per later record of an
    id read before. For village and project files it is the village or project.
    """

    read: int = 0
    accepted: int = 0
    rejected: int = 0

    def add(self, other: ReadStats) -> None:
        """Add the counts of ``other`` to these."""
        self.read += other.read
        self.accepted += other.accepted
        self.rejected += other.rejected

    def to_dict(self) -> dict[str, int]:
        """The counts as a mapping."""
        return {"read": self.read, "accepted": self.accepted, "rejected": self.rejected}

    def __str__(self) -> str:
        return (
            f"读取 {self.read} 条，接受 {self.accepted} 条，拒绝 {self.rejected} 条 / "
            f"read {self.read}, accepted {self.accepted}, rejected {self.rejected}"
        )


class StrictError(Exception):
    """Raised in strict mode at the first rejected record; ``error`` says which and why."""

    def __init__(self, error: InputError):
        super().__init__(str(error))
        self.error = error


class FormatError(ValueError):
    """A file cannot be read at all (unknown format, missing file, ambiguous dataset)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class ReadFailure(FormatError):
    """An unexpected exception while reading ``file``, chained to it (``__cause__``).

    It is a bug met on hostile input: the library does not hide it, and the CLI reports the file
    as unreadable (exit 2) instead of printing a traceback. The original message is left out, as
    it may quote personal data; its type is kept.
    """

    def __init__(self, file: str, exc: BaseException):
        kind = type(exc).__name__
        super().__init__(f"读取 {file} 时发生意外错误（{kind}），该文件未读完",
                         f"unexpected error ({kind}) while reading {file}; the file was not "
                         "read to the end")
        self.file = file
        self.kind = kind


_FIELDS = tuple(f.name for f in fields(InputError))
_set = object.__setattr__


def mask_value(field: str | None, value: Any, mask: bool = True) -> str | None:
    """The value as text for an error message, masking personal data.

    A value of a field marked personal on the model (``planner.model.personal``) is masked as its
    kind: ID numbers keep their first 6 and last 2 characters, phone numbers their first 3 and
    last 2 digits, names their surname. Any other value has the ID and mobile numbers it holds
    masked, wherever it was typed (an ID number in the birth-date column is still an ID number).
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e30:
        # Spreadsheets store a long number as a float: shown whole, an ID number is recognised.
        text = f"{value:.0f}"
    elif isinstance(value, (list, tuple)):
        text = "、".join(str(v) for v in value)
    else:
        text = str(value)
    text = printable(text)
    if not mask:
        return text
    return mask_personal(field, text)


def mask_household(household: str | None, mask: bool = True) -> str | None:
    """A household id for an error message: one that is an ID number is masked like one."""
    return household if household is None or not mask else mask_numbers(household)
