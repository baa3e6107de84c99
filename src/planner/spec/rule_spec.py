"""A whole declarative rule: metadata, scope, condition, message, values and evidence."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from planner.spec.conditions import Condition, Message, ParamRef, _Spec, check_condition_depth
from planner.spec.dataset import Duplicates, GroupedRate

CODE_PATTERN = r"^[A-Z]{1,3}[0-9]{3}$"
NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SEVERITIES = ("error", "warning", "info")
SCOPES = ("household", "member", "village", "project", "dataset")
SPEC_SCOPES = ("household", "member", "village", "project")
RuleKind = Literal["need", "mismatch", "data_quality", "meta"]
"""What a rule's findings are to the planner: a ``need`` to plan for, a ``mismatch`` (a planned
measure that does not fit: the planner cancels it), a ``data_quality`` problem (planned like a
need: the record must be corrected) or ``meta`` (about other findings or the run itself)."""
RULE_KINDS: tuple[RuleKind, ...] = ("need", "mismatch", "data_quality", "meta")
ITEMS = ("measure", "work_record", "post")
"""What ``for_each`` can range over: ``measure`` = each measure of the household's plan,
``work_record`` = each work record (务工) and ``post`` = each public-welfare post of its registered
members."""


class FactValue(_Spec):
    """A fact reported as read (``{fact: village.road_share}``), optionally rounded
    (``round: 4`` digits)."""

    fact: str
    round: int | None = Field(None, ge=0, le=12)


class TextValue(_Spec):
    """A text, filled from the finding's other values when it has fields:
    ``{text: 在校生状况}``, ``{text: "{range[0]}–{range[1]} 岁"}``."""

    text: str


class ItemsValue(_Spec):
    """A list over the household's planned measures: the ``items`` fact of each measure where
    ``where`` holds (unknown counts as not), one per distinct ``by`` value and ordered by it
    (plan order without ``by``): ``{items: measure.label_zh, where: {...}, by: measure.id}``."""

    items: str
    where: Condition | None = None
    by: str | None = None


class MatchedValue(_Spec):
    """In a rule with ``report: together``: the value ``matched`` of each check that held, in
    order, as a list, or as one text with ``join`` between them."""

    matched: str
    join: str | None = None


Value = str | FactValue | ParamRef | TextValue | ItemsValue | MatchedValue
"""A named value of a finding: a fact path, a rounded fact, a parameter, a text or a list of
planned measures' facts."""


ItemsValue.model_rebuild()


class Check(_Spec):
    """One of a rule's checks: a condition with its own values and evidence.

    A rule with ``checks`` (instead of ``when``) yields one finding per check that holds, in
    order; each finding's values and evidence are the rule's followed by the check's.
    """

    when: Condition
    values: dict[str, Value] = Field(default_factory=dict)
    evidence: dict[str, Value] = Field(default_factory=dict)

    @field_validator("when", mode="before")
    @classmethod
    def _shallow_enough(cls, when: Any) -> Any:
        check_condition_depth(when)
        return when


class NeedsCorrection(_Spec):
    """Fields a rule needs beyond what its spec reads (``add``), or that it reads but can do
    without (``drop``): see :mod:`planner.spec.needs`."""

    add: list[str] = Field(default_factory=list)
    drop: list[str] = Field(default_factory=list)


