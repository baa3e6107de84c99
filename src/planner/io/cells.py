"""Cell values: read a spreadsheet cell into a model value, and write a model value into a cell.

Reading is lenient about *spelling* (是/否, full-width digits, ``2020/3/1``, ``202003`` in month
columns, Chinese enum labels) and strict about *meaning*: a value that cannot be put into the
model raises :class:`CellError` with the reason in Chinese and English.

Numbers, dates and ID numbers take ASCII digits and their full-width forms (``１２``, common in
files typed with a Chinese input method, read as 12). Every other kind of digit is refused:
circled and parenthesised numbers (``①``, ``⑴``), superscripts and the digits of other scripts
(``٣``) are not what the person meant to count with, although NFKC or ``int()`` would silently
turn them into numbers. Infinity and NaN (``inf``, ``nan``, a float NaN from Parquet) are refused
too: no count, amount or area is infinite, and a NaN is never a blank cell here.

ID numbers (证件号码) are the one field judged here rather than by the rules: a string of digits
(with an optional final ``X``) always passes, even when its check digit is wrong, because that is
rule DQ001's finding. Rejected are values that cannot be an ID at all: numbers (an Excel cell
holding 5.22425E+17 has lost its last digits), scientific notation, and any character other than
digits and a final X.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any

from planner.io.formulas import MARK, neutralise, unmark
from planner.io.jsontext import TOO_DEEP_EN, TOO_DEEP_ZH, JsonTooDeep, load_json
from planner.io.layout import DICT, JSON, LIST, Column
from planner.model.vocab import LABELS_ZH
from planner.phones import normalise_phone

LIST_SEPARATORS = re.compile(r"[;；、,，]")
_TRUE = {"true", "t", "yes", "y", "1", "是", "有", "√", "✓", "对"}
_FALSE = {"false", "f", "no", "n", "0", "否", "无", "×", "✗", "没有"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", re.ASCII)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
_MONTH = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})月?|(\d{2}))$", re.ASCII)
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$", re.ASCII)
# Excel's day 0 (its 1900 date system, counting the 29 February 1900 that never was, so this
# base is exact for every serial from 1 March 1900 on).
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN = 10_000
"""Smallest serial read as a date (1927-05-18); a smaller number in a date column is more likely
a year or a typo than a date, and nobody in a household record was born before it."""
SERIAL_MAX = 73_050
"""Largest serial read as a date (2099-12-31)."""
# An amount written with its unit, as a cell formatted by hand: 300元, 1.2万, 1.2万元.
_AMOUNT_UNIT = re.compile(r"^(.*?)(万元|万|元)$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$", re.ASCII)
# Digits with a final X, or a 20/22-digit 残疾人证号: the ID number (its check character X
# inside) and two or four digits (domain.md §5).
_ID = re.compile(r"^(\d+X?|\d{17}X(\d{2}|\d{4}))$", re.ASCII)
_FLOAT_ID = re.compile(r"^(\d+)\.0+$", re.ASCII)
# Full-width ASCII (！ to ～, digits, ．，＋－ｅ among them) and the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
NOT_DIGITS = ("数字只能用 0–9（或全角数字），不能用 ① 等带圈数字、上标或其他文字的数字",
              "digits must be 0-9 (or full-width digits); circled numbers such as ①, "
              "superscripts and digits of other scripts are not read")
NOT_FINITE = ("应为有限的数字（不能是无穷大 Infinity 或非数 NaN）",
              "must be a finite number (not Infinity or NaN)")


class CellError(ValueError):
    """A cell value that cannot be put into the model."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


# Unicode's white space. Python's ``str.strip()`` also removes U+001C–U+001F (``isspace`` is true
# for them), which the model keeps: a text cell stripped with it would come back changed.
WHITE_SPACE = "".join(c for c in map(chr, range(0x3001))
                      if c.isspace() and not "\x1c" <= c <= "\x1f")


