"""The declarative rule spec: one typed condition language that every backend compiles.

A condition is data (pydantic models), never Python or SQL text. The per-household Python backend
(:mod:`planner.compile`) turns it into closures; a columnar and a durable-rules backend compile the
very same tree. Fact paths name derived facts first and record fields second:
``household.per_capita_net_income``, ``household.housing.safety_grade``, ``member.age``.

Logic is three-valued (Kleene): a comparison with an unknown value is *unknown*, ``all`` is false if
any part is false, ``any`` is true if any part is true, ``not`` keeps unknown unknown, and a rule
fires only when its condition is *true*. Missing data is therefore never read as 0 or false; it is
the business of the ``exists`` / ``missing`` tests (and of the DQ rules) to flag it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

Scalar = float | int | str | bool | date
COMPARISON_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between", "contains")
COUNT_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
CODE_PATTERN = r"^[A-Z]{1,3}[0-9]{3}$"
NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SEVERITIES = ("error", "warning", "info")
SCOPES = ("household", "member", "village", "project", "dataset")
RuleKind = Literal["need", "mismatch", "data_quality", "meta"]
"""What a rule's findings are to the planner: a ``need`` to plan for, a ``mismatch`` (a planned
measure that does not fit: the planner cancels it), a ``data_quality`` problem (planned like a
need: the record must be corrected) or ``meta`` (about other findings or the run itself)."""
RULE_KINDS: tuple[RuleKind, ...] = ("need", "mismatch", "data_quality", "meta")
MAX_CONDITION_DEPTH = 32
"""Deepest nesting of conditions (``all``, ``any``, ``not``, member quantifiers) in one rule.

Validation and compilation recurse once per level; a limit far below Python's stack keeps a
hostile or runaway rule an error with a message instead of a ``RecursionError``.
"""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ParamRef(_Spec):
    """The value of a dated parameter: ``{param: income.poverty_line}``."""

    param: str


class FactRef(_Spec):
    """The value of another fact: ``{fact: household.previous_per_capita_income}``."""

    fact: str


Operand = ParamRef | FactRef | Scalar | list[Scalar]


class Compare(_Spec):
    """A comparison of one fact with a value, a parameter or another fact; exactly one operator.

    ``{fact: member.age, between: [6, 15]}``, ``{fact: household.status, in: [pre_exit, exited]}``,
    ``{fact: household.per_capita_net_income, lt: {param: income.poverty_line}}``. ``times``
    scales a numeric right-hand side (``lt: {param: …}, times: 1.5``).
    """

    fact: str
    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    le: Operand | None = None
    gt: Operand | None = None
    ge: Operand | None = None
    in_: Operand | None = Field(None, alias="in")
    not_in: Operand | None = None
    between: Operand | None = None
    contains: Operand | None = None
    times: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [k for k in data if k not in ("fact", "times", *COMPARISON_OPS, "in_")]
            if unknown:
                raise ValueError(
                    f"unknown operator {unknown[0]!r} in a comparison of {data.get('fact')!r};"
                    f" operators are {', '.join(COMPARISON_OPS)} (plus an optional times)"
                )
        return data

    @model_validator(mode="after")
    def _one_operator(self) -> Compare:
        given = [op for op in COMPARISON_OPS if self.operand_of(op) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a comparison of {self.fact!r} needs exactly one of {', '.join(COMPARISON_OPS)}"
                f" (got {', '.join(given) or 'none'})"
            )
        return self

    def operand_of(self, op: str) -> Any:
        return getattr(self, "in_" if op == "in" else op)

    @property
    def op(self) -> str:
        return next(op for op in COMPARISON_OPS if self.operand_of(op) is not None)

    @property
    def operand(self) -> Any:
        return self.operand_of(self.op)


class Exists(_Spec):
    """True when the fact is recorded (not ``None``); never unknown."""

    exists: str


class Missing(_Spec):
    """True when the fact is not recorded (``None``); never unknown."""

    missing: str


class All(_Spec):
    """True when every part is true; false when any part is false; else unknown."""

    all: list[Condition] = Field(min_length=1)


class Any_(_Spec):
    """True when any part is true; false when every part is false; else unknown."""

    any: list[Condition] = Field(min_length=1)


class Not(_Spec):
    """The negation; unknown stays unknown."""

    not_: Condition = Field(alias="not")


class AnyMember(_Spec):
    """True when the condition holds for at least one registered member (``member.*`` inside)."""

    any_member: Condition


class AllMembers(_Spec):
    """True when the condition holds for every registered member (true for no members)."""

    all_members: Condition


class CountMembers(_Spec):
    """Compare how many members satisfy a condition: ``{count_members: {...}, ge: 2}``."""

    count_members: Condition
    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    le: Operand | None = None
    gt: Operand | None = None
    ge: Operand | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> CountMembers:
        given = [op for op in COUNT_OPS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(f"count_members needs exactly one of {', '.join(COUNT_OPS)}")
        return self

    @property
    def op(self) -> str:
        return next(op for op in COUNT_OPS if getattr(self, op) is not None)


# The key that names each kind of condition, in the order they are recognised. Choosing the
# model by key (not by trying each in turn) makes an error name the condition that is wrong.
_CONDITION_KEYS = (
    ("all", "All"),
    ("any", "Any"),
    ("not", "Not"),
    ("any_member", "AnyMember"),
    ("all_members", "AllMembers"),
    ("count_members", "CountMembers"),
    ("exists", "Exists"),
    ("missing", "Missing"),
    ("fact", "Compare"),
)
CONDITION_KEYS = tuple(key for key, _ in _CONDITION_KEYS)


_COMPOSITE_KEYS = frozenset(
    {"all", "any", "not", "not_", "any_member", "all_members", "count_members"})


def condition_depth(data: Any, limit: int = MAX_CONDITION_DEPTH) -> int:
    """Nesting depth of a condition given as data (mappings and lists) or as spec models.

    A single test is depth 1, ``{not: {exists: …}}`` depth 2. Counting stops just past
    ``limit``, so a cyclic or enormous tree costs no more than that.
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, BaseModel):
            value = dict(value)
        if isinstance(value, dict):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            if _COMPOSITE_KEYS.intersection(value):
                stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((child, depth) for child in value)
    return deepest


