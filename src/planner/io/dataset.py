"""A district dataset: household files streamed, villages and projects loaded, errors counted.

A dataset is opened from files and directories. A directory holds ``households.<ext>`` (or a
``households/`` folder of such files, e.g. partitioned Parquet), optionally ``villages.<ext>`` and
``projects.<ext>``, and optionally ``planner.toml`` (the run configuration, read by ``planner
check``). Part files such as ``households.income.csv`` belong to their main file. A file named on
its own is a village or project file when its name starts with ``villages`` or ``projects``,
otherwise a household file; a JSON object with ``households``, ``villages`` and ``projects``
lists feeds all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.io.api import read_records
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.errors import FormatError, InputError, ReadStats
from planner.io.formats import EXTENSIONS, split_name
from planner.io.jsonio import combined_keys
from planner.io.seen import SeenRecords
from planner.model import Household, Project, Village

CONFIG_NAME = "planner.toml"
_KIND_OF_STEM = {"households": "household", "villages": "village", "projects": "project"}


def _is_data_file(path: Path) -> bool:
    stem, ext, _gz = split_name(path)
    return path.is_file() and ext in EXTENSIONS and "." not in stem


def kind_of(path: Path) -> str:
    """``village`` or ``project`` for files named so, else ``household``."""
    stem = split_name(path)[0].lower()
    for prefix, kind in (("villages", "village"), ("projects", "project")):
        if stem.startswith(prefix):
            return kind
    return "household"


def _directory_files(directory: Path) -> tuple[dict[str, list[Path]], Path | None]:
    files: dict[str, list[Path]] = {"household": [], "village": [], "project": []}
    for stem, kind in _KIND_OF_STEM.items():
        found = sorted(p for p in directory.iterdir()
                       if _is_data_file(p) and split_name(p)[0] == stem)
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise FormatError(f"目录 {directory} 中有多个 {stem} 文件：{names}",
                              f"directory {directory} has several {stem} files: {names}")
        files[kind].extend(found)
    folder = directory / "households"
    if folder.is_dir():
        files["household"].extend(sorted(p for p in folder.iterdir() if _is_data_file(p)))
    if not any(files.values()):
        raise FormatError(f"目录 {directory} 中没有 households / villages / projects 数据文件",
                          f"directory {directory} holds no households / villages / projects file")
    config = directory / CONFIG_NAME
    return files, config if config.is_file() else None


@dataclass
class Dataset:
    """Households (streamed on demand), villages and projects (loaded), and what went wrong.

    ``errors`` lists the problems of the village and project files (read when the dataset is
    opened) and of the households read so far; ``stats`` counts households, ``village_stats``
    and ``project_stats`` the others. Each call of :meth:`households` reads the files again and
    starts the household counts afresh.
    """

    household_files: list[Path]
    village_files: list[Path]
    project_files: list[Path]
    config_path: Path | None
    fmt: str | None
    column_map: ColumnMap
    strict: bool = False
    income_year: int | None = None
    mask: bool = True
    villages: list[Village] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    area_errors: list[InputError] = field(default_factory=list)
    household_errors: list[InputError] = field(default_factory=list)
    area_warnings: list[InputError] = field(default_factory=list)
    household_warnings: list[InputError] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    village_stats: ReadStats = field(default_factory=ReadStats)
    project_stats: ReadStats = field(default_factory=ReadStats)

    @property
    def errors(self) -> list[InputError]:
        """Problems of the village and project files, then of the households read so far."""
        return [*self.area_errors, *self.household_errors]

    @property
    def warnings(self) -> list[InputError]:
        """Notices that rejected nothing (columns not read), in the same order."""
        return [*self.area_warnings, *self.household_warnings]

    def _read(self, kind: str, path: Path, stats: ReadStats, area: bool,
              seen: SeenRecords) -> Iterator[Any]:
        return read_records(
            kind, path, fmt=self.fmt, column_map=self.column_map, strict=self.strict,
            errors=self.area_errors if area else self.household_errors,
            warnings=self.area_warnings if area else self.household_warnings,
            stats=stats, income_year=self.income_year, mask=self.mask, seen=seen,
        )

    def load_areas(self) -> None:
        """Read the village and project files into :attr:`villages` and :attr:`projects`.

        An id read again, in the same file or another, is rejected; the first one is kept.
        """
        villages, projects = SeenRecords("village"), SeenRecords("project")
        for path in self.village_files:
            self.villages.extend(self._read("village", path, self.village_stats, True, villages))
        for path in self.project_files:
            self.projects.extend(self._read("project", path, self.project_stats, True, projects))

    def households(self) -> Iterator[Household]:
        """Stream the households of every household file, in order.

        A household id read again, in the same file or another (partitions of one dataset), is
        rejected and the first one kept; the ids are held compactly (``planner.io.seen``).
        """
        self.household_errors.clear()
        self.household_warnings.clear()
        self.stats = ReadStats()
        seen = SeenRecords("household")
        for path in self.household_files:
            yield from self._read("household", path, self.stats, False, seen)

    @property
    def rejected(self) -> int:
        """Records rejected so far, over every kind."""
        return self.stats.rejected + self.village_stats.rejected + self.project_stats.rejected


def open_dataset(
    paths: str | Path | Iterable[str | Path],
    *,
    fmt: str | None = None,
    column_map: ColumnMap | str | Path | None = None,
    strict: bool = False,
    income_year: int | None = None,
    mask: bool = True,
) -> Dataset:
    """Open files and directories as one dataset; villages and projects are read at once."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: dict[str, list[Path]] = {"household": [], "village": [], "project": []}
    config: Path | None = None
    for item in map(Path, paths):
        if item.is_dir():
            found, directory_config = _directory_files(item)
            for kind, listed in found.items():
                files[kind].extend(listed)
            config = config or directory_config
        elif item.is_file():
            kind = kind_of(item)
            files[kind].append(item)
            if kind == "household" and split_name(item)[1] == ".json":
                held = combined_keys(item)  # one JSON with households, villages and projects
                for key in ("villages", "projects"):
                    if key in held:
                        files[_KIND_OF_STEM[key]].append(item)
        else:
            raise FormatError(f"文件或目录不存在：{item}", f"no such file or directory: {item}")
    dataset = Dataset(files["household"], files["village"], files["project"], config, fmt,
                      resolve_column_map(column_map), strict, income_year, mask)
    dataset.load_areas()
    return dataset
