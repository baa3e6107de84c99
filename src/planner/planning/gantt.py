"""Gantt-style charts of a household plan and of a village (matplotlib, SVG or PNG).

Bars, titles and the month axis are in Chinese by default, drawn with the CJK font subset shipped
in the package (:mod:`planner.measures.drawing`), so on any machine; English on request.
Hatching marks an item due after the target date (or a village work behind schedule); a dashed
line marks the target date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from planner.atomic import replacing
from planner.measures.drawing import font_properties, label_language, pyplot
from planner.planning.district import DistrictPlan
from planner.planning.model import HouseholdPlan
from planner.planning.village import VillageWork
from planner.privacy import mask_numbers

_FAMILY_ORDER = ("infrastructure", "industry", "employment", "finance", "education", "health",
                 "housing", "water", "social_protection", "publicity", "support", "data")


@dataclass(slots=True)
class Bar:
    """One row of a chart."""

    label: str
    start: date
    due: date
    family: str
    late: bool = False
    done: bool = False


def _colour(plt: object, family: str) -> object:
    index = _FAMILY_ORDER.index(family) if family in _FAMILY_ORDER else len(_FAMILY_ORDER)
    return plt.get_cmap("tab20")(index % 20)  # type: ignore[attr-defined]


def chinese_date(value: date, level: str) -> str:
    """A tick of the Chinese date axis: ``2021年`` for a year (and January on a month axis),
    ``3月`` for a month, ``3月15日`` for a day (``level``: ``year``, ``month`` or ``day``)."""
    if level == "year" or (level == "month" and value.month == 1):
        return f"{value.year}年"
    if level == "month":
        return f"{value.month}月"
    return f"{value.month}月{value.day}日"


def _chinese_axis(axes: Any, locator: Any) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    def label(x: float, _pos: int | None = None) -> str:
        day = mdates.num2date(x).date()
        step = float(locator._get_unit())  # days per tick unit of the locator's frequency
        level = "year" if step >= 365 else "month" if step >= 28 or day.day == 1 else "day"
        return chinese_date(day, level)

    axes.xaxis.set_major_formatter(FuncFormatter(label))


def draw(bars: Sequence[Bar], path: str | Path, title: str, target: date | None = None,
         language: str = "zh") -> Path:
    """Draw bars (top to bottom in the given order) to ``path`` (.svg or .png); the date axis
    in ``language`` (``zh``: 2021年, 2月 … 12月)."""
    import matplotlib

    fonts = font_properties()
    # every text of the chart (the date ticks too) in the CJK font, other glyphs in DejaVu Sans
    with matplotlib.rc_context({"font.family": fonts["fontfamily"]} if fonts else {}):
        return _draw(bars, Path(path), title, target, language, fonts)


def _draw(bars: Sequence[Bar], path: Path, title: str, target: date | None, language: str,
          fonts: dict[str, Any]) -> Path:
    import matplotlib.dates as mdates

    plt = pyplot()
    figure, axes = plt.subplots(figsize=(10, 1.2 + 0.38 * max(len(bars), 1)))
    try:
        for row, bar in enumerate(bars):
            left = mdates.date2num(bar.start)
            width = max(mdates.date2num(bar.due) - left, 1)
            axes.barh(row, width, left=left, height=0.6, color=_colour(plt, bar.family),
                      edgecolor="#000000" if bar.late else "#333333",
                      hatch="///" if bar.late else None,
                      linewidth=1.4 if bar.late else 0.6, alpha=0.5 if bar.done else 1.0)
        axes.set_yticks(range(len(bars)))
        axes.set_yticklabels([bar.label for bar in bars], fontsize=8, **fonts)
        axes.invert_yaxis()
        if target is not None:
            axes.axvline(mdates.date2num(target), color="#c0392b", linestyle="--", linewidth=1)
        axes.xaxis_date()
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        if language == "zh":
            _chinese_axis(axes, locator)
        else:
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.grid(axis="x", linestyle=":", linewidth=0.5)
        axes.set_title(title, fontsize=10, **fonts)
        figure.tight_layout()
        with replacing(path) as temp:  # the chart appears whole or not at all
            figure.savefig(temp, format=path.suffix.lstrip(".").lower() or "svg")
    finally:
        plt.close(figure)
    return path


def household_bars(result: HouseholdPlan, works: Iterable[VillageWork] = (),
                   language: str = "zh") -> list[Bar]:
    """The rows of a household chart: village works it waits for, then its items."""
    zh = label_language(language) == "zh"
    waited = {key for item in result.items for key in item.waits_for}
    bars: list[Bar] = []
    for work in works:
        if work.key in waited:
            where = (work.village_name if zh else None) or work.village
            label = (work.label_zh if zh else work.label_en) + f" @{where}"
            bars.append(Bar(label, work.start, work.due, "infrastructure", work.behind))
    for item in result.items:
        if item.start is None or item.due is None:
            continue
        who = "" if item.member is None else f" (m{item.member})"
        bars.append(Bar(_short(item.label_zh if zh else item.label_en) + who, item.start, item.due,
                        item.family, item.late, item.status == "done"))
    return bars


def household_gantt(result: HouseholdPlan, path: str | Path, works: Iterable[VillageWork] = (),
                    language: str = "zh") -> Path:
    """Chart of one household's plan."""
    zh = label_language(language) == "zh"
    title = (f"{result.household} 帮扶计划" if zh else f"Assistance plan of {result.household}")
    return draw(household_bars(result, works, language), path, title, result.target_date,
                "zh" if zh else "en")


