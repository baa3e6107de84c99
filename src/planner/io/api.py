"""Reading and writing records in any format: the functions other modules call."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from planner.atomic import Replacement
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.errors import (
    FILE,
    FormatError,
    InputError,
    ReadFailure,
    ReadStats,
    StrictError,
    mask_household,
)
from planner.io.fileobjects import Readable, object_format, renamed, spooled
from planner.io.flatread import read_flat
from planner.io.flatwrite import write_flat
from planner.io.formats import detect_format
from planner.io.jsonio import jsonl_raw, read_json, read_jsonl, write_json, write_jsonl
from planner.io.layout import MODELS, layout_for
from planner.io.options import KINDS, TABLES, Outcome, ReadOptions
from planner.io.seen import SeenRecords
from planner.io.tabular import (
    CsvTables,
    SourceError,
    TableSource,
    Workbook,
    XlsxTables,
    csv_source,
    sibling_path,
)
from planner.model import Household, Project, Village
from planner.source import Source, Sourced

logger = logging.getLogger("planner.io")
T = TypeVar("T")
#: Raw outcomes of one file in, outcomes out (see :func:`read_sourced`).
Through = Callable[[str, Iterator[Any]], Iterator[Outcome]]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {KINDS}")


def _siblings(path: Path, kind: str, opener: Any) -> dict[str, TableSource]:
    found = {}
    for part in layout_for(kind).parts:
        sibling = sibling_path(path, part.name)
        if sibling.exists():
            found[part.name] = opener(sibling)
    return found


def _main_sheet(book: Workbook, kind: str, options: ReadOptions) -> str:
    wanted = options.column_map.table(TABLES[kind]).sheet or TABLES[kind]
    return wanted if wanted in book.sheet_names else book.sheet_names[0]


def _xlsx(path: Path, kind: str, options: ReadOptions) -> Iterator[Outcome]:
    book = Workbook(path)
    try:
        if not book.sheet_names:
            raise SourceError("工作簿中没有工作表", "the workbook has no sheets")
        main = _main_sheet(book, kind, options)
        parts = {p.name: book.source(p.name) for p in layout_for(kind).parts
                 if p.name in book.sheet_names and p.name != main}
        yield from read_flat(kind, book.source(main), parts, options)
    finally:
        book.close()


def _parquet(path: Path, kind: str, options: ReadOptions, raw: bool) -> Iterator[Any]:
    from planner.io.parquet import (  # pyarrow only when needed
        flat_source,
        layout_of,
        nested_raw,
        read_nested,
    )

    layout = layout_of(path)
    if layout == "typed":  # validated column-wise, never raw
        from planner.io.typedparquet import read_typed

        yield from read_typed(path, MODELS[kind], kind, options)
        return
    if layout == "json":
        yield from (nested_raw(path, options) if raw else read_nested(path, MODELS[kind], options))
        return
    parts = _siblings(path, kind, lambda p: flat_source(p, options.batch_size))
    yield from read_flat(kind, flat_source(path, options.batch_size), parts, options)


def outcomes(path: Path, kind: str, fmt: str, options: ReadOptions,
             raw: bool = False) -> Iterator[Any]:
    """Every Outcome of reading ``path`` (one per record, plus file-level notices).

    With ``raw``, JSON Lines and nested Parquet records come as :class:`RawRecord` (not
    validated yet: :func:`planner.io.raw.validate_raw` gives their outcome), other formats as
    outcomes.
    """
    def produce() -> Iterator[Any]:
        if fmt == "jsonl":
            yield from (jsonl_raw(path) if raw else read_jsonl(path, MODELS[kind], options))
        elif fmt == "json":
            yield from read_json(path, MODELS[kind], options, TABLES[kind])
        elif fmt == "csv":
            yield from read_flat(kind, csv_source(path), _siblings(path, kind, csv_source), options)
        elif fmt == "xlsx":
            yield from _xlsx(path, kind, options)
        else:
            yield from _parquet(path, kind, options, raw)

    return _guarded(path, produce())


def _guarded(path: Path, items: Iterator[T]) -> Iterator[T | Outcome]:
    """``items`` read from ``path``; a file the reader refuses ends them with its whole-file
    error, an unexpected exception is raised as a :class:`ReadFailure` naming the file."""
    try:
        yield from items
    except SourceError as exc:
        yield Outcome(None, [InputError(file=str(path), row=exc.row, reason_zh=exc.zh,
                                        reason_en=exc.en, level=FILE)], counted=False)
    except FormatError:  # ReadFailure among them
        raise
    except Exception as exc:
        if isinstance(exc, OSError) and exc.filename is not None:
            raise  # the caller names the file and the system's reason
        # A bug met on hostile input: raised, not hidden, but naming the file (the CLI's guard
        # turns it into exit 2 without a traceback).
        raise ReadFailure(str(path), exc) from exc


def _unless_seen(outcome: Outcome, seen: SeenRecords, source: int, position: int) -> Outcome:
    """``outcome``, or its rejection when its record's id was accepted before in the run."""
    record_id = getattr(outcome.record, "id", None)
    if not isinstance(record_id, str):
        return outcome
    if outcome.place is None:
        first = seen.add(record_id, source, position)
    else:
        first = seen.add(record_id, *seen.source_of(outcome.place))
    if first is None:
        return outcome
    place = outcome.place or {"file": seen.source_file(source), "record": position}
    return Outcome(None, [seen.duplicate(record_id, place, first), *outcome.errors])


