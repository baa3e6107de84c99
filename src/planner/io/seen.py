"""Record ids already read, each with where it was first read, in compact arrays.

One run (a file, or every file of a dataset) must not accept two records with the same id, and
a flat table must know whether a household's rows come back after other households'. At the
national scale (30 million households) a Python set of id strings costs about 100 bytes an id, a
set of 64-bit hashes about 70: both are a few gigabytes. :class:`IdTable` keeps each id as its
64-bit hash and one 64-bit place in two ``array`` columns, found through an open-addressing
index of 32-bit positions: 16 bytes an id plus 8 to 16 bytes of index (the index is between a
quarter and half full), so 30 million ids take about 0.75 GB, and a look-up is a handful of
array reads (well under a microsecond).

The hash is Python's ``hash(str)`` (64-bit SipHash with a key drawn per process), so only the
hash is kept, never the id. Two different ids share a hash with probability about n² / 2⁶⁵
over a run of n ids: 3·10⁻⁸ for a million households, 2·10⁻⁵ for 30 million. Such a pair would
make the later record be reported as a duplicate of the earlier one; the key changes with every
process, so a rerun does not repeat it.
"""

from __future__ import annotations

from array import array
from typing import Any

from planner.io.errors import InputError

_SLOT = "I"  # 32-bit positions (ordinal + 1; 0 is an empty slot)
_FIRST_SIZE = 1 << 10
_SOURCE_BITS = 40  # a place of SeenRecords: source index above, row or record number below
_NUMBER_MASK = (1 << _SOURCE_BITS) - 1


class IdTable:
    """A map from id text to one non-negative 64-bit integer (its place), with no deletion.

    Linear probing without wrap-around: a probe that runs past the end of the index appends a
    slot, so the index is rebuilt in one vectorised pass (numpy) when it grows.
    """

    __slots__ = ("_hashes", "_mask", "_places", "_slots")

    def __init__(self) -> None:
        self._hashes = array("q")
        self._places = array("Q")
        self._slots = array(_SLOT, bytes(_FIRST_SIZE * array(_SLOT).itemsize))
        self._mask = _FIRST_SIZE - 1

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str) -> int | None:
        """The place kept for ``key``, or None when it was never added."""
        code = hash(key)
        slots, hashes = self._slots, self._hashes
        index, end = code & self._mask, len(slots)
        while index < end:
            found = slots[index]
            if not found:
                return None
            if hashes[found - 1] == code:
                return self._places[found - 1]
            index += 1
        return None

    def add(self, key: str, place: int) -> int | None:
        """Keep ``place`` for ``key`` unless it is there already; returns the place kept before."""
        code = hash(key)
        slots, hashes = self._slots, self._hashes
        index, end = code & self._mask, len(slots)
        while index < end:
            found = slots[index]
            if not found:
                break
            if hashes[found - 1] == code:
                return self._places[found - 1]
            index += 1
        hashes.append(code)
        self._places.append(place)
        if index < end:
            slots[index] = len(hashes)
        else:
            slots.append(len(hashes))
        if 2 * len(hashes) > self._mask + 1:
            self._grow()
        return None

    def _grow(self) -> None:
        import numpy as np

        size = 2 * (self._mask + 1)
        codes = np.frombuffer(self._hashes, dtype=np.int64)
        home = codes & (size - 1)
        order = np.argsort(home, kind="stable")
        steps = np.arange(len(codes), dtype=np.int64)
        # Sorted by home slot, each id lands on its home or just after the one before it.
        position = np.maximum.accumulate(home[order] - steps) + steps
        slots = np.zeros(max(size, int(position[-1]) + 1), dtype=np.uint32)
        slots[position] = order + 1
        self._slots = array(_SLOT, slots.tobytes())
        self._mask = size - 1


class SeenRecords:
    """Ids of the records accepted so far in one run (records of one kind), with their places.

    A place is a source (file and sheet, and whether it is numbered by row or by record) and a
    number, packed into one integer; sources are few and kept in a list.
    """

    def __init__(self, kind: str):
        self.kind = kind
        self.ids = IdTable()
        self._sources: list[tuple[str, str | None, str]] = []
        self._source_index: dict[tuple[str, str | None, str], int] = {}

    def source(self, file: str, sheet: str | None = None, unit: str = "record") -> int:
        """The index of a source (``unit`` is ``row``, ``line`` or ``record``), for :meth:`add`."""
        key = (file, sheet, unit)
        index = self._source_index.get(key)
        if index is None:
            index = self._source_index[key] = len(self._sources)
            self._sources.append(key)
        return index

    def source_file(self, source: int) -> str:
        """The file of source ``source``."""
        return self._sources[source][0]

    def source_of(self, place: dict[str, Any]) -> tuple[int, int]:
        """The source index and number of a place given as InputError keywords (``where``)."""
        unit = next((k for k in ("row", "line", "record") if place.get(k)), "record")
        return self.source(place["file"], place.get("sheet"), unit), int(place.get(unit) or 0)

    def add(self, record_id: str, source: int, number: int) -> dict[str, Any] | None:
        """Keep ``record_id`` as read at ``number`` of ``source``; if it was read before, return
        where (InputError keywords) instead."""
        number = min(number, _NUMBER_MASK)
        earlier = self.ids.add(record_id, (source << _SOURCE_BITS) | number)
        if earlier is None:
            return None
        file, sheet, unit = self._sources[earlier >> _SOURCE_BITS]
        first: dict[str, Any] = {"file": file, "sheet": sheet}
        if earlier & _NUMBER_MASK:
            first[unit] = earlier & _NUMBER_MASK
        return first

    def duplicate(self, record_id: str, place: dict[str, Any],
                  first: dict[str, Any]) -> InputError:
        """The error rejecting a later record whose id was read before at ``first``."""
        earlier = InputError(**first, reason_zh="", reason_en="")
        noun_zh, noun_en = _NOUNS[self.kind]
        return InputError(
            **place, field="id", household=record_id if self.kind == "household" else None,
            reason_zh=f"{noun_zh} {record_id} 重复：已在 {earlier.location('zh')} 读取，"
                      "保留先读到的一条，这一条未读取",
            reason_en=f"duplicate {noun_en} {record_id}: already read at "
                      f"{earlier.location('en')}; the first one is kept and this one was not read",
        )


_NOUNS = {"household": ("户编号", "household id"), "village": ("村编号", "village id"),
          "project": ("项目编号", "project id")}
