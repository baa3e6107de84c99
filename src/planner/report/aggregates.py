"""Aggregates of a check run (and plan) by area, helper and collector, counted as findings stream.

:class:`Aggregator` is fed households, findings, projects and plans one at a time and keeps only
counts (and, per household, the key of its area and helper), so a district of 100,000 households
never holds its findings. :func:`aggregate` runs it over iterables and returns
:class:`Aggregates`, plain dataclasses ready for JSON (:meth:`Aggregates.to_dict`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from planner.area_facts import ProjectFacts
from planner.finding import Finding
from planner.model import Household, Project
from planner.planning.model import HouseholdPlan
from planner.privacy import mask_name

#: The family whose findings are data problems (errors of the record, not of the household).
DATA_FAMILY = "data_quality"
#: The codes that say a planned measure is overdue and a home visit is overdue
#: (support.yaml: SUP005 and SUP002), counted per helper.
OVERDUE_MEASURE_CODE = "SUP005"
OVERDUE_VISIT_CODE = "SUP002"


@dataclass(slots=True)
class AreaStats:
    """Counts of one area (the county, a town or a village).

    ``findings`` counts unwaived findings of the area's households, villages and projects;
    ``households_with_findings`` the households with at least one. Project rates are those of
    PRJ001/PRJ002: completed ÷ due by the reference date, disbursed ÷ allocated (``None`` when
    nothing is due or allocated). ``on_track_exit`` / ``on_track_risk_eliminated`` count the
    pre-exit households whose plan lifts them above the poverty line and the monitored ones
    lifted above the monitoring range (only when a plan was made).
    """

    level: str
    name: str
    town: str | None = None
    households: int = 0
    households_with_findings: int = 0
    findings: int = 0
    waived: int = 0
    data_problems: int = 0
    by_family: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    projects_due: int = 0
    projects_completed: int = 0
    funds_allocated: float = 0.0
    funds_disbursed: float = 0.0
    pre_exit: int = 0
    monitored: int = 0
    on_track_exit: int | None = None
    on_track_risk_eliminated: int | None = None

    @property
    def data_problems_per_100(self) -> float | None:
        """Data problems per 100 households checked (``None`` without households)."""
        return None if not self.households else round(100 * self.data_problems / self.households, 2)

    @property
    def problem_share(self) -> float | None:
        """Share of the households with at least one finding."""
        return None if not self.households else self.households_with_findings / self.households

    @property
    def completion_rate(self) -> float | None:
        """Projects completed ÷ projects due by the reference date."""
        return None if not self.projects_due else self.projects_completed / self.projects_due

    @property
    def disbursement_rate(self) -> float | None:
        """Funds disbursed ÷ funds allocated, over projects recording both."""
        return None if not self.funds_allocated else self.funds_disbursed / self.funds_allocated

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, rates included and rounded to 4 places."""
        # asdict would rebuild each Counter from its (key, count) pairs, counting the pairs.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("by_family", "by_code", "by_severity"):
            data[key] = dict(sorted(data[key].items()))
        for key in ("problem_share", "completion_rate", "disbursement_rate"):
            value = getattr(self, key)
            data[key] = None if value is None else round(value, 4)
        data["data_problems_per_100"] = self.data_problems_per_100
        return data


@dataclass(slots=True)
class PersonStats:
    """Counts of one helper (帮扶责任人) or data collector (信息采集人): the households in their
    charge, their findings, overdue measures and visits, data problems."""

    name: str
    organisation: str | None = None
    households: int = 0
    households_with_findings: int = 0
    findings: int = 0
    overdue_measures: int = 0
    overdue_visits: int = 0
    data_problems: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass(slots=True)
