"""The run files a worker reads by path, compared with the client's by digest.

Workers rebuild the run from :class:`planner.parallel.Recipe` (paths and options, never compiled
rules): the configuration, rule, parameter, measure and waiver files are read by path, as the
Parquet parts are, so they must be on a filesystem the workers share with the client at the same
paths. :func:`digests` records a SHA-256 digest of each such file as the client read it;
:func:`verify` in a worker stops with an error naming a file whose contents differ there, instead
of checking under other rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from planner.config import Config
from planner.errors import BilingualError

_RULE_SUFFIXES = (".py", ".yaml", ".yml")
#: ``(path, sha-256)`` of each file a run was built from (``"missing"``: not readable).
Digests = tuple[tuple[str, str], ...]


class RecipeError(BilingualError):
    """A worker cannot rebuild the client's run (a file differs or is missing on the worker)."""


def _files(path: Path) -> Iterable[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.suffix in _RULE_SUFFIXES)
    else:
        yield path


def file_digests(paths: Iterable[str | Path]) -> Digests:
    """The digest of each file of ``paths`` (folders: their rule files)."""
    found: dict[str, str] = {}
    for given in paths:
        for path in _files(Path(given)):
            try:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                found[str(path)] = "missing"
    return tuple(found.items())


def digests(config: Config, *given: Iterable[str | Path] | str | Path | None) -> Digests:
    """The digests of the files of a run: the configuration and those it names, then each of
    ``given`` (paths, lists of paths or ``None``)."""
    files: list[str | Path] = [*([config.path] if config.path else []), *config.params,
                               *config.rules, *config.measures, *config.waivers]
    for item in given:
        if isinstance(item, (str, Path)):
            files.append(item)
        elif item is not None:
            files.extend(item)
    return file_digests(files)


def verify(expected: Digests) -> None:
    """Raise :class:`RecipeError` when a file read to build the run differs here."""
    here = dict(file_digests(path for path, _ in expected))
    for path, digest in expected:
        if here.get(path) != digest:
            raise RecipeError(
                f"工作节点上的文件 {path} 与客户端读取的不同或不存在；规则、参数等文件须放在客户端"
                "与工作节点共享的文件系统上，路径相同",
                f"the file {path} differs on the worker from the one the client read, or is "
                "missing there; rule, parameter and other run files must be on a filesystem the "
                "client and the workers share, at the same paths")
