"""What a district plan counts: cost and workload per department by month, and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def _months(start: date, due: date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (due.year, due.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(slots=True)
class DepartmentLoad:
    """Cost and workload of one responsible department: cost by start month (commitment) and the
    number of items under way in each month."""

    zh: str
    en: str
    items: int = 0
    cost: float = 0.0
    cost_by_month: dict[str, float] = field(default_factory=dict)
    active_by_month: dict[str, int] = field(default_factory=dict)

    def add(self, start: date | None, due: date | None, cost: float, sign: int = 1) -> None:
        """Count one item (``sign`` -1: take back one counted before, ``cost`` negated)."""
        self.items += sign
        self.cost += cost
        if start is None:
            return
        first = f"{start.year:04d}-{start.month:02d}"
        self.cost_by_month[first] = self.cost_by_month.get(first, 0.0) + cost
        if abs(self.cost_by_month[first]) < 1e-9:
            del self.cost_by_month[first]
        for month in _months(start, due or start):
            self.active_by_month[month] = self.active_by_month.get(month, 0) + sign
            if self.active_by_month[month] == 0:
                del self.active_by_month[month]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"department": {"zh": self.zh, "en": self.en}, "items": self.items,
                "cost": round(self.cost, 2),
                "cost_by_month": {k: round(v, 2) for k, v in sorted(self.cost_by_month.items())},
                "active_by_month": dict(sorted(self.active_by_month.items()))}


@dataclass(slots=True)
class DistrictStats:
    """Counts over the households planned (``cancelled``: unfit planned measures to cancel)."""

    households: int = 0
    with_new_items: int = 0
    new_items: int = 0
    below_line: int = 0
    lifted_by_plan: int = 0
    unmet_needs: int = 0
    late_items: int = 0
    cancelled: int = 0
    cost: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"households": self.households, "with_new_items": self.with_new_items,
                "new_items": self.new_items, "below_line": self.below_line,
                "lifted_by_plan": self.lifted_by_plan, "unmet_needs": self.unmet_needs,
                "late_items": self.late_items, "cancelled": self.cancelled,
                "cost": round(self.cost, 2)}
