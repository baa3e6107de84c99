"""A district dataset: household files streamed, villages and projects loaded, errors counted.

A dataset is opened from files and directories. A directory holds ``households.<ext>`` (or a
``households/`` folder of such files, e.g. partitioned Parquet), optionally ``villages.<ext>`` and
``projects.<ext>``, and optionally ``planner.toml`` (the run configuration, read by ``planner
check``). Part files such as ``households.income.csv`` belong to their main file. A file named on
its own is a village or project file when its name starts with ``villages`` or ``projects``,
otherwise a household file; a JSON object with ``households``, ``villages`` and ``projects``
lists feeds all three.

The national export files (any names, CSV or workbooks) are recognised by their headers
(:mod:`planner.io.sources`), named one by one or in a directory: every CSV and workbook that is
not named ``households…`` is looked at, and one whose sheets no layout recognises is read by its
name when named on its own, or left out with a warning when found in a directory.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.io.api import AcceptedChunk, Through, accepted_chunks, read_sourced
from planner.io.columns import ColumnMap, resolve_column_map
from planner.io.errors import WARNING, FormatError, InputError, ReadStats
from planner.io.fileobjects import Readable, is_file_object, object_format, spooled
from planner.io.formats import EXTENSIONS, detect_format, split_name
from planner.io.jsonio import combined_keys
from planner.io.options import ReadOptions
from planner.io.seen import SeenRecords
from planner.io.sources import (
    HOUSEHOLD_SIDE,
    PART_KINDS,
    TABLE_FORMATS,
    SourceReader,
    Sources,
    SourceTable,
    export_kinds,
    kind_of,
)
from planner.model import Household, Project, Village
from planner.source import Sourced

CONFIG_NAME = "planner.toml"
_KIND_OF_STEM = {"households": "household", "villages": "village", "projects": "project"}


def _is_data_file(path: Path) -> bool:
    stem, ext, _gz = split_name(path)
    return path.is_file() and ext in EXTENSIONS and "." not in stem


def is_export(path: Path, fmt: str | None = None) -> bool:
    """True when some layout recognises a sheet of ``path`` by its headers (looked at as
    :func:`open_dataset` looks: CSV and workbooks not named ``households…``)."""
    return _may_be_export(path, fmt) and bool(export_kinds(path, fmt))


def _may_be_export(path: Path, fmt: str | None) -> bool:
    """A CSV or workbook not named as planner's household file: its headers are looked at.
    (Planner's own household tables are not opened twice, as they may be large.)"""
    try:
        table = detect_format(path, fmt) in TABLE_FORMATS
    except FormatError:
        return False
    stem = split_name(path)[0].lower()
    return table and not stem.startswith(("households", "projects"))


def _nothing_in(directory: Path) -> FormatError:
    return FormatError(
        f"目录 {directory} 中没有 households / villages / projects 数据文件，也没有可识别的导出表",
        f"directory {directory} holds no households / villages / projects file and no "
        "recognised export file")


def _directory_files(directory: Path) -> tuple[dict[str, list[Path]], list[Path], Path | None]:
    """The files of ``directory`` named as planner's, the other data files (export files under
    any names, to be recognised by their headers), and its configuration file."""
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
    others = sorted(p for p in directory.iterdir()
                    if _is_data_file(p) and not p.name.startswith((".", "~$"))
                    and split_name(p)[0] not in _KIND_OF_STEM
                    and EXTENSIONS[split_name(p)[1]] in TABLE_FORMATS)
    if not any(files.values()) and not others:
        raise _nothing_in(directory)
    config = directory / CONFIG_NAME
    return files, others, config if config.is_file() else None


@dataclass
class Dataset:
    """Households (streamed on demand), villages and projects (loaded), and what went wrong.

    ``errors`` lists the problems of the village and project files (read when the dataset is
    opened) and of the households read so far; ``stats`` counts households, ``village_stats``
    and ``project_stats`` the others. Each call of :meth:`households` reads the files again and
    starts the household counts afresh.

    ``export_files`` are the files recognised by their headers (``export_kinds``: the kinds of
    sheet each holds). Their part sheets (work records …) are read first and held, as a
    household is complete only with all of them; the households are then streamed, each joined
    to its rows (:mod:`planner.io.partindex`). ``tables`` lists each sheet or file read for
    households, ``area_tables`` those of the villages of export files.
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
    export_files: list[Path] = field(default_factory=list)
    export_kinds: dict[Path, frozenset[str]] = field(default_factory=dict)
    tables: list[SourceTable] = field(default_factory=list)
    area_tables: list[SourceTable] = field(default_factory=list)
    #: Files spooled from binary file objects: the spooled path → the object's name
    #: (:mod:`planner.io.fileobjects`); errors and sources show the name.
    display_names: dict[str, str] = field(default_factory=dict)
    _spool: Any = field(default=None, repr=False)  # their folder, removed with the dataset
    _villages: list[Sourced[Village]] = field(default_factory=list, repr=False)
    _projects: list[Sourced[Project]] = field(default_factory=list, repr=False)
    _opened: set[Path] = field(default_factory=set, repr=False)  # opened for the villages

    @property
    def errors(self) -> list[InputError]:
        """Problems of the village and project files, then of the households read so far."""
        return self._shown([*self.area_errors, *self.household_errors])

    @property
    def warnings(self) -> list[InputError]:
        """Notices that rejected nothing (columns not read), in the same order."""
        return self._shown([*self.area_warnings, *self.household_warnings])

    def _shown(self, errors: list[InputError]) -> list[InputError]:
        """``errors`` naming the file objects read, not their spooled copies."""
        names = self.display_names
        if not names:
            return errors
        return [dataclasses.replace(e, file=names[e.file]) if e.file in names else e
                for e in errors]

    @property
    def options(self) -> ReadOptions:
        """The settings every file of the dataset is read with."""
        return ReadOptions(self.column_map, self.income_year, self.mask)

    def _read(self, kind: str, path: Path, stats: ReadStats, area: bool,
              seen: SeenRecords, through: Through | None = None) -> Iterator[Sourced[Any]]:
        return read_sourced(
            kind, path, fmt=self.fmt, column_map=self.column_map, strict=self.strict,
            errors=self.area_errors if area else self.household_errors,
            warnings=self.area_warnings if area else self.household_warnings,
            stats=stats, income_year=self.income_year, mask=self.mask, seen=seen,
            through=through,
        )

    def _exports(self, kinds: frozenset[str], result: Sources,
                 seen: dict[str, SeenRecords]) -> SourceReader:
        """A reader of the sheets of ``kinds`` of the export files, into ``result``."""
        reader = SourceReader(self.options, result, kinds=kinds, strict=self.strict,
                              fmt=self.fmt, seen=seen)
        # a sheet that cannot be read is reported once: with the villages (area errors, kept),
        # else with the households of each read
        reader.opened = set(self._opened)
        return reader

    def load_areas(self) -> None:
        """Read the village and project files into :attr:`villages` and :attr:`projects`.

        An id read again, in the same file or another, is rejected; the first one is kept.
        """
        villages, projects = SeenRecords("village"), SeenRecords("project")
        for path in self.village_files:
            self._villages.extend(self._read("village", path, self.village_stats, True, villages))
        for path in self.project_files:
            self._projects.extend(self._read("project", path, self.project_stats, True, projects))
        with_villages = [p for p in self.export_files if "village" in self.export_kinds[p]]
        if with_villages:
            result = Sources(errors=self.area_errors, warnings=self.area_warnings)
            reader = self._exports(frozenset({"village"}), result, {"village": villages})
            for path in with_villages:
                reader.file(path)
            self._villages.extend(reader.finish()[1])
            self._opened = reader.opened
            self.area_tables = result.tables
            for table in result.tables:
                self.village_stats.add(table.stats)
        self.villages.extend(item.record for item in self._villages)
        self.projects.extend(item.record for item in self._projects)

    def sourced_villages(self) -> list[Sourced[Village]]:
        """The villages read, each with the file, sheet and row it came from."""
        return list(self._villages)

    def sourced_projects(self) -> list[Sourced[Project]]:
        """The projects read, each with the file and record it came from."""
        return list(self._projects)

    def sourced(self, through: Through | None = None) -> Iterator[Sourced[Household]]:
        """The households of :meth:`households`, each with its source (see :meth:`_sourced`);
        a file object's households name the object, not its spooled copy."""
        names = self.display_names
        if not names:
            yield from self._sourced(through)
            return
        for item in self._sourced(through):
            source = item.source
            if source is not None and source.file in names:
                item = Sourced(item.record, dataclasses.replace(source, file=names[source.file]))
            yield item

    def _sourced(self, through: Through | None = None) -> Iterator[Sourced[Household]]:
        """The households of :meth:`households`, in the same order, each with its source: the
        file, sheet and rows it was read from, and for an export the layout and the fields its
        sheets carry (the household-member sheet's and those of the part sheets joined).

        ``through`` validates the raw records of planner's own household files
        (:func:`~planner.io.api.read_sourced`); export files are read as they are."""
        seen = self._start_households()
        if not any(kinds & HOUSEHOLD_SIDE for kinds in self.export_kinds.values()):
            for path in self.household_files:
                yield from self._read("household", path, self.stats, False, seen, through)
            return
        result = Sources(errors=self.household_errors, warnings=self.household_warnings)
        reader = self._exports(HOUSEHOLD_SIDE, result, {"household": seen})
        self.tables = result.tables
        exports = [p for p in self.export_files if "household" in self.export_kinds[p]]
        parts = [p for p in self.export_files if self.export_kinds[p] & set(PART_KINDS)]
        try:
            # a work row may name members of planner's own household files too: joined alike
            yield from reader.stream(self.household_files, exports, parts)
        finally:
            for table in result.tables:
                if table.kind == "household":
                    self.stats.add(table.stats)

    def _start_households(self) -> SeenRecords:
        """Start the household counts and errors afresh; the ids seen in the run, none yet."""
        self.household_errors.clear()
        self.household_warnings.clear()
        self.stats = ReadStats()
        self.tables = []
        return SeenRecords("household")

    def typed_chunks(self) -> Iterator[AcceptedChunk] | None:
        """The households of :meth:`sourced`, a batch of accepted ones at a time
        (:func:`~planner.io.api.accepted_chunks`), when every household file is typed Parquet
        read by path and the run is not strict; else ``None``."""
        if self.strict or self.display_names or self.export_files or not self.household_files:
            return None
        from planner.io.parquet import layout_of

        for path in self.household_files:
            try:
                if detect_format(path, self.fmt) != "parquet" or layout_of(path) != "typed":
                    return None
            except Exception:  # the reader reports what is wrong with the file
                return None
        return self._typed_chunks()

    def _typed_chunks(self) -> Iterator[AcceptedChunk]:
        seen = self._start_households()
        options = self.options
        for path in self.household_files:
            yield from accepted_chunks(path, "household", options, self.household_errors,
                                       self.stats, self.household_warnings, self.mask, seen)

    def households(self) -> Iterator[Household]:
        """Stream the households of every household file, in order.

        A household id read again, in the same file or another (partitions of one dataset), is
        rejected and the first one kept; the ids are held compactly (``planner.io.seen``).
        """
        for item in self.sourced():
            yield item.record

    @property
    def rejected(self) -> int:
        """Records rejected so far, over every kind."""
        return self.stats.rejected + self.village_stats.rejected + self.project_stats.rejected


def _unrecognised(path: Path) -> InputError:
    return InputError(
        file=str(path), level=WARNING,
        reason_zh="未识别的文件（表头不是已知的导出表，文件名也不是 households / villages / "
                  "projects），未读取",
        reason_en="file not recognised (its headers match no known export layout and it is not "
                  "named households / villages / projects); it was not read")


def _spool_objects(paths: Iterable[Readable], fmt: str | None
                   ) -> tuple[list[Path], dict[str, str], Any]:
    """The paths, with each binary file object copied into one temporary folder under its own
    name (a nameless one as ``households.EXT``); the copies' names; the folder (or ``None``)."""
    resolved: list[Path] = []
    names: dict[str, str] = {}
    spool: Any = None
    for item in paths:
        if isinstance(item, str | Path):
            resolved.append(Path(item))
            continue
        name, _ = object_format(item, fmt)
        if spool is None:
            spool = tempfile.TemporaryDirectory(prefix="planner-upload-")
        stem = name.strip("<>").replace("upload", "households", 1) if name.startswith("<") \
            else name
        target = Path(spool.name) / f"{len(names)}" / stem
        target.parent.mkdir()
        with spooled(item, name) as copy:
            copy.replace(target)
        names[str(target)] = name
        resolved.append(target)
    return resolved, names, spool


def open_dataset(
    paths: Readable | Iterable[Readable],
    *,
    fmt: str | None = None,
    column_map: ColumnMap | str | Path | None = None,
    strict: bool = False,
    income_year: int | None = None,
    mask: bool = True,
) -> Dataset:
    """Open files and directories as one dataset; villages and projects are read at once.

    Export files (any names) are recognised by their headers; see the module docstring. A path
    may be a binary file object (a web upload): it is read under its ``name`` (``households.xlsx``
    when it has none and ``fmt`` says ``xlsx``), and errors and sources name it.
    """
    if isinstance(paths, (str, Path)) or is_file_object(paths):
        paths = [paths]  # type: ignore[list-item]
    paths, display_names, spool = _spool_objects(paths, fmt)  # type: ignore[arg-type]
    files: dict[str, list[Path]] = {"household": [], "village": [], "project": []}
    exports: dict[Path, frozenset[str]] = {}
    notices: list[InputError] = []
    config: Path | None = None

    def by_name(path: Path) -> None:
        kind = kind_of(path)
        files[kind].append(path)
        if kind == "household" and split_name(path)[1] == ".json":
            held = combined_keys(path)  # one JSON with households, villages and projects
            for key in ("villages", "projects"):
                if key in held:
                    files[_KIND_OF_STEM[key]].append(path)

    def classify(path: Path, named: bool) -> None:
        kinds = export_kinds(path, fmt) if _may_be_export(path, fmt) else frozenset()
        if kinds:
            exports.setdefault(path, kinds)
        elif named:
            by_name(path)
        else:
            notices.append(_unrecognised(path))

    for item in map(Path, paths):
        if item.is_dir():
            found, others, directory_config = _directory_files(item)
            for kind, listed in found.items():
                for path in listed:
                    if kind == "household":
                        files[kind].append(path)
                    else:
                        classify(path, True)
            recognised = len(exports)
            for path in others:
                classify(path, False)
            if not any(found.values()) and len(exports) == recognised:
                raise _nothing_in(item)
            config = config or directory_config
        elif item.is_file():
            classify(item, True)
        else:
            raise FormatError(f"文件或目录不存在：{item}", f"no such file or directory: {item}")
    dataset = Dataset(files["household"], files["village"], files["project"], config, fmt,
                      resolve_column_map(column_map), strict, income_year, mask,
                      export_files=list(exports), export_kinds=exports, area_warnings=notices,
                      display_names=display_names, _spool=spool)
    dataset.load_areas()
    return dataset