class Aggregates:
    """Everything :func:`aggregate` counts: the county, towns and villages (input order), the
    benchmarks in force, rankings worst first, helpers and collectors.

    ``collectors_recorded`` is ``False`` when no record names its data collector (信息采集人,
    :attr:`planner.model.Household.collector`): ``collectors`` is then empty.
    """

    reference_date: date
    county: AreaStats
    towns: list[AreaStats]
    villages: list[AreaStats]
    helpers: list[PersonStats]
    collectors: list[PersonStats]
    collectors_recorded: bool
    completion_benchmark: float | None
    disbursement_benchmark: float | None
    planned: bool

    def town(self, name: str) -> AreaStats | None:
        """The town called ``name``."""
        return next((t for t in self.towns if t.name == name), None)

    def rankings(self) -> dict[str, list[str]]:
        """Towns and villages ranked worst first: by share of households with findings, by data
        problems per 100 households, by project completion and by fund disbursement (areas
        without the figure left out; ties by name)."""
        def worst(areas: list[AreaStats], key: str, high_is_bad: bool) -> list[str]:
            rated = [(getattr(a, key), a) for a in areas if getattr(a, key) is not None]
            rated.sort(key=lambda pair: (-pair[0] if high_is_bad else pair[0], pair[1].name))
            return [area_label(a) for _, a in rated]

        result: dict[str, list[str]] = {}
        for level, areas in (("towns", self.towns), ("villages", self.villages)):
            result[f"{level}_by_problem_share"] = worst(areas, "problem_share", True)
            result[f"{level}_by_data_problems"] = worst(areas, "data_problems_per_100", True)
            result[f"{level}_by_completion"] = worst(areas, "completion_rate", False)
            result[f"{level}_by_disbursement"] = worst(areas, "disbursement_rate", False)
        return result

    def to_frames(self, library: str | None = None) -> dict[str, Any]:
        """The aggregates as pandas (else polars) data frames: ``areas``, ``counts``,
        ``rankings``, ``helpers``, ``collectors`` (:mod:`planner.report.frames` documents
        their columns). Raises :class:`planner.extras.MissingExtra` when neither library (or
        the one asked for) is installed."""
        from planner.report.frames import to_frames

        return to_frames(self, library)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``report.json``)."""
        return {
            "reference_date": self.reference_date.isoformat(),
            "benchmarks": {"completion": self.completion_benchmark,
                           "disbursement": self.disbursement_benchmark},
            "planned": self.planned,
            "county": self.county.to_dict(),
            "towns": [t.to_dict() for t in self.towns],
            "villages": [v.to_dict() for v in self.villages],
            "rankings": self.rankings(),
            "helpers": [h.to_dict() for h in self.helpers],
            "collectors_recorded": self.collectors_recorded,
            "collectors": [c.to_dict() for c in self.collectors],
        }


def area_label(area: AreaStats) -> str:
    """``河口镇/石桥村`` for a village, the name for a town or the county."""
    return f"{area.town}/{area.name}" if area.level == "village" and area.town else area.name


#: The name of an area a record does not name.
UNKNOWN_AREA = "（未知）"


def finding_area(finding: Finding) -> tuple[str, str]:
    """The town and village of a finding (empty when unknown): its region, else, for a
    dataset finding about a town (PRJ001, PRJ002), its subject as the town."""
    region = finding.region
    return area_of(region.town if region is not None else None,
                   region.village if region is not None else None,
                   finding.subject, finding.subject_kind)


def area_of(town: str | None, village: str | None, subject: str,
            subject_kind: str | None) -> tuple[str, str]:
    """The town and village of a finding from its region's parts (``None`` when unknown), its
    subject and subject kind: :func:`finding_area` for a finding read back from a file."""
    return (town or (subject if subject_kind == "dataset" else "")) or "", village or ""


class Aggregator:
    """Counts a run as it streams: call :meth:`add_household` before its findings, then
    :meth:`add_finding` for every finding (any order after its subject), :meth:`add_project`
    per project and :meth:`add_plan` per household plan; :meth:`result` gives the aggregates.

    Helpers are told apart by name and organisation, data collectors by name; names are masked
    in the result unless ``show_personal``.
    """

    def __init__(self, reference_date: date, *, county: str | None = None,
                 completion_benchmark: float | None = None,
                 disbursement_benchmark: float | None = None, show_personal: bool = False):
        self.reference_date = reference_date
        self.show_personal = show_personal
        self.benchmarks = (completion_benchmark, disbursement_benchmark)
        self.county = AreaStats("county", county or UNKNOWN_AREA)
        self.towns: dict[str, AreaStats] = {}
        self.villages: dict[tuple[str, str], AreaStats] = {}
        self.helpers: dict[tuple[str, str | None], PersonStats] = {}
        self.collectors: dict[str, PersonStats] = {}
        #: Per household: its (town, village) key, its helper's and collector's stats and
        #: whether it is monitored, nothing else.
        self._of: dict[str, tuple[tuple[str, str], PersonStats | None, PersonStats | None,
                                  bool]] = {}
        self._with_findings: set[str] = set()
        self._planned = False

    def _areas(self, town: str | None, village: str | None) -> list[AreaStats]:
        town_name = town or UNKNOWN_AREA
        town_stats = self.towns.get(town_name)
        if town_stats is None:
            town_stats = self.towns[town_name] = AreaStats("town", town_name)
        areas = [self.county, town_stats]
        if village:
            key = (town_name, village)
            village_stats = self.villages.get(key)
            if village_stats is None:
                village_stats = self.villages[key] = AreaStats("village", village, town_name)
            areas.append(village_stats)
        return areas

    def add_household(self, household: Household) -> None:
        """Count one household checked (its area, its helper, its status)."""
        region = household.region
        if self.county.name == UNKNOWN_AREA and region.county:
            self.county.name = region.county
        areas = self._areas(region.town, region.village)
        status = household.status.value if household.status is not None else None
        for area in areas:
            area.households += 1
            area.pre_exit += status == "pre_exit"
            area.monitored += household.monitoring is not None
        person = collector = None
        helper = household.helper
        if helper is not None and helper.name:
            helper_key = (helper.name, helper.organisation)
            person = self.helpers.get(helper_key)
            if person is None:
                person = self.helpers[helper_key] = PersonStats(
                    self._shown(helper.name), helper.organisation)
            person.households += 1
        if household.collector:
            collector = self.collectors.get(household.collector)
            if collector is None:
                collector = self.collectors[household.collector] = PersonStats(
                    self._shown(household.collector))
            collector.households += 1
        self._of[household.id] = ((region.town or UNKNOWN_AREA, region.village or ""), person,
                                  collector, household.monitoring is not None)

    def _shown(self, name: str) -> str:
        return name if self.show_personal else mask_name(name) or ""

    def add_finding(self, finding: Finding) -> None:
        """Count one finding in its area (and its household's helper and collector); waived ones
        apart."""
        known = self._of.get(finding.subject) if finding.subject_kind == "household" else None
        people: tuple[PersonStats | None, ...] = ()
        if known is not None:
            (town, village), helper, collector, _ = known
            people = (helper, collector)
        else:
            town, village = finding_area(finding)
            town = town or UNKNOWN_AREA
        areas = self._areas(town, village)
        if finding.waived:
            for area in areas:
                area.waived += 1
            return
        data = finding.family == DATA_FAMILY
        new_household = known is not None and finding.subject not in self._with_findings
        if new_household:
            self._with_findings.add(finding.subject)
        for area in areas:
            area.findings += 1
            area.data_problems += data
            area.by_family[finding.family] += 1
            area.by_code[finding.code] += 1
            area.by_severity[finding.severity] += 1
            area.households_with_findings += new_household
        for person in people:
            if person is None:
                continue
            person.findings += 1
            person.households_with_findings += new_household
            person.data_problems += data
            person.overdue_measures += finding.code == OVERDUE_MEASURE_CODE
            person.overdue_visits += finding.code == OVERDUE_VISIT_CODE

    def add_project(self, facts: ProjectFacts) -> None:
        """Count one project's schedule and funds in its town and village (as PRJ001/PRJ002)."""
        record = facts.record
        region = record.region
        if region is None or not region.town:
            return  # the project rates are by town: a project with no town is in none
        areas = self._areas(region.town, region.village)
        allocated, disbursed = record.funds_allocated, record.funds_disbursed
        for area in areas:
            if facts.due:
                area.projects_due += 1
                area.projects_completed += facts.completed
            if facts.disbursement_rate is not None and allocated and disbursed is not None:
                area.funds_allocated += allocated
                area.funds_disbursed += disbursed

    def add_plan(self, plan: HouseholdPlan) -> None:
        """Count whether a household's plan puts it on track to exit or to have its risk
        eliminated (its projected income clears the line or the monitoring range)."""
        self._planned = True
        known = self._of.get(plan.household)
        if known is None:
            return
        (town, village), _, _, monitored = known
        income = plan.income
        exit_ok = plan.status == "pre_exit" and income.clears_line is True
        risk_ok = monitored and income.clears_threshold is True
        for area in self._areas(town, village):
            area.on_track_exit = (area.on_track_exit or 0) + exit_ok
            area.on_track_risk_eliminated = (area.on_track_risk_eliminated or 0) + risk_ok

    def result(self) -> Aggregates:
        """The aggregates counted so far."""
        if self._planned:
            for area in (self.county, *self.towns.values(), *self.villages.values()):
                area.on_track_exit = area.on_track_exit or 0
                area.on_track_risk_eliminated = area.on_track_risk_eliminated or 0
        return Aggregates(
            reference_date=self.reference_date, county=self.county,
            towns=list(self.towns.values()), villages=list(self.villages.values()),
            helpers=list(self.helpers.values()), collectors=list(self.collectors.values()),
            collectors_recorded=bool(self.collectors),
            completion_benchmark=self.benchmarks[0], disbursement_benchmark=self.benchmarks[1],
            planned=self._planned,
        )


def aggregate(
    households: Iterable[Household],
    findings: Iterable[Finding],
    *,
    reference_date: date,
    projects: Iterable[Project] = (),
    plans: Iterable[HouseholdPlan] = (),
    completion_benchmark: float | None = None,
    disbursement_benchmark: float | None = None,
    show_personal: bool = False,
) -> Aggregates:
    """Aggregate a check run: ``households`` checked and the ``findings`` of the run (a stream is
    fine: each is counted and dropped), the ``projects`` for completion and disbursement against
    the benchmarks (the run's ``projects.completion_benchmark`` and
    ``projects.disbursement_benchmark``) and, when given, the household ``plans``.

    ``households`` are read first, whole (only their area and helper are kept), so that each
    finding finds its household's area.
    """
    from planner.backends.python.facts import derive_project

    counter = Aggregator(reference_date, completion_benchmark=completion_benchmark,
                         disbursement_benchmark=disbursement_benchmark,
                         show_personal=show_personal)
    for household in households:
        counter.add_household(household)
    for finding in findings:
        counter.add_finding(finding)
    for project in projects:
        counter.add_project(derive_project(project, reference_date))
    for plan in plans:
        counter.add_plan(plan)
    return counter.result()


__all__ = ["UNKNOWN_AREA", "Aggregates", "Aggregator", "AreaStats", "PersonStats", "aggregate",
           "area_label", "area_of", "finding_area"]
