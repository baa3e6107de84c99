"""Reading flat tables: cells → member rows → households, with every problem located.

Rows of one household must be adjacent (the national exports list a household's members
together). A household id seen again after other households is a duplicate: the later rows are
rejected, never merged. Household columns may be repeated on every member row or filled on one
of them; two different values are reported. Part tables (``households.income.csv``, sheet
``income``) are merged in the main table's order, so reading stays streaming; a part row whose
household came earlier or never comes is reported. Detecting duplicates keeps one entry per
household id (about 100 bytes each).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from planner.io.cells import CellError, blank, read_cell, to_float, to_int
from planner.io.columns import TableMap, normalize_value
from planner.io.errors import WARNING, InputError, mask_value
from planner.io.headers import KEY, Header, Resolver, Target, find_header
from planner.io.layout import LIST, ROOT, ROW, SCALAR, Layout, Part, layout_for
from planner.io.options import TABLES, Outcome, ReadOptions
from planner.io.recordbuild import Group, PartRow, Slot, build_record
from planner.io.tabular import SourceError, TableSource, where

Rows = Iterator[tuple[int, Sequence[Any]]]
PartGroup = tuple[str, int, list[PartRow], list[InputError]]  # id, first row, rows, errors
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
        self._last: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(self._simple)

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
        if target.level == KEY:
            name = target.path[0]
            converted = to_int(value) if name.endswith("_number") else str(read_cell(
                value, self.resolver.column(ROOT, ("id",)) or _ID_COLUMN))
            values.key[name] = Slot(converted, True, number, target.header, raw, self.source)
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


def _with_household(errors: list[InputError], hid: str) -> list[InputError]:
    return [e if e.household or e.is_warning else replace(e, household=hid) for e in errors]


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


def _file_error(source: TableSource, zh: str, en: str, number: int | None = None) -> Outcome:
    error = InputError(**where(source, number), reason_zh=zh, reason_en=en)
    return Outcome(None, [error], counted=False)


def _required(
    header: Header, resolver: Resolver, table: TableMap, names: Sequence[str]
) -> list[str]:
    missing = []
    for name in names:
        found = resolver.field(name)
        if found is None or header.has(found[0], found[1]):
            continue
        if name == "id" and table.id_from and all(
            (f := resolver.field(n)) is not None and header.has(f[0], f[1]) for n in table.id_from
        ):
            continue
        missing.append(name)
    return missing


def _headers_for(table: TableMap, name: str) -> str:
    known = [e.header for e in table.columns.values() if e.field == name]
    text = "、".join([*known, name])
    if name == "id" and table.id_from:
        text += "，或 " + "+".join(table.id_from)
    return text


class PartStream:
    """Rows of one part table, taken household by household in the main table's order."""

    def __init__(self, part: Part, source: TableSource, layout: Layout, options: ReadOptions,
                 seen: dict[str, int]):
        self.part = part
        self.source = source
        self.seen = seen
        self.notices: list[InputError] = []
        self._groups: Iterator[PartGroup] = iter(())
        self._head: PartGroup | None = None
        resolver = Resolver(layout, part)
        table = options.column_map.table(part.name)
        header, rows = find_header(source.rows(), resolver, table, source.file, source.header)
        if header is None:
            self.notices.append(InputError(**where(source, None), reason_zh="找不到表头行",
                                           reason_en="no header row found"))
            return
        self.notices.extend(header_notices(source, header))
        missing = [k for k in part.keys if not header.has(KEY, (k,))]
        if missing:
            self.notices.append(InputError(
                **where(source, header.number or None), field=", ".join(missing),
                reason_zh=f"缺少必需的列：{'、'.join(missing)}；此表未读取",
                reason_en=f"required column missing: {', '.join(missing)}; this table was not read",
            ))
            return
        self._reader = RowReader(source, header, resolver, options)
        self._groups = self._read_groups(rows)
        self._advance()

    def _advance(self) -> None:
        try:
            self._head = next(self._groups)
        except SourceError as exc:
            self.notices.append(InputError(**where(self.source, exc.row), reason_zh=exc.zh,
                                           reason_en=exc.en))
            self._head = None
        except StopIteration:
            self._head = None

    def _read_groups(self, rows: Rows) -> Iterator[PartGroup]:
        current: PartGroup | None = None
        key_name = self.part.keys[0]
        for number, cells in rows:
            if all(blank(c) for c in cells):
                continue
            values = self._reader.convert(number, cells)
            hid_slot = values.key.get(key_name)
            if hid_slot is None:
                self.notices.append(InputError(
                    **where(self.source, number), field=key_name,
                    reason_zh="该行没有户编号，不属于任何一户",
                    reason_en="the row has no household id and belongs to no household",
                ))
                continue
            if values.errors:
                values.errors = _with_household(values.errors, hid_slot.value)
            member = values.key.get(self.part.keys[1]) if len(self.part.keys) > 1 else None
            row = PartRow(number, member.value if member else None, values.root, self.source)
            if current is not None and current[0] == hid_slot.value:
                current[2].append(row)
                current[3].extend(values.errors)
                continue
            if current is not None:
                yield current
            current = (hid_slot.value, number, [row], list(values.errors))
        if current is not None:
            yield current

    def take(self, hid: str) -> tuple[list[PartRow], list[InputError]]:
        """The rows of household ``hid`` if they come next (rows of passed households: reported)."""
        while self._head is not None:
            head_id, number, rows, errors = self._head
            if head_id == hid:
                self._advance()
                return rows, errors
            if head_id not in self.seen:
                break  # belongs to a household still to come (or to none: reported at the end)
            self.notices.append(self._stray(head_id, number, earlier=True))
            self._advance()
        return [], []

    def _stray(self, hid: str, number: int, earlier: bool) -> InputError:
        if earlier:
            zh = f"户编号 {hid} 在主表中更早出现；附表的行必须与主表同序，此行未读取"
            en = (f"household {hid} came earlier in the main table; part rows must follow the "
                  "main table's order; this row was not read")
        else:
            zh = f"户编号 {hid} 不在主表中，此行未读取"
            en = f"household {hid} is not in the main table; this row was not read"
        return InputError(**where(self.source, number), household=hid, reason_zh=zh, reason_en=en)

    def finish(self) -> list[InputError]:
        """Report rows left over after the main table ended."""
        while self._head is not None:
            head_id, number, _rows, _errors = self._head
            self.notices.append(self._stray(head_id, number, earlier=head_id in self.seen))
            self._advance()
        return self.drain()

    def drain(self) -> list[InputError]:
        """Notices gathered so far (and forget them)."""
        notices, self.notices = self.notices, []
        return notices


