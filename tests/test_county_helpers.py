"""The county-checklist fact helpers (planner.backends.python.county_helpers): texts mentioned
in the export's lists, spells at once, workplaces at county level; unknowns stay unknown."""

from __future__ import annotations

from datetime import date

from planner.backends.python.county_helpers import county_level, mentions, most_at_once
from planner.model import EmploymentRecord, PublicWelfarePost
from planner.params import default_parameters

PARAMS = default_parameters().at(date(2023, 6, 30))


def test_mentions_reads_items_and_keeps_an_unknown_list_unknown() -> None:
    assert mentions(["农村低保", "临时救助"], "低保") is True
    assert mentions(["临时救助"], "低保") is False
    assert mentions([], "低保") is False
    assert mentions(None, "低保") is None


def _spell(start: str | None, end: str | None = None) -> EmploymentRecord:
    return EmploymentRecord(start=start, end=end)


def test_most_at_once_places_dated_spells_with_open_ends() -> None:
    assert most_at_once([]) == 0
    assert most_at_once([_spell("2022-01-01", "2022-03-31"), _spell("2022-04-01")]) == 1
    assert most_at_once([_spell("2022-01-01", "2022-03-31"), _spell("2022-03-31")]) == 2
    assert most_at_once([_spell("2021-01-01"), _spell("2022-05-01"), _spell("2023-01-01")]) == 3
    assert most_at_once([_spell(None), _spell(None), _spell("2022-01-01")]) == 1
    posts = [PublicWelfarePost(name="护林员", start=date(2022, 1, 1)),
             PublicWelfarePost(name="保洁员", start=date(2022, 2, 1), end=date(2022, 2, 28))]
    assert most_at_once(posts) == 2


def test_county_level_rejects_only_provinces_and_prefectures() -> None:
    for text in ("浙江省", "广西壮族自治区", "广东", "黔东南苗族侗族自治州", "毕节地区", "520100",
                 "520100000000"):
        assert county_level(text, params=PARAMS) is False, text
    for text in ("花溪区", "仁怀市", "杭州市", "示范县", "520111", "  德钦县 "):
        assert county_level(text, params=PARAMS) is True, text
    assert county_level(None, params=PARAMS) is None
    assert county_level("  ", params=PARAMS) is None
