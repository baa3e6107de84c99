"""Calendar arithmetic the facts share: completed years and whole months between two dates, a
date moved by whole months."""

from __future__ import annotations

import calendar
from datetime import date


def age_on(birth: date | None, when: date) -> int | None:
    """Completed years on ``when``; ``None`` when the birth date is unknown."""
    if birth is None:
        return None
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def months_between(start: date | None, end: date | None) -> int | None:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    if start is None or end is None:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    # A month is complete on the same day of the month, or on the last day of a shorter month
    # (31 March to 30 September is six months).
    end_of_month = end.day == calendar.monthrange(end.year, end.month)[1]
    return months - (end.day < start.day and not end_of_month)


def plus_months(day: date, months: int) -> date:
    """``day`` moved by whole months, earlier when ``months`` is negative (the 31st becomes the
    last day of a shorter month)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))
