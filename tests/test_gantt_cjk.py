"""Gantt charts in Chinese on any machine: the CJK font subset shipped in the package draws every
label and the Chinese month axis, with no installed CJK font (issue 16 item 3)."""

from __future__ import annotations

import re
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pytest
from fontTools.ttLib import TTFont

from planner.measures import default_catalog, drawing
from planner.planning.gantt import chinese_date, write_gantts

from .test_plan_outputs import _district

FONT = Path(drawing.__file__).resolve().parent.parent / "fonts" / drawing.BUNDLED_FONT


@pytest.fixture
def no_installed_cjk_font(monkeypatch):
    """As on a server without CJK fonts: only the shipped subset (and DejaVu Sans) can draw."""
    monkeypatch.setattr(drawing, "system_cjk_font", lambda: None)


def test_the_shipped_subset_is_small_licensed_and_registered():
    assert FONT.is_file() and FONT.stat().st_size < 2_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT.parent / "OFL.txt").read_text("utf-8")
    assert drawing.bundled_font() == "Planner CJK Subset"
    assert drawing.cjk_font() == "Planner CJK Subset"


def test_the_subset_covers_every_measure_label_month_and_digit():
    cmap = TTFont(FONT).getBestCmap()
    catalog = default_catalog()
    text = "".join(catalog[measure_id].label.zh for measure_id in catalog)
    text += "".join(f"{n}月" for n in range(1, 13)) + "一二三四五六七八九十年日0123456789"
    text += "帮扶计划村级 @×…（）"
    assert [char for char in sorted(set(text)) if ord(char) not in cmap] == []


def test_chinese_month_axis_labels():
    assert chinese_date(date(2021, 3, 1), "month") == "3月"
    assert chinese_date(date(2021, 1, 1), "month") == "2021年"
    assert chinese_date(date(2021, 12, 15), "day") == "12月15日"
    assert chinese_date(date(2022, 6, 1), "year") == "2022年"


def test_charts_render_chinese_without_an_installed_cjk_font(no_installed_cjk_font, tmp_path):
    assert drawing.font_properties() == {"fontfamily": ["Planner CJK Subset", "DejaVu Sans"]}
    district = _district(None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail the test
        pngs = write_gantts(district, tmp_path / "png", "png", "zh")
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep the text to read it back
            svgs = write_gantts(district, tmp_path / "svg", "svg", "zh")
    assert len(pngs) == len(svgs) == 6
    village = (tmp_path / "svg" / "village-V-BY.svg").read_text(encoding="utf-8")
    assert "白岩村 村级帮扶计划" in village
    assert "Planner CJK Subset" in village
    household = (tmp_path / "svg" / "household-522425-102-0002.svg").read_text(encoding="utf-8")
    ticks = re.findall(r">(\d{4}年|\d{1,2}月(?:\d{1,2}日)?)<", household)
    assert ticks and all("月" in tick or "年" in tick for tick in ticks)
    assert not re.search(r">(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)<", household)


def test_english_charts_keep_the_english_axis(tmp_path):
    district = _district(None)
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        write_gantts(district, tmp_path, "svg", "en")
    household = (tmp_path / "household-522425-102-0002.svg").read_text(encoding="utf-8")
    assert "Assistance plan of" in household
    assert "月" not in household
