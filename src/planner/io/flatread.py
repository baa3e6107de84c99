"""Reading flat tables: cells → member rows → households, with every problem located.

Rows of one household must be adjacent (the national exports list a household's members
together). A household is read whole or not at all: one whose rows come back after other
households' rows is rejected whole, found by a first pass over the ids, and so is one with rows
without a household id next to or among its rows. Household columns may be repeated on every
member row or filled on one of them; two different values are reported. Part tables
(``households.income.csv``, sheet ``income``) are merged in the main table's order, so reading
stays streaming; a part row whose household never comes is rejected on its own, and a household
whose part rows cannot be matched (out of order, or an unreadable part table) is rejected (see
``parts``). The ids of the table are kept once each, compactly (``planner.io.seen``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from planner.io.cells import blank
from planner.io.columns import TableMap
from planner.io.errors import FILE, InputError
from planner.io.headers import Header, Resolver, find_header
from planner.io.layout import ROOT, Layout, layout_for
from planner.io.options import TABLES, Outcome, ReadOptions
from planner.io.parts import PartStream
from planner.io.recordbuild import Group, PartRow, build_record
from planner.io.rows import RowReader, Rows, RowValues, header_notices, with_household
from planner.io.seen import IdTable
from planner.io.tabular import SourceError, TableSource, where


def _file_error(source: TableSource, zh: str, en: str, number: int | None = None) -> Outcome:
    error = InputError(**where(source, number), reason_zh=zh, reason_en=en, level=FILE)
    return Outcome(None, [error], counted=False)


def _refused(source: TableSource, rows: Rows, zh: str, en: str, number: int | None) -> Outcome:
    """A table refused whole: one error, and every non-blank data row counted as rejected."""
    unread = sum(1 for _, row in rows if not all(blank(cell) for cell in row))
    error = InputError(**where(source, number),
                       reason_zh=f"{zh}，文件未读取：其 {unread} 行数据计为拒绝",
                       reason_en=f"{en}; the file was not read: its {unread} data rows count as "
                                 "rejected")
    return Outcome(None, [error], counted=unread > 0, rejected_rows=unread)


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
        yield _refused(main, rows, f"缺少必需的列（{names}）",
                       f"required column missing ({', '.join(missing)}){alternative}",
                       header.number or None)
        return
    totals = any(t.path[0] in ("@income", "@cost") for t in header.targets)
    if totals and options.year_of_income is None:
        yield _refused(
            main, rows, "文件含有收入合计列（工资性收入等），需指定收入年度"
            "（列映射 income_year 或 --income-year）",
            "the file has income total columns (工资性收入 …); give their year (column map "
            "income_year or --income-year)", header.number or None)
        return
    yield from _Reader(layout, table, main, header, resolver, parts, options).run(rows)


_ROW_BITS = 32
_ROW_MASK = (1 << _ROW_BITS) - 1
_SPANS_SHOWN = 10


def _pack(start: int, end: int) -> int:
    """A household's first rows as one integer (the place kept in the ids table)."""
    start = min(start, _ROW_MASK)
    return (start << _ROW_BITS) | min(end - start, _ROW_MASK)


