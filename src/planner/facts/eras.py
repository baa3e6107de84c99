"""The declared facts of the two eras: registration (建档立卡, to 2020) and monitoring (2020–).

The registration era's statuses (poor, pre-exit, returned) and its exit rules end with
``monitoring.registration_end``; the monitoring mechanism starts on ``monitoring.start``. 2020
belongs to both: the mechanism was set up in March 2020 while the last exits were assessed at
the end of that year (docs/rules-guide.md, "Eras and date bases").
"""

from __future__ import annotations

from planner.facts.declare import Fact

_THRESHOLD = "monitoring.threshold"
_IDENTIFIED = "record.monitoring.identified_on"


def _month_of(day: str) -> str:
    """The formula of a date's month as a number (year × 12 + month)."""
    return f"({day}.year * 12 + {day}.month)"


ERA_FACTS = (
    Fact("monitoring_start", "date", "", "监测机制起始日", "monitoring start",
         "The date the monitoring mechanism applies from (monitoring.start) as a date.",
         'to_date(param("monitoring.start"))'),
    # A month-precision identification (识别监测时间 202003, read as 2020-03-01) is before the
    # start when its whole month is, not before when it begins on or after the start, and
    # unknown when the start falls inside the month after its first day.
    Fact("identified_before_start", "bool", "", "识别早于监测机制起始日",
         "identified before the monitoring start",
         "monitoring.identified_on is before monitoring_start; at month precision "
         "(identified_on_precision month) true when the whole month is before it, false when "
         "the month begins on or after it, unknown when the start falls inside the month.",
         f"(True if {_month_of(_IDENTIFIED)} < {_month_of('monitoring_start')} else "
         f"(False if {_month_of(_IDENTIFIED)} > {_month_of('monitoring_start')} "
         "or monitoring_start.day == 1 else None)) "
         f"if coalesce({_IDENTIFIED}_precision, DatePrecision.DAY) == DatePrecision.MONTH "
         f"else {_IDENTIFIED} < monitoring_start"),
    Fact("registration_era", "bool", "", "建档立卡期", "registration era",
         "The reference date is in the registration era (建档立卡, to the end of 2020): the "
         "statuses poor, pre-exit and returned and the exit rules apply.",
         'when <= to_date(param("monitoring.registration_end"))'),
    # The range of the income year, as the poverty line: a 2022 income is measured against the
    # 2022 range even when checked in 2023. An income year that ended before the mechanism
    # (2019 income checked in 2020) takes the first range, the one of the mechanism's first year,
    # and only in the monitoring era: before it, no income has a range.
    Fact("monitoring_threshold", "number", "yuan/person/yr", "监测范围", "monitoring threshold",
         "The monitoring range of the income year (in force on its 31 December); for an income "
         "year before the mechanism, the range of its first year.",
         f'coalesce(param_at_year_end("{_THRESHOLD}", income_year), '
         f'param_at_year_end("{_THRESHOLD}", to_date(param("monitoring.start")).year) '
         "if monitoring_era else None)"),
)
