"""Whole files or nothing: outputs are written under a temporary name, then renamed into place.

Every file planner writes (findings, plans, converted records and their part files, charts,
graph drawings, generated datasets) goes through :class:`Replacement`: the data goes to a
temporary file in the destination's own folder (a rename is atomic only within one file system),
is flushed to disk (``fsync``), and only then replaces the final name with ``os.replace``. A run
that fails, is interrupted or killed leaves the previous file at the final name (or no file);
never a half-written one. A kill (``SIGKILL``) can leave the temporary file itself behind, named
``.NAME.XXXXXXXX.tmp``: hidden, and never taken for an input (its extension is ``.tmp``).
Missing folders on the way to a final name are created.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

TEMP_SUFFIX = ".tmp"


def _create_temp(final: Path, named: str) -> Path:
    """A new, empty file beside ``final``; created with the usual mode (umask applies).
    Errors name the file as the user ``named`` it."""
    while True:
        temp = final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            exc.filename = named
            raise
        return temp


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable; not every system can open a folder (Windows cannot)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


class Replacement:
    """Files written under temporary names and renamed over their final names together.

    ``path(final)`` gives the temporary path to write ``final`` to; ``delete(final)`` asks for
    ``final`` to be removed (a stale part file of an earlier write). Used as a context manager,
    a clean exit commits (fsync, then rename every file, then delete) and an exception discards
    every temporary file, so the final names keep what they held. A symbolic link at a final
    name is written through: the file it points to is replaced, the link stays.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._named: dict[str, str] = {}
        self._stale: list[Path] = []

    def path(self, final: str | Path) -> Path:
        """The temporary file (created empty) that becomes ``final`` on commit."""
        target = Path(os.path.realpath(final))
        try:  # a command creates the folders it writes into (out/plan.xlsx on a fresh checkout)
            target.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file where a folder should be
            raise NotADirectoryError(
                errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(final)) from None
        except OSError as exc:  # no permission
            exc.filename = str(final)
            raise
        temp = _create_temp(target, str(final))
        self._pending.append((temp, target))
        self._named[str(temp)] = str(final)
        with contextlib.suppress(OSError):  # keep the mode of the file being replaced
            os.chmod(temp, target.stat().st_mode & 0o7777)
        return temp

    def delete(self, final: str | Path) -> None:
        """Remove ``final`` on commit, if it exists and was not written (a stale part file)."""
        self._stale.append(Path(final))

    def commit(self) -> None:
        """Flush every temporary file to disk, rename each over its final name, delete."""
        for temp, _final in self._pending:
            _fsync(temp)
        folders = set()
        written = set()
        for temp, final in self._pending:
            os.replace(temp, final)
            folders.add(final.parent)
            written.add(final)
        self._pending.clear()
        for stale in self._stale:
            if Path(os.path.realpath(stale)) not in written:
                stale.unlink(missing_ok=True)
                folders.add(stale.parent)
        self._stale.clear()
        for folder in folders:
            _fsync_folder(folder)

    def discard(self) -> None:
        """Remove every temporary file; the final names are left as they were."""
        for temp, _final in self._pending:
            with contextlib.suppress(OSError):
                temp.unlink()
        self._pending.clear()
        self._stale.clear()

    def __enter__(self) -> Replacement:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            if isinstance(error, OSError) and error.filename is not None:
                error.filename = self._named.get(str(error.filename), error.filename)
            self.discard()


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path`` to (for writers that open files themselves:
    XlsxWriter, pyarrow, matplotlib); it replaces ``path`` when the block ends without error."""
    with Replacement() as files:
        yield files.path(path)


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **options: Any) -> Iterator[Any]:
    """``open(path, mode, **options)`` on a temporary file that replaces ``path`` when the block
    ends without error (see :class:`Replacement`)."""
    with replacing(path) as temp, open(temp, mode, **options) as handle:
        yield handle


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` whole or not at all; returns ``path``."""
    with atomic_open(path, "w", encoding=encoding) as handle:
        handle.write(text)
    return Path(path)


__all__ = ["Replacement", "atomic_open", "replacing", "write_text"]
