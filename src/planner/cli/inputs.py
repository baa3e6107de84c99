"""Opening the inputs of ``planner check``: through :mod:`planner.io` when it offers
``open_dataset``, else a minimal JSON / JSON Lines reader with the same shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.model import Household, Project, Village


def open_inputs(paths: list[str], strict: bool = False) -> Any:
    """A dataset over ``paths``: ``.households()``, ``.villages``, ``.projects``, ``.errors``,
    ``.stats`` (read / accepted / rejected)."""
    try:
        from planner.io import open_dataset  # type: ignore[attr-defined]
    except ImportError:
        return JsonDataset([Path(p) for p in paths], strict)
    return open_dataset(paths, strict=strict)


@dataclass
class Counts:
    """Records read, accepted and rejected."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0


@dataclass
class JsonDataset:
    """Households from ``.json`` (one record, a list, or ``{"households": [...], "villages":
    [...], "projects": [...]}``) and ``.jsonl`` files, or folders of them; streamed."""

    paths: list[Path]
    strict: bool = False
    errors: list[str] = field(default_factory=list)
    stats: Counts = field(default_factory=Counts)
    villages: list[Village] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files = [f for p in self.paths for f in self._expand(p)]
        for path in self.files:
            if path.suffix == ".json":
                data = self._load(path)
                if isinstance(data, dict) and "households" in data:
                    self.villages += self._records(Village, data.get("villages", []), path)
                    self.projects += self._records(Project, data.get("projects", []), path)

    @staticmethod
    def _expand(path: Path) -> list[Path]:
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonl"))
        return [path]

    def _load(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self._fail(f"{path}: cannot read: {exc}")
            return None

    def _fail(self, message: str) -> None:
        self.errors.append(message)
        self.stats.rejected += 1
        if self.strict:
            raise ValueError(message)

    def _records(self, model: Any, items: list[Any], path: Path) -> list[Any]:
        records = []
        for index, item in enumerate(items, start=1):
            try:
                records.append(model.model_validate(item))
            except ValidationError as exc:
                self._fail(f"{path}: {model.__name__.lower()} #{index}: {exc.errors()[0]['msg']}")
        return records

    def _validate(self, item: Any, where: str) -> Household | None:
        self.stats.read += 1
        try:
            household = Household.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            field_name = ".".join(str(p) for p in error["loc"])
            self._fail(f"{where}: {field_name}: {error['msg']}")
            return None
        self.stats.accepted += 1
        return household

    def households(self) -> Iterator[Household]:
        """Validated households, one at a time; invalid records go to :attr:`errors`."""
        for path in self.files:
            if path.suffix == ".jsonl":
                with path.open(encoding="utf-8") as lines:
                    for number, line in enumerate(lines, start=1):
                        if line.strip():
                            found = self._validate(json.loads(line), f"{path}:{number}")
                            if found is not None:
                                yield found
                continue
            data = self._load(path)
            items = data.get("households", []) if isinstance(data, dict) and "households" in data \
                else (data if isinstance(data, list) else [data] if data is not None else [])
            for index, item in enumerate(items, start=1):
                found = self._validate(item, f"{path}: household #{index}")
                if found is not None:
                    yield found
