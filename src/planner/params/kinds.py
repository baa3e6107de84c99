"""What a parameter's value may be: a type and a range, declared in its file or implied by its unit.

A wrong value (``.nan``, ``-5`` yuan, ``true`` for a share, text for a threshold) would not fail
loudly in a rule: comparisons with it are simply false, and findings disappear. So every value is
checked when it is loaded. ``type`` is ``number``, ``integer``, ``text``, ``date``, ``month-day``
(``MM-DD``) or ``boolean``, or ``list of …`` / ``mapping of …`` one of them; ``min`` and ``max``
bound numbers. What is not declared follows from the unit: 元 amounts ≥ 0, shares 0–1, ages
(years) 0–120, litres > 0, counts, distances, areas and durations ≥ 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

LEAF_TYPES = ("number", "integer", "text", "date", "month-day", "boolean")
SHAPES = ("list", "mapping")
TYPE_PATTERN = rf"^((list|mapping) of )?({'|'.join(LEAF_TYPES)})$"

_LEAF_NAMES = {
    "number": ("数", "a number"),
    "integer": ("整数", "a whole number"),
    "text": ("文本", "text"),
    "date": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "month-day": ("月-日（MM-DD）", "a month and day (MM-DD)"),
    "boolean": ("true 或 false", "true or false"),
}

# First word of a unit → (type, lowest, highest, lowest excluded). Units name what a value
# measures; the range is what such a measure can be at all, not a policy bound.
_UNIT_RANGES: dict[str, tuple[str, float | None, float | None, bool]] = {
    "元": ("number", 0, None, False),
    "share": ("number", 0, 1, False),
    "multiple": ("number", 0, None, True),
    "years": ("number", 0, 120, False),
    "L": ("number", 0, None, True),
    "km": ("number", 0, None, False),
    "亩": ("number", 0, None, False),
    "m²": ("number", 0, None, False),
    "minutes": ("number", 0, None, False),
    "days": ("number", 0, None, False),
    "months": ("number", 0, None, False),
    "households": ("number", 0, None, False),
    "grade": ("number", 0, None, False),
    "date": ("date", None, None, False),
    "MM-DD": ("month-day", None, None, False),
}


@dataclass(frozen=True, slots=True)
class ValueKind:
    """The type, shape and numeric range a parameter's values must have."""

    leaf: str | None = None  # None: any value (a district parameter that declares nothing)
    shape: str | None = None  # None: one value; "list" or "mapping" of leaves
    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def describe(self) -> tuple[str, str]:
        """What a valid value is, in Chinese and English."""
        zh, en = _LEAF_NAMES.get(self.leaf or "", ("任意值", "any value"))
        if self.low is not None or self.high is not None:
            low = "" if self.low is None else f"{'>' if self.low_open else '≥'} {_number(self.low)}"
            high = "" if self.high is None else f"≤ {_number(self.high)}"
            bound = ", ".join(part for part in (low, high) if part)
            zh, en = f"{zh}（{bound}）", f"{en} ({bound})"
        if self.shape == "list":
            return f"列表，每项为{zh}", f"a list, each item {en}"
        if self.shape == "mapping":
            return f"映射，每个值为{zh}", f"a mapping, each value {en}"
        return zh, en

    def accepts(self, value: Any) -> bool:
        """True when ``value`` has this kind."""
        if self.shape == "list" and not isinstance(value, list):
            return False
        if self.shape == "mapping" and not isinstance(value, dict):
            return False
        return all(self._leaf_ok(leaf) for leaf in _leaves(value, self.shape is None))

    def _leaf_ok(self, value: Any) -> bool:
        if isinstance(value, float) and not math.isfinite(value):
            return False  # .nan and .inf compare false with everything: never a threshold
        match self.leaf:
            case None:
                return True
            case "number" | "integer":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    return False
                if self.leaf == "integer" and not isinstance(value, int):
                    return False
                if self.low is not None and (value <= self.low if self.low_open
                                             else value < self.low):
                    return False
                return self.high is None or value <= self.high
            case "text":
                return isinstance(value, str)
            case "boolean":
                return isinstance(value, bool)
            case "date":
                return isinstance(value, date) or _parses(value, "{}")
            case "month-day":
                return isinstance(value, str) and bool(re.fullmatch(r"\d\d-\d\d", value)) \
                    and _parses(value, "2000-{}")
        return False


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _parses(value: Any, pattern: str) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(pattern.format(value))
    except ValueError:
        return False
    return True


def _leaves(value: Any, scalar: bool) -> list[Any]:
    """The scalar values inside ``value`` (itself when ``scalar``); nested lists are opened."""
    if scalar:
        return [value]
    found: list[Any] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            found.append(item)
    return found


def value_kind(
    unit: str | None, declared: str | None = None,
    minimum: float | None = None, maximum: float | None = None,
) -> ValueKind:
    """The kind of a parameter from its declared ``type``, ``min``, ``max`` and its ``unit``."""
    first = re.split(r"[ /]", unit.strip())[0] if unit else ""
    leaf, low, high, low_open = _UNIT_RANGES.get(first, (None, None, None, False))
    shape = None
    if declared:
        match = re.match(TYPE_PATTERN, declared)
        if match is None:
            raise ValueError(f"unknown type {declared!r}")
        shape, declared_leaf = match.group(2), match.group(3)
        if declared_leaf != leaf and not (declared_leaf == "integer" and leaf == "number"):
            low, high, low_open = None, None, False  # the unit's range is for another type
        leaf = declared_leaf
    if minimum is not None:
        low, low_open = minimum, False
    if maximum is not None:
        high = maximum
    return ValueKind(leaf, shape, low, high, low_open)


__all__ = ["LEAF_TYPES", "SHAPES", "TYPE_PATTERN", "ValueKind", "value_kind"]
