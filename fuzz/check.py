"""One input read to the end: how many records came out, and whether it is a crash."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from planner.io import FormatError, InputError, ReadStats, StrictError, read_households

WHOLE_FILE_ERRORS = (FormatError, StrictError)
"""The documented exceptions of a read: the whole file is refused. Anything else is a crash."""

READER_FORMATS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "xlsx": "xlsx",
                  "parquet": "parquet", "parquet-flat": "parquet"}
"""Each fuzzed reader and the ``fmt`` it is read with (reading ``parquet`` detects the shape)."""

_PLANNER = f"{Path('planner')}/"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What reading one input gave: ``crash`` names the exception type of a crash, ``mismatch``
    says which counts do not add up; ``refused`` is a documented whole-file refusal."""

    records: int = 0
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    errors: int = 0
    refused: bool = False
    crash: str | None = None
    site: str = ""
    detail: str = ""
    mismatch: str | None = None

    @property
    def finding(self) -> bool:
        """True when this input shows a defect."""
        return self.crash is not None or self.mismatch is not None

    @property
    def signature(self) -> str:
        """Crash type and where it was raised in planner: one reproducer is kept per signature."""
        return f"{self.crash or 'CountMismatch'} @ {self.site}"


def _site(exc: BaseException) -> str:
    """The innermost frame in planner's code (else the innermost frame) as ``file:line``."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if _PLANNER in f.filename]
    if not frames:
        return "?"
    frame = (ours or frames)[-1]
    name = frame.filename.split(_PLANNER, 1)[-1] if ours else Path(frame.filename).name
    return f"{name}:{frame.lineno} ({frame.name})"


def _message_problem(messages: list[InputError]) -> str | None:
    """Why a message could not be printed by the CLI (it writes UTF-8), or None."""
    for error in messages:
        try:
            str(error).encode("utf-8")
        except UnicodeEncodeError:
            return "an input error message is not valid UTF-8 text"
    return None


def read_fully(path: Path, reader: str) -> Verdict:
    """Read every household of ``path`` with the ``reader`` format and judge the outcome.

    A crash is any exception escaping the iteration other than a whole-file
    :class:`~planner.io.FormatError`/:class:`~planner.io.StrictError`; a mismatch is
    ``read != accepted + rejected`` or a number of yielded records other than ``accepted``.
    """
    errors: list[InputError] = []
    warnings: list[InputError] = []
    stats = ReadStats()
    records = 0
    try:
        for _household in read_households(path, fmt=READER_FORMATS[reader], errors=errors,
                                          warnings=warnings, stats=stats):
            records += 1
    except WHOLE_FILE_ERRORS:
        return Verdict(records, stats.read, stats.accepted, stats.rejected, len(errors),
                       refused=True)
    except Exception as exc:  # anything else escaping the reader is what the fuzzer looks for
        return Verdict(records, stats.read, stats.accepted, stats.rejected, len(errors),
                       crash=type(exc).__name__, site=_site(exc),
                       detail="".join(traceback.format_exception(exc))[-6000:])
    mismatch = None
    if stats.read != stats.accepted + stats.rejected:
        mismatch = f"read {stats.read} != accepted {stats.accepted} + rejected {stats.rejected}"
    elif records != stats.accepted:
        mismatch = f"{records} records yielded but accepted {stats.accepted}"
    unprintable = _message_problem(errors + warnings)
    return Verdict(records, stats.read, stats.accepted, stats.rejected, len(errors),
                   mismatch=mismatch, crash="UnicodeEncodeError" if unprintable else None,
                   site="str(InputError)" if unprintable else "counts" if mismatch else "",
                   detail=unprintable or mismatch or "")
