"""Columnar backend: a batch row's facts read from the fact columns, as the Python backend's.

A :class:`RowFacts` stands for a household's :class:`~planner.facts.HouseholdFacts` (and
:class:`RowMember` for each :class:`~planner.facts.MemberFacts`): each fact is read from the
batch's fact column when first asked for and given the type the record declares (enums, sets,
tuples, ID checks, the int 0 of Python's ``sum`` of nothing). A fact the run's rules did not need
is read from every fact compiled for the batch (evaluated once per batch, when first needed), and
a fact no column holds from the Python backend's facts of that household, so every value is the
Python backend's. The spec rules' bodies, messages, evidence and the dataset accumulators then
run on the firing rows without deriving the household's facts in Python.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Sequence
from datetime import date
from enum import Enum
from typing import Any

import polars as pl

from planner.backends.columnar.facts import FactPlan
from planner.backends.columnar.tables import Needs, Tables, Unsupported, build_tables
from planner.facts import HouseholdFacts, MemberFacts
from planner.idnumber import IdCheck
from planner.model import DisabilityCategory, Household

Convert = Callable[[Any], Any] | None
Derive = Callable[[Household], HouseholdFacts]
_NOT_READ = object()


def _unwrap(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _id_check(value: dict[str, Any] | None) -> IdCheck | None:
    if value is None:
        return None
    category = value["disability_category"]
    return IdCheck(value["valid"], value["problem"], value["birth_date"], value["male"],
                   None if category is None else DisabilityCategory(category),
                   value["disability_grade"])


def converter(annotation: Any) -> Convert:
    """How a column's value becomes the value of a fact declared ``annotation`` (``None``: as
    polars gives it)."""
    target = _unwrap(annotation)
    origin = typing.get_origin(target)
    if origin in (frozenset, tuple):
        item = converter(typing.get_args(target)[0])
        if origin is frozenset:
            if item is None:
                return lambda value: None if value is None else frozenset(value)
            return lambda value: None if value is None else frozenset(map(item, value))
        if item is None:
            return lambda value: None if value is None else tuple(value)
        return lambda value: None if value is None else tuple(map(item, value))
    if target is IdCheck:
        return _id_check
    if not isinstance(target, type):
        if typing.get_origin(target) is typing.Literal:
            return None
        raise Unsupported(f"a fact of type {annotation}")
    if issubclass(target, Enum):
        return lambda value: None if value is None else target(value)
    if target is bool or target is str or target is date:
        return None
    if target is int:
        return lambda value: None if value is None else int(value)
    if target is float:  # as computed: Python's too is an int where its operands are
        return None
    raise Unsupported(f"a fact of type {annotation}")



def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {declared.name: hints[declared.name] for declared in dataclasses.fields(cls)}


_HOUSEHOLD_HINTS = _hints(HouseholdFacts)
_MEMBER_HINTS = _hints(MemberFacts)


@dataclasses.dataclass(frozen=True, slots=True)
class _Source:
    """Where a fact's value is: a constant, or a column (with its conversion and empty marker)."""

    column: str | None
    constant: Any = None
    convert: Convert = None
    empty: str | None = None


def _source(plan: FactPlan, qualified: str, hint: Any) -> _Source | None:
    value = plan.values.get(qualified)
    if value is None:
        return None
    try:
        convert = converter(hint)
    except Unsupported:
        return None
    if value.known:
        return _Source(None, value.constant)
    if value.expr is None or value.record is not None or value.lookup is not None:
        return None
    column = value.column.meta.output_name()
    return _Source(column, None, convert, plan.empty.get(column))


class FactRows:
    """Reads rows' facts from the fact columns of the run's plan (``plan``), else from every
    fact compiled (``full``, built on first need), else from the Python backend (``derive``)."""

    def __init__(self, plan: FactPlan, full: Callable[[], FactPlan], derive: Derive,
                 complete: bool = False) -> None:
        self.plan = plan
        self.complete = complete  # ``plan`` holds every fact: ``full`` is ``plan``
        self._full_plan = full
        self._full: FactPlan | None = None
        self.derive = derive
        self._sources: dict[tuple[bool, str], _Source | None] = {}

    def full(self) -> FactPlan:
        if self._full is None:
            self._full = self._full_plan()
        return self._full

    def source(self, full: bool, entity: str, name: str) -> _Source | None:
        key = (full, f"{entity}.{name}")
        if key not in self._sources:
            hint = (_HOUSEHOLD_HINTS if entity == "household" else _MEMBER_HINTS)[name]
            self._sources[key] = _source(self.full() if full else self.plan, key[1], hint)
        return self._sources[key]

    def batch(self, households: Sequence[Household], household: pl.DataFrame,
              member: pl.DataFrame) -> BatchFacts:
        """The facts of a batch whose plan frames are ``household`` and ``member``."""
        return BatchFacts(self, households, household, member)


