"""Village works: pending roads and water works that household measures in the village wait for.

A work is pending when the village's findings say so (``VIL001`` road behind schedule…), when its
facts show it unfinished (3 km of 10 hardened; 40 of 52 households on tap water), when a listed
village work item is not done, or when a project of that category in the village is not complete.
Its dates are the recorded ones while they are still ahead; an overdue or undated work is
rescheduled from the plan start for its remaining share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.finding import Finding
from planner.measures import MeasureCatalog
from planner.model import Household, Project, Region, Village
from planner.privacy import mask_messages

#: Category names (as district files write them) of the catalog's village works.
WORK_ALIASES = {
    "road": "road_hardening", "road_hardening": "road_hardening", "道路": "road_hardening",
    "道路硬化": "road_hardening", "通村道路": "road_hardening",
    "water": "water_works", "water_works": "water_works", "饮水": "water_works",
    "供水": "water_works", "饮水工程": "water_works", "安全饮水": "water_works",
}


@dataclass(slots=True)
class VillageWork:
    """A pending village work with the dates household measures wait for."""

    key: str
    village: str
    village_name: str | None
    measure: str
    label_zh: str
    label_en: str
    start: date
    due: date
    cost: float
    remaining_share: float | None
    why: list[str] = field(default_factory=list)
    reason_zh: str = ""
    reason_en: str = ""
    responsible_zh: str = ""
    responsible_en: str = ""
    source: str = "facts"
    behind: bool = False
    households: int = 0

    @property
    def duration_days(self) -> int:
        """Days from start to due."""
        return (self.due - self.start).days

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "key": self.key, "village": self.village, "village_name": self.village_name,
            "measure": self.measure, "label": {"zh": self.label_zh, "en": self.label_en},
            "start": self.start.isoformat(), "due": self.due.isoformat(),
            "cost": round(self.cost, 2), "remaining_share": self.remaining_share,
            "why": list(self.why), "reason": {"zh": self.reason_zh, "en": self.reason_en},
            "responsible": {"zh": self.responsible_zh, "en": self.responsible_en},
            "source": self.source, "behind": self.behind, "households": self.households,
        }


def work_measure(category: str | None) -> str | None:
    """The catalog id of a village work category (``road``, ``道路``, ``water_works`` …)."""
    name = (category or "").strip()
    return WORK_ALIASES.get(name.lower()) or WORK_ALIASES.get(name)


def _region_keys(region: Region) -> list[str]:
    keys = []
    if region.division_code:
        keys.append(f"code:{region.division_code}")
    if region.village:
        keys.append(f"name:{region.town or ''}/{region.village}")
    return keys


class VillageIndex:
    """Finds the village of a household or project: division code, id, or town and village."""

    def __init__(self, villages: Iterable[Village]):
        self.villages: dict[str, Village] = {}
        self._keys: dict[str, str] = {}
        for village in villages:
            self.villages[village.id] = village
            for key in (f"id:{village.id}", f"code:{village.id}", *_region_keys(village.region)):
                self._keys.setdefault(key, village.id)

    def of_region(self, region: Region) -> Village | None:
        """The village a region lies in, or ``None``."""
        for key in _region_keys(region):
            village_id = self._keys.get(key)
            if village_id is not None:
                return self.villages[village_id]
        return None

    def of_household(self, household: Household) -> Village | None:
        """The household's village, or ``None`` when it is not in the index."""
        return self.of_region(household.region)


def _share(done: float | int | None, total: float | int | None) -> float | None:
    if done is None or not total:
        return None
    return max(0.0, min(1.0, 1 - done / total))


