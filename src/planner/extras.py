"""The optional parts of planner (pip extras) and the one guard that imports them.

The core (models, readers of JSON, JSON Lines, CSV and Excel, checking, planning without a
budget solver or charts, every output but Parquet) needs none of them. Each heavy part is an extra
of the distribution :data:`DISTRIBUTION`; code needing one calls :func:`require` (at the top of a
module that is itself imported only on use, or inside the function needing it), which raises
:class:`MissingExtra` naming the extra to install, in Chinese and English, instead of a bare
``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from planner.errors import BilingualError

#: The distribution's name on the package index (the import name stays ``planner``).
DISTRIBUTION = "fuping-planner"

#: Each extra: the module it provides, what needs it (zh, en).
EXTRAS: dict[str, tuple[str, str, str]] = {
    "parquet": ("pyarrow", "读写 Parquet 文件", "reading and writing Parquet files"),
    "plots": ("matplotlib", "绘制甘特图和措施关系图（SVG/PNG）",
              "drawing Gantt charts and the measure graph (SVG/PNG)"),
    "budget": ("scipy", "按预算精确分配（混合整数规划）",
               "the exact budget allocation (a mixed-integer programme)"),
    "dask": ("distributed", "在 dask 集群上运行（--scheduler）",
             "running on a dask cluster (--scheduler)"),
    "columnar": ("polars", "列式后端（--backend columnar）", "the columnar backend "
                 "(--backend columnar)"),
    "durable": ("durable", "durable-rules 后端", "the durable-rules backend"),
    "pandas": ("pandas", "pandas 数据框", "a pandas data frame"),
    "polars": ("polars", "polars 数据框", "a polars data frame"),
    "frames": ("pandas", "数据框（pandas 或 polars，均未安装）",
               "a data frame (pandas or polars, neither installed)"),
}


class MissingExtra(BilingualError):
    """An optional part is not installed; the message names the extra and the pip command."""

    def __init__(self, extra: str, module: str):
        _, zh, en = EXTRAS[extra]
        hint = pip_hint(extra)
        super().__init__(f"{zh}需要可选组件 {extra}（{module} 未安装）；请运行 {hint}",
                         f"{en} needs the optional part {extra} ({module} is not installed); "
                         f"run {hint}")
        self.extra = extra
        self.module = module


def pip_hint(extra: str) -> str:
    """The command installing ``extra``: ``pip install 'fuping-planner[extra]'``."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def require(extra: str, module: str | None = None) -> ModuleType:
    """Import and return ``module`` (by default the extra's own module, e.g. ``pyarrow`` for
    ``parquet``), or raise :class:`MissingExtra` naming ``extra`` when it is not installed."""
    name = module or EXTRAS[extra][0]
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise MissingExtra(extra, name.partition(".")[0]) from exc


def installed(extra: str) -> bool:
    """Whether the module of ``extra`` can be imported."""
    try:
        require(extra)
    except MissingExtra:
        return False
    return True


__all__ = ["DISTRIBUTION", "EXTRAS", "MissingExtra", "installed", "pip_hint", "require"]
