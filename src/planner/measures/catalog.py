"""The measure catalog: every assistance measure as data, validated into one intervention graph.

The shipped catalog is ``planner/measures/catalog.yaml``; a district file overrides it: an entry
whose id exists is merged into the shipped measure (``{id: planting_subsidy, unit_cost: 2500}``),
a new id adds a measure, and ``remove: [ids]`` drops measures. Every catalog, shipped or merged, is
checked by :func:`planner.measures.graph.build_graph`: unknown ids and prerequisite cycles are
rejected with the ids named.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import ValidationError

from planner.measures.graph import build_graph
from planner.measures.measure import (
    CatalogError,
    Eligibility,
    Label,
    Measure,
    Prerequisite,
)
from planner.safe_yaml import YamlDocument, parse_yaml, read_yaml

__all__ = [
    "CatalogError",
    "Eligibility",
    "Label",
    "Measure",
    "MeasureCatalog",
    "Prerequisite",
    "default_catalog",
    "load_catalog",
    "load_catalog_file",
]


class MeasureCatalog(Mapping[str, Measure]):
    """Measures by id, in file order; the intervention graph is built and checked on creation."""

    def __init__(self, measures: Iterable[Measure]):
        self._measures: dict[str, Measure] = {}
        duplicates = []
        for measure in measures:
            if measure.id in self._measures:
                duplicates.append(measure.id)
            self._measures[measure.id] = measure
        if duplicates:
            raise CatalogError(f"duplicate measure ids: {', '.join(sorted(set(duplicates)))}")
        self._graph = build_graph(self._measures.values())
        self._order = {measure_id: index for index, measure_id in enumerate(self._measures)}
        self._by_code: dict[str, tuple[Measure, ...]] = {}
        self._after: dict[str, frozenset[str]] = {}

    def __getitem__(self, measure_id: str) -> Measure:
        return self._measures[measure_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._measures)

    def __len__(self) -> int:
        return len(self._measures)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @property
    def graph(self) -> nx.DiGraph:
        """The intervention graph (prerequisite → measure); treat it as read-only."""
        return self._graph

    def order(self, measure_id: str) -> int:
        """Position of a measure in the catalog file (the default preference order)."""
        return self._order.get(measure_id, len(self._order))

    def income_raising_ids(self) -> frozenset[str]:
        """Ids of development measures (industry, employment, finance): they raise income."""
        return frozenset(m.id for m in self._measures.values() if m.income_raising)

    def addressing(self, code: str) -> list[Measure]:
        """Measures that address a finding code (exactly or by prefix), in catalog order."""
        found = self._by_code.get(code)
        if found is None:
            found = self._by_code[code] = tuple(
                m for m in self._measures.values() if m.resolves(code))
        return list(found)

    def enables(self, measure_id: str) -> frozenset[str]:
        """Ids of the measures that (directly or not) have ``measure_id`` as a prerequisite."""
        found = self._after.get(measure_id)
        if found is None:
            found = self._after[measure_id] = frozenset(nx.descendants(self._graph, measure_id))
        return found

    def for_cause(self, cause: str) -> list[Measure]:
        """Measures that target a poverty cause (主要致贫原因), in catalog order."""
        return [m for m in self._measures.values() if cause in m.causes]

    def with_overrides(self, path: str | Path) -> MeasureCatalog:
        """A new catalog with a district file applied (merge by id, add new ids, ``remove``)."""
        return self.with_override_text(read_yaml(path, _catalog_error))

    def with_override_text(
        self, text: str | YamlDocument, source: str = "<override>"
    ) -> MeasureCatalog:
        """Like :meth:`with_overrides`, from YAML text."""
        items, removed = _read(text, source)
        source = text.source if isinstance(text, YamlDocument) else source
        unknown_removed = sorted(set(removed) - set(self._measures))
        if unknown_removed:
            raise CatalogError(
                f"{source}: cannot remove unknown measures: {', '.join(unknown_removed)}")
        merged: dict[str, Measure] = {k: v for k, v in self._measures.items() if k not in removed}
        for index, item in enumerate(items):
            base = merged.get(item.get("id", "")) if isinstance(item, dict) else None
            data = _merge(base.model_dump(), item) if base is not None else item
            merged_measure = _validate(data, index, source)
            merged[merged_measure.id] = merged_measure
        return MeasureCatalog(merged.values())


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Shallow-merge a district entry into a shipped measure; nested mappings merge one level."""
    result = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def _catalog_error(zh: str, en: str) -> CatalogError:
    return CatalogError(f"{zh}\n{en}")


def _read(text: str | YamlDocument, source: str) -> tuple[list[Any], list[str]]:
    document = text if isinstance(text, YamlDocument) else parse_yaml(text, source, _catalog_error)
    source = document.source
    data = document.data or {}
    if isinstance(data, list):
        return data, []
    if not isinstance(data, dict):
        raise CatalogError(
            f"{source}: a catalog holds measures: [...] (and optionally remove: [...])")
    unknown_keys = sorted(set(data) - {"measures", "remove"})
    if unknown_keys:
        raise CatalogError(f"{source}: unknown top-level keys: {', '.join(unknown_keys)}")
    return list(data.get("measures") or []), [str(x) for x in data.get("remove") or []]


def _validate(item: Any, index: int, source: str) -> Measure:
    try:
        return Measure.model_validate(item)
    except ValidationError as exc:
        ident = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'measure'}: {error['msg']}"
            for error in exc.errors()
        )
        raise CatalogError(f"{source}: measure {ident}: {problems}") from exc


def load_catalog(text: str | YamlDocument, source: str = "<catalog>") -> MeasureCatalog:
    """A catalog from YAML text (``measures: [...]``); raises :class:`CatalogError`."""
    items, removed = _read(text, source)
    source = text.source if isinstance(text, YamlDocument) else source
    if removed:
        raise CatalogError(f"{source}: remove: is only allowed in a district override file")
    return MeasureCatalog(_validate(item, i, source) for i, item in enumerate(items))


def load_catalog_file(path: str | Path) -> MeasureCatalog:
    """A complete catalog from a YAML file (use :meth:`MeasureCatalog.with_overrides` to patch)."""
    return load_catalog(read_yaml(path, _catalog_error))


@lru_cache(maxsize=1)
def default_catalog() -> MeasureCatalog:
    """The catalog shipped with ``planner`` (``planner/measures/catalog.yaml``)."""
    text = resources.files(__package__).joinpath("catalog.yaml").read_text(encoding="utf-8")
    return load_catalog(text, "planner/measures/catalog.yaml")
