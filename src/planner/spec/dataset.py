"""Dataset forms of the rule spec: duplicates by key, and grouped rates against a benchmark.

A dataset rule compares subjects with each other, so no per-subject condition can say it. Its
form is plain data, like a condition: which facts to read, how to group them, which parameter to
compare with, and what each finding reports. Every backend implements the same few forms and
the named key normalisations (:data:`KEY_NORMALISATIONS`); the Python one is
:mod:`planner.backends.python.dataset`.
"""

from __future__ import annotations

import string
from typing import Literal

from pydantic import Field, field_validator, model_validator

from planner.spec.conditions import Condition, Message, ParamRef, _Spec

KEY_NORMALISATIONS = ("id_number", "phone")
"""How a recorded value becomes a key (both give 64-bit integers, so a province fits in memory).

``id_number``: upper-cased; 15 digits upgraded to 18, 20 or 22 digits cut to their first 18;
anything else that is not 17 digits and a check character is not compared.
``phone``: whitespace removed, then the ASCII digits (hyphens and the like dropped); more than
17 digits, or none, is not compared.
"""

DUPLICATE_VALUES = ("key", "value", "field", "outcome", "also_in")
"""What a duplicates finding can put in its evidence: the normalised key, the value as recorded,
the place's ``field``, the outcome's name (``shared``, ``invalid``) and the other places."""

RATE_VALUES = ("counted", "uncounted", "numerator", "denominator", "rate", "benchmark")
"""What a grouped-rate finding can put in its evidence: items of the group counted and not
counted, the two sums, the rate (rounded to 4 places) and the benchmark."""


