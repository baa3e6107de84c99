"""Formula injection: text a spreadsheet would run as a formula, kept inert on write.

A spreadsheet takes a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return
or line feed before one) for a formula, so a household name ``=HYPERLINK(…)`` in a CSV file runs
when someone opens it. OWASP's advice is followed: such text gets an apostrophe in front
(:func:`neutralise`), the mark a spreadsheet itself uses for "this is text"; numbers are not
text and stay numbers, so ``-3.5`` written as a number is untouched.

Where the mark goes (``docs/io.md``, *Formulas in text cells*):

- CSV written by ``check``, ``plan`` and ``convert``: text is neutralised;
- XLSX: text is stored as a string cell, which a spreadsheet never evaluates, so no apostrophe
  is added (it would be data); only text already starting with an apostrophe before a formula
  character gets one more (:func:`escape_mark`), and the same for flat Parquet;
- reading a flat table (CSV, XLSX, flat Parquet) removes one apostrophe before a formula
  character (:func:`unmark`), so a round trip through ``convert`` gives back the same text.
"""

from __future__ import annotations

from typing import Any

MARK = "'"
FORMULA_STARTS = frozenset("=+-@\t\r\n")


def _formula_like(text: str) -> bool:
    """True when ``text``, past any apostrophes, starts as a formula would."""
    return text.lstrip(MARK)[:1] in FORMULA_STARTS


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text that starts like a formula (or is
    such text already marked, so that :func:`unmark` gives it back); anything else unchanged."""
    if isinstance(value, str) and value and _formula_like(value):
        return MARK + value
    return value


def escape_mark(value: Any) -> Any:
    """For typed cells (XLSX strings, Parquet): only text that would read as marked
    (an apostrophe, then a formula character) gets one more apostrophe."""
    if isinstance(value, str) and value.startswith(MARK) and _formula_like(value):
        return MARK + value
    return value


def unmark(text: str) -> str:
    """``text`` read from a flat table without the apostrophe a writer put before a formula."""
    if text.startswith(MARK) and _formula_like(text):
        return text[1:]
    return text


__all__ = ["FORMULA_STARTS", "MARK", "escape_mark", "neutralise", "unmark"]
