"""Parameter values that remember which names a rule read (for ``--explain``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from planner.params import ParamValues


class RecordingParams(Mapping[str, Any]):
    """Parameter values that remember which names a rule read (for ``--explain``)."""

    __slots__ = ("_inner", "read")

    def __init__(self, values: ParamValues) -> None:
        self._inner = values
        self.read: list[str] = []

    def __getitem__(self, name: str) -> Any:
        self.read.append(name)
        return self._inner[name]

    def get(self, name: str, default: Any = None) -> Any:
        self.read.append(name)
        return self._inner.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)

    @property
    def when(self) -> date:
        return self._inner.when

    def provenance(self, name: str) -> Any:
        return self._inner.provenance(name)


__all__ = ["RecordingParams"]
