"""Typed Parquet: the layout derived from the models, its round trip and its column-wise checks.

The column checks must mark every row the model refuses (and every row it would change), so a
planted file violates each constraint of the models once, next to clean rows, and each row's
outcome is compared with the model's own verdict on the same input.
"""

from __future__ import annotations

import math
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from planner.io import ReadStats, open_dataset, read_households, write_households
from planner.io.columnvalidate import EDGE_SPACE, suspect_rows
from planner.io.errors import InputError
from planner.io.options import ReadOptions, errors_from_validation
from planner.io.parquet import layout_of, read_nested, write_nested
from planner.io.typedparquet import ROW_GROUP, TypedRow, read_typed, unbuilt_rows
from planner.io.typedschema import (
    ListOf,
    MapOf,
    Shape,
    Struct,
    record_input,
    struct_of,
    typed_schema,
)
from planner.model import Household

from .households import DISTRICT
from .households import generated as generated_households

STRUCT = struct_of(Household)
SCHEMA = typed_schema(Household, "household")


@pytest.fixture(scope="module")
def district() -> list[Household]:
    return list(open_dataset(DISTRICT).households())


@pytest.fixture(scope="module")
def generated() -> list[Household]:
    return generated_households(2000, 11)


def test_the_white_space_class_is_what_str_strip_removes():
    import pyarrow.compute as pc

    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for text in ([c + "x" for c in chars], ["x" + c for c in chars]):
        found = pc.match_substring_regex(pa.array(text), EDGE_SPACE).to_pylist()
        assert found == [t != t.strip() for t in text]


def _same(read: list[Household], written: list[Household]) -> None:
    assert read == written
    assert [h.model_dump() for h in read] == [h.model_dump() for h in written]
    assert [h.model_dump_json(exclude_none=True) for h in read] == [
        h.model_dump_json(exclude_none=True) for h in written]


def test_the_example_district_round_trips_through_typed_parquet(tmp_path, district):
    path = tmp_path / "households.parquet"
    assert write_households(district, path) == len(district)
    assert layout_of(path) == "typed"
    assert pq.read_schema(path).field("members").type == SCHEMA.field("members").type
    _same(list(read_households(path)), district)


def test_2000_generated_households_round_trip(tmp_path, generated):
    path = tmp_path / "households.parquet"
    write_households(generated, path)
    assert pq.ParquetFile(path).metadata.num_row_groups == math.ceil(len(generated) / ROW_GROUP)
    _same(list(read_households(path)), generated)


def test_unbuilt_rows_build_the_same_households(tmp_path, generated):
    path = tmp_path / "households.parquet"
    write_households(generated[:300], path)
    with unbuilt_rows():
        outcomes = list(read_typed(path, Household, "household", ReadOptions()))
    assert all(isinstance(o.record, TypedRow) for o in outcomes)
    assert [o.record.build() for o in outcomes] == generated[:300]  # type: ignore[union-attr]
    assert [o.record.id for o in outcomes] == [h.id for h in generated[:300]]  # type: ignore[union-attr]


def test_the_json_text_layout_stays_readable(tmp_path, district):
    path = tmp_path / "households.parquet"
    write_nested(district, path)
    assert layout_of(path) == "json"
    assert list(read_households(path)) == district


# -- planted rows --------------------------------------------------------------------------
def _valid(shape: Shape) -> Any:
    """A valid value of ``shape``, every field of a record filled in."""
    if isinstance(shape, Struct):
        return {f.name: _valid(f.shape) for f in shape.fields}
    if isinstance(shape, ListOf):
        return [_valid(shape.item)]
    if isinstance(shape, MapOf):
        return [(_valid(shape.key), _valid(shape.value))]
    if shape.kind == "enum":
        return sorted(shape.values)[0]
    if shape.kind == "str":
        return "值"
    if shape.kind == "bool":
        return True
    if shape.kind == "date":
        return date(2020, 6, 1)
    low = shape.ge if shape.ge is not None else (shape.gt + 1 if shape.gt is not None else 1)
    return int(low) if shape.kind == "int" else float(low) + 0.5 * (shape.le is None)


