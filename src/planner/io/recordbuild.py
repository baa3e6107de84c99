"""Assembling one record from its rows, validating it once, and locating every error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from planner.io.columns import TableMap
from planner.io.errors import InputError, mask_value
from planner.io.layout import ROOT, Layout
from planner.io.options import HIDDEN_INPUT, Outcome, ReadOptions, scalar_input
from planner.io.tabular import TableSource, where
from planner.io.validation import display_path, reason
from planner.model.vocab import IncomeCategory

if TYPE_CHECKING:
    from planner.io.rows import RowValues


@dataclass(slots=True)
class Slot:
    """A converted value with where it came from; ``strong`` is False for vocabulary defaults."""

    value: Any
    strong: bool
    row: int
    header: str | None
    raw: Any
    source: TableSource


@dataclass(slots=True)
class PartRow:
    """One row of a part table: its row number, member number (member parts) and values."""

    number: int
    member: int | None
    values: dict[tuple[Any, ...], Slot]
    source: TableSource


_IDENTIFYING = frozenset({("id_number",), ("name",)})


@dataclass(slots=True)
class Group:
    """The rows of one record (a household's member rows) as they are read.

    ``last_row`` is its last row so far; ``blank_rows`` are rows without an id among or next to
    its rows (they may be its members).
    """

    hid: str
    first_row: int
    source: TableSource
    duplicate_of: int | None = None
    root: dict[tuple[Any, ...], Slot] = field(default_factory=dict)
    members: list[tuple[int, dict[tuple[Any, ...], Slot]]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    row_keys: dict[tuple[Any, ...], int] = field(default_factory=dict)
    last_row: int = 0
    blank_rows: list[int] = field(default_factory=list)

    def add(
        self, number: int, cells: Sequence[Any], values: RowValues, options: ReadOptions
    ) -> None:
        """Merge one row: household values must agree with earlier rows; the member is appended.

        A row identical to an earlier one is a duplicated row only when it names its member (an
        ID number or a name): two sons recorded with only their relation and sex are two people.
        """
        self.errors.extend(values.errors)
        self.last_row = number
        if _IDENTIFYING & values.member.keys():
            try:
                key = tuple(cells)
                hash(key)
            except TypeError:  # a list cell (flat Parquet written by another tool)
                key = tuple(repr(c) for c in cells)
            earlier = self.row_keys.get(key)
            if earlier is not None:
                self.errors.append(InputError(
                    **where(self.source, number), household=self.hid,
                    reason_zh=f"与第{earlier}行完全相同（重复行），未合并",
                    reason_en=f"identical to row {earlier} (duplicated row); not merged",
                ))
                return
            self.row_keys[key] = number
        for path, slot in values.root.items():
            have = self.root.get(path)
            if have is None:
                self.root[path] = slot
            elif have.value != slot.value:
                name = ".".join(str(p) for p in path if not str(p).startswith("@")) or slot.header
                shown = mask_value(name, have.raw, options.mask)
                self.errors.append(InputError(
                    **where(self.source, number), column=slot.header, field=name,
                    household=self.hid,
                    value=mask_value(name, slot.raw, options.mask),
                    reason_zh=f"同一户各行的户级字段不一致：第{have.row}行为「{shown}」，未合并",
                    reason_en=f"household-level value differs from row {have.row} ({shown}); "
                    "not merged",
                ))
        if values.member:
            self.members.append((number, values.member))


def set_path(target: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    """Set ``value`` at ``path`` in nested dicts, making dicts and lists (int parts) on the way."""
    node: Any = target
    for position, part in enumerate(path[:-1]):
        following = path[position + 1]
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


def _locate(
    loc: tuple[Any, ...], locations: dict[tuple[Any, ...], Slot]
) -> tuple[Slot | None, bool]:
    """The slot that fed ``loc`` (exact), or one under its closest parent (not exact)."""
    if loc in locations:
        return locations[loc], True
    for size in range(len(loc) - 1, 0, -1):
        prefix = loc[:size]
        for key, slot in locations.items():
            if key[:size] == prefix:
                return slot, False
    return None, False


def _totals(d: dict[str, Any], root: dict[tuple[Any, ...], Slot], year: int | None,
            locations: dict[tuple[Any, ...], Slot]) -> None:
    incomes = {path[1]: slot for path, slot in root.items() if path[0] == "@income"}
    cost = root.get(("@cost",))
    if incomes:
        items: list[dict[str, Any]] = []
        for category in IncomeCategory:
            slot = incomes.get(category.value)
            if slot is not None and slot.value != 0:
                locations[("income", len(items), "amount")] = slot
                items.append({"category": category, "amount": slot.value, "year": year})
        d["income"] = items
    if cost is not None:
        locations[("production_costs", 0, "amount")] = cost
        d["production_costs"] = [{"amount": cost.value, "year": year}] if cost.value else []
    if incomes or cost is not None:
        d.setdefault("income_year", year)


def build_record(layout: Layout, table: TableMap, group: Group, part_rows: dict[str, list[PartRow]],
                 options: ReadOptions) -> Outcome:
    """Assemble, validate and locate: the Outcome of one group of rows."""
    record: dict[str, Any] = {}
    locations: dict[tuple[Any, ...], Slot] = {}
    errors = group.errors
    for path, slot in group.root.items():
        if path[0] == "@recorded":
            if slot.value:
                record.setdefault(path[1], [])
            continue
        if path[0] in ("@income", "@cost"):
            continue
        set_path(record, path, slot.value)
        locations[path] = slot
    _totals(record, group.root, options.year_of_income, locations)
    members: list[dict[str, Any]] = []
    for index, (_number, values) in enumerate(group.members):
        member: dict[str, Any] = {}
        for path, slot in values.items():
            if path[0] == "@recorded":
                if slot.value:
                    member.setdefault(path[1], [])
                continue
            set_path(member, path, slot.value)
            locations[("members", index, *path)] = slot
        members.append(member)
    if layout.row_field and members:
        record[layout.row_field] = members
    for part in layout.parts:
        for row in part_rows.get(part.name, ()):
            item: dict[str, Any] = {}
            for path, slot in row.values.items():
                set_path(item, path, slot.value)
            if part.level == ROOT:
                items = record.setdefault(part.field, [])
                base: tuple[Any, ...] = (part.field, len(items))
            else:
                if row.member is None or not 1 <= row.member <= len(members):
                    errors.append(InputError(
                        **where(row.source, row.number), field=part.keys[-1], household=group.hid,
                        value=None if row.member is None else str(row.member),
                        reason_zh="成员序号在该户中不存在",
                        reason_en="no member with this number in the household",
                    ))
                    continue
                items = members[row.member - 1].setdefault(part.field, [])
                base = ("members", row.member - 1, part.field, len(items))
            items.append(item)
            for path, slot in row.values.items():
                locations[(*base, *path)] = slot
    if "id" not in record and table.id_from:
        record["id"] = group.hid
    try:
        validated = layout.model.model_validate(record)
    except ValidationError as exc:
        skip_missing = any(not e.is_warning for e in errors)  # a rejected cell explains it
        for error in exc.errors():
            if skip_missing and error.get("type") == "missing":
                continue
            loc = tuple(error.get("loc", ()))
            found, exact = _locate(loc, locations)
            shown = display_path(loc) or None
            zh, en = reason(error, layout.model)
            hidden = error.get("type") in HIDDEN_INPUT
            raw = None if hidden else found.raw if found is not None and exact else scalar_input(
                error.get("input"))
            source = found.source if found is not None else group.source
            number = found.row if found is not None else group.first_row
            column = found.header if found is not None and exact else None
            errors.append(InputError(
                **where(source, number), column=column, field=shown, household=group.hid,
                value=mask_value(shown, raw, options.mask), reason_zh=zh, reason_en=en,
            ))
        return Outcome(None, errors)
    if any(not e.is_warning for e in errors):
        return Outcome(None, errors)
    return Outcome(validated, errors, place=where(group.source, group.first_row),
                   rows=tuple(number for number, _ in group.members))