def _masked(error: InputError) -> InputError:
    """``error`` with its household id masked when that id is an ID number."""
    household = error.household
    if not household:
        return error
    masked = mask_household(household)
    return error if masked == household else error.with_household(masked)


def accepted(
    results: Iterable[Outcome], errors: list[InputError] | None, stats: ReadStats, strict: bool,
    warnings: list[InputError] | None = None, mask: bool = True,
    seen: SeenRecords | None = None, file: str = "",
) -> Iterator[tuple[Outcome, int]]:
    """The outcomes of accepted records, each with its position among the file's records.

    Counts, collects and stops as :func:`consume` says; the outcome's ``place`` and ``rows``
    (or, where it has none, the position) tell where its record was read.
    """
    source = seen.source(file) if seen is not None else 0
    position = 0
    for outcome in results:
        if outcome.counted:
            position += 1
        if seen is not None and outcome.record is not None:
            outcome = _unless_seen(outcome, seen, source, position)
        if mask and outcome.errors:
            outcome.errors = [_masked(e) for e in outcome.errors]
        for error in outcome.errors:
            target = warnings if error.is_warning else errors
            if target is not None:
                target.append(error)
            else:
                logger.log(logging.INFO if error.is_warning else logging.WARNING, "%s", error)
        if outcome.counted:
            if outcome.record is not None:
                stats.read += 1
                stats.accepted += 1
            else:
                stats.read += outcome.rejected_rows
                stats.rejected += outcome.rejected_rows
        if strict:
            first = next((e for e in outcome.errors if not e.is_warning), None)
            if first is not None:
                raise StrictError(first)
        if outcome.record is not None:
            yield outcome, position


def consume(
    results: Iterable[Outcome], errors: list[InputError] | None, stats: ReadStats, strict: bool,
    warnings: list[InputError] | None = None, mask: bool = True,
    seen: SeenRecords | None = None, file: str = "",
) -> Iterator[Any]:
    """Count outcomes, collect errors and warnings, stop in strict mode, yield accepted records.

    Errors go to ``errors`` and warnings (unused columns) to ``warnings``; either is logged when
    its list is None. With ``mask``, a household id that is an ID number is masked in them. With
    ``seen`` (the ids accepted so far in the run), a record whose id was accepted before is
    rejected, located by its outcome's place or its position in ``file``.
    """
    for outcome, _position in accepted(results, errors, stats, strict, warnings, mask, seen,
                                       file):
        yield outcome.record