def read_flat(kind: str, main: TableSource, parts: dict[str, TableSource],
              options: ReadOptions) -> Iterator[Outcome]:
    """Read a flat table (and its parts) into records of ``kind``, one Outcome per record."""
    layout = layout_for(kind)
    table = options.column_map.table(TABLES[kind])
    resolver = Resolver(layout)
    try:
        header, rows = find_header(main.rows(), resolver, table, main.file, main.header)
    except SourceError as exc:
        yield _file_error(main, exc.zh, exc.en, exc.row)
        return
    if header is None:
        yield _file_error(main, "找不到表头行（前 30 行中没有可识别的列名）",
                          "no header row found (no known column name in the first 30 rows)")
        return
    notices = header_notices(main, header)
    if notices:
        yield Outcome(None, notices, counted=False)
    missing = _required(header, resolver, table, table.required or ("id",))
    if missing:
        names = "；".join(_headers_for(table, m) for m in missing)
        alternative = (f" (or {' + '.join(table.id_from)})"
                       if "id" in missing and table.id_from else "")
        yield _file_error(main, f"缺少必需的列（{names}），文件未读取",
                          f"required column missing ({', '.join(missing)}){alternative}; "
                          "the file was not read", header.number or None)
        return
    totals = any(t.path[0] in ("@income", "@cost") for t in header.targets)
    if totals and options.year_of_income is None:
        yield _file_error(
            main, "文件含有收入合计列（工资性收入等），需指定收入年度"
            "（列映射 income_year 或 --income-year）",
            "the file has income total columns (工资性收入 …); give their year (column map "
            "income_year or --income-year)", header.number or None)
        return
    yield from _Reader(layout, table, main, header, resolver, parts, options).run(rows)


