"""Columnar backend: the steps of a fact plan — a frame extended by a column, often an aggregate
of another table grouped by household (and member) and joined back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from planner.backends.columnar.tables import Tables
from planner.backends.columnar.values import NO_CONSTANT


@dataclass(slots=True)
class Batch:
    """What the steps of a plan read besides the frame they extend."""

    tables: Tables
    member: pl.DataFrame | None = None
    household: pl.DataFrame | None = None


Step = Callable[[pl.DataFrame, Batch], pl.DataFrame]


Source = Callable[[pl.DataFrame, Batch], pl.DataFrame | None]


def joined(target: str, source: Source, agg: pl.Expr, fill: Any,
           on: tuple[str, ...] = ("row",), empty: str | None = None) -> Step:
    """A step adding ``target``: ``agg`` over the rows ``source`` gives (it sees the frame so
    far), grouped by ``on`` and joined back; ``fill`` for a subject with no rows (not for an
    aggregate that is unknown); ``empty``: a column to keep saying which subjects had none."""
    present = f"{target}#"

    def step(frame: pl.DataFrame, batch: Batch) -> pl.DataFrame:
        items = source(frame, batch)
        assert items is not None
        grouped = items.group_by(list(on)).agg(agg.alias(target), pl.len().alias(present))
        result = frame.join(grouped, on=list(on), how="left", maintain_order="left")
        value = pl.col(target)
        if fill is not NO_CONSTANT:
            filler = (pl.lit(pl.Series([fill], dtype=pl.List(pl.Utf8())))
                      if isinstance(fill, list) else pl.lit(fill))
            value = pl.when(pl.col(present).is_null()).then(filler).otherwise(value)
        if empty is not None:
            return result.with_columns(value.alias(target), pl.col(present).is_null().alias(
                empty)).drop(present)
        return result.with_columns(value.alias(target)).drop(present)

    return step
