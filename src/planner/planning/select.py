"""Choosing measures: eligible options for each need, the income gap closed by gain per cost,
poverty causes targeted first, and the prerequisite closure of everything chosen.

The selection is deterministic: ties break on catalog order, then member number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from planner.facts import HouseholdFacts, MemberFacts
from planner.measures import Measure, MeasureCatalog
from planner.measures.eligibility import Verdict, eligibility, in_place
from planner.model import IncomeCategory, LabourCapacity, MeasureStatus, PlannedMeasure
from planner.planning.needs import IncomeNeed, Need
from planner.planning.option import Draft, Option, Requirement, base_id, item_key

#: Families whose measures may close an income gap (education and health aids answer own needs).
INCOME_GAP_FAMILIES = frozenset({"industry", "employment", "finance", "social_protection"})
_LABOUR_RANK = {LabourCapacity.SKILLED: 0, LabourCapacity.NORMAL: 1, LabourCapacity.WEAK: 2}


class Selection:
    """The measures chosen for one household, built need by need.

    ``works`` maps a village measure id (``road_hardening``) to the key of the pending work in the
    household's village; a household measure that has that work as prerequisite waits for it.
    ``dropped`` are planned measures the plan cancels (unfit for their beneficiary): they are not
    in :attr:`existing`, so they neither count as had nor get prerequisites.
    """

    def __init__(
        self,
        facts: HouseholdFacts,
        catalog: MeasureCatalog,
        params: Mapping[str, Any],
        start: date,
        target: date | None,
        works: Mapping[str, str] | None = None,
        dropped: Iterable[PlannedMeasure] = (),
    ):
        self.facts = facts
        self.catalog = catalog
        self.params = params
        self.start = start
        self.target = target
        self.works = dict(works or {})
        self.drafts: dict[str, Draft] = {}
        self.existing: dict[str, PlannedMeasure] = {}
        self.done: dict[str, PlannedMeasure] = {}
        self.blocked: list[tuple[Need | None, str, Verdict]] = []
        self._need: Need | None = None  # the need being planned, for ``blocked``
        self.unmet_prerequisites: list[tuple[str, Verdict]] = []
        self._members = {m.number: m for m in facts.members}
        self._wages = self._member_wages()
        dropped = list(dropped)
        for planned in facts.record.measures:
            if any(planned is d for d in dropped):
                continue
            measure = catalog.get(planned.measure)
            member_level = measure is None or measure.beneficiary == "member"
            member = planned.beneficiary if member_level else None
            key = item_key(planned.measure, member)
            if planned.status is MeasureStatus.DONE:
                self.done.setdefault(key, planned)
            elif planned.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS):
                while key in self.existing:
                    key += "+"
                self.existing[key] = planned

    # -- facts about what the household has -------------------------------------------------
    def _member_wages(self) -> dict[int, float]:
        wages: dict[int, float] = {}
        for source in self.facts.record.income or ():
            if (source.category is IncomeCategory.WAGE and source.member is not None
                    and source.year == self.facts.income_year):
                wages[source.member] = wages.get(source.member, 0.0) + source.amount
        return wages

    def member(self, number: int | None) -> MemberFacts | None:
        """The registered member with this 1-based number."""
        return None if number is None else self._members.get(number)

    def _has(self, measure: Measure, member: int | None, any_member: bool = False,
             include_done: bool = True) -> bool:
        """Chosen, already planned, (done) or in place for this beneficiary."""
        keys = [item_key(measure.id, member)]
        if member is not None:
            keys.append(measure.id)  # a member measure recorded without its beneficiary
        pools: list[Mapping[str, Any]] = [self.drafts, self.existing]
        if include_done:
            pools.append(self.done)
        for pool in pools:
            if any(key in pool for key in keys):
                return True
            if any_member and any(base_id(k) == measure.id for k in pool):
                return True
        if any_member and measure.beneficiary == "member":
            return any(in_place(measure, self.facts, m) for m in self.facts.members)
        return in_place(measure, self.facts, self.member(member))

    def satisfied(self, measure: Measure, member: int | None, any_member: bool = False) -> bool:
        """Whether a prerequisite is met by what is chosen, planned, done or in place."""
        return self._has(measure, member, any_member)

    def available(self, measure: Measure, member: int | None) -> bool:
        """Not given to this beneficiary yet, its exclusive group free, under the household cap."""
        if self._has(measure, member, include_done=not measure.repeatable):
            return False
        if measure.per_household_max is not None:
            holders = sum(1 for pool in (self.drafts, self.existing)
                          for key in pool if base_id(key) == measure.id)
            if holders >= measure.per_household_max:
                return False
        if measure.exclusive:
            for other in self.catalog.values():
                if other.exclusive != measure.exclusive:
                    continue
                if other.beneficiary == "household" or measure.beneficiary == "household":
                    if self._has(other, None, any_member=True, include_done=False):
                        return False
                elif self._has(other, member, include_done=False):
                    return False
        return True

    # -- amounts ------------------------------------------------------------------------------
    def _persons(self, measure: Measure) -> int:
        return max(self.facts.size, 1) if measure.amounts_per == "person" else 1

    def gain(self, measure: Measure, member: int | None) -> float:
        """Household gain per year; a wage measure replaces the member's current wage."""
        gain = measure.annual_gain * self._persons(measure)
        if measure.income_category == "wage" and member is not None:
            gain = max(0.0, gain - self._wages.get(member, 0.0))
        return gain

    def cost(self, measure: Measure) -> float:
        """Public cost of giving the measure once (per person for ``amounts_per: person``)."""
        return measure.unit_cost * self._persons(measure)

    # -- options and closure ------------------------------------------------------------------
    def verdict(self, measure: Measure, member: int | None) -> Verdict:
        """Eligibility of ``measure`` for the household or the member."""
        return eligibility(measure, self.facts, self.member(member), self.params, domain=True)

    def best_member(self, measure: Measure) -> int | None:
        """The member to give a member measure to when the need names nobody: eligible, not yet
        working, most capable, youngest."""
        eligible = [m for m in self.preferred_members() if self.verdict(measure, m.number)
                    and self.available(measure, m.number)]
        return eligible[0].number if eligible else None

    def preferred_members(self) -> list[MemberFacts]:
        """Members in the order measures go to them: not yet working, most capable, youngest."""

        def rank(m: MemberFacts) -> tuple[Any, ...]:
            labour = _LABOUR_RANK.get(m.record.labour_capacity, 3)  # type: ignore[arg-type]
            age = m.age if m.age is not None else 999
            return (m.employed or m.holds_post, labour, age, m.number)

        return sorted(self.facts.members, key=rank)

    def option(self, measure: Measure, member: int | None) -> Option | None:
        """The option of giving ``measure`` to the beneficiary, or ``None`` when it is not
        eligible or a prerequisite cannot be met (recorded in :attr:`blocked`)."""
        requires: list[Requirement] = []
        works: set[str] = set()
        finish = self._closure(measure, member, requires, works, set())
        if finish is None:
            return None
        return Option(measure, member, item_key(measure.id, member), self.gain(measure, member),
                      self.cost(measure), requires, frozenset(works), finish)

    def _closure(self, measure: Measure, member: int | None, out: list[Requirement],
                 works: set[str], seen: set[str]) -> int | None:
        """Add the unmet prerequisites of ``measure`` to ``out``; return its finish in days."""
        ready = 0
        for prerequisite in measure.prerequisites:
            pre = self.catalog[prerequisite.measure]
            if pre.beneficiary == "village":
                work = self.works.get(pre.id)
                if work is not None:
                    works.add(work)
                continue
            any_member = pre.beneficiary == "member" and member is None
            pre_member = member if pre.beneficiary == "member" else None
            if self.satisfied(pre, pre_member, any_member):
                continue
            if any_member:
                pre_member = self.best_member(pre)
                if pre_member is None:
                    self.blocked.append((self._need, measure.id, self.verdict(pre, None)))
                    return None
            elif not self.verdict(pre, pre_member):
                self.blocked.append((self._need, measure.id, self.verdict(pre, pre_member)))
                return None
            if not self.available(pre, pre_member):
                self.blocked.append((self._need, measure.id, _unavailable(pre)))
                return None
            key = item_key(pre.id, pre_member)
            if key in seen:
                continue
            seen.add(key)
            pre_finish = self._closure(pre, pre_member, out, works, seen)
            if pre_finish is None:
                return None
            out.append(Requirement(key, pre, pre_member, self.cost(pre), any_member))
            offset = pre_finish if prerequisite.relation == "finish_to_start" else (
                pre_finish - pre.duration_days)
            ready = max(ready, offset + prerequisite.lead_days)
        return ready + measure.duration_days

    def extra_cost(self, option: Option) -> float:
        """Cost of the option's prerequisites not chosen since the option was made."""
        return sum(r.cost for r in option.requires
                   if not self.satisfied(r.measure, r.member, r.any_member))

    def on_time(self, option: Option) -> bool:
        """Whether the option (with its prerequisites) can finish by the target date."""
        if self.target is None:
            return True
        return self.start + timedelta(days=option.finish_days) <= self.target

    # -- choosing -----------------------------------------------------------------------------
    def add(self, option: Option, *, need: str | None, why: Iterable[str], reason: tuple[str, str],
            causes: Iterable[str] = ()) -> Draft:
        """Choose an option: its draft and the drafts of its unmet prerequisites."""
        for requirement in option.requires:
            if self.satisfied(requirement.measure, requirement.member, requirement.any_member):
                continue
            self._draft(requirement.measure, requirement.member)
        draft = self._draft(option.measure, option.member)
        draft.need = draft.need or need
        for code in why:
            if code not in draft.why:
                draft.why.append(code)
        if reason[0] and reason[0] not in draft.reasons_zh:
            draft.reasons_zh.append(reason[0])
            draft.reasons_en.append(reason[1])
        for cause in causes:
            if cause not in draft.causes:
                draft.causes.append(cause)
        return draft

    def _draft(self, measure: Measure, member: int | None) -> Draft:
        key = item_key(measure.id, member)
        if key not in self.drafts:
            self.drafts[key] = Draft(measure, member, key, self.gain(measure, member),
                                     self.cost(measure))
        return self.drafts[key]

    def income_options(self, need: IncomeNeed) -> list[Option]:
        """Every eligible, available measure-for-beneficiary that raises income."""
        options: list[Option] = []
        for measure in self.catalog.values():
            if measure.beneficiary == "village" or measure.annual_gain <= 0:
                continue
            if measure.family not in INCOME_GAP_FAMILIES and measure.id not in need.proposes:
                continue
            members: list[int | None] = (
                [m.number for m in self.preferred_members()]
                if measure.beneficiary == "member" else [None]
            )
            for member in members:
                if not self.available(measure, member) or not self.verdict(measure, member):
                    continue
                option = self.option(measure, member)
                if option is not None and option.gain > 0:
                    options.append(option)
        return options

    def track(self, option: Option) -> int:
        """0 for the household's own track (development where someone can work, protection where
        nobody can: 五个一批, domain.md §6.1), 1 for neutral families, 2 for the other track."""
        capable = self.facts.any_can_work is True
        measure = option.measure
        if measure.development:
            return 0 if capable else 2
        if measure.protection:
            return 2 if capable else 0
        return 1

    def keep(self, key: str, planned: PlannedMeasure) -> None:
        """Add the unmet prerequisites of a measure the household already planned."""
        measure = self.catalog.get(planned.measure)
        if measure is None:
            return
        member = planned.beneficiary if measure.beneficiary == "member" else None
        requires: list[Requirement] = []
        blocked = len(self.blocked)
        finish = self._closure(measure, member, requires, set(), set())
        if finish is None:
            self.unmet_prerequisites.extend((key, v) for _, _, v in self.blocked[blocked:])
            del self.blocked[blocked:]
            return
        for requirement in requires:
            if not self.satisfied(requirement.measure, requirement.member, requirement.any_member):
                self._draft(requirement.measure, requirement.member)

    def choose_income(self, need: IncomeNeed, options: list[Option] | None = None) -> float:
        """Close the income gap; return what is still missing (household 元/yr, 0 when closed).

        1. One measure per recorded poverty cause (精准施策: the cause is why the household is
           poor), own track first, best gain per cost.
        2. While a gap remains: the cheapest option that closes it alone, else the best gain per
           cost, own track first (development where someone can work); the other track last.
        3. Where findings ask for development and someone can work, one development measure.
        Ties go to options that can finish by the target date, then to catalog and member order.
        """
        options = self.income_options(need) if options is None else options
        order = {id(o): i for i, o in enumerate(options)}
        codes = need.codes
        reason = (need.zh, need.en)

        def why_for(option: Option) -> list[str]:
            measure = option.measure
            own = [c for c in codes if measure.resolves(c) or measure.id in need.proposes]
            return own or list(codes)

        def pick(option: Option, causes: Iterable[str] = ()) -> float:
            """Choose the option; return the gain it adds with the prerequisites it drafts."""
            before = set(self.drafts)
            self.add(option, need="income", why=why_for(option), reason=reason, causes=causes)
            return sum(d.gain for k, d in self.drafts.items() if k not in before)

        def live(pool: list[Option]) -> list[Option]:
            return [o for o in pool
                    if o.key not in self.drafts and self.available(o.measure, o.member)]

        gained = 0.0
        for cause in dict.fromkeys(c.value for c in self.facts.record.causes):
            if self._cause_covered(cause):
                continue
            pool = [o for o in live(options) if cause in o.measure.causes]
            if not pool:
                continue
            best = min(pool, key=lambda o: (self.track(o), -o.ratio(self.extra_cost(o)),
                                            not self.on_time(o), order[id(o)]))
            gained += pick(best, causes=[cause])
        remaining = need.gap - gained
        for allowed in (1, 2):
            while remaining > 0:
                pool = [o for o in live(options) if self.track(o) <= allowed]
                if not pool:
                    break
                closing = [o for o in pool if o.gain >= remaining]
                if closing:
                    best = min(closing, key=lambda o: (o.cost + self.extra_cost(o),
                                                       not self.on_time(o), order[id(o)]))
                else:
                    best = min(pool, key=lambda o: (-o.ratio(self.extra_cost(o)), -o.gain,
                                                    not self.on_time(o), order[id(o)]))
                remaining -= pick(best)
        if need.require_development and not self._has_development():
            pool = [o for o in live(options) if o.measure.development]
            if pool:
                pick(min(pool, key=lambda o: (-o.ratio(self.extra_cost(o)),
                                              not self.on_time(o), order[id(o)])))
        return max(0.0, remaining)

    def _cause_covered(self, cause: str) -> bool:
        for pool in (self.drafts, self.existing):
            for key in pool:
                measure = self.catalog.get(base_id(key))
                if measure is not None and measure.annual_gain > 0 and cause in measure.causes:
                    return True
        return False

    def _has_development(self) -> bool:
        new_this_year = self.facts.new_measures_this_year
        if any(self.catalog[m].development for m in new_this_year if m in self.catalog):
            return True
        return any(d.measure.development and d.gain > 0 for d in self.drafts.values())

    def choose_need(self, need: Need, *, again: bool = False) -> bool:
        """Choose measures for a non-income need; False when no eligible measure can close it.

        Candidates are the finding's proposals, then the catalog's measures addressing its code.
        A candidate that is only a step towards another candidate (an assessment before a
        renovation) is chosen through that one's prerequisites. ``again``: what the household
        has did not clear the need's finding (:mod:`planner.planning.clearing`), so a candidate
        it does not have yet is chosen, and False means there is none.
        """
        self._need = need
        try:
            return self._choose_need(need, again)
        finally:
            self._need = None

    def _choose_need(self, need: Need, again: bool) -> bool:
        candidates: list[Measure] = []
        for measure_id in (*need.proposes, *(m.id for m in self.catalog.addressing(need.code))):
            measure = self.catalog.get(measure_id)
            if measure is not None and measure.beneficiary != "village" and (
                    measure not in candidates):
                candidates.append(measure)
        reason = (need.zh, need.en)
        ids = {m.id for m in candidates}
        ends = [m for m in candidates
                if not any(self._leads_to(m.id, other) for other in ids - {m.id})]
        steps = [m for m in candidates if m not in ends]
        for measure in () if again else (*ends, *steps):
            for member in self._need_members(measure, need):
                if self._has(measure, member, include_done=not measure.repeatable):
                    self._note_covered(measure, member, need)
                    return True
        # One beneficiary per need: the first member who qualifies (a household's idle labour
        # gets one placement, not one per eligible member); a job that pays no more than the
        # member earns now is no answer.
        for measure in (*ends, *steps):
            for member in self._need_members(measure, need):
                if not self.available(measure, member):
                    continue
                verdict = self.verdict(measure, member)
                if not verdict:
                    self.blocked.append((need, measure.id, verdict))
                    continue
                if measure.income_category == "wage" and not self.gain(measure, member) > 0:
                    continue
                option = self.option(measure, member)
                if option is None:
                    continue
                self.add(option, need=need.key, why=need.codes, reason=reason)
                return True
        return False

    def _need_members(self, measure: Measure, need: Need) -> list[int | None]:
        if measure.beneficiary != "member":
            return [None]
        if need.member is not None:
            return [need.member] if need.member in self._members else []
        return [m.number for m in self.facts.members]

    def _leads_to(self, source: str, target: str) -> bool:
        return target in self.catalog.enables(source)

    def _note_covered(self, measure: Measure, member: int | None, need: Need) -> None:
        key = item_key(measure.id, member)
        draft = self.drafts.get(key)
        if draft is not None:
            for code in need.codes:
                if code not in draft.why:
                    draft.why.append(code)


def _unavailable(measure: Measure) -> Verdict:
    """Why a prerequisite cannot be added: its exclusive group is taken or its cap reached."""
    if measure.exclusive:
        return Verdict(False, "exclusive",
                       f"前置措施“{measure.label.zh}”与已有措施互斥（{measure.exclusive}）",
                       f"prerequisite {measure.label.en} excludes a measure the household "
                       f"already has ({measure.exclusive})")
    return Verdict(False, "per_household_max",
                   f"前置措施“{measure.label.zh}”已达每户上限",
                   f"prerequisite {measure.label.en} is at its per-household maximum")