class _Reader:
    """The grouping loop of :func:`read_flat`."""

    def __init__(self, layout: Layout, table: TableMap, main: TableSource, header: Header,
                 resolver: Resolver, parts: dict[str, TableSource], options: ReadOptions):
        self.layout = layout
        self.table = table
        self.main = main
        self.options = options
        self.rows = RowReader(main, header, resolver, options)
        self.seen: dict[str, int] = {}
        self.streams = [PartStream(p, parts[p.name], layout, options, self.seen)
                        for p in layout.parts if p.name in parts]
        self.id_target = next(
            (t for t in header.targets if t.level == ROOT and t.path == ("id",)), None)

    def _hid(self, values: RowValues) -> str | None:
        slot = values.root.get(("id",))
        if slot is not None:
            return str(slot.value)
        if self.table.id_from:
            names = [values.root.get(tuple(n.split("."))) for n in self.table.id_from]
            if all(s is not None for s in names):
                return "/".join(str(s.value) for s in names)  # type: ignore[union-attr]
        return None

    def run(self, rows: Rows) -> Iterator[Outcome]:
        current: Group | None = None
        grouped = self.layout.row_field is not None
        try:
            for number, cells in rows:
                if all(blank(c) for c in cells):
                    continue
                values = self.rows.convert(number, cells)
                hid = self._hid(values)
                if hid is not None and values.errors:
                    values.errors = _with_household(values.errors, hid)
                if hid is None:
                    if current is not None:
                        yield from self._finish(current)
                        current = None
                    yield self._orphan(number, values)
                    continue
                if grouped and current is not None and current.hid == hid:
                    current.add(number, cells, values, self.options)
                    continue
                if current is not None:
                    yield from self._finish(current)
                current = Group(hid, number, self.main, duplicate_of=self.seen.get(hid))
                self.seen.setdefault(hid, number)
                current.add(number, cells, values, self.options)
        except SourceError as exc:
            error = InputError(**where(self.main, exc.row), reason_zh=exc.zh, reason_en=exc.en)
            if current is not None:
                yield Outcome(None, [error, *current.errors])
            else:
                yield Outcome(None, [error], counted=False)
            current = None
        if current is not None:
            yield from self._finish(current)
        for stream in self.streams:
            leftovers = stream.finish()
            if leftovers:
                yield Outcome(None, leftovers, counted=False)

    def _orphan(self, number: int, values: RowValues) -> Outcome:
        header = self.id_target.header if self.id_target else None
        household = self.layout.kind == "household"
        noun_zh, noun_en = ("户编号", "household id") if household else ("编号", "id")
        error = InputError(
            **where(self.main, number), column=header, field="id",
            reason_zh=f"该行没有{noun_zh}，不属于任何一户" if self.layout.kind == "household"
            else f"该行没有{noun_zh}", reason_en=f"the row has no {noun_en}"
            + (" and belongs to no household" if self.layout.kind == "household" else ""),
        )
        return Outcome(None, [error, *values.errors])

    def _finish(self, group: Group) -> Iterator[Outcome]:
        part_rows: dict[str, list[PartRow]] = {}
        for stream in self.streams:
            rows, errors = stream.take(group.hid)
            part_rows[stream.part.name] = rows
            group.errors.extend(errors)
        for stream in self.streams:
            notices = stream.drain()
            if notices:
                yield Outcome(None, notices, counted=False)
        if group.duplicate_of is not None:
            noun = "户编号" if self.layout.kind == "household" else "编号"
            error = InputError(
                **where(self.main, group.first_row), field="id", household=group.hid,
                column=self.id_target.header if self.id_target else None,
                reason_zh=f"{noun} {group.hid} 重复：第{group.duplicate_of}行已有此户，"
                "同一户的行必须相邻，重复的行未合并",
                reason_en=f"duplicate id {group.hid}: already used at row {group.duplicate_of}; "
                "rows of one record must be adjacent, and duplicates are not merged",
            )
            yield Outcome(None, [error])
            return
        yield build_record(self.layout, self.table, group, part_rows, self.options)
