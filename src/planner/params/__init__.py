"""Dated parameters: every threshold, amount and date the rules read, as data with its source.

Parameters live in YAML files beside this module, one file per domain (``income.yaml`` holds
``income.poverty_line``, ``income.transfer_share_max`` …), in the spirit of OpenFisca's
``parameters/`` folder. Each parameter has a description, a unit, a reference and values by start
date; the value in force on a date is the one with the latest start not after it. A district file
overrides or adds values with the same layout, keyed by full parameter name. A series that stops
(the poverty line after 2020) ends with a dated ``value: null`` entry citing why: from that date
the parameter has no value, and reading it is an error that says so, never a silent
carry-forward of the last figure.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import BilingualError
from planner.params.kinds import TYPE_PATTERN, ValueKind, value_kind
from planner.safe_yaml import YamlDocument, parse_yaml, read_yaml

ParamValue = float | int | str | bool | list[Any] | dict[str, Any]


class ParameterError(BilingualError):
    """A parameter file is malformed or a name is unknown (message in Chinese, then English)."""


class _DatedSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: ParamValue | None  # None: the series ends on this date
    series: str | None = None
    reference: str | None = None
    confirmed: bool = True


class _ParamSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str | None = None
    unit: str | None = None
    type: str | None = Field(None, pattern=TYPE_PATTERN)
    min: float | None = None
    max: float | None = None
    reference: str | None = None
    values: dict[date, _DatedSpec | ParamValue] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a parameter and where it came from."""

    start: date
    value: ParamValue | None  # None: the series ended on ``start`` (see ``ended``)
    series: str | None
    reference: str | None
    confirmed: bool
    source: str

    @property
    def ended(self) -> bool:
        """Whether this entry ends the series (no value from ``start`` on)."""
        return self.value is None


@dataclass(slots=True)
class Parameter:
    """A named parameter with its dated values, sorted by start date."""

    name: str
    description: str = ""
    unit: str | None = None
    reference: str | None = None
    values: list[DatedValue] = field(default_factory=list)
    type: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def kind(self) -> ValueKind:
        """The type and range every value must have (declared, or implied by the unit)."""
        return value_kind(self.unit, self.type, self.minimum, self.maximum)

    def at(self, when: date) -> DatedValue | None:
        """The entry in force on ``when`` (an ended series gives its end entry), or ``None``
        before the first start date."""
        starts = [v.start for v in self.values]
        index = bisect.bisect_right(starts, when) - 1
        return self.values[index] if index >= 0 else None


