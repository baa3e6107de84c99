"""Reading flat tables: cells → member rows → households, with every problem located.

Rows of one household must be adjacent (the national exports list a household's members
together). A household id seen again after other households is a duplicate: the later rows are
rejected, never merged. Household columns may be repeated on every member row or filled on one
of them; two different values are reported. Part tables (``households.income.csv``, sheet
``income``) are merged in the main table's order, so reading stays streaming; a part row whose
household never comes is rejected on its own, and a household whose part rows cannot be
matched (out of order, or an unreadable part table) is rejected (see ``parts``). Detecting
duplicates keeps one entry per household id (about 100 bytes each).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from planner.io.cells import blank
from planner.io.columns import TableMap
from planner.io.errors import FILE, InputError
from planner.io.headers import Header, Resolver, find_header
from planner.io.layout import ROOT, Layout, layout_for
from planner.io.options import TABLES, Outcome, ReadOptions
from planner.io.parts import PartStream
from planner.io.recordbuild import Group, PartRow, build_record
from planner.io.rows import RowReader, Rows, RowValues, header_notices, with_household
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
                    values.errors = with_household(values.errors, hid)
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
            error = InputError(**where(self.main, exc.row), reason_zh=exc.zh, reason_en=exc.en,
                               level=FILE)  # the rest of the file went unread
            if current is not None:
                yield Outcome(None, [error, *current.errors])
            else:
                yield Outcome(None, [error], counted=False)
            current = None
        if current is not None:
            yield from self._finish(current)
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

    def _finish(self, group: Group) -> Iterator[Outcome]:
        part_rows: dict[str, list[PartRow]] = {}
        for stream in self.streams:
            rows, errors = stream.take(group.hid)
            part_rows[stream.part.name] = rows
            group.errors.extend(errors)
        for stream in self.streams:
            yield from stream.drain()
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
