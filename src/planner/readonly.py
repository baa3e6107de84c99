"""Read-only views of what a rule reads, so that a rule cannot change the data later rules see.

:func:`readonly` wraps a value lazily: reading an attribute, an item or a method's result
returns a view again, and any assignment, deletion or list/dict mutation raises
:class:`ReadOnlyError` (which the engine reports as ``PLN001``). Numbers, strings, dates and
enumerations are immutable and pass through unchanged; lists and tuples become
:class:`FrozenList`, dicts :class:`FrozenDict`, sets ``frozenset``.

The engine gives views only to rules written outside ``planner`` (local files, third-party
packs): built-in rules are tested not to write, and the views cost a Python call per read. This
guards against mistakes, not against a rule determined to reach the objects behind a view.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn

_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, Enum, date, time, timedelta,
              Decimal, range, type)


class ReadOnlyError(AttributeError):
    """A rule tried to change a fact, a record, a finding or its context."""

    def __init__(self, what: str, what_zh: str | None = None) -> None:
        super().__init__(f"规则只能读取、不能修改{what_zh or ' ' + what}"
                         f" / rules may read {what} but not change it")


def _refuse(kind: str, kind_zh: str) -> Any:
    def refused(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise ReadOnlyError(kind, kind_zh)

    return refused


class FrozenList(tuple):  # type: ignore[type-arg]
    """A list or tuple a rule reads: a tuple whose list methods raise :class:`ReadOnlyError`."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse("a list", "列表")
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse("a list", "列表")


class FrozenDict(Mapping[Any, Any]):
    """A dict a rule reads: its values are read-only views in turn."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[Any, Any]) -> None:
        self._data = data

    def __getitem__(self, key: Any) -> Any:
        return readonly(self._data[key])

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    __setitem__ = __delitem__ = __ior__ = _refuse("a dict", "字典")
    update = pop = popitem = clear = setdefault = _refuse("a dict", "字典")


class View:
    """A read-only view of one object: attributes, items and method results are views too."""

    __slots__ = ("_View__target",)

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_View__target", target)

    def __getattr__(self, name: str) -> Any:
        return readonly(getattr(self.__target, name))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise ReadOnlyError(f"{type(self.__target).__name__}.{name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise ReadOnlyError(f"{type(self.__target).__name__}.{name}")

    def __getitem__(self, key: Any) -> Any:
        return readonly(self.__target[key])

    def __setitem__(self, key: Any, value: Any) -> NoReturn:
        raise ReadOnlyError(f"{type(self.__target).__name__}[{key!r}]")

    __delitem__ = __setitem__

    def __iter__(self) -> Iterator[Any]:
        return (readonly(item) for item in self.__target)

    def __len__(self) -> int:
        return len(self.__target)

    def __contains__(self, item: Any) -> bool:
        return unwrap(item) in self.__target

    def __bool__(self) -> bool:
        return bool(self.__target)

    def __eq__(self, other: object) -> bool:
        return bool(self.__target == unwrap(other))

    def __hash__(self) -> int:
        return hash(self.__target)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return readonly(self.__target(*args, **kwargs))

    def __repr__(self) -> str:
        return repr(self.__target)

    def __str__(self) -> str:
        return str(self.__target)

    def __format__(self, spec: str) -> str:
        return format(self.__target, spec)


_AS_IS = (*_IMMUTABLE, View, FrozenList, FrozenDict, frozenset)


def unwrap(value: Any) -> Any:
    """The object behind a :class:`View` (any other value as it is)."""
    return object.__getattribute__(value, "_View__target") if isinstance(value, View) else value


def readonly(value: Any) -> Any:
    """A read-only view of ``value`` (immutable values and views are returned as they are)."""
    if isinstance(value, _AS_IS):
        return value
    kind = type(value)
    if kind is tuple or kind is list:
        if kind is tuple and all(isinstance(item, _IMMUTABLE) for item in value):
            return value
        return FrozenList(readonly(item) for item in value)
    if kind is dict:
        return FrozenDict(value)
    if kind is set:
        return frozenset(value)
    return View(value)  # a bound method too: called through the view, its result is a view


__all__ = ["FrozenDict", "FrozenList", "ReadOnlyError", "View", "readonly", "unwrap"]
