"""The measure catalog: every assistance measure as data, with eligibility and prerequisites."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

MeasureFamily = Literal[
    "industry", "employment", "finance", "education", "health", "housing", "water",
    "social_protection", "publicity", "support", "infrastructure", "data",
]
INCOME_FAMILIES = frozenset({"industry", "employment", "finance"})


class CatalogError(ValueError):
    """The catalog is malformed: unknown prerequisite ids, cycles, bad fields."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Model):
    zh: str
    en: str


class Prerequisite(_Model):
    """``measure`` must finish (or start) ``lead_days`` before this one starts."""

    measure: str
    relation: Literal["finish_to_start", "start_to_start"] = "finish_to_start"
    lead_days: int = Field(0, ge=0)


class Eligibility(_Model):
    """Who can receive a measure. ``labour``: capable needs someone able to work, incapable none."""

    labour: Literal["any", "capable", "incapable"] = "any"
    age_min: int | None = None
    age_max: int | None = None
    statuses: list[str] | None = Field(None, description="Household statuses; None = any")
    requires: list[str] = Field(
        default_factory=list,
        description="Member facts that must be true for the beneficiary (e.g. disabled, ill)",
    )


class Measure(_Model):
    """One assistance measure (帮扶措施)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    family: MeasureFamily
    addresses: list[str] = Field(default_factory=list, description="Finding codes it addresses")
    beneficiary: Literal["household", "member", "village"] = "household"
    eligibility: Eligibility = Field(default_factory=Eligibility)
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    duration_days: int = Field(30, ge=0)
    unit_cost: float = Field(0, ge=0, description="元 per beneficiary")
    annual_gain: float = Field(0, ge=0, description="Expected income gain, 元 per year per beneficiary")
    responsible: Label
    reference: str = ""

    @property
    def income_raising(self) -> bool:
        return self.family in INCOME_FAMILIES


class MeasureCatalog(Mapping[str, Measure]):
    """Measures by id; validated on construction (unknown prerequisite ids are rejected)."""

    def __init__(self, measures: Iterable[Measure]):
        self._measures: dict[str, Measure] = {}
        for measure in measures:
            if measure.id in self._measures:
                raise CatalogError(f"duplicate measure id {measure.id!r}")
            self._measures[measure.id] = measure
        unknown = sorted(
            f"{m.id} → {p.measure}"
            for m in self._measures.values()
            for p in m.prerequisites
            if p.measure not in self._measures
        )
        if unknown:
            raise CatalogError(f"unknown prerequisite ids: {', '.join(unknown)}")

    def __getitem__(self, measure_id: str) -> Measure:
        return self._measures[measure_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._measures)

    def __len__(self) -> int:
        return len(self._measures)

    def income_raising_ids(self) -> frozenset[str]:
        """Ids of measures that raise household income."""
        return frozenset(m.id for m in self._measures.values() if m.income_raising)

    def addressing(self, code: str) -> list[Measure]:
        """Measures that address a finding code, in catalog order."""
        return [m for m in self._measures.values() if code in m.addresses]

    def with_overrides(self, path: str | Path) -> MeasureCatalog:
        """A new catalog where a district file's measures replace or add to these."""
        extra = _parse(Path(path).read_text(encoding="utf-8"), str(path))
        merged = dict(self._measures)
        merged.update({m.id: m for m in extra})
        return MeasureCatalog(merged.values())


def _parse(text: str, source: str) -> list[Measure]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}: not valid YAML: {exc}") from exc
    items = data.get("measures", []) if isinstance(data, dict) else data
    measures = []
    for index, item in enumerate(items):
        try:
            measures.append(Measure.model_validate(item))
        except ValidationError as exc:
            ident = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
            raise CatalogError(f"{source}: measure {ident}: {exc}") from exc
    return measures


def load_catalog(text: str, source: str = "<catalog>") -> MeasureCatalog:
    """A catalog from YAML text (``measures: [...]``)."""
    return MeasureCatalog(_parse(text, source))


@lru_cache(maxsize=1)
def default_catalog() -> MeasureCatalog:
    """The catalog shipped with ``planner`` (``planner/measures/catalog.yaml``)."""
    text = resources.files(__package__).joinpath("catalog.yaml").read_text(encoding="utf-8")
    return load_catalog(text, "planner/measures/catalog.yaml")