class _Builder:
    def __init__(self, catalog: MeasureCatalog, start: date):
        self.catalog = catalog
        self.start = start
        self.works: dict[tuple[str, str], VillageWork] = {}

    def add(self, village: Village, measure_id: str, *, source: str, remaining: float | None,
            begin: date | None, due: date | None, why: Iterable[str] = (),
            reason: tuple[str, str] = ("", ""), cost: float | None = None) -> None:
        measure = self.catalog.get(measure_id)
        if measure is None or measure.beneficiary != "village":
            return
        behind = due is not None and due < self.start
        if due is None or behind:
            share = 1.0 if remaining is None else remaining
            begin = self.start
            due = self.start + timedelta(days=math.ceil(measure.duration_days * share))
        begin = begin or self.start
        work_cost = cost if cost is not None else measure.unit_cost * (
            1.0 if remaining is None else remaining)
        key = (village.id, measure_id)
        old = self.works.get(key)
        work = VillageWork(
            key=f"{measure_id}@{village.id}", village=village.id,
            village_name=village.region.village, measure=measure_id,
            label_zh=measure.label.zh, label_en=measure.label.en, start=begin, due=due,
            cost=work_cost, remaining_share=remaining, responsible_zh=measure.responsible.zh,
            responsible_en=measure.responsible.en, source=source, behind=behind,
        )
        if old is not None:
            work.why = list(old.why)
            work.behind = work.behind or old.behind
            if not reason[0]:
                reason = (old.reason_zh, old.reason_en)
        for code in why:
            if code not in work.why:
                work.why.append(code)
        work.reason_zh, work.reason_en = reason
        self.works[key] = work


def pending_works(
    villages: Iterable[Village],
    projects: Iterable[Project],
    findings: Iterable[Finding],
    catalog: MeasureCatalog,
    start: date,
    *,
    show_names: bool = False,
) -> dict[str, dict[str, VillageWork]]:
    """Pending works by village id, then by measure id (``road_hardening``, ``water_works``).

    A work a village finding calls for gives the finding's message as its reason, with names, ID
    numbers and phone numbers masked unless ``show_names``.
    """
    villages = list(villages)
    builder = _Builder(catalog, start)
    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        if not finding.waived and finding.subject_kind == "village":
            by_subject.setdefault(finding.subject, []).append(
                finding if show_names else mask_messages(finding))
    for village in villages:
        road_left = _share(village.road_km_hardened, village.road_km_planned)
        water_left = _share(village.households_tap_water, village.households_total)
        if road_left:
            done, planned = village.road_km_hardened, village.road_km_planned
            builder.add(village, "road_hardening", source="facts", remaining=road_left,
                        begin=village.road_start, due=village.road_due, reason=(
                            f"已硬化 {done:g} 公里，计划 {planned:g} 公里",
                            f"{done:g} of {planned:g} km hardened"))
        if water_left:
            tap, total = village.households_tap_water, village.households_total
            builder.add(village, "water_works", source="facts", remaining=water_left,
                        begin=village.water_works_start, due=village.water_works_due, reason=(
                            f"{tap} / {total} 户通自来水",
                            f"{tap} of {total} households on tap water"))
        for finding in by_subject.get(village.id, ()):
            for measure in catalog.addressing(finding.code):
                if measure.beneficiary != "village":
                    continue
                left = road_left if measure.id == "road_hardening" else (
                    water_left if measure.id == "water_works" else None)
                dates = {"road_hardening": (village.road_start, village.road_due),
                         "water_works": (village.water_works_start, village.water_works_due)}
                begin, due = dates.get(measure.id, (None, None))
                builder.add(village, measure.id, source="finding", remaining=left, begin=begin,
                            due=due, why=[finding.code],
                            reason=(finding.message_zh, finding.message_en))
        for item in village.works:
            measure_id = work_measure(item.category)
            if measure_id is None or item.done_on is not None:
                continue
            builder.add(village, measure_id, source="work", remaining=None,
                        begin=item.planned_start, due=item.planned_done,
                        reason=(f"村级工程“{item.name}”未完成",
                                f"village work '{item.name}' not done"))
    index = VillageIndex(villages)
    for project in projects:
        measure_id = work_measure(project.category)
        located = index.of_region(project.region)
        if measure_id is None or located is None or project.completed_on is not None:
            continue
        remaining_funds = None
        if project.funds_allocated is not None:
            remaining_funds = max(0.0, project.funds_allocated - (project.funds_disbursed or 0.0))
        builder.add(located, measure_id, source="project", remaining=None,
                    begin=project.started_on or project.planned_start,
                    due=project.planned_completion, cost=remaining_funds,
                    reason=(f"项目 {project.id}（{project.name or ''}）未竣工",
                            f"project {project.id} ({project.name or ''}) not complete"))
    result: dict[str, dict[str, VillageWork]] = {}
    for (village_id, measure_id), work in builder.works.items():
        result.setdefault(village_id, {})[measure_id] = work
    return result
