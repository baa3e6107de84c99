"""What a plan is made of: items (measure, why, dates, responsible), notes, income projection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

ItemStatus = Literal["proposed", "planned", "in_progress", "done", "pending"]
#: What the plan does with an item: propose it, keep one already planned, or cancel an unfit one.
ItemAction = Literal["add", "keep", "cancel", "done"]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@dataclass(slots=True)
class Note:
    """Something the plan must say in words: an unmet need, a late item, a data gap.

    ``kind`` is a stable key: ``unmet_need``, ``not_cleared`` (the measures in place and planned
    leave the finding firing), ``no_measure``, ``income_gap``, ``income_unknown``,
    ``labour_unknown``, ``late``, ``target_unreachable``, ``date_conflict``, ``waits_for_village``,
    ``transfer_dependent``, ``unknown_measure``, ``unmet_prerequisite``, ``allocation``,
    ``unfit_done`` (a completed measure that did not fit), ``unfit_measure`` (an unfit measure
    the plan could not find to cancel).
    """

    kind: str
    zh: str
    en: str
    code: str | None = None
    member: int | None = None
    measure: str | None = None

    def text(self, language: str = "zh") -> str:
        """The note in ``language``."""
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"kind": self.kind, "code": self.code, "member": self.member,
                "measure": self.measure, "message": {"zh": self.zh, "en": self.en}}


@dataclass(slots=True)
class PlanItem:
    """One measure for one beneficiary, with why it is there and when and by whom it is done.

    ``why`` holds the finding codes it answers; ``prerequisite_of`` the keys of the items it
    enables; ``waits_for`` the keys it waits for (village works included). ``key`` is the measure
    id, ``<measure>@m<N>`` for a member measure, or ``<measure>@<village>`` for a village work.
    :attr:`why_codes` says why in stable codes (finding codes, ``income-gap``, ``existing``,
    ``prerequisite:<key>``); ``why_zh``/``why_en`` label each code for people.
    ``cancelled``: an item the household already planned that does not fit its beneficiary
    (SUP003): the plan cancels it, does not schedule it and counts no cost or gain for it.
    """

    key: str
    household: str
    measure: str
    label_zh: str
    label_en: str
    family: str
    member: int | None = None
    status: ItemStatus = "proposed"
    why: list[str] = field(default_factory=list)
    need: str | None = None
    reason_zh: str = ""
    reason_en: str = ""
    causes: list[str] = field(default_factory=list)
    prerequisite_of: list[str] = field(default_factory=list)
    waits_for: list[str] = field(default_factory=list)
    duration_days: int = 0
    start: date | None = None
    due: date | None = None
    late: bool = False
    responsible_zh: str = ""
    responsible_en: str = ""
    helper: str | None = None
    cost: float = 0.0
    gain: float = 0.0
    income_category: str | None = None
    funded: bool | None = None
    cancelled: bool = False
    why_zh: list[str] = field(default_factory=list)
    why_en: list[str] = field(default_factory=list)

    @property
    def new(self) -> bool:
        """Proposed by this plan (not already in the household's plan)."""
        return self.status == "proposed" and not self.cancelled

    @property
    def action(self) -> ItemAction:
        """``add`` (proposed here), ``keep`` (already planned), ``cancel`` or ``done``."""
        if self.cancelled:
            return "cancel"
        if self.status == "proposed":
            return "add"
        return "done" if self.status == "done" else "keep"

    @property
    def why_codes(self) -> list[str]:
        """Why the item is here, as stable codes: its finding codes, else ``income-gap`` (a gap
        the facts show), else ``prerequisite:<key>`` for each item it enables, else its need
        (``existing`` for a measure already in the household's plan)."""
        if self.why:
            return list(self.why)
        if self.need == "income":
            return ["income-gap"]
        return ([f"prerequisite:{k}" for k in self.prerequisite_of]
                or ([self.need] if self.need else []))

    def why_labels(self, language: str = "zh") -> list[str]:
        """The labels of :attr:`why_codes` in ``language`` (the codes when none were set)."""
        labels = self.why_zh if language == "zh" else self.why_en
        return list(labels) if labels else self.why_codes

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "key": self.key, "household": self.household, "member": self.member,
            "measure": self.measure, "label": {"zh": self.label_zh, "en": self.label_en},
            "family": self.family, "status": self.status, "action": self.action,
            "why": list(self.why), "why_codes": self.why_codes,
            "why_labels": {"zh": self.why_labels("zh"), "en": self.why_labels("en")},
            "need": self.need, "reason": {"zh": self.reason_zh, "en": self.reason_en},
            "causes": list(self.causes), "prerequisite_of": list(self.prerequisite_of),
            "waits_for": list(self.waits_for), "duration_days": self.duration_days,
            "start": _iso(self.start), "due": _iso(self.due), "late": self.late,
            "responsible": {"zh": self.responsible_zh, "en": self.responsible_en},
            "helper": self.helper, "cost": round(self.cost, 2), "gain": round(self.gain, 2),
            "income_category": self.income_category, "funded": self.funded,
        }


