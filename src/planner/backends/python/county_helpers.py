"""Python implementations of the county-checklist fact helpers (benefits, posts, work records)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from planner.backends.python.occurrences import phone_key
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


def _work_counties(member: Any, when: date, params: ParamValues) -> set[str]:
    # The county-level workplaces of the spells covering the reference year; a bare division
    # code is kept as its 6 digits so that the code written twice compares equal.
    from planner.backends.python.fact_helpers import covers_year  # it imports this module

    counties = set()
    for spell in member.record.employment:
        if not covers_year(spell.start, spell.end, when):
            continue
        place = county_place(spell.county, params=params)
        if place is not None:
            counties.add(place)
    return counties


def county_place(text: str | None, *, params: ParamValues) -> str | None:
    """A workplace as WRK010 compares it: a county-level name stripped, a division code as its
    6 digits; ``None`` when blank or not at county level (the columnar backend maps each
    distinct text through it)."""
    name = (text or "").strip()
    if not county_level(name, params=params):
        return None
    return name[:6] if _DIVISION_CODE.fullmatch(name) else name


# The last characters of an administrative unit's name (省, 市, 自治州, 地区, 盟, 区, 县, 旗).
_UNIT_ENDS = frozenset("省市州区盟县旗")


def _within(place: str, wider: str) -> bool:
    # ``place`` goes on from ``wider`` or from one of its trailing units: 宁波市鄞州区 lies in
    # 浙江省宁波市 (from its unit 宁波市), 遵义市仁怀市 in 遵义市.
    return any(place.startswith(wider[start:]) and len(place) > len(wider) - start
               for start in range(len(wider)) if start == 0 or wider[start - 1] in _UNIT_ENDS)


def same_place(one: str, other: str) -> bool | None:
    """Whether two workplaces as :func:`county_place` gives them are one place (``None``: they
    cannot be compared); the columnar backend asks it once per distinct pair."""
    # A name and a code cannot be compared (unknown); a name written with or without its
    # prefecture (花溪区, 贵阳市花溪区) is the same place. A city against a place within it (浙江省
    # 宁波市, 宁波市鄞州区: 市 ends county-level cities too, so a prefecture-level city passes as
    # a county) is unknown: the city's county is not said (domain.md §4.2 务工所在县).
    if one.isdigit() != other.isdigit():
        return None
    if one == other or one.endswith(other) or other.endswith(one):
        return True
    if not one.isdigit() and (_within(one, other) or _within(other, one)):
        return None
    return False


def phone_shared_apart(
    members: Sequence[Any], when: date, *, params: ParamValues
) -> tuple[int, ...]:
    by_phone: dict[int, list[tuple[int, set[str]]]] = {}
    for number, member in enumerate(members, start=1):
        key = phone_key("".join((member.record.phone or "").split()))
        counties = _work_counties(member, when, params)
        if key is not None and counties:
            by_phone.setdefault(key, []).append((number, counties))
    found: set[int] = set()
    for group in by_phone.values():
        for index, (number, counties) in enumerate(group):
            for other, other_counties in group[index + 1:]:
                if all(same_place(a, b) is False for a in counties for b in other_counties):
                    found.update((number, other))
    return tuple(sorted(found))


COUNTY_IMPLEMENTATIONS: dict[str, Callable[..., Any]] = {
    "mentions": mentions,
    "most_at_once": most_at_once,
    "county_level": county_level,
    "phone_shared_apart": phone_shared_apart,
}
