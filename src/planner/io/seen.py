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

    def add_many(self, keys: list[str], places: Any) -> tuple[Any, Any]:
        """:meth:`add` of each of ``keys`` in order (``places``: a numpy array of as many
        non-negative integers), done with array operations: returns a mask of the keys that
        were there already (earlier in ``keys`` too) and, for those, the place kept before."""
        import numpy as np

        places = np.asarray(places, dtype=np.uint64)
        count = len(keys)
        codes = np.fromiter((hash(key) for key in keys), dtype=np.int64, count=count)
        again = np.zeros(count, dtype=bool)
        earlier = np.zeros(count, dtype=np.uint64)
        if not count:
            return again, earlier
        unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        held = self._find(unique)  # ordinal + 1 of each unique code kept before, else 0
        known = held > 0
        kept_before = np.frombuffer(self._places, dtype=np.uint64)[held[known] - 1] \
            if known.any() else np.zeros(0, dtype=np.uint64)
        # a code kept before: every occurrence is a repeat of that place; else the first
        # occurrence in ``keys`` is kept and the later ones repeat it
        where = np.zeros(len(unique), dtype=np.uint64)
        where[known] = kept_before
        where[~known] = places[first[~known]]
        repeat = known[inverse] | (np.arange(count) != first[inverse])
        again[repeat] = True
        earlier[repeat] = where[inverse[repeat]]
        new = np.sort(first[~known])
        if len(new):
            start = len(self._hashes)
            self._hashes.frombytes(codes[new].tobytes())
            self._places.frombytes(places[new].tobytes())
            if 2 * len(self._hashes) > self._mask + 1:
                self._grow()
            else:
                self._place(codes[new], np.arange(start + 1, start + 1 + len(new)))
        return again, earlier

    def _find(self, codes: Any) -> Any:
        """The ordinal + 1 of each of ``codes`` (numpy int64) in the table, 0 where absent."""
        import numpy as np

        found = np.zeros(len(codes), dtype=np.int64)
        if not len(self._hashes):
            return found
        slots = np.frombuffer(self._slots, dtype=np.uint32)
        hashes = np.frombuffer(self._hashes, dtype=np.int64)
        active = np.arange(len(codes))
        index = codes & self._mask
        while len(active):
            inside = index < len(slots)
            active, index = active[inside], index[inside]
            held = slots[index].astype(np.int64)
            filled = held > 0
            active, index, held = active[filled], index[filled], held[filled]
            match = hashes[held - 1] == codes[active]
            found[active[match]] = held[match]
            active, index = active[~match], index[~match] + 1
        return found

    def _place(self, codes: Any, ordinals: Any) -> None:
        """Put new ``codes`` (absent from the index) at their probe's first free slot, the
        earlier of two that meet on one slot first (linear probing, as :meth:`add`)."""
        import numpy as np

        index = codes & self._mask
        pending = np.arange(len(codes))
        while len(pending):
            reach = int(index.max()) + 1
            if reach > len(self._slots):  # a probe ran past the end: the index is extended
                self._slots.frombytes(bytes((reach - len(self._slots)) * self._slots.itemsize))
            slots = np.frombuffer(self._slots, dtype=np.uint32)
            free = slots[index] == 0
            _, winners = np.unique(index[free], return_index=True)
            chosen = np.flatnonzero(free)[winners]
            slots[index[chosen]] = ordinals[pending[chosen]]
            del slots  # the index may be extended on the next round
            rest = np.ones(len(pending), dtype=bool)
            rest[chosen] = False
            pending, index = pending[rest], index[rest] + 1

    def _grow(self) -> None:
        import numpy as np

        size = 2 * (self._mask + 1)
        while 2 * len(self._hashes) > size:
            size *= 2
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
        return self._first(earlier)

    def add_many(self, record_ids: list[str], source: int, numbers: Any
                 ) -> dict[int, dict[str, Any]]:
        """:meth:`add` of each of ``record_ids`` in order, read at ``numbers`` (a numpy array)
        of ``source``, with array operations: the index in ``record_ids`` of each id read
        before, and where it was (InputError keywords)."""
        import numpy as np

        numbers = np.minimum(np.asarray(numbers, dtype=np.uint64), _NUMBER_MASK)
        again, earlier = self.ids.add_many(record_ids, numbers | np.uint64(source << _SOURCE_BITS))
        return {int(i): self._first(int(earlier[i])) for i in np.flatnonzero(again)}

    def _first(self, earlier: int) -> dict[str, Any]:
        """Where a place kept in :attr:`ids` was read (InputError keywords)."""
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