def blank(value: Any) -> bool:
    """True for an empty cell: ``None`` or whitespace.

    A NaN is not blank: Parquet has nulls for missing values, so a NaN is a value, refused.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(WHITE_SPACE)
    return False


def ascii_digits(text: str) -> str:
    """``text`` with full-width characters made ASCII; :class:`CellError` when other non-ASCII
    characters remain (``①``, ``²``, ``٣``), for cells that must hold a number."""
    if text.isascii():
        return text
    text = text.translate(_FULL_WIDTH)
    if not text.isascii():
        raise CellError(*NOT_DIGITS)
    return text


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def id_number(value: Any) -> str:
    """An ID number cell as text, or :class:`CellError` when it cannot be one."""
    if isinstance(value, bool):
        raise CellError("证件号码应为文本", "the ID number must be text")
    if isinstance(value, (int, float)):
        if (isinstance(value, float) and not value.is_integer()) or abs(value) >= 10**15:
            raise CellError(
                "证件号码被存成了数字（如 Excel 的 5.22425E+17），后几位已丢失；"
                "请把该列设为文本后重新导出",
                "the ID number was stored as a number (e.g. 5.22425E+17 in Excel) and its last "
                "digits are lost; re-export the column as text",
            )
        return str(int(value))
    text = "".join(str(value).translate(_FULL_WIDTH).split()).upper()
    if _SCIENTIFIC.match(text):
        raise CellError(
            "证件号码是科学计数法（如 5.22425E+17），后几位已丢失；请把该列设为文本后重新导出",
            "the ID number is in scientific notation (e.g. 5.22425E+17) and its last digits "
            "are lost; re-export the column as text",
        )
    float_like = _FLOAT_ID.match(text)
    if float_like:
        digits = float_like.group(1)
        if len(digits) > 15:
            raise CellError(
                "证件号码带有小数点（经过了数字转换），后几位可能已丢失",
                "the ID number has a decimal point (it went through a number conversion) and "
                "its last digits may be lost",
            )
        return digits
    if not _ID.match(text):
        raise CellError("证件号码只能由数字和末位的 X 组成",
                        "the ID number may only hold digits and a final X")
    return text


def phone(value: Any) -> str:
    """A phone cell in its canonical form (:func:`planner.phones.normalise_phone`): dashes,
    spaces, ``+86``/``0086``, brackets round the area code and full-width digits go; a number
    that is not a valid one stays as written, for rule DQ013 to flag."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A phone column formatted as a number: 13800138000.0; a landline has lost its 0.
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip(WHITE_SPACE)
    return normalise_phone(text) or text


