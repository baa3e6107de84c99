"""Parquet, streamed in batches with ``ParquetFile.iter_batches``: typed, JSON text or flat.

*Typed* (format ``parquet``, written by default): one row per record, one real column per model
field, lists as nested lists (:mod:`planner.io.typedparquet`); marked in the schema's metadata.

*JSON text* (written by earlier versions, still read): one row per record, the record itself a
JSON string column ``record`` (validated with ``model_validate_json``, the fast path of JSON
Lines), next to plain columns ``id``, ``region.county``, ``region.town`` and ``region.village``.

*Flat* (format ``parquet-flat``): the per-member layout of CSV and XLSX with typed columns
(booleans, integers, floats, dates; lists and mappings as text), parts in sibling files
``households.income.parquet`` …; for spreadsheets and tools that want one table per part.
Reading detects the shape from the schema (:func:`layout_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from planner.atomic import Replacement
from planner.io.arrow import pa, pq
from planner.io.errors import FILE, InputError
from planner.io.formulas import escape_mark
from planner.io.layout import SCALAR, Column, Layout
from planner.io.options import Outcome, ReadOptions
from planner.io.raw import RawRecord, validate_raw
from planner.io.tabular import RowIterator, SourceError, TableSource, sibling_path

RECORD = "record"
FILTER_COLUMNS = ("id", "region.county", "region.town", "region.village")
COMPRESSION = "zstd"
READ_BUFFER = 1 << 20


def open_parquet(path: Path) -> pq.ParquetFile:
    """Open a Parquet file, or raise :class:`SourceError` when it is not one."""
    try:
        # No pre-buffering and a bounded read buffer: memory stays at about one row group.
        return pq.ParquetFile(path, pre_buffer=False, buffer_size=READ_BUFFER)
    except (pa.ArrowException, OSError) as exc:
        detail = str(exc).strip()
        raise SourceError(f"无法读取 Parquet 文件：{detail}",
                          f"cannot read the Parquet file: {detail}") from exc


def damaged(exc: Exception, number: int) -> SourceError:
    """A Parquet file whose data cannot be decoded after record ``number``."""
    detail = str(exc).strip()
    return SourceError(f"Parquet 文件在第{number + 1}条记录附近已损坏，其余部分未读取：{detail}",
                       f"the Parquet file is damaged near record {number + 1}; the rest was not "
                       f"read: {detail}", number + 1)


def is_nested(path: Path) -> bool:
    """True when the file holds one JSON record per row (column ``record``)."""
    return RECORD in open_parquet(path).schema_arrow.names


def layout_of(path: Path) -> str:
    """``typed`` (marked in the metadata), ``json`` (a ``record`` column) or ``flat``."""
    from planner.io.typedschema import is_typed

    schema = open_parquet(path).schema_arrow
    if is_typed(schema):
        return "typed"
    return "json" if RECORD in schema.names else "flat"


def read_nested(path: Path, model: type[BaseModel], options: ReadOptions) -> Iterator[Outcome]:
    """Validate the ``record`` column batch by batch."""
    for item in nested_raw(path, options):
        yield item if isinstance(item, Outcome) else validate_raw(item, model, options)


def nested_raw(path: Path, options: ReadOptions) -> Iterator[Outcome | RawRecord]:
    """The ``record`` cells of a nested Parquet file as raw records, numbered, not validated;
    an :class:`Outcome` for an empty cell, or for damage after which nothing comes."""
    label = str(path)
    number = 0
    for batch in batches_or_damage(open_parquet(path), label, options.batch_size,
                                   columns=[RECORD]):
        if isinstance(batch, Outcome):
            yield batch
            return
        for text in batch.column(0).to_pylist():
            number += 1
            if text is None:
                empty = InputError(file=label, record=number, field=RECORD,
                                   reason_zh="记录为空", reason_en="the record is empty")
                yield Outcome(None, [empty])
                continue
            yield RawRecord(text, label, number)


def batches_or_damage(handle: pq.ParquetFile, label: str, batch_size: int,
                      columns: list[str] | None = None, row_groups: list[int] | None = None,
                      start: int = 0) -> Iterator[pa.RecordBatch | Outcome]:
    """The record batches of ``handle`` (of ``row_groups`` only, when given, whose first record
    is record ``start + 1``), then, if a page cannot be decoded (damage is met only when read),
    the whole-file error saying after which record, and nothing more."""
    number = start
    batches = handle.iter_batches(batch_size=batch_size, columns=columns, use_threads=False,
                                  row_groups=row_groups)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as exc:
            failure = damaged(exc, number)
            yield Outcome(None, [InputError(file=label, record=failure.row, level=FILE,
                                            reason_zh=failure.zh, reason_en=failure.en)],
                          counted=False)
            return
        if batch is None:
            return
        number += batch.num_rows
        yield batch


def _unreadable(path: Path, sheet: str | None, failure: SourceError) -> TableSource:
    """A table whose rows raise ``failure``: the reader reports it under this file's name."""

    def rows() -> RowIterator:
        raise failure
        yield  # a generator, like every other source

    return TableSource(str(path), sheet, rows, numbered="record")


