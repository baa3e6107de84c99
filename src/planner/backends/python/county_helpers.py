"""Python implementations of the county-checklist fact helpers (benefits, posts, work records)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from planner.params import ParamValues

_DIVISION_CODE = re.compile(r"\d{6}(\d{6})?")


def mentions(items: Sequence[str] | None, word: str) -> bool | None:
    if items is None:
        return None
    return any(word in item for item in items)


def most_at_once(spells: Sequence[Any]) -> int:
    # A sweep over start and end events; an end is exclusive of the next day, so a spell ending
    # on the day another starts overlaps it (the county counts "start before the previous end"
    # by month, and a same-day handover is recorded that way only by mistake).
    events: list[tuple[date, int]] = []
    for spell in spells:
        if spell.start is None:
            continue
        events.append((spell.start, 0))
        if spell.end is not None:
            events.append((spell.end, 1))
    running = most = 0
    for _, kind in sorted(events):
        running += 1 if kind == 0 else -1
        most = max(most, running)
    return most


def county_level(text: str | None, *, params: ParamValues) -> bool | None:
    name = (text or "").strip()
    if not name:
        return None
    if _DIVISION_CODE.fullmatch(name):
        return name[4:6] != "00"
    if name in params["work.province_names"]:
        return False
    return not name.endswith(tuple(params["work.non_county_suffixes"]))


COUNTY_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "mentions": mentions,
    "most_at_once": most_at_once,
    "county_level": county_level,
}
