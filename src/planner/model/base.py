"""Shared configuration of every record model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base of all file-format models: unknown keys are errors, unknown values stay ``None``.

    ``None`` always means *not recorded*; it is never read as 0 or false (missing is not zero).
    Numbers are finite: ``Infinity`` and ``NaN`` (which JSON parsers accept) are refused, so no
    record carries them into facts, rules or the JSON and SARIF outputs.
    """

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=False,
        use_enum_values=False,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )
