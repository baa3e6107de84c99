"""Part-sheet rows held by the household and member they name, so that households can stream.

The part sheets of an export (work records, planned work, household facts) are read first and
indexed here; each household then takes its own rows as it is read (:meth:`PartIndex.take`) and
is joined and passed on (:func:`planner.io.joins.join_part_rows`), so that the households of a
district are never all held at once. The rows no household took are reported at the end, as
the joins report them.
"""

from __future__ import annotations

from planner.io.errors import InputError, mask_household, mask_value
from planner.io.joins import _id_key as id_key
from planner.io.partsheets import SheetRow
from planner.model import Household


class PartIndex:
    """Part rows by the household id they give, else by the member ID number they give.

    A row that gives no household id and names by ID number a member of a household read
    earlier belongs to that one: when a later household holds the same ID number the row is
    reported there as ambiguous (holding every household back to find such duplicates first
    would defeat streaming).
    """

    def __init__(self, rows: list[SheetRow], mask: bool = True):
        self.rows = rows
        self.mask = mask
        self.by_household: dict[str, list[int]] = {}
        self.by_number: dict[str, list[int]] = {}
        self.taken: dict[int, str] = {}  # row index → the household that took it
        for position, row in enumerate(rows):
            household_id = getattr(row.record, "household_id", None)
            if household_id is not None:
                self.by_household.setdefault(household_id, []).append(position)
                continue
            key = id_key(getattr(row.record, "id_number", None))
            if key:
                self.by_number.setdefault(key, []).append(position)

    def take(self, household: Household) -> tuple[list[SheetRow], list[InputError]]:
        """The rows of ``household`` in sheet order, and the rows it names that an earlier
        household took (as errors)."""
        mine = list(self.by_household.get(household.id, ()))
        errors = []
        for member in household.members:
            key = id_key(member.id_number)
            for position in self.by_number.get(key or "", ()):
                first = self.taken.get(position)
                if first is None:
                    mine.append(position)
                elif first != household.id:
                    errors.append(self._ambiguous(self.rows[position], household.id, first))
        for position in mine:
            self.taken.setdefault(position, household.id)
        return [self.rows[p] for p in sorted(set(mine))], errors

    def unclaimed(self) -> list[SheetRow]:
        """The rows no household took, in sheet order."""
        return [row for position, row in enumerate(self.rows) if position not in self.taken]

    def _ambiguous(self, row: SheetRow, household: str, first: str) -> InputError:
        value = mask_value("id_number", getattr(row.record, "id_number", None), self.mask)
        first = (mask_household(first) or first) if self.mask else first
        return InputError(
            **row.place, field="id_number", household=household, value=value,
            reason_zh=f"该证件号码出现在多个户中，且此行没有户编号可区分；此行已并入先读到的户 "
                      f"{first}",
            reason_en="this ID number is in several households and the row has no household "
                      f"id; it was joined to household {first}, read first")
