"""A whole declarative rule: metadata, scope, condition, message, values and evidence."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from planner.spec.conditions import Condition, ParamRef, _Spec, check_condition_depth

CODE_PATTERN = r"^[A-Z]{1,3}[0-9]{3}$"
NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SEVERITIES = ("error", "warning", "info")
SCOPES = ("household", "member", "village", "project", "dataset")
SPEC_SCOPES = ("household", "member", "village", "project")
ITEMS = ("measure",)
"""What ``for_each`` can range over: ``measure`` = each measure of the household's plan."""


class Message(_Spec):
    """A finding message in both languages, with ``{household.x}``, ``{member.x}``,
    ``{params[x]}`` and ``{values[x]}`` fields."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class FactValue(_Spec):
    """A fact reported as read (``{fact: village.road_share}``), optionally rounded
    (``round: 4`` digits)."""

    fact: str
    round: int | None = Field(None, ge=0, le=12)


Value = str | FactValue | ParamRef
"""A named value of a finding: a fact path, a rounded fact, or a parameter."""


class RuleSpec(_Spec):
    """A whole declarative rule: metadata plus its condition.

    This is the YAML rule format district staff write, and the form of most built-in rules.

    - ``scope``: ``household`` (facts ``household.*``, members through quantifiers), ``member``
      (``household.*`` and ``member.*``, once per member), ``village`` (``village.*``, from
      :class:`planner.area_facts.VillageFacts`) or ``project`` (``project.*``, from
      :class:`planner.area_facts.ProjectFacts`).
    - ``for_each: measure`` (household scope): the rule is judged once per measure of the
      household's plan, reading ``measure.*`` (:class:`planner.measure_facts.MeasureFacts`: the
      record's fields and the catalog's attributes); each measure that matches yields ONE
      finding, on its beneficiary member when that is a registered member.
    - ``values``: named values for the message's ``{values[name]}`` fields, each a fact path,
      ``{fact: path, round: n}`` or ``{param: name}``; they keep their type, so a format spec
      applies (``{values[share]:.0%}``) and enums show their label.
    - ``evidence``: a list of fact paths reported next to the facts the condition read (keyed by
      path), or a mapping ``key: value`` (as in ``values``) that is the finding's whole evidence,
      in that order.
    """

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(pattern=NAME_PATTERN)
    family: str = Field(min_length=1)
    scope: Literal["household", "member", "village", "project"] = "household"
    for_each: Literal["measure"] | None = None
    severity: Literal["error", "warning", "info"] = "warning"
    message: Message
    when: Condition
    values: dict[str, Value] = Field(default_factory=dict)
    evidence: list[str] | dict[str, Value] = Field(
        default_factory=list, description="Extra facts to report, or the whole evidence by key")
    proposes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    doc: str = ""

    @field_validator("when", mode="before")
    @classmethod
    def _shallow_enough(cls, when: Any) -> Any:
        check_condition_depth(when)  # before pydantic recurses into it
        return when

    @field_validator("aliases")
    @classmethod
    def _alias_codes(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not re.match(CODE_PATTERN, alias):
                raise ValueError(f"alias {alias!r} is not a rule code (1–3 capitals, 3 digits)")
        return aliases

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
