"""Column-wise validation of a typed batch: the rows the model might refuse, found per column.

The checks are read from the models' shapes (:mod:`planner.io.typedschema`): fields that cannot
be null (required, or with a default the model would fill in), bounds, vocabularies, minimum
lengths, finite numbers, null items of lists and mappings, keys given twice, and text the model
would change (surrounding white space, which it strips). A row no check marks is a row the model
accepts as it stands, unchanged; a marked row is given to the model itself, so that its errors
(or its acceptance) are the model's by construction. Types need no check: the schema holds them.
"""

from __future__ import annotations

import numpy as np

from planner.io.arrow import pa, pc
from planner.io.typedschema import FieldShape, ListOf, MapOf, Scalar, Shape, Struct

# ``str.strip()`` removes exactly the characters ``str.isspace()`` is true for (a test keeps
# this class equal to that set): text starting or ending with one is changed by the model.
_SPACE = (r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
          r"\x{202f}\x{205f}\x{3000}]")
EDGE_SPACE = f"^{_SPACE}|{_SPACE}$"
# The dates Python can hold (0001-01-01 … 9999-12-31) as days since 1970-01-01.
_FIRST_DAY, _LAST_DAY = -719162, 2932896


def suspect_rows(batch: pa.RecordBatch, struct: Struct) -> np.ndarray:
    """A mask of the rows of ``batch`` (records of ``struct``) that a column check marks."""
    marked = np.zeros(batch.num_rows, dtype=bool)
    rows = np.arange(batch.num_rows)
    present = np.ones(batch.num_rows, dtype=bool)
    names = batch.schema.names
    for spec in struct.fields:
        if spec.name not in names:
            if not spec.nullable:
                marked[:] = True
            continue
        _field(batch.column(spec.name), spec, present, rows, marked)
    return marked


def _mark(marked: np.ndarray, rows: np.ndarray, where: pa.Array | np.ndarray) -> None:
    flags = where if isinstance(where, np.ndarray) else (
        where.fill_null(False).to_numpy(zero_copy_only=False))
    if flags.any():
        marked[rows[flags]] = True


def _field(array: pa.Array, spec: FieldShape, present: np.ndarray, rows: np.ndarray,
           marked: np.ndarray) -> None:
    # A null leaves the field out of the record: it is missing, or the model's default (not
    # null) fills it in, so the record would differ from the columns.
    if not spec.nullable:
        _mark(marked, rows, array.is_null().to_numpy(zero_copy_only=False) & present)
    _values(array, spec.shape, rows, marked)


def _values(array: pa.Array, shape: Shape, rows: np.ndarray, marked: np.ndarray) -> None:
    """Mark the rows holding a value of ``array`` that ``shape`` refuses (nulls are not)."""
    if len(array) == 0:
        return
    if isinstance(shape, Scalar):
        _scalar(array, shape, rows, marked)
    elif isinstance(shape, Struct):
        assert isinstance(array, pa.StructArray)
        present = array.is_valid().to_numpy(zero_copy_only=False)
        children = array.flatten()  # the struct's own nulls carried into its fields
        names = [array.type.field(i).name for i in range(array.type.num_fields)]
        for spec in shape.fields:
            if spec.name in names:
                _field(children[names.index(spec.name)], spec, present, rows, marked)
            elif not spec.nullable:
                _mark(marked, rows, present)
    elif isinstance(shape, ListOf):
        _list(array, shape.item, shape.min_length, rows, marked)
    else:
        _map(array, shape, rows, marked)


def _list(array: pa.Array, item: Shape, min_length: int | None, rows: np.ndarray,
          marked: np.ndarray) -> None:
    if min_length is not None:
        _mark(marked, rows, pc.less(pc.list_value_length(array), min_length))
    values = array.flatten()
    if len(values) == 0:
        return
    owners = rows[pc.list_parent_indices(array).to_numpy()]
    _mark(marked, owners, values.is_null())  # ``None`` in a list is no item of it
    _values(values, item, owners, marked)


def _map(array: pa.Array, shape: MapOf, rows: np.ndarray, marked: np.ndarray) -> None:
    entries_type = pa.struct([("key", array.type.key_type), ("value", array.type.item_type)])
    as_list = array.cast(pa.list_(entries_type))
    entries = as_list.flatten()
    if len(entries) == 0:
        return
    owners = rows[pc.list_parent_indices(as_list).to_numpy()]
    keys, items = entries.field(0), entries.field(1)
    _values(keys, shape.key, owners, marked)
    # A key given twice: the model keeps one entry, so the record differs from the columns.
    entry_owner = pa.array(pc.list_parent_indices(as_list))
    counts = pa.table({"owner": entry_owner, "key": keys}).group_by(["owner", "key"]).aggregate(
        [("key", "count")])
    twice = counts.filter(pc.greater(counts.column("key_count"), 1)).column("owner")
    if len(twice):
        marked[rows[twice.to_numpy()]] = True
    _mark(marked, owners, items.is_null())
    _values(items, shape.value, owners, marked)


def _scalar(array: pa.Array, shape: Scalar, rows: np.ndarray, marked: np.ndarray) -> None:
    kind = shape.kind
    if kind in ("str", "enum"):
        if pa.types.is_dictionary(array.type):
            array = array.cast(pa.string())
        if kind == "enum":
            unknown = pc.invert(pc.is_in(array, pa.array(sorted(shape.values))))
            _mark(marked, rows, pc.and_(array.is_valid(), unknown))  # null is not recorded
            return
        _mark(marked, rows, pc.match_substring_regex(array, EDGE_SPACE))
        if shape.min_length is not None:
            _mark(marked, rows, pc.less(pc.utf8_length(array), shape.min_length))
        return
    if kind == "date":
        days = array.cast(pa.int32()).to_numpy(zero_copy_only=False)
        known = ~np.isnan(days) if days.dtype.kind == "f" else np.ones(len(days), dtype=bool)
        with np.errstate(invalid="ignore"):
            _mark(marked, rows, known & ((days < _FIRST_DAY) | (days > _LAST_DAY)))
        return
    if kind == "float":
        _mark(marked, rows, pc.invert(pc.is_finite(array)))
    if kind in ("int", "float"):
        for bound, test in (("ge", pc.less), ("le", pc.greater), ("gt", pc.less_equal),
                            ("lt", pc.greater_equal)):
            limit = getattr(shape, bound)
            if limit is not None:
                _mark(marked, rows, test(array, limit))


__all__ = ["EDGE_SPACE", "suspect_rows"]
