"""Rebuild the CJK font subset the charts draw with: src/planner/fonts/PlannerCJK-Regular.otf.

A subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1, src/planner/fonts/OFL.txt),
renamed "Planner CJK Subset" as the licence asks of a modified version. It covers the 3,755
characters of GB 2312 level 1, every Chinese character in planner's sources and data files
(measure labels, village works, chart titles), month names, digits, ASCII and CJK punctuation.
Needs fontTools and the source font (Debian: ``apt-get install fonts-noto-cjk``)::

    .venv/bin/python scripts/make_cjk_font.py [PATH/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = ROOT / "src" / "planner" / "fonts" / "PlannerCJK-Regular.otf"
FAMILY = "Planner CJK Subset"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def characters() -> str:
    """The characters the subset keeps."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | set("×…·—–@°％（）：；，。、“”‘’《》【】")
    for high in range(0xB0, 0xD8):  # GB 2312 level 1: the 3,755 most used characters
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for path in (ROOT / "src" / "planner").rglob("*"):
        if path.suffix in {".py", ".yaml", ".toml", ".json"}:
            chars.update(CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    chars.update("年月日一二三四五六七八九十")
    return "".join(sorted(chars))


def main(argv: list[str]) -> int:
    """Write the subset next to planner's fonts."""
    source = Path(argv[0]) if argv else SOURCE
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16):
            names.setName(FAMILY if record.nameID != 4 else FAMILY + " Regular",
                          record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 6):
            names.setName("PlannerCJKSubset-Regular", record.nameID, record.platformID,
                          record.platEncID, record.langID)
        elif record.nameID == 17:
            names.setName("Regular", 17, record.platformID, record.platEncID, record.langID)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["PlannerCJKSubset-Regular"]
        top = cff.topDictIndex[0]
        top.FullName = FAMILY + " Regular"
        top.FamilyName = FAMILY
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET}: {TARGET.stat().st_size} bytes, {len(characters())} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
