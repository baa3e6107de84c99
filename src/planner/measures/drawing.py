"""Matplotlib set-up shared by the graph picture and the Gantt charts: headless, CJK font if any.

No Graphviz or other binary is needed. Chinese labels are drawn only when a font with CJK glyphs is
installed (``fc-list :lang=zh``); otherwise pictures fall back to measure ids and English labels.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from planner.extras import require

#: Fonts known to carry Simplified Chinese glyphs, tried before scanning every installed font.
KNOWN_CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Noto Serif CJK SC", "Source Han Sans SC",
    "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "STHeiti", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback",
)

_PROBE = "中国帮扶计划"


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the headless Agg backend (imported on first use: it is slow)."""
    matplotlib = require("plots")
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that can draw Chinese, or ``None``."""
    require("plots")
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = font_manager.fontManager.ttflist
    names = {font.name for font in fonts}
    for name in KNOWN_CJK_FONTS:
        if name in names:
            return name
    for font in fonts:
        try:
            glyphs = {FT2Font(font.fname).get_char_index(ord(c)) for c in _PROBE}
        except (OSError, RuntimeError, ValueError):
            continue
        # A fallback font (matplotlib's "Last Resort") maps every character to one placeholder.
        if 0 not in glyphs and len(glyphs) == len(_PROBE):
            return str(font.name)
    return None


def label_language(language: str = "zh") -> str:
    """``zh`` when Chinese was asked for and a CJK font exists, else ``en``."""
    return "zh" if language == "zh" and cjk_font() is not None else "en"


def font_properties() -> dict[str, Any]:
    """Keyword arguments selecting the CJK font for text calls (empty when there is none)."""
    font = cjk_font()
    return {"fontfamily": font} if font else {}
