"""The spec's conditions: one typed, three-valued condition language that every backend compiles.

A condition is data (pydantic models), never Python or SQL text. The per-household Python
backend (:mod:`planner.backends.python`) turns it into closures; a columnar and a durable-rules
backend compile the very same tree. Fact paths name derived facts first and record fields second:
``household.per_capita_net_income``, ``household.housing.safety_grade``, ``member.age``.

Logic is three-valued (Kleene): a comparison with an unknown value is *unknown*, ``all`` is false if
any part is false, ``any`` is true if any part is true, ``not`` keeps unknown unknown, and a rule
fires only when its condition is *true*. Missing data is therefore never read as 0 or false; it is
the business of the ``exists`` / ``missing`` tests (and of the DQ rules) to flag it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

Scalar = float | int | str | bool | date
COMPARISON_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between", "contains")
COUNT_OPS = ("eq", "ne", "lt", "le", "gt", "ge")
MAX_CONDITION_DEPTH = 32
"""Deepest nesting of conditions (``all``, ``any``, ``not``, member quantifiers) in one rule.

Validation and compilation recurse once per level; a limit far below Python's stack keeps a
hostile or runaway rule an error with a message instead of a ``RecursionError``.
"""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ParamRef(_Spec):
    """The value of a dated parameter: ``{param: income.poverty_line}``.

    With ``key`` (a fact path), the entry of a mapping parameter for the fact's value:
    ``{param: education.stage_ages, key: member.schooling}`` (an enum keys by its value). An
    unknown key value or a key absent from the mapping gives an unknown value.
    """

    param: str
    key: str | None = None


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
    minus: ParamRef | FactRef | float | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = ("fact", "times", "minus", *COMPARISON_OPS, "in_")
            unknown = [k for k in data if k not in allowed]
            if unknown:
                raise ValueError(
                    f"unknown operator {unknown[0]!r} in a comparison of {data.get('fact')!r};"
                    f" operators are {', '.join(COMPARISON_OPS)} (plus an optional times and minus)"
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


class AnyMeasure(_Spec):
    """True when the condition holds for at least one measure of the household's plan
    (``measure.*`` inside, :class:`planner.measure_facts.MeasureFacts`)."""

    any_measure: Condition


class AllMeasures(_Spec):
    """True when the condition holds for every measure of the plan (true for an empty plan)."""

    all_measures: Condition


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
    ("any_measure", "AnyMeasure"),
    ("all_measures", "AllMeasures"),
    ("count_members", "CountMembers"),
    ("exists", "Exists"),
    ("missing", "Missing"),
    ("fact", "Compare"),
)
CONDITION_KEYS = tuple(key for key, _ in _CONDITION_KEYS)


_COMPOSITE_KEYS = frozenset(
    {"all", "any", "not", "not_", "any_member", "all_members", "count_members", "any_measure",
     "all_measures"})


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
               "AllMembers": "AllMembers", "AnyMeasure": "AnyMeasure",
               "AllMeasures": "AllMeasures", "CountMembers": "CountMembers", "Exists": "Exists",
               "Missing": "Missing", "Compare": "Compare"}

Condition = Annotated[
    Annotated[All, Tag("All")]
    | Annotated[Any_, Tag("Any")]
    | Annotated[Not, Tag("Not")]
    | Annotated[AnyMember, Tag("AnyMember")]
    | Annotated[AllMembers, Tag("AllMembers")]
    | Annotated[AnyMeasure, Tag("AnyMeasure")]
    | Annotated[AllMeasures, Tag("AllMeasures")]
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
for _model in (All, Any_, Not, AnyMember, AllMembers, AnyMeasure, AllMeasures, CountMembers):
    _model.model_rebuild()


class Message(_Spec):
    """A finding message in both languages, with ``{household.x}``, ``{member.x}``,
    ``{params[x]}`` and ``{values[x]}`` fields."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def parse_condition(data: Any) -> BaseModel:
    """Validate one condition tree (raises :class:`pydantic.ValidationError`)."""
    from pydantic import TypeAdapter

    check_condition_depth(data)
    return TypeAdapter(Condition).validate_python(data)  # type: ignore[no-any-return]
