"""Typed Parquet (format ``parquet``): one row per record, one real column per model field.

Written in row groups as records stream (:func:`write_typed`); read in batches, each validated
column by column (:mod:`planner.io.columnvalidate`). A marked row goes to the model, whose
errors (or acceptance) it gets; a row no check marks is one the model accepts as it stands.
Under :func:`unbuilt_rows` the households of a batch are not built at all: each accepted one is
a :class:`TypedRow` of its :class:`TypedBatch`, which the columnar checker judges from the Arrow
columns and builds only where a rule needs the record.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from planner.atomic import Replacement
from planner.io.arrow import pa
from planner.io.columnvalidate import suspect_rows
from planner.io.errors import InputError
from planner.io.options import Outcome, ReadOptions, errors_from_validation
from planner.io.tabular import SourceError
from planner.io.typedschema import (
    KIND_KEY,
    Struct,
    clean_input,
    record_input,
    struct_of,
    typed_schema,
)
from planner.io.validation import reason
from planner.printable import printable

COMPRESSION = "zstd"
#: Rows per row group written, and per batch read (fewer when the file's row groups are smaller).
ROW_GROUP = 8192

_UNBUILT: ContextVar[bool] = ContextVar("planner_unbuilt_rows", default=False)


@contextlib.contextmanager
def unbuilt_rows() -> Iterator[None]:
    """Within this block, typed household files yield :class:`TypedRow` records (the columnar
    checker's input), not built households."""
    token = _UNBUILT.set(True)
    try:
        yield
    finally:
        _UNBUILT.reset(token)


class TypedBatch:
    """One batch of a typed file, its rows validated column-wise; builds records on demand."""

    __slots__ = ("batch", "file", "struct")

    def __init__(self, batch: pa.RecordBatch, struct: Struct, file: str) -> None:
        self.batch = batch
        self.struct = struct
        self.file = file

    def build(self, index: int) -> BaseModel:
        """The record of row ``index`` (a row the column checks passed)."""
        return self.struct.model.model_validate(_inputs(self.batch.slice(index, 1),
                                                        self.struct)[0])

    def build_many(self, indices: list[int]) -> list[BaseModel]:
        """The records of rows ``indices``, converted together (a one-row slice converted
        alone costs about four times as much per row)."""
        if not indices:
            return []
        rows = _inputs(self.batch.take(pa.array(indices, type=pa.int64())), self.struct)
        return [self.struct.model.model_validate(row) for row in rows]


class TypedRow:
    """An accepted household of a typed file, not built: its batch, row and id."""

    __slots__ = ("batch", "id", "index")

    def __init__(self, batch: TypedBatch, index: int, record_id: str) -> None:
        self.batch = batch
        self.index = index
        self.id = record_id

    def build(self) -> BaseModel:
        """The household record of this row."""
        return self.batch.build(self.index)

    def value(self, name: str) -> Any:
        """The value of top-level field ``name`` in this row (as the model holds it: the column
        checks passed)."""
        return self.batch.batch.column(name)[self.index].as_py()


def _inputs(batch: pa.RecordBatch, struct: Struct) -> list[dict[str, Any]]:
    """The rows of ``batch`` (rows the column checks passed) as the model's input.

    Such a row holds nulls only where the model's default is ``None`` (:func:`clean_input`),
    so it is given to the model (validated in its compiled core) as Arrow converts it, its
    maps made dicts, not walked in Python to leave its nulls out: that walk cost more than the
    validation (and Arrow's own conversion of maps to dicts is slower still). Assembling the
    records with ``model_construct``, or from the columns in Python, measured slower than the
    model's core builds them.
    """
    rows: list[dict[str, Any]] = batch.to_pylist()
    maps = clean_input(struct.model)
    if maps is None:
        return [record_input(row, struct) for row in rows]
    for name in maps:
        for row in rows:
            pairs = row[name]
            if pairs is not None:
                row[name] = dict(pairs)
    return rows


def write_typed(records: Iterable[BaseModel], path: Path, model: type[BaseModel], kind: str,
                files: Replacement | None = None, row_group: int = ROW_GROUP) -> int:
    """Write ``records`` in the typed layout, a row group at a time (to a temporary file that
    ``files`` renames into place when given)."""
    import pyarrow.parquet as pq

    schema = typed_schema(model, kind)
    target = files.path(path) if files is not None else path
    count = 0
    rows: list[dict[str, Any]] = []
    with pq.ParquetWriter(target, schema, compression=COMPRESSION) as writer:
        for record in records:
            rows.append(record.model_dump())
            count += 1
            if len(rows) >= row_group:
                writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
                rows = []
        if rows or count == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))
    return count