class AcceptedChunk:
    """The households of one batch of a typed Parquet file that were accepted, for a checker
    that judges them together (:meth:`~planner.backends.columnar.checker.ColumnarChecker.
    iter_chunk_findings`): ``rows`` (numpy, in input order) index the batch; a row a column
    check marked and the model accepted is in ``built``, as the model made it."""

    __slots__ = ("built", "file", "first", "rows", "typed")

    def __init__(self, typed: Any, rows: Any, built: dict[int, Any], file: str,
                 first: int) -> None:
        self.typed = typed  # planner.io.typedparquet.TypedBatch
        self.rows = rows
        self.built = built
        self.file = file
        self.first = first  # the position among the file's records of the batch's first row

    def __len__(self) -> int:
        return len(self.rows)

    def source(self, row: int) -> Source:
        """Where the household of ``row`` was read (as :func:`source_of` says)."""
        return Source(self.file, None, (self.first + row,))


def accepted_chunks(path: str | Path, kind: str, options: ReadOptions,
                    errors: list[InputError] | None, stats: ReadStats,
                    warnings: list[InputError] | None, mask: bool, seen: SeenRecords
                    ) -> Iterator[AcceptedChunk]:
    """The accepted records of a typed Parquet file, a batch at a time: what
    :func:`read_sourced` yields one by one, counted, collected and checked for ids read before
    (:meth:`SeenRecords.add_many`) with array operations; only the records a column check
    marked, and those rejected, are outcomes of their own (not strict: the first rejection
    would stop the run in the middle of a batch)."""
    import numpy as np

    from planner.io.typedparquet import typed_chunks

    path = Path(path)
    file = str(path)
    source = seen.source(file)
    position = 0
    for chunk in _guarded(path, typed_chunks(path, MODELS[kind], kind, options)):
        if isinstance(chunk, Outcome):  # the file refused, or damage after its last batch
            for _ in accepted([chunk], errors, stats, False, warnings, mask, None, file):
                pass
            continue
        marked = chunk.marked
        batch = chunk.typed.batch
        verdicts = {int(i): chunk.verdict(int(i)) for i in np.flatnonzero(marked)}
        keep = ~marked
        ids: list[Any] = batch.column("id").to_pylist()
        for index, outcome in verdicts.items():
            if outcome.record is not None:
                keep[index] = True
                ids[index] = getattr(outcome.record, "id", None)
        rows = np.flatnonzero(keep)
        kept_ids = ids if len(rows) == len(ids) else [ids[i] for i in rows.tolist()]
        repeated = seen.add_many(kept_ids, source, position + rows + 1)
        special: dict[int, Outcome] = dict(verdicts)
        for at, first in repeated.items():
            index = int(rows[at])
            place = {"file": seen.source_file(source), "record": position + index + 1}
            earlier = verdicts.get(index)
            special[index] = Outcome(None, [seen.duplicate(ids[index], place, first),
                                            *(earlier.errors if earlier else ())])
        plain = len(rows) - sum(1 for index in special if keep[index])
        stats.read += plain
        stats.accepted += plain
        # the others counted and their errors collected in input order, as one by one
        built = {}
        for index in sorted(special):
            for outcome, _ in accepted([special[index]], errors, stats, False, warnings, mask,
                                       None, file):
                built[index] = outcome.record
        if repeated:
            rows = np.delete(rows, list(repeated))
        yield AcceptedChunk(chunk.typed, rows, built, file, position + 1)
        position += batch.num_rows


def source_of(outcome: Outcome, position: int, file: str, layout: str | None = None,
              fields: frozenset[str] | None = None) -> Source:
    """Where an accepted record was read: its table rows (a household's member rows), else the
    row or record number of its place, else its position among the records of ``file``."""
    place = outcome.place
    if place is None:
        return Source(file, None, (position,), layout, fields)
    rows = outcome.rows
    if not rows:
        number = place.get("row") or place.get("record")
        rows = (number,) if number else (position,)
    return Source(place.get("file") or file, place.get("sheet"), rows, layout, fields)


