"""Text safe for a terminal or a UTF-8 file: control characters and lone surrogates as escapes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a reader sees.
# Lone surrogates (from ``\ud800`` escapes in JSON) cannot be encoded at all: printing one raises.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
             *range(0x2066, 0x206A), *range(0xD800, 0xE000)]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROLS}
_KEEP_LINES = {code: text for code, text in _ESCAPES.items() if code not in (0x09, 0x0A)}
# str.translate looks every character up in the table; almost no text holds a control
# character, so a search in C decides first whether there is anything to escape.
_ANY = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ANY_BUT_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, lines: bool = False) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\x1b``,
    ``\\ud800``); with ``lines``, tabs and line breaks are kept (for text made of several lines of
    our own)."""
    if lines:
        return text.translate(_KEEP_LINES) if _ANY_BUT_LINES.search(text) else text
    return text.translate(_ESCAPES) if _ANY.search(text) else text


def map_text(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of ``value`` with ``change`` applied to every string in it (keys too), however deep
    in dicts, lists and tuples (tuples become lists, as in JSON)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {map_text(k, change): map_text(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_text(v, change) for v in value]
    return value


def printable_data(value: Any) -> Any:
    """A copy of ``value`` (strings in dicts, lists and tuples) made :func:`printable`."""
    return map_text(value, printable)


__all__ = ["map_text", "printable", "printable_data"]
