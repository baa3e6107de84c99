"""Typed Parquet in parts: contiguous row groups of one file, read and validated where checked.

The main process reads only a file's footer (:func:`typed_parts`) and sends each worker a
:class:`TypedPart` — the file's path and a range of its row groups, never records — which the
worker reads and validates column-wise as one process would (:func:`part_outcomes`), its records
numbered as in the whole file.

A part starts and ends where the one-process reader starts a batch (a multiple of
:data:`ALIGN` records), so that a damaged page is met in the same batch, reported at the same
record, and the records before it are the same. A file whose columns are not exactly the
layout's, or whose row groups give no such boundary, is one part, read whole by its worker with
:func:`planner.io.typedparquet.read_typed` (the notice says so).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import lcm
from pathlib import Path
from typing import Any

from planner.io.options import Outcome, ReadOptions

#: Records per part aimed at: large enough that a part is one columnar batch.
TYPED_PART = 8192


def _align() -> int:
    """The records a part boundary is a multiple of: a batch boundary of the one-process typed
    reader whether it builds households (``ReadOptions.batch_size`` a batch) or leaves them to
    the columnar checker (at least a row group, :data:`~planner.io.typedparquet.ROW_GROUP`)."""
    from planner.io.typedparquet import ROW_GROUP

    size = ReadOptions().batch_size
    return lcm(size, max(size, ROW_GROUP))


@dataclass(frozen=True, slots=True)
class TypedPart:
    """Row groups ``groups`` (consecutive) of the typed Parquet file ``file``, holding
    ``sizes`` rows each, its records numbered from ``start + 1``; ``whole``: the file read as
    one process reads it (``groups`` then spans the file). ``only`` keeps the one record of
    that number (a part re-run record by record after its worker was lost)."""

    file: str
    groups: tuple[int, ...]
    sizes: tuple[int, ...]
    start: int = 0
    whole: bool = False
    only: int | None = None

    @property
    def records(self) -> int:
        """How many rows the part holds."""
        return sum(self.sizes)

    def singles(self) -> list[TypedPart]:
        """One part per record, each reading only the row group that holds it."""
        singles: list[TypedPart] = []
        first = self.start
        for group, size in zip(self.groups, self.sizes, strict=True):
            if self.whole:
                place = dataclasses.replace(self, only=None)
            else:
                place = TypedPart(self.file, (group,), (size,), first)
            singles.extend(dataclasses.replace(place, only=number)
                           for number in range(first + 1, first + size + 1))
            first += size
        return singles


def typed_parts(path: Path, target: int = TYPED_PART) -> tuple[list[TypedPart], str | None]:
    """The parts of the typed Parquet file ``path`` (each about ``target`` records, at row
    group and batch boundaries), and why it is read whole when it is one part (``"one row
    group"``, ``"columns"``, ``"row groups"``; ``None`` when it is split, or when it cannot be
    opened: its reader reports that)."""
    from planner.io.parquet import open_parquet
    from planner.io.tabular import SourceError
    from planner.io.typedschema import typed_schema
    from planner.model import Household

    file = str(path)
    try:
        handle = open_parquet(path)
    except SourceError:
        return [TypedPart(file, (), (), whole=True)], None
    meta = handle.metadata
    sizes = tuple(meta.row_group(i).num_rows for i in range(meta.num_row_groups))
    whole = [TypedPart(file, tuple(range(len(sizes))), sizes, whole=True)]
    expected = typed_schema(Household, "household")
    if not handle.schema_arrow.remove_metadata().equals(expected.remove_metadata()):
        return whole, "columns"  # cast and completed by the one-process reader
    if len(sizes) < 2:
        return whole, "one row group"
    align = _align()
    parts: list[TypedPart] = []
    first = begin = end = 0
    for group, size in enumerate(sizes):
        end += size
        if group == len(sizes) - 1 or (end - begin >= target and end % align == 0):
            parts.append(TypedPart(file, tuple(range(first, group + 1)),
                                   sizes[first:group + 1], begin))
            first, begin = group + 1, end
    return (parts, None) if len(parts) > 1 else (whole, "row groups")


def part_outcomes(part: TypedPart, options: ReadOptions, lazy: bool) -> Iterator[Any]:
    """The outcomes of reading ``part`` (records validated column-wise; ``lazy``: accepted
    households left unbuilt for the columnar checker), as one process reading the file gives
    them from the part's first record on."""
    if not part.whole:
        return _kept(_ranged(part, options, lazy), part.only, part.start)
    from planner.io.api import outcomes
    from planner.io.typedparquet import unbuilt_rows

    # read here whole: the reader asks whether rows stay unbuilt as it starts
    with unbuilt_rows() if lazy else contextlib.nullcontext():
        return iter(list(_kept(outcomes(Path(part.file), "household", "parquet", options),
                               part.only)))


def _kept(items: Iterable[Outcome], only: int | None, start: int = 0) -> Iterator[Outcome]:
    """``items``, or with ``only`` the record of that number and the notices just before it."""
    if only is None:
        yield from items
        return
    number = start
    for item in items:
        if item.counted:
            number += 1
            if number == only:
                yield item
                return
        elif number == only - 1:
            yield item


def _ranged(part: TypedPart, options: ReadOptions, lazy: bool) -> Iterator[Outcome]:
    """The outcomes of the row groups of ``part`` of a file in exactly the layout's columns."""
    from planner.io.typedparquet import read_typed
    from planner.model import Household

    return read_typed(Path(part.file), Household, "household", options,
                      row_groups=list(part.groups), start=part.start, lazy=lazy)


__all__ = ["TYPED_PART", "TypedPart", "part_outcomes", "typed_parts"]
