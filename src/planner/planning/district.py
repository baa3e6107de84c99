"""The district plan: every household plan with the village works they wait for, the critical path,
cost and workload per department and month, and the allocation of a limited budget.

Households stream through :class:`DistrictPlanner` one at a time. What it keeps does not grow with
the number of households: counts, one load per department (by month), the longest critical path
and the village works. Two things do grow, and only when asked for: with a ``budget`` it keeps up
to two bundles per household below the line (the allocation needs them all), and with
``findings=`` it keeps those findings grouped by household (they were handed over as a whole).
:func:`plan` returns every household plan in a list; stream with :meth:`DistrictPlanner.iter_plans`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.backends.python.engine import Checker
from planner.backends.python.facts import derive
from planner.finding import Finding
from planner.measures import MeasureCatalog
from planner.model import Household, Project, Village
from planner.params import ParameterSet
from planner.planning.allocate import Allocation, Method, allocate
from planner.planning.dataset_pass import dataset_findings
from planner.planning.household import plan_household, reproject
from planner.planning.load import DepartmentLoad, DistrictStats
from planner.planning.model import Bundle, HouseholdPlan, Note, PlanItem
from planner.planning.village import VillageIndex, VillageWork, pending_works
from planner.registry import RuleSet
from planner.rule import Rule
from planner.run import Run
from planner.source import Source, Sourced
from planner.waivers import FileWaiver
from planner.watchdog import DEFAULT_RULE_TIMEOUT

_OPEN = frozenset({"proposed", "planned", "in_progress", "pending"})
#: The most sets of needs a district planner keeps a re-check checker for (see
#: :meth:`DistrictPlanner._recheck`); further sets are re-checked with every rule.
_RECHECKS = 256


@dataclass(slots=True)
class DistrictPlan:
    """Household plans, village works, critical path, department loads and the allocation.

    ``households`` holds the plans passed to :meth:`DistrictPlanner.finish`: empty when they were
    streamed (written out as they came) rather than kept.
    """

    reference_date: date
    start: date
    households: list[HouseholdPlan]
    works: list[VillageWork]
    departments: dict[str, DepartmentLoad]
    critical_path: list[dict[str, Any]]
    finish: date | None
    stats: DistrictStats
    allocation: Allocation | None = None
    errors: list[Any] = field(default_factory=list)
    show_names: bool = False

    def household(self, household_id: str) -> HouseholdPlan | None:
        """The plan of one household."""
        return next((p for p in self.households if p.household == household_id), None)

    def to_frame(self, library: str | None = None) -> Any:
        """The plan as a data frame: one row per item and per village work, the columns of the
        CSV and XLSX plans (:data:`planner.planning.export.COLUMNS`); personal data masked
        unless the plan was made with names shown. ``library`` as in :func:`planner.frames.frame`.
        """
        from planner.planning.export import plan_frame

        return plan_frame(self, library)

    def summary_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the district summary: everything but works and households."""
        return {
            "reference_date": self.reference_date.isoformat(), "start": self.start.isoformat(),
            "finish": None if self.finish is None else self.finish.isoformat(),
            "stats": self.stats.to_dict(),
            "critical_path": self.critical_path,
            "departments": [d.to_dict() for _, d in sorted(self.departments.items())],
            "allocation": None if self.allocation is None else self.allocation.to_dict(),
            "errors": [str(e) for e in self.errors],
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole plan."""
        data = self.summary_dict()
        errors = data.pop("errors")
        allocation = data.pop("allocation")
        data["works"] = [w.to_dict() for w in self.works]
        data["allocation"] = allocation
        data["households"] = [p.to_dict() for p in self.households]
        data["errors"] = errors
        return data


class DistrictPlanner:
    """Plans households one at a time against the district's villages and projects.

    Without ``findings`` it runs the checker itself on ``run`` (a :class:`~planner.run.Run`; or
    one built from ``rules``, ``params``, ``reference_date``, ``catalog``, ``waivers`` and
    ``rule_timeout``: installed packs, shipped parameters and catalog, today by default), so
    households stream: :meth:`iter_plans` yields each plan and keeps nothing of it but counts,
    department loads and the longest critical path. With ``findings`` given, they are grouped by
    household up front (memory in proportion to them: pass a list you already hold, not a stream
    you meant to keep bounded). With ``budget`` each household's income bundles are kept for the
    allocation in :meth:`finish`; without one they are not collected. Personal data in plan notes
    and reasons is masked unless ``show_names``. ``rule_timeout`` is the checker's time budget
    of one rule call (:class:`~planner.backends.python.engine.Checker`). ``dataset_findings``
    (from :func:`planner.planning.dataset_pass.dataset_findings`, a pass over every household
    first) join the findings of the households they are about when the checker runs here.
    """

    def __init__(
        self,
        *,
        findings: Iterable[Finding] | None = None,
        run: Run | None = None,
        rules: RuleSet | Iterable[Rule] | None = None,
        params: ParameterSet | None = None,
        reference_date: date | None = None,
        start: date | None = None,
        catalog: MeasureCatalog | None = None,
        villages: Iterable[Village] = (),
        projects: Iterable[Project] = (),
        waivers: Iterable[FileWaiver] = (),
        show_names: bool = False,
        budget: float | None = None,
        rule_timeout: float | None = DEFAULT_RULE_TIMEOUT,
        dataset_findings: Iterable[Finding] = (),
    ):
        if run is None:
            # With findings handed over no rule runs: none is loaded.
            run = Run.build(() if findings is not None and rules is None else rules, params,
                            reference_date, catalog=catalog, waivers=waivers,
                            rule_timeout=rule_timeout)
        self.reference_date = run.reference_date
        self.start = start or self.reference_date
        self.catalog = run.catalog
        self.params = run.parameters
        self.values = run.values
        self.show_names = show_names
        self.villages = tuple(villages)
        self.projects = tuple(projects)
        self._findings: dict[str, list[Finding]] | None = None
        self._dataset_findings: dict[str, list[Finding]] = {}
        for finding in dataset_findings:
            self._dataset_findings.setdefault(finding.subject, []).append(finding)
        self.checker: Checker | None = None
        #: Checks the projected households (the plan's measures applied) with the household
        #: rules; its own checker, so that the run's counts and waivers see each household once.
        self._rechecker: Checker | None = None
        #: Checkers of the rules raising a set of needs (by need names, see :meth:`_recheck`).
        self._rechecks: dict[frozenset[str], Checker] = {}
        self._recheck_run: Run | None = None
        village_findings: list[Finding] = []
        if findings is None:
            # Households are checked one at a time here: dataset-wide rules (duplicates across
            # households) need the whole run, so their findings come only through ``findings=``.
            self.checker = Checker(run.with_rules(r for r in run.rules if r.scope != "dataset"))
            self._recheck_run = dataclasses.replace(
                run.with_rules(r for r in run.rules if r.scope in ("household", "member")),
                waivers=())
            self._rechecker = Checker(self._recheck_run)
            for village in self.villages:
                village_findings.extend(self.checker.check_village(village))
        else:
            self._findings = {}
            for finding in findings:
                self._findings.setdefault(finding.subject, []).append(finding)
            village_findings = [f for f in (x for v in self._findings.values() for x in v)
                                if f.subject_kind == "village"]
        self.works = pending_works(self.villages, self.projects, village_findings, self.catalog,
                                   self.start, show_names=show_names)
        self.index = VillageIndex(self.villages)
        self.departments: dict[str, DepartmentLoad] = {}
        self.stats = DistrictStats()
        if budget is not None and not budget >= 0:
            raise ValueError(f"预算不能为负数 / the budget must be ≥ 0 yuan, not {budget}")
        self.budget = budget
        #: Income bundles of the households planned, collected only when a budget is set.
        self.bundles: list[Bundle] = []
        self._longest: tuple[date, list[dict[str, Any]]] | None = None
        #: With a budget: the longest path among plans the allocation cannot change, and the
        #: input position of each plan (ties of the longest path go to the first planned).
        self._longest_fixed: tuple[date, int, list[dict[str, Any]]] | None = None
        self._position: dict[str, int] = {}
        #: With a budget: the village (works) of each household planned, to redo its counts
        #: when the allocation swaps in another plan, and the candidates counted as lifted.
        self._village_of: dict[str, str | None] = {}
        self._candidates_lifted = 0

    def dataset_findings(self) -> tuple[Finding, ...]:
        """The dataset findings this planner adds to the households they are about."""
        return tuple(f for found in self._dataset_findings.values() for f in found)

    def plan_household(self, household: Household, source: Source | None = None,
                       findings: list[Finding] | None = None) -> HouseholdPlan:
        """Plan one household and add it to the district summary.

        ``source`` is where it was read: the checker then skips the rules that need a field the
        source does not carry, so a plan never addresses what the file could not say.
        ``findings``: the household's findings, made by a run checking the whole dataset as it
        streams (``planner report``), so that it is not checked twice.
        """
        if findings is None and self.checker is not None:
            facts = self.checker.facts(household)
            findings = self.checker.check_household(household, facts, source)
            findings.extend(self._dataset_findings.get(household.id, ()))
        else:
            facts = derive(household, self.reference_date, self.values,
                           self.catalog.income_raising_ids())
            if findings is None:
                findings = (self._findings or {}).get(household.id, [])
        village = self.index.of_household(household)
        works = self.works.get(village.id, {}) if village is not None else {}
        result = plan_household(facts, findings, self.catalog, self.values, start=self.start,
                                works=works, village=village.id if village else None,
                                show_names=self.show_names, alternatives=self.budget is not None,
                                recheck=None if self._rechecker is None else self._recheck)
        self.add_planned(result, village.id if village is not None else None)
        return result

    def _recheck(self, household: Household, names: frozenset[str]) -> list[Finding]:
        """Findings of the projected ``household`` by the rules that raise the needs ``names``
        (:func:`planner.planning.needs.need_name`): the plan looks up only those, so the other
        rules are not run again. Their checker is built once per set of names (a few sets per
        run; past :data:`_RECHECKS` sets, or when one of the rules reads other findings, every
        household and member rule runs, as before)."""
        checker = self._rechecks.get(names)
        if checker is None and self._recheck_run is not None and len(
                self._rechecks) < _RECHECKS:
            rules = [r for r in self._recheck_run.rules if (r.need or r.code) in names]
            if not any(r.reads_findings for r in rules):
                checker = self._rechecks[names] = Checker(self._recheck_run.with_rules(rules))
        if checker is None:
            checker = self._rechecker
        if checker is None:  # the planner was handed findings: it checks nothing itself
            return []
        return checker.check_household(household)

    def add_planned(self, result: HouseholdPlan, village: str | None) -> None:
        """Add a household plan made elsewhere (a worker process, :mod:`planner.parallel`) by a
        planner of the same run to the district summary, as :meth:`plan_household` adds its own.
        """
        if self.budget is not None:
            self._village_of[result.household] = village
        self._add(result, self.works.get(village, {}) if village is not None else {})

    def iter_plans(
        self, households: Iterable[Household | Sourced[Household]]
    ) -> Iterator[HouseholdPlan]:
        """Plan households (or :class:`~planner.source.Sourced` households) as they stream in.

        A plan is not kept once yielded (only its counts, loads and, with a budget, bundles).
        """
        for item in households:
            if isinstance(item, Sourced):
                yield self.plan_household(item.record, item.source)
            else:
                yield self.plan_household(item)

    def is_candidate(self, result: HouseholdPlan) -> bool:
        """Whether the budget allocation may change this plan (it offers a lifting bundle): only
        such plans need to be kept for :meth:`finish` when the others are written as they come."""
        return self.budget is not None and any(b.lifts for b in result.bundles)

    def _add(self, result: HouseholdPlan, works: dict[str, VillageWork]) -> None:
        self._tally(result, works, 1)
        if self.budget is not None:
            self.bundles.extend(result.bundles)
            self._position[result.household] = len(self._position)
            if self.is_candidate(result):
                self._candidates_lifted += _lifted(result)
            elif result.finish is not None and (self._longest_fixed is None
                                                or result.finish > self._longest_fixed[0]):
                self._longest_fixed = (result.finish, len(self._position) - 1,
                                       self._path(result, works)[1])  # type: ignore[index]
        self._longer(result, works)

    def _tally(self, result: HouseholdPlan, works: dict[str, VillageWork], sign: int) -> None:
        """Add (``sign`` 1) or take back (-1) the counts and loads of one household plan."""
        stats = self.stats
        stats.households += sign
        new = result.new_items
        stats.new_items += sign * len(new)
        stats.with_new_items += sign * bool(new)
        stats.cost += sign * result.cost
        stats.late_items += sign * sum(1 for item in result.items if item.late)
        stats.cancelled += sign * len(result.to_cancel)
        stats.unmet_needs += sign * sum(1 for n in result.notes
                                        if n.kind in ("unmet_need", "not_cleared",
                                                      "income_gap"))
        income = result.income
        line = _budget_line(income)
        if income.per_capita is not None and line is not None and income.per_capita < line:
            stats.below_line += sign
            stats.lifted_by_plan += sign * _lifted(result)
        for item in result.items:
            if item.status in _OPEN:
                self._load(item.responsible_zh, item.responsible_en, item.start, item.due,
                           sign * item.cost, sign)
        waited = {key for item in result.items for key in item.waits_for}
        for work in works.values():
            if work.key in waited:
                work.households += sign

    def _longer(self, result: HouseholdPlan, works: dict[str, VillageWork]) -> None:
        """Keep the household's critical path when it ends later than the longest so far."""
        longest = self._longest
        if result.finish is not None and (longest is None or result.finish > longest[0]):
            self._longest = self._path(result, works)

    @staticmethod
    def _path(result: HouseholdPlan, works: dict[str, VillageWork]
              ) -> tuple[date, list[dict[str, Any]]] | None:
        """The household's finish and critical path (village works included) as reported."""
        if result.finish is None:
            return None
        by_key = {item.key: item for item in result.items}
        by_key_work = {w.key: w for w in works.values()}
        path = []
        for key in result.critical_path:
            entry = by_key.get(key) or by_key_work.get(key)
            if entry is None:
                continue
            subject = result.household if isinstance(entry, PlanItem) else entry.village
            path.append({"subject": subject, "key": key, "measure": entry.measure,
                         "label": {"zh": entry.label_zh, "en": entry.label_en},
                         "start": entry.start.isoformat() if entry.start else None,
                         "due": entry.due.isoformat() if entry.due else None})
        return result.finish, path

    def _works_of(self, household: str) -> dict[str, VillageWork]:
        village = self._village_of.get(household)
        return self.works.get(village, {}) if village is not None else {}

    def _apply(self, plans: list[HouseholdPlan], allocation: Allocation) -> None:
        """Make the kept plans agree with the allocation: swap in the plan of the funded bundle
        when it is not the plan's own, mark income items funded or not, and project income (and
        count the households lifted) from funded measures only."""
        by_household: dict[str, list[Bundle]] = {}
        for bundle in self.bundles:
            if bundle.lifts:
                by_household.setdefault(bundle.household, []).append(bundle)
        swapped = False
        for result in plans:
            offered = by_household.get(result.household)
            if not offered:
                continue
            works = self._works_of(result.household)
            self._tally(result, works, -1)
            name = allocation.chosen.get(result.household)
            chosen = next((b for b in offered if b.name == name), None)
            original = [item.key for item in result.items if item.new and item.need == "income"]
            if chosen is not None and chosen.name in result.alternatives:
                variant = result.alternatives[chosen.name]
                for name_ in HouseholdPlan.__dataclass_fields__:
                    if name_ not in ("bundles", "alternatives"):
                        setattr(result, name_, getattr(variant, name_))
                swapped = True
            _mark_funded(result, offered, chosen, original)
            reproject(result.income, result.items)
            self._tally(result, works, 1)
        if swapped:
            # the longest path again: the first plan (in input order) to finish last, among the
            # plans given and those the allocation could not change (perhaps not given)
            fixed = self._longest_fixed
            best = None if fixed is None else (fixed[0], -fixed[1], fixed[2])
            for result in filter(self.is_candidate, plans):
                path = self._path(result, self._works_of(result.household))
                if path is not None and (best is None or (
                        path[0], -self._position[result.household]) > best[:2]):
                    best = (path[0], -self._position[result.household], path[1])
            self._longest = None if best is None else (best[0], best[2])

    def _load(self, zh: str, en: str, start: date | None, due: date | None, cost: float,
              sign: int = 1) -> None:
        key = en or zh
        if key not in self.departments:
            self.departments[key] = DepartmentLoad(zh, en)
        self.departments[key].add(start, due, cost, sign)

    def finish(self, plans: list[HouseholdPlan] | None = None, *, budget: float | None = None,
               method: Method = "auto", errors: Iterable[Any] = ()) -> DistrictPlan:
        """The district plan: works and their loads added, the budget allocated (items of funded
        bundles get ``funded=True``, other new income items of candidate households ``False``).

        ``plans`` may be only those the allocation may change (:meth:`is_candidate`): the
        others can then be written as they come (:func:`planner.planning.export.write_allocated`).
        With the plans given, a household whose funded bundle is not its plan's own gets the plan
        built with that bundle instead (scheduled, counted in the loads and stats), and every
        candidate's income projection and ``lifted_by_plan`` count funded measures only. Streamed
        plans (``plans=None``) cannot change: only ``lifted_by_plan`` follows the allocation.

        ``budget`` defaults to the planner's; a budget here needs one given to the planner too
        (``ValueError`` otherwise), since bundles are only collected with a budget. ``plans``
        (``None`` when they were streamed) become :attr:`DistrictPlan.households`.
        """
        if budget is None:
            budget = self.budget
        elif self.budget is None:
            raise ValueError("DistrictPlanner(budget=...) is needed to allocate a budget: "
                             "income bundles are only collected with one")
        works = [w for by_measure in self.works.values() for w in by_measure.values()]
        allocation = None
        if budget is not None:
            work_costs = {w.key: w.cost for w in works}
            allocation = allocate(self.bundles, budget, work_costs, method=method)
            if plans is not None:
                self._apply(plans, allocation)
            else:
                # streamed plans cannot be changed: correct the count of households lifted
                self.stats.lifted_by_plan += allocation.lifted - self._candidates_lifted
                self._candidates_lifted = allocation.lifted
        for work in works:
            self._load(work.responsible_zh, work.responsible_en, work.start, work.due, work.cost)
        longest = self._longest
        for work in works:
            if longest is None or work.due > longest[0]:
                longest = (work.due, [{"subject": work.village, "key": work.key,
                                       "measure": work.measure,
                                       "label": {"zh": work.label_zh, "en": work.label_en},
                                       "start": work.start.isoformat(),
                                       "due": work.due.isoformat()}])
        return DistrictPlan(
            reference_date=self.reference_date, start=self.start, households=plans or [],
            works=works, departments=self.departments,
            critical_path=[] if longest is None else longest[1],
            finish=None if longest is None else longest[0], stats=self.stats,
            allocation=allocation, errors=list(errors), show_names=self.show_names,
        )


def _budget_line(income: Any) -> float | None:
    """The line the summary and the budget count households below and lifted over: the poverty
    line to 2020, then the monitoring threshold (the line's series ends with 2020)."""
    return income.poverty_line if income.poverty_line is not None else (
        income.monitoring_threshold)


def _lifted(result: HouseholdPlan) -> bool:
    income = result.income
    line = _budget_line(income)
    clears = income.clears_line if income.poverty_line is not None else income.clears_threshold
    return bool(income.per_capita is not None and line is not None and income.per_capita < line
                and clears)


def _mark_funded(result: HouseholdPlan, offered: list[Bundle], chosen: Bundle | None,
                 original: list[str]) -> None:
    """Mark each income item of a candidate household funded or not; say so when the budget funds
    another bundle than the plan's own (``original``: the keys of the plan's own income items)."""
    in_bundles = {key for b in offered for key in b.items}
    for item in result.items:
        if item.key in in_bundles or (item.new and item.need == "income"):
            item.funded = chosen is not None and item.key in chosen.items
    if chosen is not None and chosen.name != "plan":
        keys = "、".join(chosen.items)
        replaced = [key for key in original if key not in chosen.items]
        result.notes.append(Note(
            "allocation",
            f"预算分配资助更省钱的组合：{keys}（{chosen.cost:.0f} 元）"
            + (f"，代替 {'、'.join(replaced)}" if replaced else ""),
            f"the budget funds a cheaper bundle instead: {', '.join(chosen.items)} "
            f"({chosen.cost:.0f} yuan)" + (f", replacing {', '.join(replaced)}"
                                            if replaced else "")))
    elif chosen is None:
        result.notes.append(Note("allocation", "预算不足，本户增收措施未获资助",
                                 "the budget does not fund this household's income measures"))


def plan(
    households: Iterable[Household],
    *,
    findings: Iterable[Finding] | None = None,
    rules: RuleSet | Iterable[Rule] | None = None,
    params: ParameterSet | None = None,
    reference_date: date | None = None,
    start: date | None = None,
    catalog: MeasureCatalog | None = None,
    villages: Iterable[Village] = (),
    projects: Iterable[Project] = (),
    budget: float | None = None,
    allocation_method: Method = "auto",
    waivers: Iterable[FileWaiver] = (),
    show_names: bool = False,
) -> DistrictPlan:
    """Plan every household (and the district around them).

    ``findings`` default to a run of the checker with ``rules`` (installed packs by default) and
    ``waivers``, dataset rules included (a first pass over ``households``); ``reference_date``
    defaults to today and ``start`` to the reference date. With
    ``budget`` (元) the income bundles are allocated to lift the most households above the line.
    Every household plan is kept in the result: for a large district without a budget, stream
    with :meth:`DistrictPlanner.iter_plans` and :meth:`DistrictPlanner.finish` instead.
    Personal data in notes, reasons and helpers' names is masked unless ``show_names``.
    """
    households = list(households)
    run = None
    extra: list[Finding] = []
    if findings is None:
        run = Run.build(rules, params, reference_date, catalog=catalog, waivers=waivers)
        extra = dataset_findings(run, households)
    planner = DistrictPlanner(
        findings=findings, run=run, rules=rules, params=params, reference_date=reference_date,
        start=start, catalog=catalog, villages=villages, projects=projects, waivers=waivers,
        show_names=show_names, budget=budget, dataset_findings=extra,
    )
    plans = list(planner.iter_plans(households))
    return planner.finish(plans, method=allocation_method)