def to_bool(value: Any) -> bool:
    """是/否, true/false, 1/0 … as a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("应为“是”或“否”", "must be yes (是) or no (否)")


def _number_text(value: Any) -> str:
    return ascii_digits(str(value)).strip().replace(",", "").replace(" ", "")


def to_int(value: Any) -> int:
    """A whole number; ``3.0`` is 3, ``3.5`` is an error."""
    if isinstance(value, bool):
        raise CellError("应为整数", "must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        if not math.isfinite(value):
            raise CellError(*NOT_FINITE)
        raise CellError("应为整数", "must be a whole number")
    text = _number_text(value)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise CellError("应为整数", "must be a whole number") from None
    if not math.isfinite(number):
        raise CellError(*NOT_FINITE)
    if not number.is_integer():
        raise CellError("应为整数", "must be a whole number")
    return int(number)


def has_unit(value: Any) -> bool:
    """Whether a cell spells its amount with a unit (``300元``, ``1.2万``).

    Such a cell is in yuan whatever the column's scale: a ``资金规模（万元）`` cell reading
    ``12.5万元`` is 125,000 yuan, not 1.25 billion.
    """
    return isinstance(value, str) and _AMOUNT_UNIT.match(value.strip(WHITE_SPACE)) is not None


def to_float(value: Any) -> float:
    """A finite number; thousands separators and full-width digits are accepted, and so is an
    amount with its unit: ``300元`` is 300, ``1.2万`` and ``1.2万元`` are 12,000 (exactly)."""
    if isinstance(value, bool):
        raise CellError("应为数字", "must be a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip(WHITE_SPACE)
        unit = _AMOUNT_UNIT.match(text)
        text = _number_text(unit[1] if unit else text)
        try:
            ten_thousands = unit is not None and unit[2] != "元"
            number = float(Decimal(text) * 10_000) if ten_thousands else float(text)
        except (ValueError, InvalidOperation):
            raise CellError("应为数字", "must be a number") from None
    if not math.isfinite(number):
        raise CellError(*NOT_FINITE)
    return number


def from_serial(value: float) -> date:
    """The date of an Excel serial day number (``43831`` is 2020-01-01; a time fraction is
    ignored); :class:`CellError` outside 1927–2099 (:data:`SERIAL_MIN`, :data:`SERIAL_MAX`)."""
    if not SERIAL_MIN <= value < SERIAL_MAX + 1:
        raise CellError(
            f"数字 {value:g} 不是日期：Excel 的日期序号应在 {SERIAL_MIN}–{SERIAL_MAX} 之间"
            "（1927–2099 年），年份请写成完整日期",
            f"the number {value:g} is not a date: an Excel date serial lies between {SERIAL_MIN}"
            f" and {SERIAL_MAX} (1927–2099); write a year as a whole date",
        )
    return EXCEL_EPOCH + timedelta(days=int(value))


def month_only(value: Any) -> bool:
    """Whether a month column's cell gives a month only (``202003``, ``2020-03``, ``2020年03月``),
    which :func:`to_date` reads as the month's first day, rather than a day."""
    if isinstance(value, (date, bool)):
        return False
    if isinstance(value, (int, float)) and (not math.isfinite(value) or value < 100_000):
        return False  # an Excel serial day
    text = value.translate(_FULL_WIDTH).strip() if isinstance(value, str) else _text(value)
    return _MONTH.match(text) is not None and not _SERIAL.match(text)


