"""Configuration: ``planner.toml`` (top-level keys) or ``pyproject.toml`` ``[tool.planner]``.

Keys: ``select``, ``ignore``, ``extend-select``, ``rules`` (local rule files or folders),
``params`` (district parameter files), ``measures`` (district measure catalog overrides),
``waivers`` (waiver files), ``reference-date``, ``fail-on``, ``output-format``, ``province``
(the shipped provincial parameters to apply before the district's: planner.params.provinces),
``income-year`` (the year of a national export's income totals, as ``--income-year``),
``column-map`` (a column map for files not in a known layout, as ``--column-map``), ``lang``
(``zh`` or ``en``, the language of messages and reports) and ``budget`` (``planner plan
--budget``, 元). ``catalog`` is another name of ``measures`` (``planner plan --catalog``).
Paths are relative to the configuration file; an unknown key is an error suggesting the nearest
known one.

Discovery (:func:`find_config`): ``--config FILE`` if given; else ``planner.toml`` in a folder
named as input; else, from the current folder up to the root, the first folder holding a
``planner.toml`` or a ``pyproject.toml`` with a ``[tool.planner]`` table (``planner.toml`` first).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from planner.errors import BilingualError
from planner.safe_yaml import read_text
from planner.selection import Selection

CONFIG_NAME = "planner.toml"
OUTPUT_FORMATS = ("text", "json", "jsonl", "csv", "sarif")
FailOn = Literal["error", "warning", "info", "none"]
OutputFormat = Literal["text", "json", "jsonl", "csv", "sarif"]


class ConfigError(BilingualError):
    """A configuration file cannot be read or holds an unknown key or a bad value.

    The message is in Chinese, then English (``.zh``, ``.en``), and names the file and the key.
    """


class Config(BaseModel):
    """The settings of one configuration file; paths already resolved against its folder."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    extend_select: list[str] = Field(default_factory=list, alias="extend-select")
    rules: list[Path] = Field(default_factory=list)
    params: list[Path] = Field(default_factory=list)
    measures: list[Path] = Field(
        default_factory=list, validation_alias=AliasChoices("measures", "catalog"))
    waivers: list[Path] = Field(default_factory=list)
    reference_date: date | None = Field(None, alias="reference-date")
    fail_on: FailOn | None = Field(None, alias="fail-on")
    output_format: OutputFormat | None = Field(None, alias="output-format")
    province: str | None = Field(None, min_length=1)
    income_year: int | None = Field(None, alias="income-year", ge=1980, le=2100)
    column_map: Path | None = Field(None, alias="column-map")
    lang: Literal["zh", "en"] | None = None
    budget: float | None = Field(None, ge=0)
    path: Path | None = Field(None, exclude=True)

    def selection(self) -> Selection:
        """This file's level of rule selection."""
        return Selection(
            select=self.select, ignore=self.ignore, extend_select=self.extend_select,
            source=str(self.path or "configuration"),
        )


_PATH_KEYS = ("rules", "params", "measures", "catalog", "waivers")


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Validate a configuration table read from ``path``; relative paths become absolute."""
    base = path.parent
    table = dict(data)
    for key in _PATH_KEYS:
        value = table.get(key)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            table[key] = [
                str(p if Path(p).is_absolute() else (base / p)) if isinstance(p, str) else p
                for p in value
            ]
    if isinstance(table.get("column-map"), str):
        table["column-map"] = str(base / table["column-map"])
    for key in ("select", "ignore", "extend-select"):
        if isinstance(table.get(key), str):
            table[key] = [part.strip() for part in table[key].split(",") if part.strip()]
    try:
        return Config.model_validate({**table, "path": path})
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "(top level)"
        if error["type"] == "extra_forbidden":
            names = [f.alias or name for name, f in Config.model_fields.items() if name != "path"]
            names.append("catalog")
            known = ", ".join(names)
            close = difflib.get_close_matches(key.replace("_", "-"), names, n=1)
            hint_zh = f"是否想用 {close[0]}？" if close else ""
            hint_en = f"did you mean {close[0]}? " if close else ""
            raise ConfigError(
                f"{path}：未知的配置项 {key!r}（{hint_zh}可用：{known}）",
                f"{path}: unknown key {key!r} ({hint_en}known keys: {known})",
            ) from exc
        raise ConfigError(
            f"{path}：配置项 {key} 的值有误：{error['msg']}", f"{path}: {key}: {error['msg']}"
        ) from exc


def load_config(path: str | Path) -> Config:
    """Read ``planner.toml`` (top-level keys) or ``pyproject.toml`` (``[tool.planner]``)."""
    path = Path(path).resolve()
    text = read_text(path, ConfigError)  # TOML is UTF-8 by definition
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}：不是有效的 TOML：{exc}", f"{path}: not valid TOML: {exc}"
        ) from exc
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("planner", {})
    return parse_config(data, path)


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool", {}).get("planner"), dict)


def find_config(inputs: Iterable[str | Path] = (), cwd: str | Path | None = None) -> Path | None:
    """The configuration file that applies to a run over ``inputs`` (see the module docstring)."""
    for item in inputs:
        folder = Path(item)
        if folder.is_dir() and (folder / CONFIG_NAME).is_file():
            return (folder / CONFIG_NAME).resolve()
    start = Path(cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def resolve_config(
    explicit: str | Path | None, inputs: Iterable[str | Path] = (), cwd: str | Path | None = None
) -> Config:
    """The configuration for a run: ``explicit`` if given, else the discovered one, else empty."""
    path = Path(explicit) if explicit is not None else find_config(inputs, cwd)
    if path is None:
        return Config()
    if explicit is not None and not path.is_file():
        raise ConfigError(f"{path}：没有这个配置文件", f"{path}: no such configuration file")
    return load_config(path)


__all__ = [
    "CONFIG_NAME",
    "OUTPUT_FORMATS",
    "Config",
    "ConfigError",
    "find_config",
    "load_config",
    "parse_config",
    "resolve_config",
]