def _conform(schema: pa.Schema, model: type[BaseModel], kind: str) -> pa.Schema:
    """The schema batches are cast to: the layout's, for the columns the file has.

    A column the model does not know, or one whose type cannot be cast to the layout's, makes
    the whole file unreadable (the layout is the contract); a column left out is not recorded.
    """
    expected = typed_schema(model, kind)
    held = (schema.metadata or {}).get(KIND_KEY)
    if held is not None and held != kind.encode():
        found = held.decode(errors="replace")
        raise SourceError(f"此 Parquet 文件保存的是 {found} 记录，不是 {kind}",
                          f"this Parquet file holds {found} records, not {kind} records")
    fields = []
    for name in schema.names:
        if expected.get_field_index(name) < 0:
            raise SourceError(f"未知列 {printable(name)}（模型中没有此字段）",
                              f"unknown column {printable(name)} (not in the model)")
        target = expected.field(name)
        try:
            pa.array([], type=schema.field(name).type).cast(target.type)
        except (pa.ArrowException, ValueError) as exc:
            raise SourceError(
                f"列 {name} 的类型 {schema.field(name).type} 不能读作 {target.type}",
                f"column {name} of type {schema.field(name).type} cannot be read as "
                f"{target.type}") from exc
        fields.append(target)
    return pa.schema(fields)


def _complete(batch: pa.RecordBatch, schema: pa.Schema, expected: pa.Schema) -> pa.RecordBatch:
    """``batch`` cast to the layout's types, every column of the layout there (nulls if not)."""
    if batch.schema != schema:
        batch = batch.cast(schema)
    if len(schema) == len(expected):
        return batch
    columns = [batch.column(name) if name in schema.names
               else pa.nulls(batch.num_rows, type=expected.field(name).type)
               for name in expected.names]
    return pa.RecordBatch.from_arrays(columns, schema=expected)


def _row(batch: pa.RecordBatch, index: int) -> dict[str, Any] | tuple[str, str, str]:
    """Row ``index`` as Python values, or the error of a value Python cannot hold (a date
    beyond year 9999): its column and the reason in both languages."""
    one = batch.slice(index, 1)
    try:
        return one.to_pylist()[0]
    except (pa.ArrowException, ValueError, OverflowError):
        for name in one.schema.names:
            try:
                one.column(name).to_pylist()
            except (pa.ArrowException, ValueError, OverflowError):
                zh, en = reason({"type": "date_from_datetime_parsing"}, BaseModel)
                return name, zh, en
        raise


def _batch_rows(handle: Any, batch_size: int) -> int:
    """Rows per batch read: a row group (the column checks and the columnar checker cost
    about the same per batch whatever its size), but no more than the file's smallest row group
    before its last (which holds what is left), so that damage in one row group loses no
    record of those before it."""
    groups = [handle.metadata.row_group(i).num_rows
              for i in range(handle.metadata.num_row_groups)]
    return max(batch_size, min([ROW_GROUP, *(n for n in groups[:-1] if n > 0)]))


def _clean_rows(batch: pa.RecordBatch, struct: Struct, chunk: int
                ) -> Iterator[dict[str, Any]]:
    """The model's input of each row of ``batch``, ``chunk`` rows converted at a time."""
    for start in range(0, batch.num_rows, chunk):
        yield from _inputs(batch.slice(start, chunk), struct)