class ParameterSet(Mapping[str, Parameter]):
    """All parameters by full name; immutable once built (overrides make a new set)."""

    def __init__(self, parameters: Mapping[str, Parameter]):
        self._parameters = dict(parameters)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise ParameterError(f"未知的参数 {name!r}", f"unknown parameter {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._parameters

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._parameters))

    def __len__(self) -> int:
        return len(self._parameters)

    def at(self, when: date) -> ParamValues:
        """The values in force on ``when`` (cached per set and date)."""
        return _values_at(self, when)

    def with_overrides(self, path: str | Path) -> ParameterSet:
        """A new set where the district file at ``path`` replaces or adds dated values.

        A name the set does not have is a new parameter only if the file describes it
        (``description``); otherwise it is taken for a typo and refused.
        """
        document = read_yaml(path, ParameterError)
        return self.with_document(document, _mapping_of(document))

    def with_document(
        self, document: YamlDocument, raw: Mapping[str, Any], at: tuple[Any, ...] = ()
    ) -> ParameterSet:
        """:meth:`with_overrides` from an already parsed file whose overrides are ``raw``, the
        mapping found at path ``at`` of ``document`` (a provincial file nests them)."""
        merged = dict(self._parameters)
        for name, body in raw.items():
            spec = _parse_spec(name, name, body, document, at)
            where = document.where(*at, name, key=True)
            if name not in merged and not spec.description:
                # A typo (income.povery_line) would otherwise add a parameter nobody reads and
                # leave the intended one unchanged, silently.
                close = difflib.get_close_matches(name, merged, n=1)
                hint_zh = f"；是否应为 {close[0]!r}？" if close else ""
                hint_en = f"; did you mean {close[0]!r}?" if close else ""
                raise ParameterError(
                    f"{where}：未知的参数 {name!r}{hint_zh}（新增参数须写 description 说明）",
                    f"{where}: unknown parameter {name!r}{hint_en} (a new parameter needs a"
                    " description)",
                )
            base = merged.get(name) or Parameter(name)
            if base.values and spec.type and spec.type != base.type:
                # Rules compare the value as the shipped type; another type would never match.
                raise ParameterError(
                    f"{where}：不能改变参数 {name!r} 的类型（{base.type or base.unit}）",
                    f"{where}: cannot change the type of parameter {name!r}"
                    f" ({base.type or base.unit})",
                )
            declared = Parameter(
                name, spec.description or base.description, spec.unit or base.unit,
                spec.reference or base.reference, [], spec.type or base.type,
                base.minimum if spec.min is None else spec.min,
                base.maximum if spec.max is None else spec.max,
            )
            new = _to_parameter(name, name, spec, document, declared, at)
            by_start = {v.start: v for v in base.values}
            by_start.update({v.start: v for v in new.values})
            declared.values = sorted(by_start.values(), key=lambda v: v.start)
            merged[name] = declared
        return ParameterSet(merged)

    def with_values(
        self, values: Mapping[str, ParamValue], start: date = date(1900, 1, 1)
    ) -> ParameterSet:
        """A new set where each named parameter takes ``value`` from ``start`` on (for tests and
        what-if runs); later dated values of the parameter are dropped."""
        merged = dict(self._parameters)
        for name, value in values.items():
            base = merged.get(name) or Parameter(name)
            check_value(base, start, value, "<override>")
            dated = DatedValue(start, value, None, "override", True, "<override>")
            kept = [v for v in base.values if v.start < start]
            merged[name] = dataclasses.replace(base, values=[*kept, dated])
        return ParameterSet(merged)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


class ParamValues(Mapping[str, Any]):
    """Parameter values in force on one date; rules read ``params["income.poverty_line"]``."""

    __slots__ = ("_parameters", "_provenance", "_values", "when")

    def __init__(
        self, when: date, provenance: dict[str, DatedValue],
        parameters: ParameterSet | None = None,
    ):
        self.when = when
        self._provenance = provenance
        self._values = {name: v.value for name, v in provenance.items()}
        self._parameters = parameters

    def on(self, when: date) -> ParamValues:
        """The values of the same parameter set in force on another date (e.g. the end of the
        income year, whose poverty line an income is measured against)."""
        if when == self.when:
            return self
        if self._parameters is None:
            raise ParameterError("这些参数值不是从参数集取得的",
                                 "these values were not taken from a parameter set")
        return self._parameters.at(when)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            ended = self.ended(name)
            if ended is not None:
                why = ended.reference or ""
                raise ParameterError(
                    f"参数 {name!r} 的数列自 {ended.start} 起终止，{self.when} 没有值：{why}",
                    f"parameter {name!r} ends on {ended.start} and has no value on"
                    f" {self.when}: {why}") from None
            raise ParameterError(f"参数 {name!r} 在 {self.when} 没有生效的值",
                                 f"parameter {name!r} has no value on {self.when}") from None

    def ended(self, name: str) -> DatedValue | None:
        """The entry that ended ``name``'s series if it had ended by this date, else ``None``."""
        if self._parameters is None or name not in self._parameters:
            return None
        dated = self._parameters[name].at(self.when)
        return dated if dated is not None and dated.ended else None

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def provenance(self, name: str) -> DatedValue:
        """The dated value (with series, reference and source file) behind ``name``."""
        return self._provenance[name]


@lru_cache(maxsize=256)
def _values_at(parameters: ParameterSet, when: date) -> ParamValues:
    provenance = {}
    for name in parameters:
        dated = parameters[name].at(when)
        if dated is not None and not dated.ended:
            provenance[name] = dated
    return ParamValues(when, provenance, parameters)


