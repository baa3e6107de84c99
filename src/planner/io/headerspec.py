"""What each header of a layout accepts: the field it feeds, its value type and value labels.

One description serves the blank templates (:mod:`planner.io.template`: drop-downs, cell
formats, header notes) and the layout reference (:mod:`planner.io.layoutdocs`), so the
workbook handed out and the page describing it cannot say different things. A layout is
planner's own flat layout of households, villages or projects (headers are field paths, one
sheet per table) or one of the shipped national export layouts (Chinese headers read through
the default column map).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from planner.io.columns import MapEntry, default_column_map
from planner.io.exportlayouts import ExportLayout, export_layouts
from planner.io.headers import Resolver
from planner.io.layout import LIST, ROW, SCALAR, Column, Layout, layout_for, unwrap_optional
from planner.io.options import TABLES
from planner.io.partsheets import PART_SHEETS, sheet_layout
from planner.model.vocab import LABELS_ZH

OWN_LAYOUTS = {table: kind for kind, table in TABLES.items()}
"""planner's own flat layouts by template name: ``households``, ``villages``, ``projects``."""


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    """One header: the field it feeds (``target``), the cell type, and its map entry."""

    header: str
    target: str
    value_type: Any
    is_list: bool = False
    month: bool = False
    entry: MapEntry | None = None
    description: str | None = None

    @property
    def closed(self) -> bool:
        """True when the cell takes a closed vocabulary (an enum or yes/no)."""
        tp = self.value_type
        return tp is bool or (isinstance(tp, type) and issubclass(tp, Enum))

    @property
    def cell(self) -> str:
        """How a cell is typed: date, month, int, float, choice(s), list, json or text."""
        tp = self.value_type
        if self.month:
            return "month"
        if self.closed:
            return "choices" if self.is_list else "choice"
        if self.is_list:
            return "list"
        if tp in (date, datetime):
            return "date"
        if tp is dict:
            return "json"
        if tp is int:
            return "int"
        return "float" if tp is float else "text"

    def labels(self, lang: str = "zh") -> tuple[str, ...]:
        """The values a cell of a closed vocabulary may hold, the canonical ones first.

        ``zh``: the Chinese labels (户主, 是) and every label of the column map's vocabulary
        (农村低保, 之子, 1 …); ``en``: the model's values (head, true) for planner's own
        layouts, whose headers are field names. An export column's labels are its vocabulary.
        """
        if not self.closed:
            return ()
        vocabulary = [*self.entry.values, *self.entry.defaults] if self.entry else []
        tp = self.value_type
        answers = tp is not bool and bool({"是", "否"} & set(vocabulary))
        if vocabulary and (self.is_list or answers):
            # a yes/no question about one value (是否参加城乡居民基本医疗保险, 享受低保政策情况):
            # its answers, not every value of the field
            return tuple(vocabulary)
        english = lang == "en" and self.entry is None
        if tp is bool:
            canonical = ["true", "false"] if english else ["是", "否"]
        else:
            canonical = [str(m.value) if english else LABELS_ZH.get((tp, m.value), str(m.value))
                         for m in tp]
        return tuple(dict.fromkeys([*canonical, *vocabulary]))


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One sheet of a layout: its name and headers, in order."""

    name: str
    headers: tuple[HeaderSpec, ...]


def _description(model: type[BaseModel], path: tuple[Any, ...]) -> str | None:
    """The model's ``description`` of the field at ``path`` (list indexes skipped)."""
    current: Any = model
    info = None
    for step in path:
        if isinstance(step, int):
            continue
        current, _ = unwrap_optional(current)
        if typing.get_origin(current) is list:
            (current,) = typing.get_args(current)
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(step))
        if info is None:
            return None
        current = info.annotation
    return info.description if info is not None else None


def _column_spec(header: str, target: str, column: Column | None, model: type[BaseModel],
                 path: tuple[Any, ...], entry: MapEntry | None = None) -> HeaderSpec:
    value_type = column.type if column is not None else str
    if column is not None and column.kind not in (SCALAR, LIST):
        value_type = dict  # a JSON cell
    return HeaderSpec(header, target, value_type, column is not None and column.kind == LIST,
                      entry is not None and entry.type == "month", entry,
                      _description(model, path) if column is not None else None)


def _own_sheets(kind: str) -> tuple[SheetSpec, ...]:
    layout = layout_for(kind)
    main = [_column_spec(c.name, c.name, c, layout.model,
                         (layout.row_field, *c.path) if c.level == ROW else c.path)
            for c in layout.columns]
    sheets = [SheetSpec(TABLES[kind], tuple(main))]
    for part in layout.parts:
        keys = [HeaderSpec(k, k, int if k.endswith("_number") else str) for k in part.keys]
        owner = (layout.row_field,) if part.level == ROW else ()
        columns = [_column_spec(c.name, f"{part.name}.{c.name}", c, layout.model,
                                (*owner, part.field, *c.path)) for c in part.columns]
        sheets.append(SheetSpec(part.name, (*keys, *columns)))
    return tuple(sheets)


def record_layout(kind: str) -> Layout:
    """The flat layout an export layout of record ``kind`` is read into."""
    return sheet_layout(kind) if kind in PART_SHEETS else layout_for(kind)


def _record_model(kind: str) -> type[BaseModel]:
    return PART_SHEETS[kind].model if kind in PART_SHEETS else layout_for(kind).model


def export_header(layout: ExportLayout, header: str) -> HeaderSpec | None:
    """What ``header`` of export ``layout`` feeds through the default map; None when unread."""
    entry = default_column_map().table(layout.table).entry(header)
    if entry is None:
        return None
    if entry.income or entry.cost:
        target = f"income.{entry.income}" if entry.income else "production_costs"
        return HeaderSpec(header, target, float, entry=entry)
    field = entry.field or ""
    found = Resolver(record_layout(layout.kind)).field(field)
    if found is None:
        return HeaderSpec(header, field, str, entry=entry)
    level, path, column = found
    if level == ROW:
        path = ("members", *path)
    spec = _column_spec(header, field, column, _record_model(layout.kind), path, entry)
    return spec


def export_sheet_name(layout: ExportLayout) -> str:
    """The sheet name of ``layout`` as the export names it (the title after its colon)."""
    name = layout.title_zh.split("：", 1)[-1]
    for forbidden in "[]:*?/\\":
        name = name.replace(forbidden, "")
    return name[:31]


def template_layouts() -> dict[str, str]:
    """Every layout a template can be written in: name → title (Chinese / English)."""
    own = {"households": "planner 户数据（一人一行及附表）/ planner households (one row per "
                         "member, part sheets)",
           "villages": "planner 行政村数据 / planner villages",
           "projects": "planner 项目数据 / planner projects"}
    return own | {layout.name: f"{layout.title_zh} / {layout.title_en}"
                  for layout in export_layouts()}


def layout_sheets(name: str) -> tuple[SheetSpec, ...]:
    """The sheets of layout ``name`` with every header a reader maps to a field.

    An export layout's deliberately ignored headers are left out: a template asks only for
    what planner reads (reading them would warn that they feed nothing).
    """
    if name in OWN_LAYOUTS:
        return _own_sheets(OWN_LAYOUTS[name])
    for layout in export_layouts():
        if layout.name == name:
            found = (export_header(layout, h) for h in layout.headers)
            return (SheetSpec(export_sheet_name(layout), tuple(s for s in found if s)),)
    raise ValueError(f"unknown layout {name!r}; expected one of {sorted(template_layouts())}")