class TypedChunk:
    """One batch of a typed file as read: its rows, the rows a column check marked, and the
    model's verdict on each of those (:meth:`verdict`, judged when asked)."""

    __slots__ = ("first", "marked", "model", "options", "typed")

    def __init__(self, typed: TypedBatch, marked: Any, model: type[BaseModel],
                 options: ReadOptions, first: int) -> None:
        self.typed = typed
        self.marked = marked  # numpy mask of the rows a column check marked
        self.model = model
        self.options = options
        self.first = first  # the record number of the batch's first row

    def verdict(self, index: int) -> Outcome:
        """The model's verdict on marked row ``index``."""
        typed = self.typed
        return _validated(typed.batch, index, self.model, typed.struct, self.options, typed.file,
                          self.first + index)


def typed_chunks(path: Path, model: type[BaseModel], kind: str, options: ReadOptions, *,
                 row_groups: list[int] | None = None, start: int = 0
                 ) -> Iterator[TypedChunk | Outcome]:
    """The batches of a typed file, in order, each validated column-wise (of its
    ``row_groups`` only when given, numbered from record ``start + 1``), then the outcome of
    damage met, if any, after which nothing comes."""
    from planner.io.parquet import batches_or_damage, open_parquet

    label = str(path)
    handle = open_parquet(path)
    schema = _conform(handle.schema_arrow, model, kind)
    expected = typed_schema(model, kind)
    struct = struct_of(model)
    number = start
    for batch in batches_or_damage(handle, label, _batch_rows(handle, options.batch_size),
                                   row_groups=row_groups, start=start):
        if isinstance(batch, Outcome):
            yield batch
            return
        batch = _complete(batch, schema, expected)
        yield TypedChunk(TypedBatch(batch, struct, label), suspect_rows(batch, struct), model,
                         options, number + 1)
        number += batch.num_rows


def read_typed(path: Path, model: type[BaseModel], kind: str, options: ReadOptions, *,
               row_groups: list[int] | None = None, start: int = 0, lazy: bool | None = None
               ) -> Iterator[Outcome]:
    """The outcomes of a typed file, batch by batch, in order: of its ``row_groups`` only when
    given (a part read by a worker), numbered from record ``start + 1``; ``lazy`` (default: as
    :func:`unbuilt_rows` says) leaves clean households unbuilt for the columnar checker."""
    from planner.model import Household

    lazy = (_UNBUILT.get() if lazy is None else lazy) and model is Household
    for chunk in typed_chunks(path, model, kind, options, row_groups=row_groups, start=start):
        if isinstance(chunk, Outcome):
            yield chunk
            return
        typed, marked = chunk.typed, chunk.marked
        batch = typed.batch
        clean: Iterator[dict[str, Any]] = iter(())
        ids: list[Any] = []
        if lazy:
            ids = batch.column("id").to_pylist()
        elif not marked.all():
            clean = _clean_rows(batch.filter(pa.array(~marked)) if marked.any() else batch,
                                typed.struct, options.batch_size)
        for index, suspect in enumerate(marked.tolist()):
            if not suspect:
                if lazy:
                    # a stand-in the columnar checker alone is given (under unbuilt_rows)
                    yield Outcome(TypedRow(typed, index, ids[index]), [])  # type: ignore[arg-type]
                else:
                    yield Outcome(model.model_validate(next(clean)), [])
                continue
            yield chunk.verdict(index)


def _validated(batch: pa.RecordBatch, index: int, model: type[BaseModel], struct: Struct,
               options: ReadOptions, label: str, number: int) -> Outcome:
    """The model's verdict on a row a column check marked."""
    row = _row(batch, index)
    record_id = batch.column("id")[index].as_py() if "id" in batch.schema.names else None
    household = printable(str(record_id)) if record_id is not None else None
    if isinstance(row, tuple):
        name, zh, en = row
        return Outcome(None, [InputError(file=label, record=number, household=household,
                                         field=name, reason_zh=zh, reason_en=en)])
    try:
        return Outcome(model.model_validate(record_input(row, struct)), [])
    except ValidationError as exc:
        return Outcome(None, errors_from_validation(exc, model, options, file=label,
                                                    record=number, household=household))


__all__ = ["ROW_GROUP", "TypedBatch", "TypedChunk", "TypedRow", "read_typed",
           "typed_chunks", "unbuilt_rows", "write_typed"]
