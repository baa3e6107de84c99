"""Part tables (income, measures, visits …) read alongside the main table, in its order."""

from __future__ import annotations

from collections.abc import Iterator

from planner.io.cells import blank
from planner.io.errors import InputError
from planner.io.headers import KEY, Resolver, find_header
from planner.io.layout import Layout, Part
from planner.io.options import ReadOptions
from planner.io.recordbuild import PartRow
from planner.io.rows import RowReader, Rows, header_notices, with_household
from planner.io.tabular import SourceError, TableSource, where

PartGroup = tuple[str, int, list[PartRow], list[InputError]]  # id, first row, rows, errors


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