def check_condition_depth(data: Any) -> None:
    """Raise ``ValueError`` when ``data`` nests deeper than :data:`MAX_CONDITION_DEPTH`."""
    if condition_depth(data) > MAX_CONDITION_DEPTH:
        raise ValueError(
            f"conditions are nested more than {MAX_CONDITION_DEPTH} levels deep;"
            " split the rule or flatten nested all/any/not"
        )


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((tag for key, tag in _CONDITION_KEYS if key in value), None)
    if isinstance(value, BaseModel):
        return _MODEL_TAGS.get(type(value).__name__)
    return None


_MODEL_TAGS = {"All": "All", "Any_": "Any", "Not": "Not", "AnyMember": "AnyMember",
               "AllMembers": "AllMembers", "CountMembers": "CountMembers", "Exists": "Exists",
               "Missing": "Missing", "Compare": "Compare"}

Condition = Annotated[
    Annotated[All, Tag("All")]
    | Annotated[Any_, Tag("Any")]
    | Annotated[Not, Tag("Not")]
    | Annotated[AnyMember, Tag("AnyMember")]
    | Annotated[AllMembers, Tag("AllMembers")]
    | Annotated[CountMembers, Tag("CountMembers")]
    | Annotated[Exists, Tag("Exists")]
    | Annotated[Missing, Tag("Missing")]
    | Annotated[Compare, Tag("Compare")],
    Discriminator(
        _condition_kind,
        custom_error_type="unknown_condition",
        custom_error_message=(
            "not a condition: a condition is a mapping with one of the keys "
            + ", ".join(CONDITION_KEYS)
        ),
    ),
]
for _model in (All, Any_, Not, AnyMember, AllMembers, CountMembers):
    _model.model_rebuild()


class Message(_Spec):
    """A finding message in both languages, with ``{household.x}``, ``{member.x}``,
    ``{params[x]}`` and ``{values[x]}`` fields."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


# The dataset forms are built from the models above (a cycle planner/__init__ settles by
# importing this module first).
from planner.spec_dataset import Duplicates, GroupedRate  # noqa: E402


class RuleSpec(_Spec):
    """A whole declarative rule: metadata plus its condition, or a dataset form.

    This is the YAML rule format district staff write, and the form of most built-in rules. A
    household or member rule has ``when``; a dataset rule has one form, ``duplicates`` or
    ``rate`` (:mod:`planner.spec_dataset`).
    """

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(pattern=NAME_PATTERN)
    family: str = Field(min_length=1)
    scope: Literal["household", "member", "dataset"] = "household"
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
    evidence: list[str] = Field(default_factory=list, description="Extra facts to report")
    proposes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    doc: str = ""

    @field_validator("when", mode="before")
    @classmethod
    def _shallow_enough(cls, when: Any) -> Any:
        check_condition_depth(when)  # before pydantic recurses into it
        return when

    @model_validator(mode="after")
    def _need_of_a_need_rule(self) -> RuleSpec:
        if self.need is not None and self.kind != "need":
            raise ValueError(f"need {self.need!r} given to a rule of kind {self.kind!r}: only a"
                             " need rule names a need")
        return self

    @model_validator(mode="after")
    def _one_body(self) -> RuleSpec:
        forms = [name for name in ("duplicates", "rate") if getattr(self, name) is not None]
        if self.scope == "dataset":
            if len(forms) != 1 or self.when is not None:
                raise ValueError("a dataset rule has exactly one form (duplicates or rate)"
                                 " and no when")
        elif forms or self.when is None:
            raise ValueError(f"a {self.scope} rule has a when condition and no dataset form"
                             " (duplicates, rate: scope dataset)")
        return self

    @property
    def form(self) -> Duplicates | GroupedRate | None:
        """The dataset form of a dataset rule."""
        return self.duplicates or self.rate

    @field_validator("aliases")
    @classmethod
    def _alias_codes(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not re.match(CODE_PATTERN, alias):
                raise ValueError(f"alias {alias!r} is not a rule code (1–3 capitals, 3 digits)")
        return aliases


def parse_condition(data: Any) -> BaseModel:
    """Validate one condition tree (raises :class:`pydantic.ValidationError`)."""
    from pydantic import TypeAdapter

    check_condition_depth(data)
    return TypeAdapter(Condition).validate_python(data)  # type: ignore[no-any-return]


__all__ = [
    "CODE_PATTERN",
    "COMPARISON_OPS",
    "CONDITION_KEYS",
    "COUNT_OPS",
    "MAX_CONDITION_DEPTH",
    "NAME_PATTERN",
    "RULE_KINDS",
    "SCOPES",
    "SEVERITIES",
    "All",
    "AllMembers",
    "AnyMember",
    "Any_",
    "Compare",
    "Condition",
    "CountMembers",
    "Exists",
    "FactRef",
    "Message",
    "Missing",
    "Not",
    "ParamRef",
    "RuleKind",
    "RuleSpec",
    "ValidationError",
    "check_condition_depth",
    "condition_depth",
    "parse_condition",
]
