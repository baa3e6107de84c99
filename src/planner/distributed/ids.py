"""Household ids across parts: a household id read again in a later part is rejected, as when
one process reads every part with one :class:`~planner.io.seen.SeenRecords`.

Each part's task reads with :class:`PartIds`, which keeps for each id it accepts a stable 64-bit
digest (BLAKE2b: the same in every process, unlike ``hash``) and where it was read. The client
finds the digests accepted in more than one part (:func:`earlier_places`, one sort) and runs the
later parts again with the places of the ids read before them (``earlier``): those records are
then rejected with the error one process gives, naming where the id was first read. Parts
without such ids — nearly always all of them — are read once.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from typing import Any

from planner.io.seen import SeenRecords

#: Where an id was first read, as :meth:`SeenRecords.add` reports it (InputError keywords).
Place = dict[str, Any]


def digest(record_id: str) -> int:
    """A stable signed 64-bit digest of ``record_id``."""
    return int.from_bytes(hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little", signed=True)


@dataclass
class AcceptedIds:
    """The ids one part accepted, in reading order: digests and places (compact)."""

    digests: array = field(default_factory=lambda: array("q"))
    numbers: array = field(default_factory=lambda: array("q"))
    sources: array = field(default_factory=lambda: array("i"))
    tables: list[tuple[str, str | None, str]] = field(default_factory=list)

    def place(self, index: int) -> Place:
        """Where the ``index``-th id was read."""
        file, sheet, unit = self.tables[self.sources[index]]
        place: Place = {"file": file, "sheet": sheet}
        if self.numbers[index]:
            place[unit] = self.numbers[index]
        return place


class PartIds(SeenRecords):
    """The household ids of one part, rejecting those read in earlier parts (``earlier``:
    digest → place) before its own; :attr:`accepted` lists the ids it accepted."""

    def __init__(self, earlier: dict[int, Place] | None = None) -> None:
        super().__init__("household")
        self.earlier = earlier or {}
        self.accepted = AcceptedIds(tables=self._sources)

    def add(self, record_id: str, source: int, number: int) -> Place | None:
        """Keep ``record_id`` unless an earlier part or this one read it: then say where."""
        key = digest(record_id)
        first = self.earlier.get(key)
        if first is not None:
            return first
        first = super().add(record_id, source, number)
        if first is None:
            accepted = self.accepted
            accepted.digests.append(key)
            accepted.numbers.append(number)
            accepted.sources.append(source)
        return first


def earlier_places(parts: list[AcceptedIds]) -> dict[int, dict[int, Place]]:
    """For each part (by index) holding ids accepted by an earlier part: digest → the place
    where the first part read it. Empty when no id is in two parts."""
    import numpy as np

    if sum(len(p.digests) for p in parts) < 2:
        return {}
    every = np.concatenate([np.frombuffer(p.digests, dtype=np.int64) for p in parts
                            if len(p.digests)])
    values, counts = np.unique(every, return_counts=True)
    shared = set(values[counts > 1].tolist())
    if not shared:
        return {}
    first: dict[int, Place] = {}
    later: dict[int, dict[int, Place]] = {}
    for index, part in enumerate(parts):
        for position, key in enumerate(part.digests):
            if key not in shared:
                continue
            if key in first:
                later.setdefault(index, {})[key] = first[key]
            else:
                first[key] = part.place(position)
    return later
