"""What one read needs to know, and what it yields per record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from planner.io.columns import ColumnMap, default_column_map
from planner.io.errors import InputError, mask_value
from planner.io.validation import display_path, reason

KINDS = ("household", "village", "project")
TABLES = {"household": "households", "village": "villages", "project": "projects"}


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Settings of one read: column map, year of income totals, masking and batch size."""

    column_map: ColumnMap = field(default_factory=default_column_map)
    income_year: int | None = None
    mask: bool = True
    batch_size: int = 1024

    @property
    def year_of_income(self) -> int | None:
        """The year income totals belong to: the explicit one, else the column map's."""
        return self.income_year if self.income_year is not None else self.column_map.income_year


@dataclass(slots=True)
class Outcome:
    """One record read: the validated model, or ``None`` and the errors that rejected it.

    ``counted`` is False for file-level notices (unused columns, no header) that are not a record;
    a table refused whole (a required column missing) is one outcome standing for
    ``rejected_rows`` rejected records. ``errors`` may hold warnings for an accepted record.
    ``place`` locates the record (InputError keywords) where its position among the outcomes
    does not (flat tables: the first row of a household); ``rows`` are then all the table rows
    the record was built from (a household's member rows), empty where ``place`` says it all.
    """

    record: BaseModel | None
    errors: list[InputError]
    counted: bool = True
    rejected_rows: int = 1  # a refused table counts each of its data rows as one rejected record
    place: dict[str, Any] | None = None
    rows: tuple[int, ...] = ()


def scalar_input(value: Any) -> Any:
    """The offending value worth showing: scalars only."""
    # A whole record says nothing, and the raw text of an unparsable line may hold personal data.
    if isinstance(value, (dict, list, tuple, bytes, bytearray)):
        return None
    return value


# The input of these errors is a whole raw line or a value of a field the model does not know
# (``idcard``, ``身份证``): it is never shown.
HIDDEN_INPUT = frozenset({"json_invalid", "json_type", "extra_forbidden"})


def error_value(error: Any, path: str | None, mask: bool) -> str | None:
    """The value to show for one pydantic error: scalars only, masked; none for raw lines."""
    if error.get("type") in HIDDEN_INPUT:
        return None
    return mask_value(path, scalar_input(error.get("input")), mask)


def errors_from_validation(
    exc: ValidationError, model: type[BaseModel], options: ReadOptions, **where: Any
) -> list[InputError]:
    """InputErrors for a record of a nested format (JSON, JSONL, Parquet) that failed validation."""
    errors = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        path = display_path(loc) or None
        zh, en = reason(error, model)
        value = error_value(error, path, options.mask)
        errors.append(InputError(field=path, value=value, reason_zh=zh, reason_en=en, **where))
    return errors