def read_records(
    kind: str,
    path: Readable,
    *,
    fmt: str | None = None,
    column_map: ColumnMap | str | Path | None = None,
    strict: bool = False,
    errors: list[InputError] | None = None,
    stats: ReadStats | None = None,
    income_year: int | None = None,
    mask: bool = True,
    warnings: list[InputError] | None = None,
    batch_size: int = 1024,
    seen: SeenRecords | None = None,
) -> Iterator[Any]:
    """Stream the records of ``kind`` (household, village, project) from ``path``.

    The format comes from the extension unless ``fmt`` is given. Rejections are appended to
    ``errors`` and notices that reject nothing (unused columns) to ``warnings``; each is logged
    when its list is None. ``stats`` counts records read, accepted and rejected. ``strict``
    raises :class:`StrictError` at the first rejection. ``income_year`` is the year of income
    total columns (overrides the column map's); ``mask=False`` shows personal data in error
    values. Missing files and unknown formats raise :class:`FormatError` at once.

    A record whose id was accepted before is rejected (the first one is kept): within the file,
    or across the files of one run when they share ``seen`` (as a :class:`Dataset` does).

    ``path`` may be a binary file object (a web upload, ``io.BytesIO``): its format comes from its
    ``name`` or ``fmt``, and errors name it (:mod:`planner.io.fileobjects`).
    """
    if not isinstance(path, str | Path):  # a binary file object
        return _read_object(kind, path, fmt, column_map, strict, errors, stats, income_year,
                            mask, warnings, batch_size, seen)
    results, stats, seen = _prepare(kind, path, fmt, column_map, stats, income_year, mask,
                                    batch_size, seen)
    return consume(results, errors, stats, strict, warnings, mask=mask, seen=seen,
                   file=str(path))


def _read_object(kind: str, source: Any, fmt: str | None,
                 column_map: ColumnMap | str | Path | None, strict: bool,
                 errors: list[InputError] | None, stats: ReadStats | None,
                 income_year: int | None, mask: bool, warnings: list[InputError] | None,
                 batch_size: int, seen: SeenRecords | None) -> Iterator[Any]:
    """:func:`read_records` of a binary file object: its format is checked at once, its bytes
    spooled when the reading starts."""
    _check_kind(kind)
    name, fmt = object_format(source, fmt)

    def records() -> Iterator[Any]:
        with spooled(source, name) as spool:
            results, counts, ids = _prepare(kind, spool, fmt, column_map, stats, income_year,
                                            mask, batch_size, seen)
            yield from consume(renamed(results, spool, name), errors, counts, strict, warnings,
                               mask=mask, seen=ids, file=name)

    return records()


def read_sourced(
    kind: str,
    path: str | Path,
    *,
    fmt: str | None = None,
    column_map: ColumnMap | str | Path | None = None,
    strict: bool = False,
    errors: list[InputError] | None = None,
    stats: ReadStats | None = None,
    income_year: int | None = None,
    mask: bool = True,
    warnings: list[InputError] | None = None,
    batch_size: int = 1024,
    seen: SeenRecords | None = None,
    through: Through | None = None,
) -> Iterator[Sourced[Any]]:
    """The records :func:`read_records` streams, each paired with its :class:`Source` (planner's
    own layout: no export layout, any field).

    ``through``, when given, is handed the file's name and its raw outcomes (see
    :func:`outcomes`) and returns the outcomes to count and yield, in the same order: it
    validates the raw records, elsewhere if it likes (:mod:`planner.parallel`).
    """
    results, stats, seen = _prepare(kind, path, fmt, column_map, stats, income_year, mask,
                                    batch_size, seen, through is not None)
    file = str(path)
    if through is not None:
        results = through(file, results)
    for outcome, position in accepted(results, errors, stats, strict, warnings, mask, seen, file):
        yield Sourced(outcome.record, source_of(outcome, position, file))


def _prepare(kind: str, path: str | Path, fmt: str | None,
             column_map: ColumnMap | str | Path | None, stats: ReadStats | None,
             income_year: int | None, mask: bool, batch_size: int, seen: SeenRecords | None,
             raw: bool = False) -> tuple[Iterator[Any], ReadStats, SeenRecords]:
    """The outcomes of reading ``path`` (the file checked first), the counts and the ids seen."""
    _check_kind(kind)
    path = Path(path)
    fmt = detect_format(path, fmt)
    if not path.is_file():
        raise FormatError(f"文件不存在：{path}", f"no such file: {path}")
    options = ReadOptions(resolve_column_map(column_map), income_year, mask, batch_size)
    stats = stats if stats is not None else ReadStats()
    seen = seen if seen is not None else SeenRecords(kind)
    return outcomes(path, kind, fmt, options, raw), stats, seen


