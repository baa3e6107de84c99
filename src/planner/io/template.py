"""Blank workbooks to fill in: a layout's header row with drop-downs, cell formats and notes.

``write_template("监测对象.xlsx", "monitoring_2023_members")`` writes one sheet per table of
the layout (:mod:`planner.io.headerspec`) whose header row planner recognises: a closed
vocabulary gets a drop-down of its accepted labels (long lists live on a hidden sheet), dates
and numbers are formatted, text columns (ID numbers, household ids) are text so that Excel
keeps every digit, each header carries a note saying what it feeds, and the header row is
frozen. Written with XlsxWriter under a temporary name (:mod:`planner.atomic`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from planner.atomic import replacing
from planner.io.headerspec import HeaderSpec, SheetSpec, layout_sheets
from planner.io.tabular import XLSX_MAX_ROWS

LANGUAGES = ("zh", "en")
LISTS_SHEET = "_lists"
"""The hidden sheet holding the drop-down lists too long to write into the validation."""
_INLINE_LIMIT = 255  # Excel's limit on a list written into the validation itself
_LAST_ROW = XLSX_MAX_ROWS - 1
_NOTE = {"x_scale": 2.5, "y_scale": 2, "author": "planner"}

_KINDS = {  # cell kind → (Chinese hint, English hint, number format)
    "date": ("日期，如 2020-03-01", "date, e.g. 2020-03-01", "yyyy-mm-dd"),
    "month": ("年月，如 202303 或 2023-03", "month, e.g. 202303 or 2023-03", "@"),
    "int": ("整数", "whole number", "0"),
    "float": ("数字（金额可写 300元、1.2万）", "number (amounts may read 300元, 1.2万)",
              "#,##0.00"),
    "choice": ("从下拉列表选择", "pick from the drop-down list", "@"),
    "choices": ("从下拉列表选择，多项用 ; 分隔", "from the list; several separated by ;", "@"),
    "list": ("多项用 ; 分隔", "several items separated by ;", "@"),
    "json": ("JSON 对象，如 {\"2022\": 5200}", "a JSON object, e.g. {\"2022\": 5200}", "@"),
    "text": ("文本", "text", "@"),
}


def header_note(spec: HeaderSpec, lang: str) -> str:
    """The note on a header cell: the field it feeds, its meaning, and what a cell holds."""
    zh, en, _format = _KINDS[spec.cell]
    lines = [f"字段 / field: {spec.target}"]
    if spec.description:
        lines.append(spec.description)
    lines.append(zh if lang == "zh" else en)
    labels = spec.labels(lang)
    if labels:
        shown = "、".join(labels[:12]) + ("…" if len(labels) > 12 else "")
        lines.append(("可填：" if lang == "zh" else "accepted: ") + shown)
    return "\n".join(lines)


@dataclass
class _Lists:
    """Drop-down lists in one language; the long ones go to the hidden sheet, once each."""

    lang: str
    placed: dict[tuple[str, ...], str]

    def source(self, labels: tuple[str, ...]) -> list[str] | str:
        inline = sum(len(label) + 1 for label in labels) <= _INLINE_LIMIT
        if inline and not any("," in label or '"' in label for label in labels):
            return list(labels)
        if labels not in self.placed:
            from xlsxwriter.utility import xl_col_to_name  # XlsxWriter only when writing

            letters = xl_col_to_name(len(self.placed))
            self.placed[labels] = f"='{LISTS_SHEET}'!${letters}$1:${letters}${len(labels)}"
        return self.placed[labels]

    def write(self, book: Any) -> None:
        """Add the hidden sheet holding the long lists (last: a first sheet cannot hide)."""
        if not self.placed:
            return
        sheet = book.add_worksheet(LISTS_SHEET)
        for column, labels in enumerate(self.placed):
            for row, label in enumerate(labels):
                sheet.write_string(row, column, label)
        sheet.hide()


def _validation(spec: HeaderSpec, lists: _Lists) -> dict[str, Any]:
    strict = not spec.is_list  # a list cell may hold several labels: say so, never refuse
    return {
        "validate": "list",
        "source": lists.source(spec.labels(lists.lang)),
        "error_type": "stop" if strict else "information",
        "error_title": "取值不在列表中 / not in the list",
        "error_message": "请从下拉列表中选择。\nPick a value from the drop-down list.",
    }


def _write_sheet(book: Any, sheet_spec: SheetSpec, lists: _Lists, lang: str,
                 formats: dict[str, Any], header_format: Any) -> None:
    sheet = book.add_worksheet(sheet_spec.name)
    for index, spec in enumerate(sheet_spec.headers):
        kind = spec.cell
        width = max(10, min(40, 2 * len(spec.header) + 2))
        sheet.set_column(index, index, width, formats[kind])
        sheet.write_string(0, index, spec.header, header_format)
        sheet.write_comment(0, index, header_note(spec, lang), _NOTE)
        if spec.closed and spec.labels(lang):
            sheet.data_validation(1, index, _LAST_ROW, index, _validation(spec, lists))
    sheet.freeze_panes(1, 0)


def write_template(path: str | Path, layout: str = "households", lang: str = "zh"
                   ) -> tuple[SheetSpec, ...]:
    """Write the blank workbook of ``layout`` (a name of
    :func:`planner.io.headerspec.template_layouts`) to ``path``; returns its sheets.

    ``lang`` is the language of the header notes and, for planner's own layouts, of the
    drop-down labels (Chinese labels or the model's values; both are read).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    import xlsxwriter

    sheets = layout_sheets(layout)
    with replacing(path) as temp:
        book = xlsxwriter.Workbook(str(temp), {
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        })
        # A fixed creation time keeps the file byte-identical for the same layout.
        book.set_properties({"created": datetime(2000, 1, 1, tzinfo=UTC)})
        formats = {kind: book.add_format({"num_format": spec[2]}) for kind, spec in _KINDS.items()}
        header_format = book.add_format({"bold": True, "bg_color": "#DDEBF7", "num_format": "@",
                                         "border": 1})
        lists = _Lists(lang, {})
        for sheet_spec in sheets:
            _write_sheet(book, sheet_spec, lists, lang, formats, header_format)
        lists.write(book)
        book.close()
    return sheets

