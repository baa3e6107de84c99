"""The plan of one household: needs → measures → prerequisite closure → schedule → projection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.facts import HouseholdFacts
from planner.finding import Finding
from planner.measures import MeasureCatalog, default_catalog
from planner.model import HouseholdStatus, PlannedMeasure
from planner.params import ParameterSet, default_parameters
from planner.planning.clearing import Recheck, clear_needs
from planner.planning.labels import label_items
from planner.planning.model import Bundle, HouseholdPlan, IncomeProjection, Note, PlanItem
from planner.planning.needs import IncomeNeed, household_needs
from planner.planning.option import Draft, Option, base_id, cheapest_lifting, item_key
from planner.planning.projection import projection as income_projection
from planner.planning.projection import reproject as reproject  # its home until it moved
from planner.planning.schedule import Link, Task, critical_path, schedule
from planner.planning.select import Selection
from planner.planning.unfit import Unfit, cancel_item, unfit_measures, without_unfit
from planner.planning.village import VillageWork
from planner.privacy import mask_messages, mask_name

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
#: Statuses whose households work towards an exit date (脱贫攻坚 exits are assessed at year end).
_EXITING = frozenset({HouseholdStatus.POOR, HouseholdStatus.PRE_EXIT, HouseholdStatus.RETURNED})


def parameter_values(params: Any, when: date) -> Mapping[str, Any]:
    """Parameter values on ``when`` from a :class:`ParameterSet`, values, or ``None`` (shipped)."""
    if params is None:
        return default_parameters().at(when)
    if isinstance(params, ParameterSet):
        return params.at(when)
    return params


def target_date(facts: HouseholdFacts) -> date | None:
    """The date the plan should be done by: the recorded exit target, or the default exit date
    (year end) for households still to exit; ``None`` for the others."""
    if facts.record.exit_target is not None:
        return facts.record.exit_target
    if facts.record.status in _EXITING:
        return facts.exit_target
    return None


def plan_household(
    facts: HouseholdFacts,
    findings: Iterable[Finding] = (),
    catalog: MeasureCatalog | None = None,
    params: ParameterSet | Mapping[str, Any] | None = None,
    *,
    start: date | None = None,
    works: Mapping[str, VillageWork] | None = None,
    village: str | None = None,
    show_names: bool = False,
    alternatives: bool = False,
    recheck: Recheck | None = None,
) -> HouseholdPlan:
    """Plan one household from its facts and findings.

    ``works`` are the pending works of the household's village by measure id (from
    :func:`planner.planning.village.pending_works`); measures that have them as prerequisites wait.
    Personal data is masked unless ``show_names``: the helper's name, and any name, ID number or
    phone number in the messages of findings that the plan copies into its notes and reasons (a
    local rule may put ``{member.name}`` in its message). A measure already planned that a SUP003
    finding says does not fit is cancelled (:mod:`planner.planning.unfit`): listed in
    ``to_cancel``, not scheduled, its gain not counted, its needs planned again.

    With ``alternatives`` (the district planner sets it when it allocates a budget), a household
    whose cheapest lifting bundle differs from its plan's income measures also gets that plan,
    built and scheduled with the cheapest bundle instead, in ``alternatives["cheapest"]``: the
    allocation may fund it.

    With ``recheck`` (the district planner passes its checker), a need counts as covered only
    when its finding no longer fires on the household with the plan's measures applied
    (:mod:`planner.planning.clearing`); otherwise another measure is chosen, and a need that
    stays open gets a ``not_cleared`` note. Without it, a measure in place covers its need.
    """
    catalog = catalog or default_catalog()
    values = parameter_values(params, facts.reference_date)
    start = start or facts.reference_date
    target = target_date(facts)
    works = dict(works or {})
    findings = [f if show_names else mask_messages(f) for f in findings]
    unfit, unfit_notes = unfit_measures(facts, findings, catalog, values)
    facts = without_unfit(facts, unfit)
    income_need, needs, unplanned = household_needs(facts, findings, values, catalog)
    context = _Context(facts, catalog, values, start, target, works, unfit, unfit_notes,
                       income_need, needs, unplanned, show_names, village, recheck)
    result, selection, options = _build(context, None)
    work_costs = {work.key: work.cost for work in works.values()}
    result.bundles = _bundles(facts.id, selection, result.items, options, income_need,
                              work_costs)
    if alternatives:
        cheapest = cheapest_lifting(options, income_need.line_gap,
                                    work_costs=work_costs) if (
            income_need is not None and income_need.line_gap > 0) else None
        if cheapest is not None and any(b.name == "cheapest" for b in result.bundles):
            variant, _, _ = _build(context, cheapest[0])
            result.alternatives["cheapest"] = variant
    return result


@dataclass(slots=True)
class _Context:
    """What both the plan and its alternatives are built from."""

    facts: HouseholdFacts
    catalog: MeasureCatalog
    values: Mapping[str, Any]
    start: date
    target: date | None
    works: dict[str, VillageWork]
    unfit: list[Unfit]
    unfit_notes: list[Note]
    income_need: IncomeNeed | None
    needs: list[Any]
    unplanned: list[str]
    show_names: bool
    village: str | None
    recheck: Recheck | None = None


def _build(context: _Context, income_choice: list[Option] | None
           ) -> tuple[HouseholdPlan, Selection, list[Option]]:
    """The plan (without bundles), its selection and the income options; ``income_choice``: the
    income options to give instead of closing the gap the usual way (an alternative bundle)."""
    facts, catalog, values, start = context.facts, context.catalog, context.values, context.start
    target, works, income_need = context.target, context.works, context.income_need
    selection = Selection(facts, catalog, values, start, target,
                          {measure_id: work.key for measure_id, work in works.items()},
                          dropped=[u.planned for u in context.unfit])
    notes: list[Note] = []
    remaining = 0.0
    options: list[Option] = []
    if income_need is not None:
        options = selection.income_options(income_need)
        if income_choice is None:
            remaining = selection.choose_income(income_need, list(options))
        else:
            for option in income_choice:
                own = [c for c in income_need.codes if option.measure.resolves(c)
                       or option.measure.id in income_need.proposes]
                selection.add(option, need="income", why=own or list(income_need.codes),
                              reason=(income_need.zh, income_need.en))
            remaining = max(0.0, income_need.gap - sum(o.gain for o in income_choice))
    covered = []
    for need in sorted(context.needs, key=lambda n: _SEVERITY_ORDER.get(n.severity, 3)):
        if selection.choose_need(need):
            covered.append(need)
            continue
        zh, en = _blocked_reasons(selection, need)
        notes.append(Note("unmet_need",
                          f"没有符合条件的措施能解决 {need.code}：{need.zh}{zh}",
                          f"no eligible measure can close {need.code}: {need.en}{en}",
                          code=need.code, member=need.member))
    if context.recheck is not None:
        for need in clear_needs(context.recheck, selection, covered):
            zh, en = _blocked_reasons(selection, need)
            notes.append(Note("not_cleared",
                              f"已有和计划的措施不能消除 {need.code}：{need.zh}{zh}",
                              f"the measures in place and planned do not clear {need.code}: "
                              f"{need.en}{en}", code=need.code, member=need.member))
    for key, planned in selection.existing.items():
        selection.keep(key, planned)

    helper = _helper(facts, context.show_names)
    items, history, links = _items(selection, catalog, works, helper, income_need, context.needs)
    to_cancel = _cancel_items(facts.id, context.unfit, catalog, helper)
    label_items(items)
    label_items(history, items)
    tasks = [Task(item.key, item.duration_days, index, *_given(selection.existing.get(item.key)))
             for index, item in enumerate(items)]
    waited = {key for item in items for key in item.waits_for if key.split("@")[0] in works}
    for work in works.values():
        if work.key in waited:
            tasks.append(Task(work.key, work.duration_days, -1, work.start, work.due))
    dates, conflicts = schedule(tasks, links, start)
    for item in items:
        item.start, item.due = dates[item.key]
        item.late = target is not None and item.status != "done" and item.due > target
    position = {key: index for index, key in enumerate(dates)}
    items.sort(key=lambda item: (item.start, position[item.key]))
    path, _ = critical_path(tasks, links, dates, start)
    finish = max((item.due for item in items if item.due is not None), default=None)

    projection = income_projection(facts, values, income_need, items, start)
    notes.extend(_notes(facts, selection, items, works, conflicts, target, projection,
                        income_need, remaining, context.unplanned, values))
    notes.extend(context.unfit_notes)
    region = facts.record.region
    result = HouseholdPlan(
        household=facts.id,
        village=context.village or region.division_code or region.village,
        village_name=region.village, town=region.town,
        status=None if facts.record.status is None else facts.record.status.value,
        reference_date=facts.reference_date, start=start, target_date=target, helper=helper,
        items=items, history=history, notes=notes, income=projection, critical_path=path,
        finish=finish, unplanned=context.unplanned, to_cancel=to_cancel,
    )
    return result, selection, options


def _cancel_items(household: str, unfit: list[Unfit], catalog: MeasureCatalog,
                  helper: str | None) -> list[PlanItem]:
    items: list[PlanItem] = []
    keys: set[str] = set()
    for entry in unfit:
        measure = catalog.get(entry.planned.measure)
        member_level = measure is None or measure.beneficiary == "member"
        key = item_key(entry.planned.measure, entry.planned.beneficiary if member_level else None)
        while key in keys:
            key += "+"
        keys.add(key)
        items.append(cancel_item(household, key, entry, catalog, helper))
    return items


def _blocked_reasons(selection: Selection, need: Any) -> tuple[str, str]:
    """Why the candidates of ``need`` (``None``: the income need) were refused, as suffixes."""
    zh = sorted({v.zh for n, _, v in selection.blocked if n is need and v.zh})
    en = sorted({v.en for n, _, v in selection.blocked if n is need and v.en})
    return (f"（{'；'.join(zh)}）" if zh else "", f" ({'; '.join(en)})" if en else "")


def _helper(facts: HouseholdFacts, show_names: bool) -> str | None:
    helper = facts.record.helper
    if helper is None or not helper.name:
        return None
    return helper.name if show_names else mask_name(helper.name)


def _given(planned: PlannedMeasure | None) -> tuple[date | None, date | None]:
    if planned is None:
        return None, None
    return planned.start, planned.due


def _items(
    selection: Selection,
    catalog: MeasureCatalog,
    works: Mapping[str, VillageWork],
    helper: str | None,
    income_need: IncomeNeed | None,
    needs: list[Any],
) -> tuple[list[PlanItem], list[PlanItem], list[Link]]:
    household = selection.facts.id
    items: dict[str, PlanItem] = {}
    for key, draft in selection.drafts.items():
        items[key] = _from_draft(household, draft, helper)
    all_codes = [*(income_need.codes if income_need else []), *(c for n in needs for c in n.codes)]
    for key, planned in selection.existing.items():
        items[key] = _from_existing(household, key, planned, catalog, helper, all_codes)
    history = [_from_existing(household, key, planned, catalog, helper, [])
               for key, planned in selection.done.items()]
    links: list[Link] = []
    for key, item in items.items():
        measure = catalog.get(item.measure)
        if measure is None:
            continue
        for prerequisite in measure.prerequisites:
            pre = catalog[prerequisite.measure]
            provider: str | None = None
            if pre.beneficiary == "village":
                work = works.get(pre.id)
                provider = work.key if work is not None else None
            elif pre.beneficiary == "member" and item.member is not None:
                provider = next((k for k in (item_key(pre.id, item.member), pre.id) if k in items),
                                None)
            elif pre.beneficiary == "member":
                provider = next((k for k in items if base_id(k) == pre.id), None)
            elif pre.id in items:
                provider = pre.id
            if provider is None:
                continue
            links.append(Link(provider, key, prerequisite.relation, prerequisite.lead_days))
            item.waits_for.append(provider)
            if provider in items:
                items[provider].prerequisite_of.append(key)
    for item in items.values():
        if not item.reason_zh:
            labels = [items[k] for k in item.prerequisite_of if k in items]
            item.reason_zh = "；".join(f"“{d.label_zh}”的前置措施" for d in labels)
            item.reason_en = "; ".join(f"prerequisite of {d.label_en}" for d in labels)
            item.need = item.need or ("prerequisite" if labels else None)
    return list(items.values()), history, links


def _from_draft(household: str, draft: Draft, helper: str | None) -> PlanItem:
    measure = draft.measure
    reason_zh = "；".join(draft.reasons_zh)
    reason_en = "; ".join(draft.reasons_en)
    if draft.causes:
        from planner.model import PovertyCause

        labels = [PovertyCause(c).label_zh for c in draft.causes]
        reason_zh += f"；针对致贫原因：{'、'.join(labels)}"
        causes = ", ".join(c.replace("_", " ") for c in draft.causes)
        reason_en += f"; targets the poverty cause: {causes}"
    return PlanItem(
        key=draft.key, household=household, measure=measure.id, label_zh=measure.label.zh,
        label_en=measure.label.en, family=measure.family, member=draft.member, status="proposed",
        why=list(draft.why), need=draft.need, reason_zh=reason_zh.strip("；"),
        reason_en=reason_en.strip("; "), causes=list(draft.causes),
        duration_days=measure.duration_days, responsible_zh=measure.responsible.zh,
        responsible_en=measure.responsible.en, helper=helper, cost=draft.cost, gain=draft.gain,
        income_category=measure.income_category,
    )


def _from_existing(household: str, key: str, planned: PlannedMeasure, catalog: MeasureCatalog,
                   helper: str | None, codes: list[str]) -> PlanItem:
    measure = catalog.get(planned.measure)
    status = planned.status.value
    label_zh = planned.status.label_zh
    why = [c for c in dict.fromkeys(codes) if measure is not None and measure.resolves(c)]
    # The department recorded on the measure is who does it; the catalog's is only the default
    # (a recorded name has no English of its own unless it is the catalog's).
    responsible_zh = planned.responsible or (measure.responsible.zh if measure else "")
    responsible_en = (measure.responsible.en if measure is not None
                      and responsible_zh == measure.responsible.zh else responsible_zh)
    return PlanItem(
        key=key, household=household, measure=planned.measure,
        label_zh=measure.label.zh if measure else planned.measure,
        label_en=measure.label.en if measure else planned.measure,
        family=measure.family if measure else "unknown",
        member=planned.beneficiary, status=status,  # type: ignore[arg-type]
        why=why, need="existing",
        reason_zh=f"已列入帮扶计划（{label_zh}）",
        reason_en=f"already in the household's plan ({status})",
        duration_days=measure.duration_days if measure else 0,
        start=planned.start, due=planned.completed or planned.due,
        responsible_zh=responsible_zh, responsible_en=responsible_en,
        helper=helper, cost=measure.unit_cost if measure else 0.0,
        gain=planned.expected_annual_gain or 0.0,
        income_category=measure.income_category if measure else None,
    )


def _notes(facts: HouseholdFacts, selection: Selection, items: list[PlanItem],
           works: Mapping[str, VillageWork], conflicts: list[Any], target: date | None,
           projection: IncomeProjection, need: IncomeNeed | None, remaining: float,
           unplanned: list[str], values: Mapping[str, Any]) -> list[Note]:
    return [
        *_income_notes(facts, selection, projection, need, remaining, values),
        *_schedule_notes(items, works, conflicts, target),
        *(Note("unmet_prerequisite", f"已计划的 {key} 缺少前置措施，且无人符合条件：{v.zh}",
               f"planned {key} lacks a prerequisite nobody qualifies for: {v.en}",
               measure=base_id(key)) for key, v in selection.unmet_prerequisites),
        *(Note("unknown_measure", f"计划中的措施 {base_id(key)} 不在措施目录中",
               f"planned measure {base_id(key)} is not in the catalog", measure=base_id(key))
          for key in selection.existing if base_id(key) not in selection.catalog),
        *(Note("no_measure", f"措施目录中没有措施能解决 {key}",
               f"no measure in the catalog addresses {key}", code=key.split("@")[0])
          for key in unplanned),
    ]


def _income_notes(facts: HouseholdFacts, selection: Selection, projection: IncomeProjection,
                  need: IncomeNeed | None, remaining: float,
                  values: Mapping[str, Any]) -> list[Note]:
    notes: list[Note] = []
    if not facts.income_known:
        notes.append(Note("income_unknown", "收入未登记，无法测算人均纯收入",
                          "income not recorded: per-capita income cannot be projected"))
    if need is None:
        return notes
    if facts.labour_unknown:
        notes.append(Note("labour_unknown",
                          f"{facts.labour_unknown} 名成员劳动能力未登记，增收措施可能遗漏",
                          f"labour capacity of {facts.labour_unknown} members not recorded: "
                          "income measures for them could not be considered"))
    projected = projection.projected_per_capita
    if remaining > 0 and projected is not None:
        zh, en = _blocked_reasons(selection, None)
        notes.append(Note(
            "income_gap",
            f"没有符合条件的措施能弥补收入缺口：计划后人均 {projected:.0f} 元，"
            f"仍低于目标 {need.target:.0f} 元{zh}",
            f"no eligible measure can close the income gap: {projected:.0f} yuan per head after "
            f"the plan, below the target of {need.target:.0f} yuan{en}",
            code=need.codes[0] if need.codes else None))
    share, share_max = projection.transfer_share, values.get("income.transfer_share_max")
    if share is not None and share_max is not None and facts.any_can_work and share > share_max:
        notes.append(Note(
            "transfer_dependent",
            f"计划后政策性转移收入占比 {share:.0%}，超过 {float(share_max):.0%}",
            f"after the plan policy transfers are {share:.0%} of income, above "
            f"{float(share_max):.0%}"))
    return notes


def _schedule_notes(items: list[PlanItem], works: Mapping[str, VillageWork],
                    conflicts: list[Any], target: date | None) -> list[Note]:
    notes = [
        Note("late", f"“{item.label_zh}”预计 {item.due} 完成，晚于目标日期 {target}",
             f"{item.label_en} is due on {item.due}, after the target date {target}",
             measure=item.measure, member=item.member)
        for item in items if item.late
    ]
    gaining = [item for item in items if item.gain > 0 and item.status != "done"]
    # Said only when no income measure takes effect by the target date: one that does is
    # counted in the projection already.
    if target is not None and gaining and all(item.late for item in gaining):
        notes.append(Note(
            "target_unreachable",
            f"增收措施在目标日期 {target} 前无法见效：收入未稳定超过标准前不宜退出",
            f"income measures cannot take effect by the target date {target}: an exit before "
            "income is stably above the line should wait"))
    for conflict in conflicts:
        if conflict.given_start is None:
            notes.append(Note(
                "date_conflict",
                f"{conflict.key} 计划 {conflict.given_due} 完成，但前置措施 {conflict.prerequisite}"
                f" 最早 {conflict.earliest_start} 才能就绪：已按所需天数顺延",
                f"{conflict.key} is due on {conflict.given_due}, but its prerequisite "
                f"{conflict.prerequisite} is ready on {conflict.earliest_start} at the earliest: "
                "rescheduled for its full duration",
                measure=base_id(conflict.key)))
            continue
        notes.append(Note(
            "date_conflict",
            f"{conflict.key} 计划 {conflict.given_start} 开始，但前置措施 {conflict.prerequisite} "
            f"最早 {conflict.earliest_start} 才能就绪",
            f"{conflict.key} is planned to start on {conflict.given_start}, but its prerequisite "
            f"{conflict.prerequisite} is ready on {conflict.earliest_start} at the earliest",
            measure=base_id(conflict.key)))
    by_key = {work.key: work for work in works.values()}
    for item in items:
        for work in (by_key[key] for key in item.waits_for if key in by_key):
            notes.append(Note(
                "waits_for_village",
                f"“{item.label_zh}”需等待本村“{work.label_zh}”于 {work.due} 完工",
                f"{item.label_en} waits for the village's {work.label_en.lower()} "
                f"due {work.due}", measure=item.measure, member=item.member))
    return notes


def _bundles(household: str, selection: Selection, items: list[PlanItem], options: list[Any],
             need: IncomeNeed | None, work_costs: Mapping[str, float]) -> list[Bundle]:
    if need is None or need.line_gap <= 0:
        return []
    by_key = {item.key: item for item in items}
    income_keys = [item.key for item in items if item.new and item.need == "income"]
    keys: dict[str, None] = {}
    stack = list(income_keys)
    while stack:
        key = stack.pop()
        if key in keys or key not in by_key:
            continue
        keys[key] = None
        stack.extend(k for k in by_key[key].waits_for if k in by_key and by_key[k].new)
    requires = frozenset(k for key in keys for k in by_key[key].waits_for if k not in by_key)
    bundles: list[Bundle] = []
    if income_keys:
        gain = sum(by_key[k].gain for k in keys)
        cost = sum(by_key[k].cost for k in keys)
        bundles.append(Bundle(household, "plan", tuple(sorted(keys)), cost, gain,
                              gain >= need.line_gap, requires))
    cheapest = cheapest_lifting(options, need.line_gap, work_costs=work_costs)
    if cheapest is not None:
        combo, cost, gain = cheapest
        combo_keys = {o.key for o in combo} | {r.key for o in combo for r in o.requires}
        if not bundles or set(combo_keys) != set(bundles[0].items):
            works = frozenset(w for o in combo for w in o.works)
            bundles.append(Bundle(household, "cheapest", tuple(sorted(combo_keys)), cost, gain,
                                  True, works))
    return bundles