def read_households(
    path: Readable,
    *,
    fmt: str | None = None,
    column_map: ColumnMap | str | Path | None = None,
    strict: bool = False,
    errors: list[InputError] | None = None,
    stats: ReadStats | None = None,
    income_year: int | None = None,
    mask: bool = True,
    warnings: list[InputError] | None = None,
) -> Iterator[Household]:
    """Stream households from a JSON, JSONL, CSV, XLSX or Parquet file, given by its path or as
    a binary file object (see :func:`read_records`).

    ``stats`` counts households: a household is one record however many member rows it has.
    """
    return read_records("household", path, fmt=fmt, column_map=column_map, strict=strict,
                        errors=errors, stats=stats, income_year=income_year, mask=mask,
                        warnings=warnings)


def read_frame(data: Any, kind: str = "household", *, name: str = "<DataFrame>",
               **options: Any) -> Iterator[Any]:
    """Stream the records of ``kind`` from a pandas or polars data frame, validated as a file's.

    A frame of scalar cells is read as a CSV file of the same columns (planner's flat layout or
    the export headers, one row per member; frame row *i* is row *i* + 2 in errors, after the
    header), a frame with list or mapping cells (``members``) as JSON Lines (line *i* + 1).
    Errors name ``name``; ``options`` are :func:`read_records`'.
    """
    import io

    from planner.frames import frame_text

    text, fmt = frame_text(data)
    buffer = io.BytesIO(text.encode("utf-8"))
    buffer.name = name
    return read_records(kind, buffer, fmt=fmt, **options)


def read_villages(path: Readable, **options: Any) -> Iterator[Village]:
    """Stream villages (same options as :func:`read_records`)."""
    return read_records("village", path, **options)


def read_projects(path: Readable, **options: Any) -> Iterator[Project]:
    """Stream projects (same options as :func:`read_records`)."""
    return read_records("project", path, **options)


def write_records(
    kind: str, records: Iterable[Any], path: str | Path, fmt: str | None = None
) -> int:
    """Write ``records`` of ``kind`` to ``path`` as they come; returns how many were written.

    Flat formats (CSV, XLSX, ``parquet-flat``) write part tables beside the main one
    (``households.income.csv``, sheet ``income``); stale sibling files of an earlier write are
    removed so that reading gives back exactly what was written. Every file is written under a
    temporary name and renamed into place once all are complete (:mod:`planner.atomic`): a
    failed or killed write leaves the previous files as they were.
    """
    _check_kind(kind)
    path = Path(path)
    fmt = detect_format(path, fmt)
    layout = layout_for(kind)
    main = TABLES[kind]
    with Replacement() as files:
        if fmt == "jsonl":
            return write_jsonl(records, path, files)
        if fmt == "json":
            return write_json(records, path, files)
        if fmt in ("parquet", "parquet-flat"):
            from planner.io.parquet import ParquetTables  # pyarrow when needed
        if fmt == "parquet":
            from planner.io.typedparquet import write_typed

            return write_typed(records, path, MODELS[kind], kind, files=files)
        tables: Any
        if fmt == "csv":
            tables = CsvTables(path, main, layout.header, files)
        elif fmt == "xlsx":
            tables = XlsxTables(path, main, layout.header, files)
        else:
            tables = ParquetTables(path, layout, main, files=files)
        try:
            count = write_flat(records, layout, tables, main)
        finally:
            tables.close()
        if fmt in ("csv", "parquet-flat"):
            for part in layout.parts:
                files.delete(sibling_path(path, part.name))
        return count


def write_households(
    households: Iterable[Household], path: str | Path, fmt: str | None = None
) -> int:
    """Write households in any format (see :func:`write_records`); returns the count."""
    return write_records("household", households, path, fmt=fmt)


def write_villages(villages: Iterable[Village], path: str | Path, fmt: str | None = None) -> int:
    """Write villages in any format; returns the count."""
    return write_records("village", villages, path, fmt=fmt)


def write_projects(projects: Iterable[Project], path: str | Path, fmt: str | None = None) -> int:
    """Write projects in any format; returns the count."""
    return write_records("project", projects, path, fmt=fmt)