class RuleSpec(_Spec):
    """A whole declarative rule: metadata plus its condition, or a dataset form.

    This is the YAML rule format district staff write, and the form of most built-in rules.

    - ``kind`` (``need``, ``mismatch``, ``data_quality``, ``meta``) says what the findings are to
      the planner, and ``need`` which need a need rule raises (``income`` merges into the
      household income need; none: the rule's own code).
    - ``scope: dataset`` takes one dataset form instead of a condition: ``duplicates`` (the same
      key in several places of the run) or ``rate`` (a grouped rate against a benchmark), see
      :mod:`planner.spec.dataset`.

    - ``scope``: ``household`` (facts ``household.*``, members through quantifiers), ``member``
      (``household.*`` and ``member.*``, once per member), ``village`` (``village.*``, from
      :class:`planner.area_facts.VillageFacts`) or ``project`` (``project.*``, from
      :class:`planner.area_facts.ProjectFacts`).
    - ``for_each: measure`` (household scope): the rule is judged once per measure of the
      household's plan, reading ``measure.*`` (:class:`planner.measure_facts.MeasureFacts`: the
      record's fields and the catalog's attributes); each measure that matches yields ONE
      finding, on its beneficiary member when that is a registered member. ``for_each:
      work_record`` and ``for_each: post`` judge each work record (``work_record.*``:
      :class:`planner.item_facts.WorkRecordFacts`) or public-welfare post (``post.*``:
      :class:`planner.item_facts.PostFacts`) of the registered members the same way, one finding
      per matching item on its member.
    - ``values``: named values for the message's ``{values[name]}`` fields, each a fact path,
      ``{fact: path, round: n}``, ``{param: name}`` (``key: fact`` for a mapping's entry),
      ``{text: "…{other_value}…"}`` or ``{items: measure.x, where: …, by: …}``; they keep their
      type, so a format spec applies (``{values[share]:.0%}``), enums show their label and lists
      are joined (``、`` in Chinese, ``, `` in English).
    - ``evidence``: a list of fact paths reported next to the facts the condition read (keyed by
      path), or a mapping ``key: value`` (as in ``values``) that is the finding's whole evidence,
      in that order.
    - ``checks`` (instead of ``when``): several conditions, each with its own values and
      evidence mappings; one finding per check that holds, in order (a member whose schooling
      stage and education level are both implausible gets two). With ``report: together``, one
      finding when any check holds, whose rule-level values and evidence list the checks'
      values through ``{matched: name}`` (``join: "；"`` makes one text).
    - ``needs``: corrections (``add``, ``drop``) to the model fields the rule needs, which are
      derived from what it reads (:mod:`planner.spec.needs`); a source that does not carry one
      of them does not run the rule.
    """

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(pattern=NAME_PATTERN)
    family: str = Field(min_length=1)
    scope: Literal["household", "member", "village", "project", "dataset"] = "household"
    for_each: Literal["measure", "work_record", "post"] | None = None
    severity: Literal["error", "warning", "info"] = "warning"
    kind: RuleKind = "need"
    need: str | None = Field(
        default=None, min_length=1,
        description="The need a need rule raises (``income`` merges into the household income"
        " need); none: the rule's own code")
    message: Message
    when: Condition | None = None
    duplicates: Duplicates | None = None
    rate: GroupedRate | None = None
    checks: list[Check] = Field(default_factory=list)
    report: Literal["each", "together"] = "each"
    values: dict[str, Value] = Field(default_factory=dict)
    evidence: list[str] | dict[str, Value] = Field(
        default_factory=list, description="Extra facts to report, or the whole evidence by key")
    proposes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    needs: NeedsCorrection | None = Field(
        default=None, description="Corrections to the fields the rule needs, derived from what"
        " it reads (planner.spec.needs): add, drop")
    doc: str = ""

    @field_validator("when", mode="before")
    @classmethod
    def _shallow_enough(cls, when: Any) -> Any:
        if when is not None:
            check_condition_depth(when)  # before pydantic recurses into it
        return when

    @property
    def conditions(self) -> list[Check]:
        """The rule's checks; a rule with ``when`` is one check with the rule's own values."""
        if self.when is not None:
            return [Check.model_construct(when=self.when, values={}, evidence={})]
        return self.checks

    @field_validator("aliases")
    @classmethod
    def _alias_codes(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not re.match(CODE_PATTERN, alias):
                raise ValueError(f"alias {alias!r} is not a rule code (1–3 capitals, 3 digits)")
        return aliases

    @property
    def form(self) -> Duplicates | GroupedRate | None:
        """The dataset form of a dataset rule."""
        return self.duplicates or self.rate

    @model_validator(mode="after")
    def _need_of_a_need_rule(self) -> RuleSpec:
        if self.need is not None and self.kind != "need":
            raise ValueError(f"need {self.need!r} given to a rule of kind {self.kind!r}: only a"
                             " need rule names a need")
        return self

    @model_validator(mode="after")
    def _when_or_checks(self) -> RuleSpec:
        forms = [name for name in ("duplicates", "rate") if getattr(self, name) is not None]
        if self.scope == "dataset":
            if len(forms) != 1 or self.when is not None or self.checks:
                raise ValueError("a dataset rule has exactly one form (duplicates or rate)"
                                 " and no when or checks")
            return self
        if forms:
            raise ValueError(f"a {self.scope} rule has a when condition and no dataset form"
                             " (duplicates, rate: scope dataset)")
        if (self.when is None) == (not self.checks):
            raise ValueError("a rule needs either when (one condition) or checks (a list)")
        if self.checks and isinstance(self.evidence, list) and self.evidence:
            raise ValueError("a rule with checks takes evidence as a mapping (key: value)")
        if self.report == "together" and not self.checks:
            raise ValueError("report: together combines checks: the rule has none")
        return self

    @model_validator(mode="after")
    def _items_of_households(self) -> RuleSpec:
        if self.for_each is not None and self.scope != "household":
            raise ValueError(f"for_each: {self.for_each} needs scope household (got {self.scope})")
        return self

    @property
    def roots(self) -> frozenset[str]:
        """The fact roots the rule's condition, values and evidence may read."""
        if self.scope in ("village", "project"):
            return frozenset({self.scope})
        roots = {"household"}
        if self.scope == "member":
            roots.add("member")
        if self.for_each is not None:
            roots.add(self.for_each)
        return frozenset(roots)