def village_gantt(village: str, plans: Iterable[HouseholdPlan], works: Iterable[VillageWork],
                  path: str | Path, language: str = "zh") -> Path:
    """Chart of one village: its works, then each measure over all its households (first start to
    last due, with the number of households)."""
    zh = label_language(language) == "zh"
    bars = [Bar(w.label_zh if zh else w.label_en, w.start, w.due, "infrastructure", w.behind)
            for w in works if w.village == village]
    spans: dict[str, list] = {}
    name = village
    for result in plans:
        name = result.village_name or name
        for item in result.items:
            if item.start is None or item.due is None:
                continue
            entry = spans.setdefault(item.measure, [item.start, item.due, item, set(), False])
            entry[0], entry[1] = min(entry[0], item.start), max(entry[1], item.due)
            entry[3].add(result.household)
            entry[4] = entry[4] or item.late
    for begin, due, item, households, late in sorted(spans.values(),
                                                     key=lambda e: (e[0], e[2].measure)):
        label = _short(item.label_zh if zh else item.label_en) + f" ×{len(households)}"
        bars.append(Bar(label, begin, due, item.family, late))
    title = f"{name} 村级帮扶计划" if zh else f"Village plan of {village}"
    return draw(bars, path, title, language="zh" if zh else "en")


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip(" (（,") + "…"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "unnamed"


def write_gantts(plan: DistrictPlan, directory: str | Path, fmt: str = "svg",
                 language: str = "zh") -> list[Path]:
    """One chart per household (``household-<id>.svg``) and per village (``village-<id>.svg``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    by_village: dict[str, list[HouseholdPlan]] = {}
    used: set[str] = set()
    for result in plan.households:
        if not result.items:
            continue
        shown = result
        if not plan.show_names:  # a household id may be an ID number: in the title and the name
            shown = replace(result, household=mask_numbers(result.household))
        stem = _safe(shown.household)
        # Masked ids can coincide; a chart never overwrites another's.
        stem = next(f"{stem}-{n}" for n in range(1, len(used) + 2)
                    if f"{stem}-{n}" not in used) if stem in used else stem
        used.add(stem)
        target = directory / f"household-{stem}.{fmt}"
        written.append(household_gantt(shown, target, plan.works, language))
        if result.village:
            by_village.setdefault(result.village, []).append(result)
    for work in plan.works:
        by_village.setdefault(work.village, [])
    for village, plans in sorted(by_village.items()):
        written.append(village_gantt(village, plans, plan.works,
                                     directory / f"village-{_safe(village)}.{fmt}", language))
    return written