def to_date(value: Any, month: bool = False) -> date:
    """A date from a date cell or text: ``2020-03-01``, ``2020/3/1``, ``20200301``, ``2020年3月1日``
    (a time part is ignored), or an Excel serial day number (``43831``, from a date column
    formatted as a number: :func:`from_serial`).

    In month columns (``type: month``) ``202003``, ``2020-03`` and ``2020年03月`` mean the first
    of the month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise CellError(*NOT_FINITE)
        if value < 100_000:  # 202003 and 20200301 are read as text below
            return from_serial(value)
    text = value.translate(_FULL_WIDTH).strip() if isinstance(value, str) else _text(value)
    if _SERIAL.match(text):
        return from_serial(float(text))
    text = re.split(r"[ T]", text, maxsplit=1)[0] if len(text) > 10 else text
    try:
        if match := _DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _COMPACT_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if month and (match := _MONTH.match(text)):
            return date(int(match[1]), int(match[2] or match[3]), 1)
    except ValueError:
        pass
    if month:
        raise CellError("日期无法识别，应为 YYYYMM 或 YYYY-MM-DD",
                        "unrecognised date; expected YYYYMM or YYYY-MM-DD")
    raise CellError("日期无法识别，应为 YYYY-MM-DD", "unrecognised date; expected YYYY-MM-DD")


@cache
def _enum_lookup(enum: type[Enum]) -> dict[str, Enum]:
    lookup: dict[str, Enum] = {}
    for member in enum:
        label = LABELS_ZH.get((enum, member.value))  # type: ignore[arg-type]
        if label:
            lookup[label] = member
        lookup[str(member.value).lower()] = member
        lookup[member.name.lower()] = member
    return lookup


@cache
def expected_values(enum: type[Enum]) -> tuple[str, str]:
    """The allowed values of ``enum``: Chinese labels and English values, for messages."""
    zh = "、".join(LABELS_ZH.get((enum, m.value), str(m.value)) for m in enum)  # type: ignore[arg-type]
    en = ", ".join(str(m.value) for m in enum)
    return zh, en


def to_enum(value: Any, enum: type[Enum]) -> Enum:
    """An enum member from its value, name or Chinese label."""
    if isinstance(value, enum):
        return value
    text = _text(value)
    member = _enum_lookup(enum).get(text) or _enum_lookup(enum).get(text.lower())
    if member is None:
        zh, en = expected_values(enum)
        raise CellError(f"取值未知，应为：{zh}", f"unknown value; expected one of: {en}")
    return member


def to_scalar(value: Any, tp: Any, *, month: bool = False, is_id: bool = False) -> Any:
    """Convert one non-blank cell to the scalar type ``tp``."""
    if is_id:
        return id_number(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return to_enum(value, tp)
    if tp is bool:
        return to_bool(value)
    if tp is int:
        return to_int(value)
    if tp is float:
        return to_float(value)
    if tp is date:
        return to_date(value, month)
    if isinstance(value, str):
        return value.strip(WHITE_SPACE)
    return _text(value)


def split_list(value: Any) -> list[Any]:
    """A list cell: a JSON array, or items separated by ; ； 、 , ，."""
    if isinstance(value, (list, tuple)):
        return list(value)
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = load_json(text)
        except JsonTooDeep as exc:
            raise CellError(TOO_DEEP_ZH, TOO_DEEP_EN) from exc
        except ValueError as exc:
            raise CellError("列表无法解析（JSON 数组格式错误）",
                            "cannot parse the list (bad JSON array)") from exc
        if not isinstance(items, list):
            raise CellError("应为列表", "must be a list")
        return items
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]


def read_cell(value: Any, column: Column, *, month: bool = False) -> Any:
    """Convert a non-blank cell for ``column`` (scalar, list, dict or JSON)."""
    if value.__class__ is str and value.startswith(MARK):
        value = unmark(value)  # the mark a writer puts before a formula (planner.io.formulas)
    if column.kind == LIST:  # split_list drops empty items of a ;-list, keeps a JSON array's
        return [to_scalar(item, column.type, month=month) for item in split_list(value)]
    if column.kind in (DICT, JSON):
        if not isinstance(value, str):
            return value
        try:
            return load_json(value)
        except JsonTooDeep as exc:
            raise CellError(TOO_DEEP_ZH, TOO_DEEP_EN) from exc
        except ValueError as exc:
            raise CellError("JSON 格式错误", "not valid JSON") from exc
    if column.path[-1] == "phone":
        return phone(value)
    return to_scalar(value, column.type, month=month, is_id=column.path[-1] == "id_number")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def write_cell(value: Any, column: Column) -> Any:
    """A model value as a native cell value (None, bool, int, float, date or str)."""
    if value is None:
        return None
    if column.kind == LIST:
        if not value:
            return None if column.blank_is_empty else "[]"
        items = [str(_jsonable(v)) for v in value]
        if any(LIST_SEPARATORS.search(i) or i.startswith("[") or not i.strip() or i != i.strip()
               for i in items):
            return json.dumps(items, ensure_ascii=False)
        return ";".join(items)
    if column.kind in (DICT, JSON):
        if not value and column.blank_is_empty:
            return None
        return json.dumps(_jsonable(value), ensure_ascii=False)
    if isinstance(value, Enum):
        return value.value
    return value


def cell_text(value: Any) -> str:
    """A native cell value as CSV text: blank, true/false, ISO dates, shortest exact numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def csv_text(value: Any) -> str:
    """A native cell value as CSV text (:func:`cell_text`), text that starts like a formula
    neutralised (:func:`planner.io.formulas.neutralise`); the one way flat CSV cells are written."""
    return cell_text(neutralise(value))
