"""Rule selection with ruff's precedence: specificity within a level, command line over config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from planner import Hit, RuleContext, rule
from planner.registry import RuleSet
from planner.selection import Selection, SelectionError, selected_codes, split_selectors

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)


def _rule(code: str, name: str, family: str):
    @rule(code=code, name=name, family=family, message={"zh": code, "en": code})
    def function(ctx: RuleContext) -> Iterator[Hit]:
        """A selection fixture."""
        return iter(())

    return function


RULES = RuleSet([
    _rule("INC001", "income-below-line", "income"),
    _rule("INC002", "no-income-measure", "income"),
    _rule("INC010", "income-drop", "income"),
    _rule("HOU001", "unsafe-house", "housing"),
    _rule("HOU002", "small-house", "housing"),
    _rule("DQ001", "invalid-id", "data_quality"),
    _rule("D001", "d-rule", "d_family"),
])


def codes(*levels: Selection) -> list[str]:
    return sorted(selected_codes(RULES, levels))


def test_everything_is_selected_by_default():
    assert codes() == sorted(r.code for r in RULES)


def test_select_by_prefix_name_family_and_code():
    assert codes(Selection(select=["INC"])) == ["INC001", "INC002", "INC010"]
    assert codes(Selection(select=["INC00"])) == ["INC001", "INC002"]
    assert codes(Selection(select=["unsafe-house"])) == ["HOU001"]
    assert codes(Selection(select=["housing"])) == ["HOU001", "HOU002"]
    assert codes(Selection(select=["DQ001", "INC010"])) == ["DQ001", "INC010"]


def test_a_prefix_does_not_cross_into_another_letter_code():
    assert codes(Selection(select=["D"])) == ["D001"]


def test_the_more_specific_selector_wins_within_a_level():
    assert codes(Selection(select=["ALL"], ignore=["INC"])) == [
        "D001", "DQ001", "HOU001", "HOU002"]
    assert codes(Selection(select=["INC001"], ignore=["INC"])) == ["INC001"]
    assert codes(Selection(select=["INC"], ignore=["INC00"])) == ["INC010"]
    assert codes(Selection(select=["income"], ignore=["no-income-measure"])) == [
        "INC001", "INC010"]


def test_ignore_wins_at_equal_specificity():
    assert codes(Selection(select=["INC001"], ignore=["INC001"])) == []
    assert codes(Selection(select=["INC"], ignore=["INC"])) == []


def test_a_command_line_select_discards_the_configuration():
    config = Selection(select=["INC"], ignore=["INC001"], extend_select=["HOU001"])
    assert codes(config) == ["HOU001", "INC002", "INC010"]
    assert codes(config, Selection(select=["INC001"])) == ["INC001"]


def test_command_line_adjustments_apply_on_top_of_the_configuration():
    config = Selection(select=["INC"], ignore=["INC001"])
    assert codes(config, Selection(extend_select=["INC001"])) == ["INC001", "INC002", "INC010"]
    assert codes(config, Selection(ignore=["INC010"])) == ["INC002"]
    assert codes(config, Selection(extend_select=["housing"], ignore=["HOU002"])) == [
        "HOU001", "INC002", "INC010"]


def test_configuration_ignores_apply_to_the_default():
    assert codes(Selection(ignore=["data_quality", "D001"])) == [
        "HOU001", "HOU002", "INC001", "INC002", "INC010"]


def test_an_empty_select_hands_its_ignores_to_the_next_level():
    assert codes(Selection(select=[], ignore=["INC001"]), Selection(select=["INC"])) == [
        "INC002", "INC010"]


def test_an_unknown_selector_is_an_error_naming_its_source():
    with pytest.raises(SelectionError, match=r"unknown rule selector 'INCX' \(in planner.toml\)"):
        codes(Selection(select=["INCX"], source="planner.toml"))
    with pytest.raises(SelectionError, match="'IN'"):
        codes(Selection(ignore=["IN"]))


def test_comma_separated_selectors_are_split():
    assert split_selectors(["INC,HOU", " DQ001 ", ""]) == ("INC", "HOU", "DQ001")
    assert codes(Selection(select="INC001,HOU001")) == ["HOU001", "INC001"]


@pytest.mark.parametrize(("typed", "meant"), [
    ("INC0001", "INC001"), ("inc002", "INC002"), ("housng", "housing"),
    ("unsafe-hous", "unsafe-house"),
])
def test_a_misspelt_selector_gets_a_suggestion(typed: str, meant: str) -> None:
    with pytest.raises(SelectionError) as raised:
        selected_codes(RULES, [Selection(select=(typed,), source="command line")])
    assert raised.value.zh.endswith(f"是否想用 {meant}？")
    assert raised.value.en.endswith(f"did you mean {meant}?")


def test_no_suggestion_for_a_selector_like_nothing_loaded() -> None:
    with pytest.raises(SelectionError) as raised:
        selected_codes(RULES, [Selection(select=("ZZZ999",))])
    assert "did you mean" not in raised.value.en
