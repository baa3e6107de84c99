"""Part tables (income, measures, visits …) read alongside the main table, in its order.

A quick first pass notes which household ids the part table holds (one entry per id, like the
main table's first pass) and whether each id's rows are adjacent. The second pass streams
the rows household by household in the main table's order. So a household without part rows is
told apart from one whose rows come later: part rows of an id the main table never names are
rejected on their own (and block nothing), and a household whose part rows cannot be matched
(out of order, split, or in an unreadable part table) is rejected, never accepted without them.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.io.cells import blank
from planner.io.columns import TableMap
from planner.io.errors import InputError
from planner.io.headers import KEY, Header, Resolver, find_header
from planner.io.layout import Layout, Part
from planner.io.options import Outcome, ReadOptions
from planner.io.recordbuild import PartRow
from planner.io.rows import RowReader, Rows, header_notices, with_household
from planner.io.seen import IdTable
from planner.io.tabular import SourceError, TableSource, where

PartGroup = tuple[str, int, list[PartRow], list[InputError]]  # id, first row, rows, errors

_PENDING, _SKIPPED, _SPLIT, _DONE, _CUT = "pending", "skipped", "split", "done", "cut"


class PartStream:
    """Rows of one part table, taken household by household in the main table's order."""

    def __init__(self, part: Part, source: TableSource, layout: Layout, options: ReadOptions,
                 seen: IdTable):
        self.part = part
        self.source = source
        self.seen = seen
        self.outcomes: list[Outcome] = []
        self._groups: Iterator[PartGroup] = iter(())
        self._head: PartGroup | None = None
        self._state: dict[str, str] = {}  # household id → _PENDING, _SKIPPED …
        self._skipped: dict[str, list[tuple[int, int]]] = {}  # id → (first row, rows) passed over
        self._failure: tuple[int | None, str, str] | None = None  # the table could not be read
        resolver = Resolver(layout, part)
        table = options.column_map.table(part.name)
        try:
            header, rows = find_header(source.rows(), resolver, table, source.file, source.header)
        except SourceError as exc:
            self._fail(exc.row, exc.zh, exc.en)
            return
        if header is None:
            self._fail(None, "找不到表头行", "no header row found")
            return
        self._notice(header_notices(source, header))
        missing = [k for k in part.keys if not header.has(KEY, (k,))]
        if missing:
            self._fail(header.number or None, f"缺少必需的列：{'、'.join(missing)}",
                       f"required column missing: {', '.join(missing)}")
            return
        self._reader = RowReader(source, header, resolver, options)
        self._survey(header, resolver, table)
        self._groups = self._read_groups(rows)
        self._advance()

    def _notice(self, errors: list[InputError], counted: bool = False, rows: int = 1) -> None:
        if errors:
            self.outcomes.append(Outcome(None, errors, counted=counted, rejected_rows=rows))

    def _fail(self, number: int | None, zh: str, en: str) -> None:
        self._failure = (number, zh, en)
        self._notice([InputError(**where(self.source, number),
                                 reason_zh=f"附表无法读取：{zh}",
                                 reason_en=f"the part table cannot be read: {en}")])

    def _survey(self, header: Header, resolver: Resolver, table: TableMap) -> None:
        """First pass: the ids of the table and whether each one's rows are adjacent."""
        reader = RowReader(self.source, header, resolver, self._reader.options)
        name = self.part.keys[0]
        state = self._state
        last: str | None = None
        try:
            _header, rows = find_header(self.source.rows(), resolver, table, self.source.file,
                                        self.source.header)
            for _number, cells in rows:
                hid = reader.key_of(cells, name)
                if hid is None or hid == last:
                    continue
                state[hid] = _SPLIT if hid in state else _PENDING
                last = hid
        except SourceError as exc:
            if last is not None:
                state[last] = _CUT  # its rows may go on past the damage
            self._failure = (exc.row, exc.zh, exc.en)  # reported by the second pass

    def _advance(self) -> None:
        try:
            self._head = next(self._groups)
        except SourceError as exc:
            self._notice([InputError(**where(self.source, exc.row), reason_zh=exc.zh,
                                     reason_en=exc.en)])
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
                self._notice([InputError(
                    **where(self.source, number), field=key_name,
                    reason_zh="该行没有户编号，不属于任何一户，未读取",
                    reason_en="the row has no household id and belongs to no household; "
                              "it was not read",
                ), *values.errors], counted=True)
                continue
            if values.errors:
                values.errors = with_household(values.errors, hid_slot.value)
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

    def _error(self, hid: str, number: int | None, zh: str, en: str) -> InputError:
        return InputError(**where(self.source, number), household=hid, reason_zh=zh, reason_en=en)

    def take(self, hid: str) -> tuple[list[PartRow], list[InputError]]:
        """The part rows of household ``hid``; an error rejects it when they cannot be matched."""
        state = self._state.get(hid)
        if self._failure is not None and state in (None, _CUT):
            number, zh, en = self._failure
            where_zh = f"第{number}行起" if number else ""
            where_en = f" from row {number}" if number else ""
            return [], [self._error(
                hid, number, f"附表{where_zh}无法读取（{zh}），无法核对此户的附表行，此户未读取",
                f"the part table cannot be read{where_en} ({en}); this household's part rows "
                "cannot be checked, so it was not read")]
        if state is None or state == _DONE:
            return [], []
        self._state[hid] = _DONE
        if state == _SPLIT:
            return [], [self._error(
                hid, None, "此户的附表行不相邻（被其他户的行隔开），此户未读取",
                "this household's part rows are not adjacent (other households' rows come "
                "between them); the household was not read")]
        if state == _SKIPPED:
            number, _rows = self._skipped.pop(hid)[0]
            return [], [self._error(
                hid, number, "附表中此户的行排在主表更靠后的户之后；附表的行必须与主表同序，"
                "此户未读取", "this household's part rows come after those of a household "
                "listed later in the main table; part rows must follow the main table's order, "
                "so the household was not read")]
        while self._head is not None:
            head_id, number, rows, errors = self._head
            self._advance()
            if head_id == hid:
                return rows, errors
            self._pass_over(head_id, number, len(rows))
        return [], []

    def _pass_over(self, hid: str, number: int, rows: int) -> None:
        """A group skipped on the way to a later household's rows."""
        if self._state.get(hid) == _DONE:
            return  # a split household, already rejected
        if self._state.get(hid) == _PENDING:
            self._state[hid] = _SKIPPED
        self._skipped.setdefault(hid, []).append((number, rows))

    def _unknown(self, hid: str, number: int, rows: int) -> None:
        span = f"第{number}行起的 {rows} 行" if rows > 1 else "此行"
        span_en = f"its {rows} rows from row {number} were" if rows > 1 else "this row was"
        self._notice([self._error(hid, number, f"户编号 {hid} 不在主表中，{span}未读取",
                                  f"household {hid} is not in the main table; {span_en} not "
                                  "read")], counted=True, rows=rows)

    def finish(self) -> list[Outcome]:
        """Reject rows left over after the main table ended (their household is not in it)."""
        while self._head is not None:
            head_id, number, rows, _errors = self._head
            self._advance()
            self._pass_over(head_id, number, len(rows))
        for hid, groups in self._skipped.items():
            if hid not in self.seen:
                for first, count in groups:
                    self._unknown(hid, first, count)
        self._skipped.clear()
        return self.drain()

    def drain(self) -> list[Outcome]:
        """Outcomes gathered so far (notices, rejected rows), and forget them."""
        outcomes, self.outcomes = self.outcomes, []
        return outcomes