@dataclass(slots=True)
class IncomeProjection:
    """Per-capita net income now and after the plan, against the line and the monitoring range.

    ``planned_gain`` is the expected gain of measures already planned (not done); ``new_gain``
    that of the measures this plan proposes (those a budget allocation left unfunded excluded);
    both are household totals per year. ``gross_income`` and ``policy_income`` (recorded, before
    the plan: the transfers of ``income.policy_transfer_subtypes``) let the projection be redone
    when the allocation funds fewer measures; they are not part of :meth:`to_dict`.
    ``projected_per_capita`` is annualised (each measure's full annual gain, a run-rate);
    ``within_year_per_capita`` is what the household has by ``year_end`` (31 December of the
    plan's start year), each measure's gain counted from its due date, pro rata by days.
    ``transfer_share`` is the share of policy transfers (recorded ones plus the transfer measures
    of the plan) in gross income after the plan: support from relatives and remittances are not
    counted, as in INC004.
    """

    size: int
    net_income: float | None
    per_capita: float | None
    planned_gain: float
    new_gain: float
    projected_per_capita: float | None
    poverty_line: float | None  # None after 2020: the series ends
    monitoring_threshold: float | None
    target: float
    target_parameter: str
    clears_line: bool | None
    clears_threshold: bool | None
    transfer_share: float | None = None
    gross_income: float | None = None
    policy_income: float | None = None
    year_end: date | None = None
    within_year_per_capita: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        def rounded(value: float | None, digits: int = 2) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "size": self.size, "net_income": rounded(self.net_income),
            "per_capita": rounded(self.per_capita), "planned_gain": rounded(self.planned_gain),
            "new_gain": rounded(self.new_gain),
            "projected_per_capita": rounded(self.projected_per_capita),
            "poverty_line": self.poverty_line, "monitoring_threshold": self.monitoring_threshold,
            "target": self.target, "target_parameter": self.target_parameter,
            "clears_line": self.clears_line, "clears_threshold": self.clears_threshold,
            "transfer_share": rounded(self.transfer_share, 4),
            "projected_basis": "annualised",
            "within_year_per_capita": rounded(self.within_year_per_capita),
            "within_year_until": _iso(self.year_end),
        }


@dataclass(slots=True)
class Bundle:
    """An alternative set of new income measures for one household (input of the allocation).

    ``cost`` excludes shared village works, listed in ``requires`` by key; ``lifts`` says whether
    the household's projected per-capita income reaches the poverty line with it.
    """

    household: str
    name: str
    items: tuple[str, ...]
    cost: float
    gain: float
    lifts: bool
    requires: frozenset[str] = frozenset()


@dataclass(slots=True)
class HouseholdPlan:
    """The plan of one household: scheduled items in a valid order, history, notes, projection.

    ``to_cancel`` holds the measures already in the household's plan that do not fit it (SUP003):
    not scheduled, their gains not counted, each with the eligibility reason.
    """

    household: str
    village: str | None
    village_name: str | None
    status: str | None
    reference_date: date
    start: date
    target_date: date | None
    helper: str | None
    items: list[PlanItem]
    history: list[PlanItem]
    notes: list[Note]
    income: IncomeProjection
    critical_path: list[str] = field(default_factory=list)
    finish: date | None = None
    bundles: list[Bundle] = field(default_factory=list)
    unplanned: list[str] = field(default_factory=list)
    to_cancel: list[PlanItem] = field(default_factory=list)
    alternatives: dict[str, HouseholdPlan] = field(default_factory=dict)
    #: The household's town (乡镇), for the spreadsheet rows; not in :meth:`to_dict` (pinned).
    town: str | None = None

    @property
    def new_items(self) -> list[PlanItem]:
        """Items this plan proposes."""
        return [item for item in self.items if item.new]

    @property
    def cost(self) -> float:
        """Public cost of the proposed items (元)."""
        return sum(item.cost for item in self.items if item.new)

    def item(self, key: str) -> PlanItem | None:
        """The scheduled item with this key (``microcredit``, ``job_placement@m2``)."""
        return next((item for item in self.items if item.key == key), None)

    def measures(self) -> list[str]:
        """Measure ids of the scheduled items, in order."""
        return [item.measure for item in self.items]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "household": self.household, "village": self.village,
            "village_name": self.village_name, "status": self.status,
            "reference_date": _iso(self.reference_date), "start": _iso(self.start),
            "target_date": _iso(self.target_date), "finish": _iso(self.finish),
            "helper": self.helper, "income": self.income.to_dict(),
            "cost": round(self.cost, 2),
            "items": [item.to_dict() for item in self.items],
            "history": [item.to_dict() for item in self.history],
            "to_cancel": [item.to_dict() for item in self.to_cancel],
            "critical_path": list(self.critical_path),
            "notes": [note.to_dict() for note in self.notes],
            "unplanned": list(self.unplanned),
        }
