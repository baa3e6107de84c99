"""One row of a flat table: its cells converted into values for the household and the member."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.io.cells import (
    CellError,
    blank,
    has_unit,
    month_only,
    read_cell,
    to_float,
    to_int,
)
from planner.io.columns import normalize_value
from planner.io.errors import WARNING, InputError, mask_value
from planner.io.headers import KEY, Header, Resolver, Target
from planner.io.layout import LIST, ROOT, ROW, SCALAR, layout_for
from planner.io.options import ReadOptions
from planner.io.recordbuild import Slot
from planner.io.tabular import TableSource, where
from planner.model.vocab import DatePrecision

Rows = Iterator[tuple[int, Sequence[Any]]]
_NOTHING = object()


@dataclass(slots=True)
class RowValues:
    """Converted values of one row, by level."""

    root: dict[tuple[Any, ...], Slot] = field(default_factory=dict)
    member: dict[tuple[Any, ...], Slot] = field(default_factory=dict)
    key: dict[str, Slot] = field(default_factory=dict)
    errors: list[InputError] = field(default_factory=list)


class RowReader:
    """Converts the cells of one table's rows with its resolved header."""

    def __init__(
        self, source: TableSource, header: Header, resolver: Resolver, options: ReadOptions
    ):
        self.source = source
        self.header = header
        self.resolver = resolver
        self.options = options
        self._blank_warned = False
        written: dict[tuple[str, tuple[Any, ...]], int] = {}
        for target in header.targets:
            written[(target.level, target.path)] = written.get((target.level, target.path), 0) + 1
        self._simple: list[Target] = []  # one plain scalar cell → one field: the fast path
        self._general: list[Target] = []
        for target in header.targets:
            entry = target.entry
            plain = entry is None or not (entry.values or entry.defaults or entry.scale)
            if (plain and target.level in (ROOT, ROW) and target.column is not None
                    and target.column.kind == SCALAR and written[(target.level, target.path)] == 1):
                self._simple.append(target)
            else:
                self._general.append(target)
        # Month columns (识别监测时间 202003) whose field has a precision companion
        # (identified_on_precision): a cell giving a month only records that precision.
        self._precision: list[tuple[Target, tuple[Any, ...]]] = []
        for target in header.targets:
            if target.month and target.path and isinstance(target.path[-1], str):
                companion = (*target.path[:-1], f"{target.path[-1]}_precision")
                if resolver.column(target.level, companion) is not None:
                    self._precision.append((target, companion))
        # Item columns (健康帮扶: type items) where a blank cell lists no item: an empty list.
        self._items = [t for t in header.targets
                       if t.entry is not None and t.entry.type == "items" and t.column is not None
                       and t.column.kind == LIST]
        self._last: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(self._simple)
        self._roots: dict[tuple[Any, ...], list[Target]] = {}  # for root_text
        self._last_text: dict[int, tuple[Any, str | None]] = {}

    def _error(self, number: int, target: Target, raw: Any, zh: str, en: str) -> InputError:
        return InputError(
            **where(self.source, number), column=target.header, field=target.field,
            value=mask_value(target.field, raw, self.options.mask), reason_zh=zh, reason_en=en,
        )

    def _put(self, store: dict[tuple[Any, ...], Slot], path: tuple[Any, ...], slot: Slot,
             kind: str | None, values: RowValues, target: Target) -> None:
        have = store.get(path)
        if kind == LIST:
            if have is None:
                store[path] = Slot(list(slot.value), slot.strong, slot.row, slot.header, slot.raw,
                                   slot.source)
            else:
                have.value.extend(slot.value)
            return
        if have is None or (slot.strong and not have.strong):
            store[path] = slot
        elif have.value != slot.value and slot.strong == have.strong:
            shown = mask_value(target.field, have.raw, self.options.mask)
            values.errors.append(self._error(
                slot.row, target, slot.raw,
                f"与同一行的列「{have.header}」（{shown}）给出的值矛盾",
                f"contradicts column {have.header} ({shown}) of the same row",
            ))

    def _store(self, values: RowValues, level: str) -> dict[tuple[Any, ...], Slot]:
        return values.member if level == ROW else values.root

    def convert(self, number: int, cells: Sequence[Any]) -> RowValues:
        """Convert the cells of row ``number`` into slots; bad cells become errors."""
        values = RowValues()
        if not self._blank_warned and self.header.blank_columns:
            self._warn_blank(number, cells, values)
        self._convert_simple(number, cells, values)
        for target in self._general:
            raw = cells[target.index] if target.index < len(cells) else None
            if blank(raw):
                continue
            value, strong = raw, True
            entry = target.entry
            if entry is not None and (entry.values or entry.defaults):
                key = normalize_value(raw)
                if key in entry.values:
                    value = entry.values[key]
                elif key in entry.defaults:
                    value, strong = entry.defaults[key], False
            if value is None:
                continue
            try:
                self._convert(number, target, raw, value, strong, values)
            except CellError as exc:
                values.errors.append(self._error(number, target, raw, exc.zh, exc.en))
        for target in self._items:
            if target.index >= len(cells) or blank(cells[target.index]):
                self._put(self._store(values, target.level), target.path,
                          Slot([], False, number, target.header, None, self.source), LIST, values,
                          target)
        for target, companion in self._precision:
            raw = cells[target.index] if target.index < len(cells) else None
            if not blank(raw) and month_only(raw):
                self._store(values, target.level)[companion] = Slot(
                    DatePrecision.MONTH.value, True, number, target.header, raw, self.source)
        return values

    def _convert_simple(self, number: int, cells: Sequence[Any], values: RowValues) -> None:
        # Household columns repeat on every member row: the last conversion of each column is
        # reused when the cell is unchanged.
        size = len(cells)
        last = self._last
        source = self.source
        for position, target in enumerate(self._simple):
            if target.index >= size:
                continue
            raw = cells[target.index]
            if blank(raw):
                continue
            seen, value = last[position]
            if seen != raw or seen.__class__ is not raw.__class__:
                column = target.column
                try:
                    value = read_cell(raw, column, month=target.month)  # type: ignore[arg-type]
                except CellError as exc:
                    values.errors.append(self._error(number, target, raw, exc.zh, exc.en))
                    continue
                last[position] = (raw, value)
            store = values.member if target.level == ROW else values.root
            store[target.path] = Slot(value, True, number, target.header, raw, source)

    def _convert(self, number: int, target: Target, raw: Any, value: Any, strong: bool,
                 values: RowValues) -> None:
        entry = target.entry
        scale = entry.scale if entry is not None else None
        if scale is not None and has_unit(value):
            scale = None
        if target.level == KEY:
            converted = self._key_value(target, value)
            values.key[target.path[0]] = Slot(converted, True, number, target.header, raw,
                                              self.source)
            return
        if target.column is None:  # household income / cost totals
            amount = to_float(value) * (scale or 1)
            slot = Slot(amount, strong, number, target.header, raw, self.source)
            self._put(values.root, target.path, slot, None, values, target)
            return
        if isinstance(value, dict):  # one vocabulary value sets several sibling fields
            for sub, sub_value in value.items():
                path = (*target.path[:-1], sub)
                column = self.resolver.column(target.level, path)
                if column is None:
                    raise CellError(f"列映射中的字段 {sub} 不存在",
                                    f"the column map names an unknown field {sub}")
                converted = read_cell(sub_value, column, month=target.month)
                slot = Slot(converted, strong, number, target.header, raw, self.source)
                store = self._store(values, target.level)
                self._put(store, path, slot, column.kind, values, target)
            return
        converted = read_cell(value, target.column, month=target.month)
        if scale is not None and converted is not None:
            converted = converted * scale
        slot = Slot(converted, strong, number, target.header, raw, self.source)
        self._put(self._store(values, target.level), target.path, slot, target.column.kind,
                  values, target)

    def _key_value(self, target: Target, value: Any) -> Any:
        if target.path[0].endswith("_number"):
            return to_int(value)
        return str(read_cell(value, self.resolver.column(ROOT, ("id",)) or _ID_COLUMN))

    def key_of(self, cells: Sequence[Any], name: str) -> Any:
        """The key ``name`` of a row alone (None when blank or unreadable), for a quick pass."""
        target = next((t for t in self._general if t.level == KEY and t.path == (name,)), None)
        if target is None or target.index >= len(cells) or blank(raw := cells[target.index]):
            return None
        value = _mapped(target, raw)
        if value is None:
            return None
        try:
            return self._key_value(target, value)
        except CellError:
            return None

    def root_text(self, cells: Sequence[Any], path: tuple[Any, ...]) -> str | None:
        """The record field ``path`` of a row alone, as text (None when blank or unreadable).

        Household ids are read with this on every pass over a table, so the passes agree.
        """
        targets = self._roots.get(path)
        if targets is None:
            targets = self._roots[path] = [t for t in self.header.targets
                                           if t.level == ROOT and t.path == path and t.column]
        for target in targets:
            if target.index >= len(cells) or blank(raw := cells[target.index]):
                continue
            last = self._last_text.get(target.index)
            if last is not None and last[0] == raw and last[0].__class__ is raw.__class__:
                return last[1]  # member rows repeat their household's id
            value = _mapped(target, raw)
            if value is None or isinstance(value, dict):
                continue
            try:
                text: str | None = str(read_cell(value, target.column,  # type: ignore[arg-type]
                                                 month=target.month))
            except CellError:
                text = None
            self._last_text[target.index] = (raw, text)
            return text
        return None

    def _warn_blank(self, number: int, cells: Sequence[Any], values: RowValues) -> None:
        for index in self.header.blank_columns:
            if index < len(cells) and not blank(cells[index]):
                self._blank_warned = True
                values.errors.append(InputError(
                    **where(self.source, number), level=WARNING,
                    reason_zh=f"第{index + 1}列没有表头，其中的数据未读取",
                    reason_en=f"column {index + 1} has no header; its data was not read",
                ))
                return


_ID_COLUMN = layout_for("household").root[0]


def _mapped(target: Target, raw: Any) -> Any:
    """A cell's value after the column map's vocabulary (values, then defaults)."""
    entry = target.entry
    if entry is not None and (entry.values or entry.defaults):
        key = normalize_value(raw)
        return entry.values.get(key, entry.defaults.get(key, raw))
    return raw


def with_household(errors: list[InputError], hid: str) -> list[InputError]:
    return [e if e.household or e.is_warning else e.with_household(hid) for e in errors]


def header_notices(source: TableSource, header: Header) -> list[InputError]:
    """Warnings for columns that feed nothing: unknown ones, and those the map ignores."""
    place = where(source, header.number or None)
    notices = [
        InputError(**place, column=name, level=WARNING, reason_zh="未识别的列，其数据未读取",
                   reason_en="unknown column; its data was not read")
        for name in header.unknown
    ]
    if header.ignored:
        names = "、".join(header.ignored)
        notices.append(InputError(
            **place, level=WARNING, value=names,
            reason_zh="列映射中标为不使用的列，其数据未读取",
            reason_en="columns the column map marks as unused; their data was not read",
        ))
    return notices
