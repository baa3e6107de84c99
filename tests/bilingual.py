"""Running a command in each language: the CLI prints its messages in the chosen language only
(Chinese by default, English with ``PLANNER_LANG=en``), so a test that holds a message to both of
its texts runs the command once per language and reads both runs' output."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@contextmanager
def language(lang: str) -> Iterator[None]:
    """``PLANNER_LANG`` set to ``lang`` for what runs inside (subprocesses inherit it)."""
    before = os.environ.get("PLANNER_LANG")
    os.environ["PLANNER_LANG"] = lang
    try:
        yield
    finally:
        if before is None:
            del os.environ["PLANNER_LANG"]
        else:
            os.environ["PLANNER_LANG"] = before


@dataclass
class Both:
    """Two runs of one command, Chinese then English: their exit code (the same) and outputs."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def exit_code(self) -> int:  # as click's Result names it
        return self.returncode

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def in_both(call: Callable[[], Any]) -> Both:
    """``call()`` run in Chinese and in English; the two exit codes must agree."""
    runs = []
    for lang in ("zh", "en"):
        with language(lang):
            runs.append(call())
    codes = [getattr(run, "returncode", getattr(run, "exit_code", None)) for run in runs]
    assert codes[0] == codes[1], codes
    return Both(codes[0], "".join(run.stdout for run in runs), "".join(run.stderr for run in runs))
