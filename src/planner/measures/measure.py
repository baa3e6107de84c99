"""One assistance measure (帮扶措施) as data: labels, eligibility, prerequisites, amounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MeasureFamily = Literal[
    "industry", "employment", "finance", "education", "health", "housing", "water",
    "social_protection", "publicity", "support", "infrastructure", "data",
]
#: 五个一批 (domain.md §6.1): the five "batches" a measure belongs to, when it belongs to one.
Batch = Literal["production", "relocation", "ecological", "education", "social_security"]
IncomeCategory = Literal["wage", "operating", "property", "transfer"]

#: Families that raise income through work or production (开发式帮扶, domain.md §6.3).
DEVELOPMENT_FAMILIES = frozenset({"industry", "employment", "finance"})
#: Families of the social-protection floor (社会保障兜底, domain.md §6.1).
PROTECTION_FAMILIES = frozenset({"social_protection"})
#: Kept for the fact ``income_measures_this_year`` (INC002): development measures raise income.
INCOME_FAMILIES = DEVELOPMENT_FAMILIES


class CatalogError(ValueError):
    """The catalog is malformed: unknown ids, prerequisite cycles, bad fields (ids are named)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Model):
    """A Chinese and an English text."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, language: str = "zh") -> str:
        """The text in ``language`` (``zh`` or ``en``)."""
        return self.zh if language == "zh" else self.en


class Prerequisite(_Model):
    """``measure`` must finish (``finish_to_start``) or start (``start_to_start``) ``lead_days``
    before this one starts. A prerequisite that is a village work (``road_hardening``) binds only
    where that work is still pending in the household's village."""

    measure: str
    relation: Literal["finish_to_start", "start_to_start"] = "finish_to_start"
    lead_days: int = Field(0, ge=0)


class Eligibility(_Model):
    """Who can receive a measure.

    ``labour``: ``capable`` needs a beneficiary able to work; ``incapable`` one who cannot (for a
    household measure: nobody in the household can work). Ages and ``disability_grade_max`` are a
    number or the name of a parameter (``support.microcredit_age_min``). ``statuses`` are household
    statuses plus ``monitored``. ``requires`` names member facts that must be true (``disabled``,
    ``ill``, ``vocational_student``, ``compulsory_student``). For a household measure the member
    conditions hold when at least one member meets all of them (the applicant). ``labour: full``
    needs ordinary or skilled labour (弱劳动力 only to posts or workshops). ``excludes`` names
    member record values that rule the member out (``schooling=senior_secondary``: no job for a
    pupil enrolled in 高中; ``health=serious_illness``); ``housing_grades`` the house safety
    grades the household's house must have (renovation only for C/D houses, domain.md §2);
    ``groups`` the household groups the measure is for (any of: household statuses,
    ``monitored``, ``category:<c>`` such as ``category:dibao``, ``benefit:<b>`` received by a
    member): the priority groups of renovation and relocation; ``without_legal_supporter`` rules
    out a member recorded with a legal supporter able to support them (特困: issue 14,
    《社会救助暂行办法》 art. 14; unrecorded does not rule out: the field is optional in the
    exports).
    An unknown value gives an unknown verdict, except where said.
    """

    labour: Literal["any", "capable", "full", "incapable"] = "any"
    age_min: int | str | None = None
    age_max: int | str | None = None
    statuses: list[str] | None = Field(None, description="Household statuses; None = any")
    requires: list[str] = Field(default_factory=list)
    disability_grade_max: int | str | None = None
    excludes: list[str] = Field(default_factory=list)
    housing_grades: list[str] | None = None
    groups: list[str] | None = None
    without_legal_supporter: bool = False

    @property
    def member_bound(self) -> bool:
        """Whether any condition reads a member (so a household measure needs an applicant)."""
        return bool(
            self.labour in ("capable", "full") or self.age_min is not None
            or self.age_max is not None or self.requires or self.excludes
            or self.disability_grade_max is not None
        )


class Measure(_Model):
    """One assistance measure: amounts are per beneficiary, or per household member when
    ``amounts_per`` is ``person`` (低保 is paid per person)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    family: MeasureFamily
    batch: Batch | None = None
    addresses: list[str] = Field(
        default_factory=list, description="Finding codes it resolves; a trailing * matches a prefix"
    )
    causes: list[str] = Field(
        default_factory=list, description="Poverty causes (主要致贫原因) it targets"
    )
    beneficiary: Literal["household", "member", "village"] = "household"
    eligibility: Eligibility = Field(default_factory=Eligibility)
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    exclusive: str | None = Field(
        None, description="At most one measure of this group per beneficiary (one job per person)"
    )
    per_household_max: int | None = Field(None, ge=1)
    in_place: list[str] = Field(
        default_factory=list,
        description="Facts showing it is in place: benefit:<b>, category:<c> or a fact name",
    )
    repeatable: bool = Field(False, description="May be given again after an earlier one is done")
    duration_days: int = Field(30, ge=0)
    unit_cost: float = Field(0, ge=0, description="元 per beneficiary (public cost)")
    annual_gain: float = Field(
        0, ge=0, description="Expected income gain, 元 per year per beneficiary")
    income_category: IncomeCategory | None = None
    amounts_per: Literal["beneficiary", "person"] = "beneficiary"
    responsible: Label
    reference: str = Field(min_length=1)

    @field_validator("addresses")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not code.rstrip("*") or not code.rstrip("*").isalnum():
                raise ValueError(f"finding code {code!r} is not a code or prefix*")
        return codes

    @property
    def income_raising(self) -> bool:
        """A development measure (industry, employment, finance)."""
        return self.family in INCOME_FAMILIES

    @property
    def development(self) -> bool:
        """开发式帮扶: raises income through work or production."""
        return self.family in DEVELOPMENT_FAMILIES

    @property
    def protection(self) -> bool:
        """兜底保障: the social-protection floor."""
        return self.family in PROTECTION_FAMILIES

    def resolves(self, code: str) -> bool:
        """Whether this measure addresses the finding ``code`` (exactly or by prefix)."""
        return any(
            code == pattern or (pattern.endswith("*") and code.startswith(pattern[:-1]))
            for pattern in self.addresses
        )


def parameter_names(measures: Iterable[Measure]) -> tuple[str, ...]:
    """The parameters the eligibility of ``measures`` reads (limits given by name), sorted."""
    return tuple(sorted({
        limit
        for measure in measures
        for limit in (measure.eligibility.age_min, measure.eligibility.age_max,
                      measure.eligibility.disability_grade_max)
        if isinstance(limit, str)
    }))
