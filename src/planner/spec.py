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

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

Scalar = float | int | str | bool | date
COMPARISON_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between", "contains")
SEVERITIES = ("error", "warning", "info")
SCOPES = ("household", "member", "village", "project", "dataset")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ParamRef(_Spec):
    """The value of a dated parameter: ``{param: income.poverty_line}``."""

    param: str


class FactRef(_Spec):
    """The value of another fact of the same subject: ``{fact: household.previous_per_capita_income}``."""

    fact: str


Operand = ParamRef | FactRef | Scalar | list[Scalar]


class Compare(_Spec):
    """A comparison of one fact with a value, a parameter or another fact; exactly one operator.

    ``{fact: member.age, between: [6, 15]}``, ``{fact: household.status, in: [pre_exit, exited]}``,
    ``{fact: household.per_capita_net_income, lt: {param: income.poverty_line}}``. ``times`` scales a
    numeric right-hand side (``lt: {param: …}, times: 1.5``).
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
    all: list[Condition] = Field(min_length=1)


class Any_(_Spec):
    any: list[Condition] = Field(min_length=1)


class Not(_Spec):
    not_: Condition = Field(alias="not")


class AnyMember(_Spec):
    """True when the condition holds for at least one registered member (``member.*`` inside)."""

    any_member: Condition


class AllMembers(_Spec):
    """True when the condition holds for every registered member (true for no members)."""

    all_members: Condition


class CountMembers(_Spec):
    """Compare the number of members for which ``where`` holds: ``{count_members: {...}, ge: 2}``."""

    count_members: Condition
    eq: Operand | None = None
    ne: Operand | None = None
    lt: Operand | None = None
    le: Operand | None = None
    gt: Operand | None = None
    ge: Operand | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> CountMembers:
        given = [op for op in ("eq", "ne", "lt", "le", "gt", "ge") if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError("count_members needs exactly one of eq, ne, lt, le, gt, ge")
        return self

    @property
    def op(self) -> str:
        return next(op for op in ("eq", "ne", "lt", "le", "gt", "ge") if getattr(self, op) is not None)


Condition = Annotated[
    All | Any_ | Not | AnyMember | AllMembers | CountMembers | Exists | Missing | Compare,
    Field(union_mode="left_to_right"),
]
for _model in (All, Any_, Not, AnyMember, AllMembers, CountMembers):
    _model.model_rebuild()


class Message(_Spec):
    """A finding message in both languages; ``{household.x}``, ``{member.x}``, ``{params[x]}`` fields."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class RuleSpec(_Spec):
    """A whole declarative rule: metadata plus its condition.

    This is the YAML rule format district staff write, and the form of most built-in rules.
    """

    code: str = Field(pattern=r"^[A-Z]{1,3}[0-9]{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    family: str = Field(min_length=1)
    scope: Literal["household", "member"] = "household"
    severity: Literal["error", "warning", "info"] = "warning"
    message: Message
    when: Condition
    evidence: list[str] = Field(default_factory=list, description="Extra facts to report")
    proposes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    doc: str = ""

    @field_validator("aliases")
    @classmethod
    def _alias_codes(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not alias.isalnum():
                raise ValueError(f"alias {alias!r} is not a rule code")
        return aliases


def parse_condition(data: Any) -> BaseModel:
    """Validate one condition tree (raises :class:`pydantic.ValidationError`)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Condition).validate_python(data)  # type: ignore[no-any-return]


__all__ = [
    "COMPARISON_OPS",
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
    "RuleSpec",
    "ValidationError",
    "parse_condition",
]
