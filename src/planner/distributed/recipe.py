"""What a worker needs to rebuild the client's run: a picklable recipe of paths and options.

A :class:`~planner.run.Run` holds compiled rules (closures, functions of local rule files loaded
by path) and is not shipped; each worker process rebuilds it once from the recipe
(:meth:`RunRecipe.build`, cached per process). The configuration, rule, parameter, measure and
waiver files are read by path, so they must be on a filesystem the workers share with the client
at the same paths, as the Parquet parts are. The recipe carries a digest of every such file as
the client read it: a worker that reads different contents stops with an error naming the file
instead of checking under other rules.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from planner.config import Config, resolve_config
from planner.errors import BilingualError
from planner.run import Run
from planner.selection import Selection

_RULE_SUFFIXES = (".py", ".yaml", ".yml")


class RecipeError(BilingualError):
    """A worker cannot rebuild the client's run (a file differs or is missing on the worker)."""


@dataclass(frozen=True)
class ReadingOptions:
    """How every part is read (the options of ``planner check`` shared by all inputs)."""

    fmt: str | None = None
    column_map: str | None = None
    income_year: int | None = None
    strict: bool = False
    mask: bool = True


@dataclass(frozen=True)
class RunRecipe:
    """The options of one ``check`` or ``plan`` run, by path; ``reference_date`` is the
    client's (resolved there, so that a run crossing midnight has one date)."""

    config_path: str | None
    reference_date: date
    selection: Selection | None = None
    rule_paths: tuple[str, ...] = ()
    param_files: tuple[str, ...] = ()
    measure_files: tuple[str, ...] = ()
    waiver_files: tuple[str, ...] = ()
    explain: bool = False
    rule_timeout: float | None = None
    reading: ReadingOptions = field(default_factory=ReadingOptions)
    digests: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, config: Config, run: Run, **options: object) -> RunRecipe:
        """The recipe of ``run`` built by the client from ``config`` and the command's
        ``options`` (the keyword fields of this class), with the digests of the files read."""
        recipe = cls(config_path=None if config.path is None else str(config.path),
                     reference_date=run.reference_date, **options)  # type: ignore[arg-type]
        files: list[str | Path] = [
            *([config.path] if config.path else []), *config.params, *config.rules,
            *config.measures, *config.waivers, *recipe.rule_paths, *recipe.param_files,
            *recipe.measure_files, *recipe.waiver_files]
        if recipe.reading.column_map:
            files.append(recipe.reading.column_map)
        return dataclasses.replace(recipe, digests=_digests(files))

    def config(self) -> Config:
        """The configuration the client resolved, read again."""
        return resolve_config(self.config_path) if self.config_path else Config()

    def build(self) -> Run:
        """The run, rebuilt in this process (once per recipe) after the files were compared."""
        cached = _BUILT.get(self)
        if cached is None:
            self.verify()
            cached = _BUILT[self] = Run.from_config(
                self.config(), rule_paths=self.rule_paths, param_files=self.param_files,
                measure_files=self.measure_files, waiver_files=self.waiver_files,
                selection=self.selection, reference_date=self.reference_date,
                explain=self.explain, rule_timeout=self.rule_timeout,
            )
        return cached

    def verify(self) -> None:
        """Raise :class:`RecipeError` when a file read to build the run differs here."""
        here = dict(_digests(path for path, _ in self.digests))
        for path, digest in self.digests:
            if here.get(path) != digest:
                raise RecipeError(
                    f"工作节点上的文件 {path} 与客户端读取的不同或不存在；规则、参数等文件须放在"
                    "客户端与工作节点共享的文件系统上，路径相同",
                    f"the file {path} differs on the worker from the one the client read, or is"
                    " missing there; rule, parameter and other run files must be on a filesystem"
                    " the client and the workers share, at the same paths")


_BUILT: dict[RunRecipe, Run] = {}


def _files(path: Path) -> Iterable[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.suffix in _RULE_SUFFIXES)
    else:
        yield path


def _digests(paths: Iterable[str | Path]) -> tuple[tuple[str, str], ...]:
    """``(path, sha-256)`` of each file (folders: their rule files); ``"missing"`` if unreadable."""
    found: dict[str, str] = {}
    for given in paths:
        for path in _files(Path(given)):
            try:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                found[str(path)] = "missing"
    return tuple(found.items())
