"""Waiver files: reviewed exceptions kept outside the household records (YAML or CSV).

Each entry names a household, a rule code, optionally a member (1-based), and must give a reason,
an approver and an expiry date::

    - {household: 522425-101-0001, code: HOU001, reason: 等待易地搬迁安置, approver: 河口镇政府,
       expires: 2020-12-31}

CSV files have the header ``household,code,member,reason,approver,expires``. A missing reason,
approver or expiry is an error naming the file and the entry.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.engine import FileWaiver
from planner.errors import BilingualError
from planner.io.formats import sniff_encoding
from planner.model import Waiver
from planner.rule import CODE_PATTERN
from planner.safe_yaml import parse_yaml, read_text

FIELDS = ("household", "code", "member", "reason", "approver", "expires")
REQUIRED = ("household", "code", "reason", "approver", "expires")
_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header (no header can be this)


class WaiverError(BilingualError):
    """A waiver file is unreadable or an entry lacks a required field.

    The message is in Chinese, then English (``.zh``, ``.en``), and names the file and the entry.
    """


def _where_zh(where: str) -> str:
    """``entry #3`` → ``第3条``, ``line 7`` → ``第7行``."""
    kind, _, number = where.partition(" ")
    return f"第{number.lstrip('#')}{'行' if kind == 'line' else '条'}"


def _entry(item: Any, source: str, where: str) -> FileWaiver:
    if not isinstance(item, dict):
        raise WaiverError(
            f"{source}：{_where_zh(where)}：每条豁免须是含 {'、'.join(FIELDS)} 的映射",
            f"{source}: {where}: a waiver is a mapping of {', '.join(FIELDS)}",
        )
    raw_household = item.get("household")
    household = str(raw_household or "").strip()
    code = str(item.get("code") or "").strip()
    zh = f"{source}：{_where_zh(where)}（户 {household or '?'}，规则 {code or '?'}）"
    en = f"{source}: {where} (household {household or '?'}, code {code or '?'})"
    if raw_household is not None and not isinstance(raw_household, str):
        # YAML reads 0012345670 as a number (octal even): the id would silently change.
        raise WaiverError(f"{zh}：户编号须加引号：household: \"...\"",
                          f"{en}: write the household id in quotes: household: \"...\"")
    missing = [key for key in REQUIRED if item.get(key) in (None, "")]
    if missing:
        raise WaiverError(f"{zh}：缺少 {'、'.join(missing)}", f"{en}: missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise WaiverError(f"{zh}：未知的字段 {'、'.join(unknown)}",
                          f"{en}: unknown field {', '.join(unknown)}")
    if not CODE_PATTERN.match(code):
        raise WaiverError(f"{zh}：{code!r} 不是规则代码", f"{en}: {code!r} is not a rule code")
    fields = {k: v for k, v in item.items() if k != "household" and v not in (None, "")}
    try:
        waiver = Waiver.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise WaiverError(f"{zh}：{field} 的值有误：{error['msg']}",
                          f"{en}: {field}: {error['msg']}") from exc
    return FileWaiver(household=household, waiver=waiver, source=f"{source}: {where}")


def parse_yaml_waivers(text: str, source: str = "<waivers>") -> list[FileWaiver]:
    """Waivers of a YAML file: a list, or a mapping with ``waivers: [...]``."""
    document = parse_yaml(text, source, WaiverError)
    data = document.data
    path: tuple[str, ...] = ()
    if isinstance(data, dict) and "waivers" in data:
        data, path = data["waivers"], ("waivers",)
    if data is None:
        return []
    if not isinstance(data, list):
        raise WaiverError(f"{document.where(*path)}：豁免文件应是豁免条目的列表",
                          f"{document.where(*path)}: a waiver file holds a list of waivers")
    return [_entry(item, document.where(*path, i - 1), f"entry #{i}")
            for i, item in enumerate(data, start=1)]


def parse_csv_waivers(text: str, source: str = "<waivers>") -> list[FileWaiver]:
    """Waivers of a CSV file with a header row (``household,code,member,…``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restkey=_EXTRA)
    header = [h.strip() for h in reader.fieldnames or ()]
    lacking = [key for key in REQUIRED if key not in header]
    if lacking:
        raise WaiverError(f"{source}：表头缺少 {'、'.join(lacking)}",
                          f"{source}: the header lacks {', '.join(lacking)}")
    waivers = []
    for row in reader:
        if row.get(_EXTRA):  # restkey collects cells beyond the header
            cells = len(header) + len(row[_EXTRA])
            raise WaiverError(
                f"{source}：第{reader.line_num}行有 {cells} 个单元格，表头只有 {len(header)} 列",
                f"{source}: line {reader.line_num} has {cells} cells, the header only"
                f" {len(header)} columns",
            )
        row.pop(_EXTRA, None)
        item = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if not any(item.values()):
            continue
        waivers.append(_entry(item, source, f"line {reader.line_num}"))
    return waivers


def load_waivers(path: str | Path) -> list[FileWaiver]:
    """Waivers of a ``.yaml``/``.yml`` or ``.csv`` file."""
    path = Path(path)
    # Excel in a Chinese locale saves CSV as GBK/GB18030; YAML is UTF-8 by its own definition.
    is_csv = path.suffix.lower() == ".csv"
    text = read_text(path, WaiverError, sniff_encoding if is_csv else None)
    if is_csv:
        return parse_csv_waivers(text, str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_yaml_waivers(text, str(path))
    raise WaiverError(f"{path}：豁免文件须为 .yaml、.yml 或 .csv",
                      f"{path}: waiver files are .yaml, .yml or .csv")


__all__ = ["WaiverError", "load_waivers", "parse_csv_waivers", "parse_yaml_waivers"]