def _unpack(place: int) -> tuple[int, int]:
    start = place >> _ROW_BITS
    return start, start + (place & _ROW_MASK)


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Row numbers in order as runs of consecutive rows."""
    spans: list[tuple[int, int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans


def _spans(spans: list[tuple[int, int]], numbered: str) -> tuple[str, str]:
    """``第3–5行、第12行`` / ``rows 3–5, 12`` (records for Parquet)."""
    items = [str(a) if a == b else f"{a}–{b}" for a, b in spans[:_SPANS_SHOWN]]
    unit_zh, unit_en = ("行", "row") if numbered == "row" else ("条记录", "record")
    if len(spans) > 1 or spans[0][0] != spans[0][1]:
        unit_en += "s"
    zh = "、".join(f"第{item}{unit_zh}" for item in items)
    en = f"{unit_en} {', '.join(items)}"
    more = len(spans) - len(items)
    if more > 0:
        zh += f"等共 {len(spans)} 处"
        en += f" and {more} more"
    return zh, en


def _may_be_member(values: RowValues) -> bool:
    """True when a row has a member's value (or a bad member cell): it may be someone's member."""
    return bool(values.member) or any(
        e.field is not None and e.field.startswith("member.") for e in values.errors)


class _Reader:
    """The grouping loop of :func:`read_flat`.

    Households (a layout with member rows) are checked to be whole before any is built: a first
    pass over the ids finds each household's rows, and a household whose rows come back after
    other households' rows is rejected at its first rows, naming all of them; rows without an id
    next to or among a household's rows reject it too when they hold member values (they may be
    its members; a footer row with none rejects only itself). ``seen`` holds
    every id of the table once, compactly (``planner.io.seen``).
    """

    def __init__(self, layout: Layout, table: TableMap, main: TableSource, header: Header,
                 resolver: Resolver, parts: dict[str, TableSource], options: ReadOptions):
        self.layout = layout
        self.table = table
        self.main = main
        self.options = options
        self.rows = RowReader(main, header, resolver, options)
        self.grouped = layout.row_field is not None
        self.seen = IdTable()  # id → its first rows (_pack)
        self.split: dict[str, list[tuple[int, int]]] = {}  # id → its runs of rows, when several
        self.streams = [PartStream(p, parts[p.name], layout, options, self.seen)
                        for p in layout.parts if p.name in parts]
        self.id_target = next(
            (t for t in header.targets if t.level == ROOT and t.path == ("id",)), None)
        self.id_paths = [tuple(n.split(".")) for n in table.id_from]

    def _hid(self, cells: Sequence[Any]) -> str | None:
        hid = self.rows.root_text(cells, ("id",))
        if hid is None and self.id_paths:
            names = [self.rows.root_text(cells, path) for path in self.id_paths]
            if all(n is not None for n in names):
                return "/".join(names)  # type: ignore[arg-type]
        return hid

    def _survey(self) -> None:
        """First pass: the runs of rows of each household id; several runs make it split."""
        skip = self.rows.header.number
        last: str | None = None
        start = end = 0
        try:
            for number, cells in self.main.rows():
                if number <= skip:
                    continue
                hid = self._hid(cells)
                if hid is None:
                    continue
                if hid == last:
                    end = number
                    continue
                if last is not None:
                    self._run(last, start, end)
                last, start, end = hid, number, number
        except SourceError:
            pass  # the second pass stops at the same row and reports it
        if last is not None:
            self._run(last, start, end)

    def _run(self, hid: str, start: int, end: int) -> None:
        earlier = self.seen.add(hid, _pack(start, end))
        if earlier is not None:
            self.split.setdefault(hid, [_unpack(earlier)]).append((start, end))

    def _start(self, hid: str, number: int) -> Group:
        earlier = self.seen.add(hid, _pack(number, number))
        first = None if earlier is None else _unpack(earlier)[0]
        repeated = first is not None and first != number and hid not in self.split
        return Group(hid, number, self.main, duplicate_of=first if repeated else None)

    def run(self, rows: Rows) -> Iterator[Outcome]:
        if self.grouped:
            self._survey()
        current: Group | None = None
        grouped = self.grouped
        gap: list[int] = []  # rows without an id since the last row with one
        held: list[Outcome] = []  # their rejections, given after the household before them
        try:
            for number, cells in rows:
                if all(blank(c) for c in cells):
                    continue
                values = self.rows.convert(number, cells)
                hid = self._hid(cells)
                if hid is None:
                    if not grouped or not _may_be_member(values):
                        yield self._orphan(number, values)  # e.g. a footer: only itself
                        continue
                    held.append(self._orphan(number, values))
                    gap.append(number)
                    if current is not None:
                        current.blank_rows.append(number)
                    continue
                if values.errors:
                    values.errors = with_household(values.errors, hid)
                if grouped and current is not None and current.hid == hid:
                    gap.clear()  # they were among this household's rows
                    current.add(number, cells, values, self.options)
                    continue
                if current is not None:
                    yield from self._finish(current)
                yield from held
                held.clear()
                current = self._start(hid, number)
                current.blank_rows.extend(gap)
                gap.clear()
                current.add(number, cells, values, self.options)
        except SourceError as exc:
            error = InputError(**where(self.main, exc.row), reason_zh=exc.zh, reason_en=exc.en,
                               level=FILE)  # the rest of the file went unread
            if current is not None:
                yield Outcome(None, [error, *current.errors])
            else:
                yield Outcome(None, [error], counted=False)
            current = None
        if current is not None:
            yield from self._finish(current)
        yield from held
        for stream in self.streams:
            yield from stream.finish()

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

    def _id_error(self, group: Group, zh: str, en: str) -> InputError:
        return InputError(**where(self.main, group.first_row), field="id", household=group.hid,
                          column=self.id_target.header if self.id_target else None,
                          reason_zh=zh, reason_en=en)

    def _integrity(self, group: Group) -> list[InputError]:
        """Why a household's rows are not all its own: split, or rows without an id beside it."""
        errors = []
        numbered = self.main.numbered
        runs = self.split.get(group.hid)
        if runs is not None:
            zh, en = _spans(runs, numbered)
            errors.append(self._id_error(
                group, f"户编号 {group.hid} 的行不相邻（中间隔着其他户的行）：{zh}；"
                "无法确定此户是否完整，各处的行都未读取",
                f"the rows of household {group.hid} are not adjacent (other households' rows "
                f"come between them): {en}; the household cannot be told complete, so none of "
                "its rows was read"))
        if group.blank_rows:
            blank_zh, blank_en = _spans(_ranges(group.blank_rows), numbered)
            own_zh, own_en = _spans([(group.first_row, group.last_row)], numbered)
            errors.append(self._id_error(
                group, f"没有户编号的行（{blank_zh}）紧挨着或夹在此户的行（{own_zh}）之间，"
                "无法确定它们是否属于此户，此户未读取",
                f"rows without a household id ({blank_en}) lie next to or among this "
                f"household's rows ({own_en}); they may be its members, so the household was not "
                "read"))
        return errors

    def _finish(self, group: Group) -> Iterator[Outcome]:
        part_rows: dict[str, list[PartRow]] = {}
        for stream in self.streams:
            rows, errors = stream.take(group.hid)
            part_rows[stream.part.name] = rows
            group.errors.extend(errors)
        for stream in self.streams:
            yield from stream.drain()
        runs = self.split.get(group.hid)
        if runs is not None and group.first_row != runs[0][0]:
            return  # a later run of a split household: rejected with its first rows
        if group.duplicate_of is not None:
            if self.grouped:
                zh = "同一户的行必须相邻，重复的行未合并"
                en = "rows of one record must be adjacent, and duplicates are not merged"
            else:
                zh, en = "重复的行未读取", "the repeated row was not read"
            noun = "户编号" if self.layout.kind == "household" else "编号"
            yield Outcome(None, [self._id_error(
                group, f"{noun} {group.hid} 重复：第{group.duplicate_of}行已有此户，{zh}",
                f"duplicate id {group.hid}: already used at row {group.duplicate_of}; {en}")])
            return
        integrity = self._integrity(group)
        if integrity:
            yield Outcome(None, [*integrity, *group.errors])
            return
        yield build_record(self.layout, self.table, group, part_rows, self.options)
