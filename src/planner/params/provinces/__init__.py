"""Provincial parameter sets: shipped overrides of the national values that a run selects by name.

Each province is one YAML file in this folder, named in pinyin (``guizhou.yaml``) with its Chinese
name inside: ``province: {name: 贵州省, aliases: [贵州, guizhou]}`` and ``parameters:``, a
mapping laid out as a district file (full parameter names, dated values with their reference and
``confirmed``). A run selects a province explicitly (``province`` in planner.toml,
``--province``); the provinces of the households' regions are never used to choose one, since
the parameters of a run are fixed before any household is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from planner.params import ParameterError, ParameterSet
from planner.safe_yaml import YamlDocument, parse_yaml


@dataclass(frozen=True, slots=True)
class Province:
    """One shipped provincial file: its names and its overrides."""

    name: str
    aliases: tuple[str, ...]
    document: YamlDocument
    overrides: dict[str, Any]

    @property
    def source(self) -> str:
        return self.document.source


def _key(name: str) -> str:
    return name.strip().casefold()


@lru_cache(maxsize=1)
def shipped_provinces() -> dict[str, Province]:
    """Every shipped province by its Chinese name, in file-name order."""
    found: dict[str, Province] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        source = f"planner/params/provinces/{entry.name}"
        document = parse_yaml(entry.read_text(encoding="utf-8"), source, ParameterError)
        data = document.data if isinstance(document.data, dict) else {}
        identity = data.get("province")
        overrides = data.get("parameters")
        if not isinstance(identity, dict) or not isinstance(identity.get("name"), str) \
                or not isinstance(overrides, dict) or set(data) - {"province", "parameters"}:
            raise ParameterError(
                f"{source}：省级参数文件应有 province（name、aliases）和 parameters 两项",
                f"{source}: a provincial file has two keys, province (name, aliases) and"
                " parameters")
        aliases = tuple(str(a) for a in identity.get("aliases") or ())
        found[identity["name"]] = Province(identity["name"], aliases, document, overrides)
    return found


def find_province(name: str) -> Province:
    """The shipped province called ``name`` (Chinese name, an alias, or the pinyin); an unknown
    name is a :class:`ParameterError` listing the provinces there are."""
    wanted = _key(name)
    for province in shipped_provinces().values():
        if wanted in {_key(n) for n in (province.name, *province.aliases)}:
            return province
    known = "、".join(shipped_provinces()) or "—"
    raise ParameterError(
        f"没有省份 {name!r} 的参数（已有：{known}）",
        f"no parameters for province {name!r} (shipped: {known})",
    )


def with_province(parameters: ParameterSet, name: str) -> ParameterSet:
    """``parameters`` with the values of province ``name`` applied."""
    province = find_province(name)
    return parameters.with_document(province.document, province.overrides, ("parameters",))


__all__ = ["Province", "find_province", "shipped_provinces", "with_province"]
