"""Where each key occurs across a run, in compact arrays, and the key normalisations.

A key is an ID or phone number as one 64-bit integer: a Python string costs about 60 bytes, an
array entry 8, so hundreds of thousands of members stream through (domain.md §4.3). The sort
that finds equal keys runs once, at the end.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field

from planner.idnumber import upgrade_15


@dataclass(slots=True)
class Occurrences:
    """Where each key occurs, in compact arrays.

    About 16 bytes per occurrence plus one reference per household, so a province streams
    through; the sort that finds equal keys runs once, at the end.
    """

    keys: array = field(default_factory=lambda: array("q"))
    owners: array = field(default_factory=lambda: array("I"))
    places: array = field(default_factory=lambda: array("i"))
    households: list[str] = field(default_factory=list)

    def owner(self, household: str) -> int:
        """Register a household; its index is passed to :meth:`add`."""
        self.households.append(household)
        return len(self.households) - 1

    def add(self, key: int, owner: int, place: int) -> None:
        """Record that ``key`` occurs at ``place`` of household ``owner``."""
        self.keys.append(key)
        self.owners.append(owner)
        self.places.append(place)

    def extend(self, other: Occurrences, exclude: Container[str] = ()) -> list[int]:
        """Append the occurrences of ``other`` (read after these), leaving out the households
        named in ``exclude``; returns where each of ``other``'s households now is (-1: left out).

        The result is what one :class:`Occurrences` fed both parts in reading order holds.
        """
        offset = len(self.households)
        moved: list[int] = []
        for household in other.households:
            if household in exclude:
                moved.append(-1)
            else:
                moved.append(len(self.households))
                self.households.append(household)
        if len(self.households) - offset == len(other.households):  # nothing left out
            self.keys.extend(other.keys)
            self.owners.extend(owner + offset for owner in other.owners)
            self.places.extend(other.places)
            return moved
        for key, owner, place in zip(other.keys, other.owners, other.places, strict=True):
            if moved[owner] >= 0:
                self.add(key, moved[owner], place)
        return moved

    def groups(self) -> Iterator[list[tuple[int, str, int]]]:
        """Each group of two or more occurrences of one key, as ``(key, household, place)``."""
        if len(self.keys) < 2:
            return
        import numpy as np

        keys = np.frombuffer(self.keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])
        group: list[int] = []
        previous = -2
        for position in same.tolist():
            if position != previous + 1 and group:
                yield [self._at(i) for i in group]
                group = []
            if not group:
                group.append(int(order[position]))
            group.append(int(order[position + 1]))
            previous = position
        if group:
            yield [self._at(i) for i in group]

    def _at(self, index: int) -> tuple[int, str, int]:
        return self.keys[index], self.households[self.owners[index]], self.places[index]


def id_key(number: str) -> int | None:
    """The person an ID number names, as one exact integer; ``None`` if it is not readable.

    15-digit numbers are upgraded, 20/22-digit numbers reduced to their 18-digit core, so one person
    recorded in two forms is one key.
    """
    number = number.strip().upper()
    if not number.isascii():
        return None
    if len(number) == 15 and number.isdigit():
        number = upgrade_15(number)
    elif len(number) in (20, 22):
        number = number[:18]
    if len(number) != 18 or not number[:17].isdigit():
        return None
    last = number[17]
    if last == "X":
        return int(number[:17]) * 11 + 10
    return int(number[:17]) * 11 + int(last) if last.isdigit() else None


def id_from_key(key: int) -> str:
    """The normalised 18-digit ID number of :func:`id_key`."""
    body, check = divmod(key, 11)
    return f"{body:017d}{'X' if check == 10 else check}"


def phone_key(compact: str) -> int | None:
    """A phone number without whitespace as one integer; ``None`` with no digit or over 17."""
    digits = "".join(c for c in compact if c.isascii() and c.isdigit())
    if not 0 < len(digits) <= 17:
        return None
    return int("1" + digits)  # the leading 1 keeps a landline's 0


def phone_from_key(key: int) -> str:
    """The digits of :func:`phone_key`."""
    return str(key)[1:]


KEYS: dict[str, tuple[Callable[[str], int | None], Callable[[int], str]]] = {
    "id_number": (id_key, id_from_key),
    "phone": (phone_key, phone_from_key),
}
"""Each normalisation of :data:`planner.spec.dataset.KEY_NORMALISATIONS`: value → key → text."""
