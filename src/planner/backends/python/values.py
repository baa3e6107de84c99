"""How values appear in evidence and explanations: JSON-ready, enums by value, dates ISO."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel


def jsonable(value: Any) -> Any:
    """A value as it appears in evidence and explanations (enums by value, dates ISO)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (frozenset, set, tuple, list)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Derived facts (a member's, say) would print every field, names included: name the
        # subject instead of dumping it.
        number = getattr(value, "number", None)
        return f"m{number}" if number is not None else type(value).__name__
    return value
