"""The typed Parquet layout: an Arrow schema derived from the record models, field by field.

Each model becomes a struct (the record itself: one column per field), each list a
``list<…>``, each mapping a ``map<…>``; dates are ``date32``, vocabularies the text of their
values, numbers ``int64`` / ``float64``. A :class:`Shape` tree says, for every field, what the
model asks of it (required, bounds, vocabulary, minimum length), so that the column checks
(:mod:`planner.io.columnvalidate`) and the conversion of a row back to the model's input are
read from the same place as the schema. ``null`` means *not recorded*: the field is left out of
the record, so the model's default applies, and a required field is missing.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

import annotated_types
from pydantic import BaseModel

from planner.io.arrow import pa
from planner.io.layout import unwrap_optional

#: Schema metadata that marks a file of this layout (and the kind of record it holds).
LAYOUT_KEY = b"planner.layout"
LAYOUT = b"typed/1"
KIND_KEY = b"planner.kind"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf value: its kind, the vocabulary's values and the model's bounds."""

    kind: str  # str, enum, int, float, bool, date
    values: frozenset[str] = frozenset()
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    min_length: int | None = None


@dataclass(frozen=True, slots=True)
class ListOf:
    """A list; ``min_length`` as the model bounds it."""

    item: Shape
    min_length: int | None = None


@dataclass(frozen=True, slots=True)
class MapOf:
    """A mapping (``dict[int, float]``): Arrow keys are never null."""

    key: Scalar
    value: Shape


@dataclass(frozen=True, slots=True)
class FieldShape:
    """One field of a model: its shape, whether it must be present, whether ``None`` is valid."""

    name: str
    shape: Shape
    required: bool
    nullable: bool


@dataclass(frozen=True, slots=True)
class Struct:
    """A record model: its fields in declaration order."""

    model: type[BaseModel]
    fields: tuple[FieldShape, ...] = field(default=())


Shape = Scalar | ListOf | MapOf | Struct


class SchemaDrift(TypeError):
    """A model field the typed layout cannot hold (a type or constraint not mapped here)."""


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["le"] = item.le
        elif isinstance(item, annotated_types.Gt):
            bounds["gt"] = item.gt
        elif isinstance(item, annotated_types.Lt):
            bounds["lt"] = item.lt
        elif isinstance(item, annotated_types.MinLen):
            bounds["min_length"] = item.min_length
        else:
            # A constraint the column checks do not know would let a bad row through.
            raise SchemaDrift(f"constraint {item!r} is not mapped to a column check")
    return bounds


def shape_of(annotation: Any, metadata: list[Any] | None = None) -> Shape:
    """The shape of a field annotated ``annotation`` with pydantic ``metadata``."""
    tp, _ = unwrap_optional(annotation)
    bounds = _bounds(metadata or [])
    origin = typing.get_origin(tp)
    if origin is list:
        if set(bounds) - {"min_length"}:
            raise SchemaDrift(f"bounds {bounds} on a list")
        return ListOf(shape_of(typing.get_args(tp)[0]), bounds.get("min_length"))
    if origin is dict:
        key, value = typing.get_args(tp)
        key_shape = shape_of(key)
        assert isinstance(key_shape, Scalar)
        return MapOf(key_shape, shape_of(value))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return struct_of(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return Scalar("enum", frozenset(str(m.value) for m in tp), **bounds)
    for kind, python in (("bool", bool), ("int", int), ("float", float), ("date", date),
                         ("str", str)):
        if tp is python:
            return Scalar(kind, **bounds)
    raise SchemaDrift(f"no typed column for {annotation!r}")


@cache
def struct_of(model: type[BaseModel]) -> Struct:
    """The shape of ``model``: each field with what the model asks of it."""
    fields = []
    for name, info in model.model_fields.items():
        _, optional = unwrap_optional(info.annotation)
        fields.append(FieldShape(name, shape_of(info.annotation, list(info.metadata)),
                                 info.is_required(), optional))
    return Struct(model, tuple(fields))


_ARROW = {"str": pa.string(), "enum": pa.string(), "int": pa.int64(), "float": pa.float64(),
          "bool": pa.bool_(), "date": pa.date32()}


def arrow_of(shape: Shape) -> pa.DataType:
    """The Arrow type holding values of ``shape``."""
    if isinstance(shape, Scalar):
        return _ARROW[shape.kind]
    if isinstance(shape, ListOf):
        return pa.list_(arrow_of(shape.item))
    if isinstance(shape, MapOf):
        return pa.map_(arrow_of(shape.key), arrow_of(shape.value))
    return pa.struct([pa.field(f.name, arrow_of(f.shape)) for f in shape.fields])


@cache
def typed_schema(model: type[BaseModel], kind: str) -> pa.Schema:
    """The schema of a typed file of ``model`` records: one column per field of the model."""
    struct = arrow_of(struct_of(model))
    return pa.schema(list(struct), metadata={LAYOUT_KEY: LAYOUT, KIND_KEY: kind.encode()})


def is_typed(schema: pa.Schema) -> bool:
    """True when ``schema`` is marked as the typed layout."""
    return (schema.metadata or {}).get(LAYOUT_KEY) == LAYOUT


def record_input(row: dict[str, Any], struct: Struct) -> dict[str, Any]:
    """A row as the model's input: nulls left out (so defaults apply), maps as dicts."""
    shapes = {f.name: f.shape for f in struct.fields}
    result: dict[str, Any] = {}
    for name, value in row.items():
        if value is None:
            continue
        shape = shapes.get(name)
        result[name] = value if shape is None else _input(value, shape)
    return result


@cache
def clean_input(model: type[BaseModel]) -> tuple[str, ...] | None:
    """The mapping fields of ``model`` when a clean row (one no column check marks) is the
    model's input once those are made dicts, else ``None`` (use :func:`record_input`).

    A clean row holds a null only in a field that may be ``None``; given as ``None`` it is the
    value the model's default gives, when that default is ``None`` for every such field of
    every model inside. The record differs only in ``model_fields_set``, which then names the
    fields given as null too (as a JSON record with explicit nulls would).
    """
    struct = struct_of(model)
    maps = tuple(spec.name for spec in struct.fields if isinstance(spec.shape, MapOf))
    return maps if _nulls_are_defaults(struct, top=True) else None


def _nulls_are_defaults(shape: Shape, top: bool = False) -> bool:
    if isinstance(shape, Scalar):
        return True
    if isinstance(shape, ListOf):
        return _nulls_are_defaults(shape.item)
    if isinstance(shape, MapOf):
        return top and _nulls_are_defaults(shape.value)  # only maps of the record itself
    for spec in shape.fields:
        info = shape.model.model_fields[spec.name]
        if spec.nullable and (info.default is not None or info.default_factory is not None):
            return False
        if not _nulls_are_defaults(spec.shape, top=top and isinstance(spec.shape, MapOf)):
            return False
    return True


def _input(value: Any, shape: Shape) -> Any:
    if value is None or isinstance(shape, Scalar):
        return value
    if isinstance(shape, Struct):
        return record_input(value, shape)
    if isinstance(shape, ListOf):
        if isinstance(shape.item, Scalar):
            return value
        return [_input(item, shape.item) for item in value]
    return {key: _input(item, shape.value) for key, item in value}


__all__ = ["KIND_KEY", "LAYOUT", "LAYOUT_KEY", "FieldShape", "ListOf", "MapOf", "Scalar",
           "SchemaDrift", "Shape", "Struct", "arrow_of", "clean_input", "is_typed", "record_input",
           "shape_of", "struct_of", "typed_schema"]
