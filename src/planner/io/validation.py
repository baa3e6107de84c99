"""Pydantic validation errors as bilingual reasons with readable field paths."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel

from planner.io.cells import NOT_FINITE, expected_values
from planner.io.layout import unwrap_optional


def display_path(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a dotted path with 1-based list positions (``members.2.sex``)."""
    parts = []
    for part in loc:
        if part == "[key]":
            parts.append("<key>")
        elif isinstance(part, int):
            parts.append(str(part + 1))
        else:
            parts.append(str(part))
    return ".".join(parts)


def type_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The annotated type found by following ``loc`` through the model, or None."""
    tp: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(part))
            if info is None:
                return None
            tp = unwrap_optional(info.annotation)[0]
            if typing.get_origin(tp) is list:
                tp = typing.get_args(tp)[0]
        else:
            return None
    return tp


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reason(error: Mapping[str, Any], model: type[BaseModel]) -> tuple[str, str]:
    """The reason of one pydantic error in Chinese and English."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if isinstance(ctx.get("zh"), str) and isinstance(ctx.get("en"), str):
        return ctx["zh"], ctx["en"]  # a model's own check giving both (PydanticCustomError)
    if kind == "missing":
        return "缺少必填值", "required value is missing"
    if kind == "extra_forbidden":
        return "未知字段（模型中没有此字段）", "unknown field (not in the model)"
    if kind == "greater_than_equal":
        if ctx.get("ge") == 0:
            return "不能为负数", "must not be negative"
        return f"不能小于 {_number(ctx.get('ge'))}", f"must be at least {_number(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"不能大于 {_number(ctx.get('le'))}", f"must be at most {_number(ctx.get('le'))}"
    if kind == "greater_than":
        bound = _number(ctx.get("gt"))
        return f"必须大于 {bound}", f"must be greater than {bound}"
    if kind == "less_than":
        return f"必须小于 {_number(ctx.get('lt'))}", f"must be less than {_number(ctx.get('lt'))}"
    if kind in ("string_too_short", "too_short"):
        return "不能为空", "must not be empty"
    if kind == "enum":
        tp = type_at(model, error.get("loc", ()))
        if isinstance(tp, type) and issubclass(tp, Enum):
            zh, en = expected_values(tp)
            return f"取值未知，应为：{zh}", f"unknown value; expected one of: {en}"
        return "取值未知", f"unknown value; expected {ctx.get('expected', '')}".strip()
    if kind.startswith("int_"):
        return "应为整数", "must be a whole number"
    if kind == "finite_number":
        return NOT_FINITE
    if kind.startswith("float_"):
        return "应为数字", "must be a number"
    if kind.startswith("bool_"):
        return "应为“是”或“否”", "must be yes (是) or no (否)"
    if kind.startswith(("date_", "datetime_")):
        return "日期无效，应为 YYYY-MM-DD", "invalid date; expected YYYY-MM-DD"
    if kind == "string_unicode":
        return ("含有无效的 Unicode 字符（孤立的代理项，如 \\ud800）",
                "holds an invalid Unicode character (a lone surrogate such as \\ud800)")
    if kind.startswith("string_"):
        return "应为文本", "must be text"
    if kind == "list_type":
        return "应为列表", "must be a list"
    if kind == "dict_type":
        return "应为 JSON 对象", "must be an object"
    if kind in ("model_type", "model_attributes_type"):
        return "应为对象（记录）", "must be an object (record)"
    if kind == "json_invalid":
        # The parser's own words (position, lone surrogate, nesting) quote no data.
        detail = str(ctx.get("error", "")).strip()
        if detail:
            return f"不是有效的 JSON（{detail}）", f"not valid JSON ({detail})"
        return "不是有效的 JSON", "not valid JSON"
    if kind == "json_type":
        return "应为 JSON 文本", "must be JSON text"
    message = str(error.get("msg", kind))
    return f"数据无效：{message}", f"invalid data: {message}"
