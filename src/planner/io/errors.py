"""Input errors and read counts: every rejected record or cell, located and explained."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from planner.idnumber import mask_id, mask_name, mask_numbers, mask_phone

ERROR = "error"
WARNING = "warning"
_NAME_FIELDS = frozenset({"name", "visitor", "姓名", "户主姓名", "帮扶责任人"})


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
    to. ``level`` is ``"error"`` (the record or cell is rejected) or ``"warning"`` (nothing is
    rejected, e.g. a column that is not used).
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
        value_zh = f"（值：{self.value}）" if self.value is not None else ""
        value_en = f" (value: {self.value})" if self.value is not None else ""
        return (
            f"{self.location_zh()}：{self.reason_zh}{value_zh}\n"
            f"  {self.location_en()}: {self.reason_en}{value_en}"
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


def mask_value(field: str | None, value: Any, mask: bool = True) -> str | None:
    """The value as text for an error message, masking personal data by field name.

    ID numbers keep their first 6 and last 2 characters, phone numbers their first 3 and last 2
    digits, personal names their surname (``planner.idnumber``). Any other value has the ID
    numbers and mobile numbers it holds masked (:func:`mask_numbers`).
    """
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, (list, tuple)):
        text = "、".join(str(v) for v in value)
    else:
        text = str(value)
    if not mask:
        return text
    name = (field or "").rsplit(".", 1)[-1]
    if "id_number" in name or name in {"证件号码", "身份证号码", "身份证号"}:
        return mask_id(text)
    if "phone" in name or "电话" in name:
        return mask_phone(text)
    if name in _NAME_FIELDS or (field or "").endswith("helper.name"):
        return mask_name(text)
    return mask_numbers(text)