def _bad_values(shape: Shape) -> list[Any]:
    """Values of ``shape`` the model refuses or changes (one per constraint), and edge cases it
    accepts as they are."""
    if isinstance(shape, Struct):
        return [{}]  # every required field missing at once
    if isinstance(shape, ListOf):
        return [[], [None]]
    if isinstance(shape, MapOf):
        entry = (_valid(shape.key), _valid(shape.value))
        return [[], [(_valid(shape.key), None)], [entry, entry]]  # a key given twice
    values: list[Any] = []
    if shape.kind == "enum":
        values += ["bogus", sorted(shape.values)[0].upper(), " " + sorted(shape.values)[0]]
    if shape.kind == "str":
        values += ["", " ", " 值", "值\u3000", "\u200b值", "值\n", "a b"]
    if shape.kind in ("int", "float"):
        for bound, step in (("ge", -1), ("le", 1), ("gt", 0), ("lt", 0)):
            limit = getattr(shape, bound)
            if limit is not None:
                values += [limit + step, limit]
        values += [0, -1]
    if shape.kind == "float":
        values += [math.nan, math.inf, -math.inf, -0.0, 1e308]
    if shape.kind == "date":
        values += [date(1, 1, 1), date(9999, 12, 31)]
    return values


def _planted(base: dict[str, Any], struct: Struct) -> list[dict[str, Any]]:
    """One row per (field path, bad value): ``base`` with that one value replaced."""
    rows: list[dict[str, Any]] = []

    def walk(holder: dict[str, Any], shape: Struct, rebuild: Any) -> None:
        for spec in shape.fields:
            for value in [None, *_bad_values(spec.shape)]:
                rows.append(rebuild(holder, spec.name, value))
            inner = spec.shape
            if isinstance(inner, Struct):
                walk(holder[spec.name], inner, _nested(rebuild, holder, spec.name, False))
            elif isinstance(inner, ListOf) and isinstance(inner.item, Struct):
                walk(holder[spec.name][0], inner.item, _nested(rebuild, holder, spec.name, True))
            elif isinstance(inner, ListOf):
                for value in _bad_values(inner.item):
                    rows.append(rebuild(holder, spec.name, [value]))
            elif isinstance(inner, MapOf):
                for value in _bad_values(inner.value):
                    rows.append(rebuild(holder, spec.name, [(_valid(inner.key), value)]))

    def top(holder: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
        return {**holder, name: value}

    walk(base, struct, top)
    return rows


def _nested(rebuild: Any, holder: dict[str, Any], name: str, listed: bool) -> Any:
    def inner(child: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
        changed = {**child, key: value}
        return rebuild(holder, name, [changed] if listed else changed)

    return inner


def _model_verdict(row: dict[str, Any], number: int, file: str
                   ) -> tuple[Household | None, list[tuple[Any, ...]]]:
    try:
        return Household.model_validate(record_input(row, STRUCT)), []
    except ValidationError as exc:
        hid = row.get("id")
        errors = errors_from_validation(exc, Household, ReadOptions(), file=file, record=number,
                                        household=None if hid is None else str(hid))
        return None, [_error(e) for e in errors]


def _error(error: InputError) -> tuple[Any, ...]:
    return (error.file, error.record, error.field, error.value, error.reason_zh,
            error.reason_en)


def test_every_planted_row_gets_the_models_verdict(tmp_path, generated):
    base = _valid(STRUCT)
    base["id"] = "planted"
    Household.model_validate(record_input(base, STRUCT))  # the base itself is valid
    planted = _planted(base, STRUCT)
    clean = [h.model_dump() for h in generated[:500]]
    rows = [item for pair in zip(planted, clean, strict=False) for item in pair]
    rows += planted[len(clean):]
    path = tmp_path / "households.parquet"
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    pq.write_table(table, path, row_group_size=97)
    outcomes = list(read_typed(path, Household, "household",
                               ReadOptions(batch_size=50, mask=False)))
    accepted = [o.record for o in outcomes if o.record is not None]
    errors = [e for o in outcomes for e in o.errors]
    assert all(o.counted and (o.record is None) == bool(o.errors) for o in outcomes)
    expected_records: list[Household] = []
    expected_errors: list[tuple[Any, ...]] = []
    for number, row in enumerate(pq.read_table(path).to_pylist(), start=1):
        record, found = _model_verdict(row, number, str(path))
        if record is not None:
            expected_records.append(record)
        expected_errors += found
    assert accepted == expected_records
    assert [_error(e) for e in errors] == expected_errors
    assert len(outcomes) == len(rows)
    # a row no check marks is one the model accepts unchanged: its record written back is the row
    unmarked = 0
    for batch in table.to_batches(max_chunksize=64):
        marked = suspect_rows(batch, STRUCT)
        for row, suspect in zip(batch.to_pylist(), marked.tolist(), strict=True):
            if not suspect:
                unmarked += 1
                record = Household.model_validate(record_input(row, STRUCT))
                again = pa.Table.from_pylist([record.model_dump()], schema=SCHEMA).to_pylist()
                assert again == [row]
    assert unmarked > len(clean)
    assert len(planted) > 700 and len(rows) - len(accepted) > 200


def test_a_date_python_cannot_hold_rejects_its_record(tmp_path, generated):
    table = pa.Table.from_pylist([h.model_dump() for h in generated[:3]], schema=SCHEMA)
    days = pa.array([None, 3_000_000, None], type=pa.int32()).cast(pa.date32())
    table = table.set_column(SCHEMA.get_field_index("exit_target"), "exit_target", days)
    path = tmp_path / "households.parquet"
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path)
    errors: list[InputError] = []
    assert list(read_households(path, errors=errors)) == [
        generated[i].model_copy(update={"exit_target": None}) for i in (0, 2)]
    assert [(e.record, e.field, e.reason_en) for e in errors] == [
        (2, "exit_target", "invalid date; expected YYYY-MM-DD")]


def test_a_column_the_model_does_not_know_is_a_whole_file_error(tmp_path, generated):
    table = pa.Table.from_pylist([h.model_dump() for h in generated[:2]], schema=SCHEMA)
    table = table.append_column("idcard", pa.array(["x", "y"]))
    path = tmp_path / "households.parquet"
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path)
    errors: list[InputError] = []
    assert list(read_households(path, errors=errors)) == []
    assert [(e.level, e.reason_en) for e in errors] == [
        ("file", "unknown column idcard (not in the model)")]


