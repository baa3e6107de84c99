"""Text safe for a terminal or a UTF-8 file: control characters and lone surrogates as escapes."""

from __future__ import annotations

from typing import Any

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a reader sees.
# Lone surrogates (from ``\ud800`` escapes in JSON) cannot be encoded at all: printing one raises.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
             *range(0x2066, 0x206A), *range(0xD800, 0xE000)]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROLS}
_KEEP_LINES = {code: text for code, text in _ESCAPES.items() if code not in (0x09, 0x0A)}


def printable(text: str, lines: bool = False) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\x1b``,
    ``\\ud800``); with ``lines``, tabs and line breaks are kept (for text made of several lines of
    our own)."""
    return text.translate(_KEEP_LINES if lines else _ESCAPES)


def printable_data(value: Any) -> Any:
    """A copy of ``value`` (strings in dicts, lists and tuples) made :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(v) for v in value]
    return value


__all__ = ["printable", "printable_data"]
