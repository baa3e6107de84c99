"""Matplotlib set-up shared by the graph picture and the Gantt charts: headless, a CJK font.

No Graphviz or other binary is needed. Chinese is drawn with the font subset shipped in the
package (``planner/fonts/PlannerCJK-Regular.otf``: Noto Sans CJK SC, SIL OFL 1.1, covering GB 2312
level 1 and every character of planner's labels; rebuilt by ``scripts/make_cjk_font.py``),
registered with matplotlib when first drawn, so charts are Chinese on a server without CJK fonts.
A character outside the subset is drawn with an installed CJK font when there is one.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from planner.extras import require

#: The CJK font subset shipped in the package (see the module docstring).
BUNDLED_FONT = "PlannerCJK-Regular.otf"

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
def bundled_font() -> str | None:
    """Register the shipped CJK subset with matplotlib's font manager; its family name
    (``None`` when the file is missing from the installation)."""
    require("plots")
    from matplotlib import font_manager

    path = Path(str(files("planner").joinpath("fonts", BUNDLED_FONT)))
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def cjk_font() -> str | None:
    """The family name of a font that can draw Chinese: the shipped subset, else an installed
    one, else ``None``."""
    return bundled_font() or system_cjk_font()


@lru_cache(maxsize=1)
def system_cjk_font() -> str | None:
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
    """Keyword arguments selecting the CJK fonts for text calls (empty when there is none): the
    shipped subset, then (for a character it lacks) an installed CJK font, then DejaVu Sans."""
    families = list(dict.fromkeys(font for font in (bundled_font(), system_cjk_font()) if font))
    return {"fontfamily": [*families, "DejaVu Sans"]} if families else {}