def _mapping_of(document: YamlDocument) -> dict[str, Any]:
    raw = document.data or {}
    if not isinstance(raw, dict):
        raise ParameterError(f"{document.where()}：应是以参数名为键的映射",
                             f"{document.where()}: expected a mapping of parameter names")
    return raw


def _parse_spec(
    name: str, key: str, body: Any, document: YamlDocument, at: tuple[Any, ...] = ()
) -> _ParamSpec:
    try:
        return _ParamSpec.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = [p for p in first["loc"] if p != "[key]"]
        where = document.where(*at, key, *loc)
        detail = f"{'.'.join(str(p) for p in first['loc']) or name}: {first['msg']}"
        more_zh = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
        more_en = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ParameterError(f"{where}：参数 {name!r} 有误：{detail}{more_zh}",
                             f"{where}: parameter {name!r}: {detail}{more_en}") from exc


def check_value(parameter: Parameter, start: date, value: Any, where: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` has the parameter's type and range."""
    kind = parameter.kind
    if kind.accepts(value):
        return
    zh, en = kind.describe()
    unit_zh = f"，单位 {parameter.unit}" if parameter.unit else ""
    unit_en = f", unit {parameter.unit}" if parameter.unit else ""
    raise ParameterError(
        f"{where}：参数 {parameter.name} 自 {start} 起的值 {value!r} 无效：应为{zh}{unit_zh}",
        f"{where}: parameter {parameter.name}, value from {start}: {value!r} is not valid;"
        f" expected {en}{unit_en}",
    )


def _to_parameter(
    name: str, key: str, spec: _ParamSpec, document: YamlDocument,
    declared: Parameter | None = None, at: tuple[Any, ...] = (),
) -> Parameter:
    parameter = declared or Parameter(
        name, spec.description or "", spec.unit, spec.reference, [], spec.type, spec.min,
        spec.max,
    )
    values = []
    for start, entry in sorted(spec.values.items()):
        if not isinstance(entry, _DatedSpec):
            entry = _DatedSpec(value=entry)
        where = document.where(*at, key, "values", start, "value")
        if entry.value is not None:
            check_value(parameter, start, entry.value, where)
        elif not entry.reference:
            # An end is a policy fact like a value: without its source it looks like a typo.
            raise ParameterError(
                f"{where}：参数 {name} 自 {start} 起终止（value: null），须写 reference 说明依据",
                f"{where}: parameter {name} ends on {start} (value: null); give the reference"
                " that says so")
        values.append(DatedValue(
            start, entry.value, entry.series, entry.reference, entry.confirmed, document.source
        ))
    return dataclasses.replace(parameter, values=values)


@lru_cache(maxsize=1)
def default_parameters() -> ParameterSet:
    """The parameters shipped with ``planner`` (national values, with their references)."""
    parameters: dict[str, Parameter] = {}
    folder = resources.files(__package__)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        stem = entry.name.removesuffix(".yaml")
        source = f"planner/params/{entry.name}"
        document = parse_yaml(entry.read_text(encoding="utf-8"), source, ParameterError)
        for key, body in _mapping_of(document).items():
            name = f"{stem}.{key}"
            parameters[name] = _to_parameter(
                name, key, _parse_spec(name, key, body, document), document)
    return ParameterSet(parameters)


def load_parameters(*overrides: str | Path, province: str | None = None) -> ParameterSet:
    """Shipped parameters, then the shipped values of ``province`` (its Chinese name, with or
    without 省, or its pinyin: :mod:`planner.params.provinces`), then each district file in
    ``overrides`` in order: a district's own value wins over its province's."""
    parameters = default_parameters()
    if province is not None:
        from planner.params.provinces import with_province

        parameters = with_province(parameters, province)
    for path in overrides:
        parameters = parameters.with_overrides(path)
    return parameters


__all__ = [
    "DatedValue",
    "ParamValues",
    "Parameter",
    "ParameterError",
    "ParameterSet",
    "default_parameters",
    "load_parameters",
]