def flat_source(path: Path, batch_size: int, sheet: str | None = None) -> TableSource:
    """A flat Parquet file as a table whose header is its schema; rows are numbered as records.

    A file that cannot be opened, or whose data is damaged, raises :class:`SourceError` when its
    rows are read, so that a damaged part file is reported under its own name.
    """
    try:
        handle = open_parquet(path)
    except SourceError as exc:
        return _unreadable(path, sheet, exc)

    def rows() -> RowIterator:
        number = 0
        batches = handle.iter_batches(batch_size=batch_size, use_threads=False)
        while True:
            try:
                batch = next(batches, None)
            except (pa.ArrowException, OSError) as exc:
                raise damaged(exc, number) from exc
            if batch is None:
                return
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns, strict=True):
                number += 1
                yield number, row

    header = list(handle.schema_arrow.names)
    return TableSource(str(path), sheet, rows, header=header, numbered="record")


def write_nested(records: Iterable[BaseModel], path: Path, batch_size: int = 4096,
                 files: Replacement | None = None) -> int:
    """Write one row per record: filter columns plus the JSON ``record`` (to a temporary file
    that ``files`` renames into place when given)."""
    schema = pa.schema([*(pa.field(name, pa.string()) for name in FILTER_COLUMNS),
                        pa.field(RECORD, pa.string())])
    count = 0
    buffer: list[list[Any]] = [[] for _ in schema]
    target = files.path(path) if files is not None else path
    with pq.ParquetWriter(target, schema, compression=COMPRESSION) as writer:
        for record in records:
            region = getattr(record, "region", None)
            buffer[0].append(record.id)  # type: ignore[attr-defined]
            buffer[1].append(getattr(region, "county", None))
            buffer[2].append(getattr(region, "town", None))
            buffer[3].append(getattr(region, "village", None))
            buffer[4].append(record.model_dump_json(exclude_none=True))
            count += 1
            if len(buffer[0]) >= batch_size:
                writer.write_batch(pa.record_batch(buffer, schema=schema))
                buffer = [[] for _ in schema]
        if buffer[0] or count == 0:
            writer.write_batch(pa.record_batch(buffer, schema=schema))
    return count


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type of a flat column: typed scalars, text for lists, mappings and JSON."""
    if column.pseudo:
        return pa.bool_()
    if column.kind != SCALAR:
        return pa.string()
    tp = column.type
    if isinstance(tp, type) and issubclass(tp, Enum):
        return pa.string()
    if tp is bool:
        return pa.bool_()
    if tp is int:
        return pa.int64()
    if tp is float:
        return pa.float64()
    if tp is datetime:
        return pa.timestamp("us")
    if tp is date:
        return pa.date32()
    return pa.string()


class ParquetTables:
    """Flat tables as Parquet files: the main file plus one sibling file per part, in batches.

    Text that would read back as marked (an apostrophe before a formula character) gets one
    more apostrophe (:func:`planner.io.formulas.escape_mark`), as in XLSX. With ``files`` each
    file is written under a temporary name that ``files`` renames into place.
    """

    def __init__(self, path: Path, layout: Layout, main: str, batch_size: int = 4096,
                 files: Replacement | None = None):
        self.path = path
        self.files = files
        self.main = main
        self.batch_size = batch_size
        self.schemas = {main: pa.schema([pa.field(c.name, arrow_type(c)) for c in layout.columns])}
        for part in layout.parts:
            keys = [pa.field(k, pa.int64() if k.endswith("_number") else pa.string())
                    for k in part.keys]
            self.schemas[part.name] = pa.schema(
                [*keys, *(pa.field(c.name, arrow_type(c)) for c in part.columns)])
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._buffers: dict[str, list[Sequence[Any]]] = {}
        self._writer(main)

    def _writer(self, table: str) -> pq.ParquetWriter:
        writer = self._writers.get(table)
        if writer is None:
            target = self.path if table == self.main else sibling_path(self.path, table)
            if self.files is not None:
                target = self.files.path(target)
            writer = self._writers[table] = pq.ParquetWriter(target, self.schemas[table],
                                                             compression=COMPRESSION)
            self._buffers[table] = []
        return writer

    def write(self, table: str, header: Sequence[str], row: Sequence[Any]) -> None:
        """Buffer ``row``; a full buffer becomes a record batch."""
        self._writer(table)
        buffer = self._buffers[table]
        buffer.append([escape_mark(value) for value in row])
        if len(buffer) >= self.batch_size:
            self._flush(table)

    def _flush(self, table: str) -> None:
        schema = self.schemas[table]
        rows = self._buffers[table]
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in schema]
        self._writers[table].write_batch(pa.record_batch(columns, schema=schema))
        self._buffers[table] = []

    def close(self) -> None:
        """Flush every buffer and close the files."""
        for table, writer in self._writers.items():
            if self._buffers[table] or table == self.main:
                self._flush(table)
            writer.close()
