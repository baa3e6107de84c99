"""Column maps: which file header feeds which model field, and how cell values translate.

A column map is YAML (the shipped one is ``planner/io/default_columns.yaml``). Per table
(``households``, ``villages``, ``projects`` and the part tables ``income``, ``measures`` …) it maps
a header to a field path, optionally with a value vocabulary::

    tables:
      households:
        columns:
          户编号: id
          与户主关系: {field: member.relation, values: relation}
          是否参加城乡居民基本医疗保险:
            field: member.medical_insurance
            values: {是: resident}       # a definite value
            defaults: {否: none}         # used only if no other column sets the field
          工资性收入: {income: wage}      # household total → IncomeSource of ``income_year``
          识别监测时间: {field: monitoring.identified_on, type: month}   # YYYYMM
          健康帮扶: {field: assistance.health, type: items}   # a blank cell lists no item
        ignore: [证件类型]                # known columns that feed nothing (reported as warnings)

A vocabulary value may be a mapping of sibling fields (``七年级: {schooling: junior_secondary,
grade: 1}``) or ``null`` (blank). A user map extends the default one unless it says
``extends: none``, and may name the vocabularies of the map it extends. Headers match exactly or
after NFKC normalisation without spaces, so ``人均纯收入(元)`` matches ``人均纯收入（元）``.
Canonical headers (field paths such as ``housing.safety_grade``, as planner writes them) are
always recognised.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from planner.io.errors import FormatError
from planner.safe_yaml import YamlDocument, parse_yaml, read_yaml

DEFAULT_MAP = "default_columns.yaml"


def normalize_header(text: Any) -> str:
    """Header key for matching: NFKC (full-width → half-width) without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def normalize_value(value: Any) -> str:
    """Cell text for vocabulary lookup: integral numbers without ``.0``, NFKC, no whitespace."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


@dataclass(frozen=True, slots=True)
class MapEntry:
    """What one header feeds: a field path, or a household income/cost total."""

    header: str
    field: str | None = None
    values: dict[str, Any] = dc_field(default_factory=dict)
    defaults: dict[str, Any] = dc_field(default_factory=dict)
    type: str | None = None
    income: str | None = None
    cost: bool = False
    scale: float | None = None


@dataclass(frozen=True, slots=True)
class TableMap:
    """Header map of one table."""

    columns: dict[str, MapEntry] = dc_field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    id_from: tuple[str, ...] = ()
    sheet: str | None = None
    header_row: int | None = None

    def entry(self, header: Any) -> MapEntry | None:
        """The entry for ``header`` (exact or normalised match)."""
        return self.columns.get(normalize_header(header))

    def ignores(self, header: Any) -> bool:
        """True when the map lists ``header`` as known but unused."""
        return normalize_header(header) in self.ignore


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """A complete column map: tables by name, plus the year of income totals."""

    name: str
    tables: dict[str, TableMap]
    income_year: int | None = None
    source: str | None = None
    vocabularies: dict[str, dict[str, Any]] = dc_field(default_factory=dict)

    def table(self, name: str) -> TableMap:
        """The map of table ``name`` (empty if the map says nothing about it)."""
        return self.tables.get(name, TableMap())

    def with_income_year(self, year: int | None) -> ColumnMap:
        """A copy whose income totals belong to ``year`` (unchanged when ``year`` is None)."""
        return self if year is None else replace(self, income_year=year)


def _error(source: str, zh: str, en: str) -> FormatError:
    return FormatError(f"列映射 {source}：{zh}", f"column map {source}: {en}")


def _vocabulary(
    spec: Any, vocabularies: dict[str, dict[str, Any]], source: str, where: str
) -> dict[str, Any]:
    if spec is None:
        return {}
    if isinstance(spec, str):
        if spec not in vocabularies:
            raise _error(source, f"{where} 引用了未定义的词表 {spec}",
                         f"{where} names an undefined vocabulary {spec}")
        return vocabularies[spec]
    if isinstance(spec, list):
        merged: dict[str, Any] = {}
        for item in spec:
            merged.update(_vocabulary(item, vocabularies, source, where))
        return merged
    if isinstance(spec, dict):
        return {normalize_value(k): v for k, v in spec.items()}
    raise _error(source, f"{where} 的 values 应为词表名或映射",
                 f"{where}: values must be a name or mapping")


_MAP_KEYS = {"name", "description", "extends", "income_year", "vocabularies", "tables"}
_TABLE_KEYS = {"columns", "ignore", "required", "id_from", "sheet", "header_row"}
_ENTRY_KEYS = {"field", "values", "defaults", "type", "income", "cost", "scale"}


@cache
def known_tables() -> frozenset[str]:
    """Tables a map may name: households, villages, projects, their part tables and the part
    sheets of the national exports (work records, planned work, household info)."""
    from planner.io.layout import layout_for  # the layouts read this module's maps
    from planner.io.options import TABLES
    from planner.io.partsheets import PART_SHEETS

    return (frozenset(TABLES.values()) | {p.name for kind in TABLES for p in layout_for(kind).parts}
            | {s.table for s in PART_SHEETS.values()})


def _where(document: YamlDocument | None, source: str, *path: Any) -> str:
    """``file:line`` of the key at ``path`` when the map came from a file, else the source."""
    return document.where(*path, key=True) if document is not None else source


def _mapping(value: Any, where: str, what_zh: str, what_en: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _error(where, f"{what_zh}应为映射", f"{what_en} must be a mapping")
    return value


def _entry(
    header: str, spec: Any, vocabularies: dict[str, dict[str, Any]], source: str
) -> MapEntry:
    if isinstance(spec, str):
        return MapEntry(header, field=spec)
    if not isinstance(spec, dict):
        raise _error(source, f"列「{header}」的映射应为字段名或映射",
                     f"column {header}: expected a field or mapping")
    unknown = set(spec) - _ENTRY_KEYS
    if unknown:
        raise _error(source, f"列「{header}」有未知的键 {sorted(unknown)}",
                     f"column {header}: unknown keys {sorted(unknown)}")
    if not spec.get("field") and not spec.get("income") and not spec.get("cost"):
        raise _error(source, f"列「{header}」需要 field、income 或 cost",
                     f"column {header}: needs field, income or cost")
    if spec.get("type") not in (None, "month", "items"):
        raise _error(source, f"列「{header}」的 type 只能是 month 或 items",
                     f"column {header}: type must be month or items")
    return MapEntry(
        header,
        field=spec.get("field"),
        values=_vocabulary(spec.get("values"), vocabularies, source, header),
        defaults=_vocabulary(spec.get("defaults"), vocabularies, source, header),
        type=spec.get("type"),
        income=spec.get("income"),
        cost=bool(spec.get("cost")),
        scale=float(spec["scale"]) if spec.get("scale") is not None else None,
    )


def _table(spec: dict[str, Any], vocabularies: dict[str, dict[str, Any]], source: str,
           base: TableMap | None, document: YamlDocument | None = None, name: str = "") -> TableMap:
    unknown = sorted(set(spec) - _TABLE_KEYS, key=str)
    if unknown:
        where = _where(document, source, "tables", name, unknown[0])
        raise _error(where, f"表 {name} 有未知的键 {unknown}（可用：{sorted(_TABLE_KEYS)}）",
                     f"table {name}: unknown keys {unknown} (known: {sorted(_TABLE_KEYS)})")
    columns = dict(base.columns) if base else {}
    where = _where(document, source, "tables", name, "columns")
    for header, entry in _mapping(spec.get("columns"), where, "columns ", "columns").items():
        at = _where(document, source, "tables", name, "columns", header)
        columns[normalize_header(header)] = _entry(str(header), entry, vocabularies, at)
    ignore = set(base.ignore) if base else set()
    ignore.update(normalize_header(h) for h in spec.get("ignore") or ())
    return TableMap(
        columns=columns,
        ignore=frozenset(ignore - set(columns)),
        required=tuple(spec.get("required") or (base.required if base else ())),
        id_from=tuple(spec.get("id_from") or (base.id_from if base else ())),
        sheet=spec.get("sheet", base.sheet if base else None),
        header_row=spec.get("header_row", base.header_row if base else None),
    )


def parse_column_map(
    data: dict[str, Any], source: str, base: ColumnMap | None = None,
    document: YamlDocument | None = None,
) -> ColumnMap:
    """Build a column map from parsed YAML, on top of ``base`` (whose entries it overrides).

    ``document`` (the parsed file) lets errors name the line of what is wrong.
    """
    if not isinstance(data, dict):
        raise _error(source, "顶层应为映射", "the top level must be a mapping")
    unknown = sorted(set(data) - _MAP_KEYS, key=str)
    if unknown:
        raise _error(_where(document, source, unknown[0]), f"未知的键 {unknown}",
                     f"unknown keys {unknown}")
    vocabularies = dict(base.vocabularies) if base else {}  # a district map uses the base's
    where = _where(document, source, "vocabularies")
    for name, values in _mapping(data.get("vocabularies"), where, "vocabularies ",
                                 "vocabularies").items():
        at = _where(document, source, "vocabularies", name)
        vocabularies[name] = {normalize_value(k): v for k, v in
                              _mapping(values, at, f"词表 {name} ", f"vocabulary {name}").items()}
    tables = dict(base.tables) if base else {}
    where = _where(document, source, "tables")
    for name, spec in _mapping(data.get("tables"), where, "tables ", "tables").items():
        at = _where(document, source, "tables", name)
        if name not in known_tables():
            raise _error(at, f"未知的表 {name!r}（可用：{sorted(known_tables())}）",
                         f"unknown table {name!r} (known: {sorted(known_tables())})")
        spec = _mapping(spec, at, f"表 {name} ", f"table {name}")
        tables[name] = _table(spec, vocabularies, source, tables.get(name), document, name)
    income_year = data.get("income_year", base.income_year if base else None)
    return ColumnMap(str(data.get("name", Path(source).stem)), tables, income_year, source,
                     vocabularies)


@cache
def default_column_map() -> ColumnMap:
    """The shipped map for national registration (建档立卡) and monitoring (监测) exports."""
    text = resources.files(__package__).joinpath(DEFAULT_MAP).read_text(encoding="utf-8")
    document = parse_yaml(text, f"planner/io/{DEFAULT_MAP}", FormatError)
    return parse_column_map(document.data, document.source, document=document)


def load_column_map(path: str | Path) -> ColumnMap:
    """Load a user map from YAML; it extends the default map unless it says ``extends: none``."""
    document = read_yaml(
        path, lambda zh, en: FormatError(f"无法读取列映射 {zh}", f"cannot read column map {en}"))
    data = document.data or {}
    extends = data.get("extends", "default") if isinstance(data, dict) else "default"
    base = None if extends in (None, "none", False) else default_column_map()
    return parse_column_map(data, str(path), base, document)


def resolve_column_map(column_map: ColumnMap | str | Path | None) -> ColumnMap:
    """``None`` → the default map; a path → that map loaded; a map → itself."""
    if column_map is None:
        return default_column_map()
    if isinstance(column_map, ColumnMap):
        return column_map
    return load_column_map(column_map)
