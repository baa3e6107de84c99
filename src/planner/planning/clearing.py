"""Whether a plan clears what it addresses: the household with the plan's measures applied (the
projected household) is checked again, and a need whose finding still fires is not covered."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from planner.finding import Finding
from planner.model import Household, MeasureStatus, PlannedMeasure
from planner.planning.needs import Need, need_key, need_name
from planner.planning.option import Draft
from planner.planning.select import Selection

#: Checks one household and returns its findings (the planner's own rules, waivers not needed:
#: only needs the plan already holds are looked up in them). The second argument names the
#: needs looked up (:func:`~planner.planning.needs.need_name`): the rules raising no other need
#: may be left out.
Recheck = Callable[[Household, frozenset[str]], list[Finding]]


def projected_household(household: Household, drafts: Iterable[Draft], start: date) -> Household:
    """``household`` with every drafted measure added to its plan as ``planned`` from ``start``:
    the state the plan asks the offices to record."""
    added = [
        PlannedMeasure(measure=draft.measure.id, status=MeasureStatus.PLANNED, year=start.year,
                       start=start, beneficiary=draft.member,
                       expected_annual_gain=draft.gain or None)
        for draft in drafts
    ]
    if not added:
        return household
    return household.model_copy(update={"measures": [*household.measures, *added]})


def still_open(recheck: Recheck, selection: Selection, needs: Iterable[Need]) -> list[Need]:
    """The ``needs`` whose finding still fires on the projected household and that no measure
    new in this plan answers.

    A rule that reads the plan (MED002: a measure addressing the code for the member) stops
    firing once a measure is planned; a rule that reads the state (WAT001: the water is unsafe)
    fires until the measure is done, so a new or planned measure addressing the need answers
    it. What the household already had in effect when the finding fired (a measure in place or
    done) did not stop it, so it answers nothing.
    """
    needs = [need for need in needs if not _answered(selection, need)]
    if not needs:
        return []
    projected = projected_household(selection.facts.record, selection.drafts.values(),
                                    selection.start)
    names = frozenset(need_name(need.key) for need in needs)
    firing = {need_key(f) for f in recheck(projected, names)
              if not f.waived and f.subject == selection.facts.id and f.kind != "mismatch"}
    return [need for need in needs if need.key in firing]


def _answered(selection: Selection, need: Need) -> bool:
    """A measure new in this plan names the need, or one the household planned (not yet done)
    addresses it: a rule reading the state fires until such a measure is done."""
    if any(draft.need == need.key or any(code in draft.why for code in need.codes)
           for draft in selection.drafts.values()):
        return True
    for planned in selection.existing.values():
        measure = selection.catalog.get(planned.measure)
        if measure is None or not (measure.resolves(need.code) or measure.id in need.proposes):
            continue
        if need.member is None or planned.beneficiary in (None, need.member):
            return True
    return False


def clear_needs(recheck: Recheck, selection: Selection, covered: list[Need]) -> list[Need]:
    """Plan again, beyond what the household already has, each of the ``covered`` needs that
    :func:`still_open` finds open; return those that stay open after that.

    A need counted as covered by a measure in place (insurance for an ill member) is covered
    only if the rule stops firing: otherwise the next eligible candidate is chosen.
    """
    pending = still_open(recheck, selection, covered)
    if pending:
        progressed = [need for need in pending if selection.choose_need(need, again=True)]
        if progressed:
            pending = still_open(recheck, selection, pending)
    for need in covered:
        if need not in pending:
            _credit(selection, need)
    return pending


def _credit(selection: Selection, need: Need) -> None:
    """Name the need's codes on the new measures that clear it (a living subsidy drafted for one
    pupil's finding also answers the household's schooling risk)."""
    if _answered(selection, need):
        return
    for draft in selection.drafts.values():
        if draft.measure.id in need.proposes or draft.measure.resolves(need.code):
            draft.why.extend(code for code in need.codes if code not in draft.why)