class _Frames:
    """A batch's fact frames and the columns read out of them (as Python lists)."""

    __slots__ = ("frames", "lists", "positions", "starts")

    def __init__(self, household: pl.DataFrame, member: pl.DataFrame, size: int) -> None:
        self.frames = {"household": household, "member": member}
        self.lists: dict[tuple[str, str], list[Any]] = {}
        starts = [0] * (size + 1)
        for row in member.get_column("row").to_list():
            starts[row + 1] += 1
        for row in range(size):
            starts[row + 1] += starts[row]
        self.starts = starts
        self.positions: list[int] = member.get_column("position").to_list()

    def column(self, entity: str, name: str) -> list[Any]:
        key = (entity, name)
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = self.frames[entity].get_column(name).to_list()
        return found


class BatchFacts:
    """The facts of one batch's rows, each read when first asked for."""

    __slots__ = ("_full", "_main", "households", "rows", "tables_for")

    def __init__(self, rows: FactRows, households: Sequence[Household],
                 household: pl.DataFrame, member: pl.DataFrame) -> None:
        self.rows = rows
        # The batch's records (a typed batch sets them once built: only the rows read) and
        # where the tables of every fact come from when they are not built from the records.
        self.households = households
        self.tables_for: Callable[[Needs], Tables] | None = None
        self._main = _Frames(household, member, household.height)
        self._full: _Frames | None = None

    def household(self, row: int, every: bool = False) -> RowFacts:
        """The facts of the household in batch row ``row``; ``every``: any fact may be read
        (by Python rules), so every fact of the batch is evaluated now, not in a rule's time."""
        if every:
            self.full()
        return RowFacts(self, row)

    def full(self) -> _Frames:
        if self.rows.complete:
            return self._main
        if self._full is None:
            plan = self.rows.full()
            tables = (build_tables(self.households, plan.needs) if self.tables_for is None
                      else self.tables_for(plan.needs))
            household, member, _ = plan.frames(tables)
            self._full = _Frames(household, member, household.height)
        return self._full

    def value(self, entity: str, name: str, index: int) -> Any:
        """Fact ``name`` of the household (member) at ``index`` of its frame, or ``_NOT_READ``
        when no column holds it."""
        for full in (False, True) if not self.rows.complete else (False,):
            source = self.rows.source(full, entity, name)
            if source is None:
                continue
            if source.column is None:
                return source.constant
            frames = self.full() if full else self._main
            value = frames.column(entity, source.column)[index]
            if source.empty is not None and frames.column(entity, source.empty)[index]:
                return 0
            return value if source.convert is None or value is None else source.convert(value)
        return _NOT_READ


class RowFacts:
    """Stands for the :class:`~planner.facts.HouseholdFacts` of one batch row."""

    __slots__ = ("__dict__", "_batch", "_real", "_row")

    def __init__(self, batch: BatchFacts, row: int) -> None:
        self._batch = batch
        self._row = row
        self._real: HouseholdFacts | None = None

    def real(self) -> HouseholdFacts:
        """The Python backend's facts of this household (for a fact no column holds)."""
        if self._real is None:
            self._real = self._batch.rows.derive(self.record)
        return self._real

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in _HOUSEHOLD_HINTS:
            prop = getattr(HouseholdFacts, name, None)
            if isinstance(prop, property) and prop.fget is not None:
                return prop.fget(self)
            raise AttributeError(name)
        batch = self._batch
        if name == "record":
            value: Any = batch.households[self._row]
        elif name == "members":
            frames = batch._main
            people = [person for person in self.record.members if person.registered]
            start = frames.starts[self._row]
            value = tuple(RowMember(self, start + offset, person)
                          for offset, person in enumerate(people))
        else:
            value = batch.value("household", name, self._row)
            if value is _NOT_READ:
                value = getattr(self.real(), name)
        self.__dict__[name] = value
        return value


class RowMember:
    """Stands for the :class:`~planner.facts.MemberFacts` of one member of a batch row."""

    __slots__ = ("__dict__", "_household", "_index")

    def __init__(self, household: RowFacts, index: int, record: Any) -> None:
        self._household = household
        self._index = index
        self.__dict__["record"] = record
        self.__dict__["number"] = household._batch._main.positions[index]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name not in _MEMBER_HINTS:
            prop = getattr(MemberFacts, name, None)
            if isinstance(prop, property) and prop.fget is not None:
                return prop.fget(self)
            raise AttributeError(name)
        value = self._household._batch.value("member", name, self._index)
        if value is _NOT_READ:
            number = self.number
            real = self._household.real()
            value = getattr(next(m for m in real.members if m.number == number), name)
        self.__dict__[name] = value
        return value
