"""Household files in and out: JSON, JSON Lines, CSV, XLSX and Parquet, with Chinese column maps.

Reading streams and never stops at a bad record (unless ``strict``): every rejected record or
cell becomes an :class:`InputError` naming the file, sheet, row or line, field and reason in
Chinese and English, and :class:`ReadStats` counts records read, accepted and rejected. Reading
what planner wrote gives back equal records in every format. See ``docs/io.md``.
"""

from __future__ import annotations

from planner.io.api import (
    read_frame,
    read_households,
    read_projects,
    read_records,
    read_villages,
    write_households,
    write_projects,
    write_records,
    write_villages,
)
from planner.io.columns import ColumnMap, default_column_map, load_column_map
from planner.io.dataset import Dataset, open_dataset
from planner.io.errors import FormatError, InputError, ReadFailure, ReadStats, StrictError
from planner.io.formats import FORMATS, detect_format
from planner.io.sources import Sources, read_sources

__all__ = [
    "FORMATS",
    "ColumnMap",
    "Dataset",
    "FormatError",
    "InputError",
    "ReadFailure",
    "ReadStats",
    "Sources",
    "StrictError",
    "default_column_map",
    "detect_format",
    "load_column_map",
    "open_dataset",
    "read_frame",
    "read_households",
    "read_projects",
    "read_records",
    "read_sources",
    "read_villages",
    "write_households",
    "write_projects",
    "write_records",
    "write_villages",
]