def _only_fields(text: str, allowed: tuple[str, ...]) -> str:
    """``text`` if every ``{field}`` in it is one of ``allowed`` (checked when a rule loads, so a
    typo is a load error, never a failure in the middle of a run)."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(f"malformed template {text!r}: {exc}") from exc
    for name in names:
        if name not in allowed:
            raise ValueError(f"{{{name}}} in {text!r}: only {', '.join(allowed)} can be filled in")
    return text


class Place(_Spec):
    """One place a key is read: a fact of the household, or of each registered member.

    ``label`` names the place in messages (``{member}`` is the member number); ``field`` names it
    in the evidence (``members[{member}].phone``); ``place`` numbers a household place in the
    evidence (a member place is numbered by its member). ``unless`` skips a value where it holds.
    A place with ``compare: false`` is only checked against ``valid``.
    """

    fact: str = Field(pattern=r"^(household|member)\.")
    label: Message
    field: str = ""
    place: int = 0
    unless: Condition | None = None
    compare: bool = True

    @field_validator("label")
    @classmethod
    def _label_fields(cls, label: Message) -> Message:
        _only_fields(label.zh, ("member",))
        _only_fields(label.en, ("member",))
        return label

    @field_validator("field")
    @classmethod
    def _field_fields(cls, field: str) -> str:
        return _only_fields(field, ("member",))

    @property
    def per_member(self) -> bool:
        """Whether the place is read once per registered member."""
        return self.fact.startswith("member.")


class Outcome(_Spec):
    """What one kind of finding of a form reports.

    ``evidence`` maps each evidence key to one of :data:`DUPLICATE_VALUES`; ``says`` is filled
    into ``{values[says_zh]}`` / ``{values[says_en]}`` and may name ``{others_zh}`` /
    ``{others_en}``, the other places in words.
    """

    evidence: dict[str, Literal["key", "value", "field", "outcome", "also_in"]] = Field(
        default_factory=dict)
    says: Message | None = None

    @field_validator("says")
    @classmethod
    def _says_fields(cls, says: Message | None) -> Message | None:
        if says is not None:
            _only_fields(says.zh, ("others_zh",))
            _only_fields(says.en, ("others_en",))
        return says


class Duplicates(_Spec):
    """The same key in several places: one finding per place of a key found in too many.

    Keys are read from ``places`` of every household of the run, normalised by ``key``. A key
    found in more than ``more_than`` places (households, with ``once_per_household``) gives the
    ``shared`` outcome for each of its places, naming the others, in key order. With ``valid``
    (a parameter listing regular expressions), a value with whitespace removed that matches none
    of them in full gives the ``invalid`` outcome instead, and these come first, in input order.
    With ``same_family`` (a household fact naming another household, e.g. ``household.split_from``,
    分户来源), households linked by it, directly or through others, count as one place: a key
    found only in one family is not shared.
    Message values: ``member``, ``place_zh``/``place_en``, ``others_zh``/``others_en``,
    ``says_zh``/``says_en``.
    """

    key: Literal["id_number", "phone"]
    places: list[Place] = Field(min_length=1)
    valid: ParamRef | None = None
    more_than: ParamRef | int = 1
    once_per_household: bool = False
    same_family: str | None = None
    place_name: str = Field("place", min_length=1)
    shown: int = Field(5, ge=1)
    shared: Outcome
    invalid: Outcome | None = None

    @model_validator(mode="after")
    def _invalid_with_valid(self) -> Duplicates:
        if (self.valid is None) != (self.invalid is None):
            raise ValueError("valid and invalid go together: the patterns and what an invalid"
                             " value reports")
        return self


class Among(_Spec):
    """Which items of a group enter a rate: those where a yes/no fact is true, or where a fact
    is recorded. Exactly one of ``holds`` and ``exists``."""

    holds: str | None = None
    exists: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Among:
        if (self.holds is None) == (self.exists is None):
            raise ValueError("among needs exactly one of holds, exists")
        return self

    @property
    def fact(self) -> str:
        """The fact tested."""
        return self.holds or self.exists or ""


class Aggregate(_Spec):
    """A sum over the items counted: how many have a yes/no fact true, or a numeric fact's total
    (unrecorded values add nothing). Exactly one of ``count`` and ``sum``."""

    count: str | None = None
    sum: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Aggregate:
        if (self.count is None) == (self.sum is None):
            raise ValueError("an aggregate needs exactly one of count, sum")
        return self

    @property
    def fact(self) -> str:
        """The fact counted or summed."""
        return self.count or self.sum or ""


class Scaled(_Spec):
    """A message value: the numerator or the denominator divided by a constant (yuan → 万元)."""

    of: Literal["numerator", "denominator"]
    divided_by: float = Field(gt=0)


class GroupedRate(_Spec):
    """A rate per group of projects against a benchmark: one finding per group below it.

    Projects are grouped by the facts of ``group_by`` (name → fact; a project whose last group
    fact is unknown or empty is left out; the last names the finding's subject). In each group,
    the projects ``among`` are counted; rate = ``numerator`` ÷ ``denominator`` (default: the
    number counted). A group with nothing counted or a zero denominator is not rated; one below
    ``below`` gives a finding, groups in the order of their keys as text. The evidence holds the
    group facts, then ``evidence`` (name → one of :data:`RATE_VALUES`). Message values: the group
    names, ``counted``, ``numerator``, ``denominator``, ``rate`` and the ``scaled`` ones.
    """

    of: Literal["project"] = "project"
    group_by: dict[str, str] = Field(min_length=1)
    among: Among
    numerator: Aggregate
    denominator: Aggregate | None = None
    below: ParamRef
    evidence: dict[
        str, Literal["counted", "uncounted", "numerator", "denominator", "rate", "benchmark"]
    ] = Field(default_factory=dict)
    scaled: dict[str, Scaled] = Field(default_factory=dict)


def form_parameters(form: Duplicates | GroupedRate) -> list[str]:
    """The parameters a dataset form reads, in the order it names them."""
    if isinstance(form, GroupedRate):
        return [form.below.param]
    names = [] if form.valid is None else [form.valid.param]
    if isinstance(form.more_than, ParamRef):
        names.append(form.more_than.param)
    return names


__all__ = [
    "DUPLICATE_VALUES",
    "KEY_NORMALISATIONS",
    "RATE_VALUES",
    "Aggregate",
    "Among",
    "Duplicates",
    "GroupedRate",
    "Outcome",
    "Place",
    "Scaled",
    "form_parameters",
]