def test_a_column_of_another_type_is_a_whole_file_error_and_a_left_out_one_is_not_recorded(
        tmp_path, generated):
    rows = [h.model_dump() for h in generated[:2]]
    table = pa.Table.from_pylist(rows, schema=SCHEMA).drop_columns(["phone", "helper"])
    path = tmp_path / "households.parquet"
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path)
    assert list(read_households(path)) == [h.model_copy(update={"phone": None, "helper": None})
                                           for h in generated[:2]]
    table = table.set_column(table.schema.get_field_index("members"), "members",
                             pa.array(["a", "b"]))
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path)
    errors: list[InputError] = []
    assert list(read_households(path, errors=errors)) == []
    assert errors[0].level == "file" and "members" in errors[0].reason_en


def test_typed_parquet_errors_name_the_record_and_field(tmp_path, district):
    good = district[:2]
    table = pa.Table.from_pylist([h.model_dump() for h in good], schema=SCHEMA)
    housing = table.column("housing").combine_chunks()
    grades = housing.field("safety_grade").to_pylist()
    grades[1] = "E"
    fields = [housing.field(i) if housing.type.field(i).name != "safety_grade"
              else pa.array(grades) for i in range(housing.type.num_fields)]
    table = table.set_column(SCHEMA.get_field_index("housing"), "housing",
                             pa.StructArray.from_arrays(fields, fields=list(housing.type)))
    path = tmp_path / "households.parquet"
    pq.write_table(table.replace_schema_metadata(SCHEMA.metadata), path)
    errors: list[InputError] = []
    stats = ReadStats()
    assert list(read_households(path, errors=errors, stats=stats)) == good[:1]
    assert [(e.record, e.household, e.field, e.value) for e in errors] == [
        (2, good[1].id, "housing.safety_grade", "E")]
    assert stats.to_dict() == {"read": 2, "accepted": 1, "rejected": 1}


def _damaged_after(path: Path, first: int) -> None:
    """Scramble the page headers of every row group from ``first`` on (the footer intact)."""
    data = bytearray(path.read_bytes())
    metadata = pq.ParquetFile(path).metadata
    for group in range(first, metadata.num_row_groups):
        for index in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(index)
            start = chunk.dictionary_page_offset or chunk.data_page_offset
            for offset in range(start, start + 16):
                data[offset] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("layout", ["typed", "json"])
def test_damage_after_the_first_row_group_keeps_its_records_and_names_where(
        tmp_path, generated, layout):
    path = tmp_path / "households.parquet"
    if layout == "json":
        write_nested(generated[:300], path, batch_size=100)
    else:
        pq.write_table(pa.Table.from_pylist([h.model_dump() for h in generated[:300]],
                                            schema=SCHEMA), path, row_group_size=100)
    _damaged_after(path, 1)
    options = ReadOptions(batch_size=100)
    outcomes = list(read_typed(path, Household, "household", options) if layout == "typed"
                    else read_nested(path, Household, options))
    assert [o.record.id for o in outcomes[:-1]] == [h.id for h in generated[:100]]
    (error,) = outcomes[-1].errors
    assert outcomes[-1].record is None and not outcomes[-1].counted
    assert (error.record, error.level) == (101, "file")
    assert error.reason_en.startswith("the Parquet file is damaged near record 101")
