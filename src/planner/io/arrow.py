"""pyarrow, imported through :func:`planner.extras.require`: without the ``parquet`` extra,
importing a Parquet module of planner raises :class:`~planner.extras.MissingExtra` naming it (in
Chinese and English) instead of a bare ``ModuleNotFoundError``. The Parquet modules import
``pa``, ``pq`` and ``pc`` from here; nothing else of planner.io needs pyarrow."""

from __future__ import annotations

from planner.extras import require

require("parquet")

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

__all__ = ["pa", "pc", "pq"]
