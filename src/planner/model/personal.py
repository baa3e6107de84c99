"""Personal data on the records: the fields marked once, and the values they hold.

A field holding personal data is declared with ``Field(json_schema_extra=personal("name"))``;
the kind (``name``, ``id_number``, ``phone``) says how it is masked. The one module that masks,
:mod:`planner.privacy`, asks :func:`personal_kind` and :func:`personal_values` rather than keeping
its own list of field names.
"""

from __future__ import annotations

import typing
from functools import cache, lru_cache
from typing import Any, Literal

from pydantic import BaseModel

PersonalKind = Literal["name", "id_number", "phone"]
_MARK = "personal"


def personal(kind: PersonalKind) -> dict[str, Any]:
    """The ``json_schema_extra`` that marks a field as personal data of ``kind``."""
    return {_MARK: kind}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The record models an annotation holds (``Member``, ``list[Member]``, ``Helper | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@cache
def personal_paths(model: type[BaseModel] | None = None) -> dict[str, PersonalKind]:
    """Every marked field under ``model`` (default ``Household``) by dotted path, with its kind:
    ``{"members.id_number": "id_number", "helper.name": "name", ...}``."""
    if model is None:
        from planner.model.household import Household

        model = Household
    paths: dict[str, PersonalKind] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(_MARK):
            paths[name] = typing.cast(PersonalKind, extra[_MARK])
        for inner in _models_in(info.annotation):
            for sub, kind in personal_paths(inner).items():
                paths[f"{name}.{sub}"] = kind
    return paths


@lru_cache(maxsize=1)
def _leaf_kinds() -> dict[str, PersonalKind]:
    return {path.rsplit(".", 1)[-1]: kind for path, kind in personal_paths().items()}


@lru_cache(maxsize=4096)
def personal_kind(path: str | None) -> PersonalKind | None:
    """The kind of personal data at ``path``, or ``None``.

    ``path`` is a record path (``members.2.id_number``), a fact path (``member.name``,
    ``household.helper.phone``) or an evidence key named after a marked field (``helper_name``,
    ``member_phone``): its last part, or that part's ending after ``_``, is looked up.
    """
    if not path:
        return None
    leaf = path.rsplit(".", 1)[-1].lower()
    kinds = _leaf_kinds()
    if leaf in kinds:
        return kinds[leaf]
    return next((kind for name, kind in kinds.items() if leaf.endswith("_" + name)), None)


def personal_values(record: BaseModel, model: type[BaseModel] | None = None) -> tuple[str, ...]:
    """The values of the marked fields of ``record`` (a household by default), longest first."""
    found: list[str] = []
    for path in personal_paths(model or type(record)):
        _collect(record, path.split("."), found)
    return tuple(sorted(dict.fromkeys(found), key=len, reverse=True))


def _collect(value: Any, parts: list[str], found: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:
            _collect(item, parts, found)
        return
    if not parts:
        if isinstance(value, str) and value:
            found.append(value)
        return
    _collect(getattr(value, parts[0], None), parts[1:], found)


__all__ = ["PersonalKind", "personal", "personal_kind", "personal_paths", "personal_values"]
