"""Waiver files: entries are validated and household ids are kept exactly as written."""

from __future__ import annotations

import pytest

from planner.waivers import WaiverError, parse_yaml_waivers


def test_a_quoted_household_id_is_kept_as_written() -> None:
    [entry] = parse_yaml_waivers(
        '- {household: "0012345670", code: HOU001, reason: 等待搬迁, approver: 镇政府,'
        " expires: 2021-06-30}\n"
    )
    assert entry.household == "0012345670"
    assert entry.waiver.code == "HOU001"


def test_an_unquoted_numeric_household_id_is_refused() -> None:
    with pytest.raises(WaiverError, match="quotes"):
        parse_yaml_waivers(
            "- {household: 0012345670, code: HOU001, reason: x, approver: y, expires: 2021-06-30}\n"
        )


def test_an_entry_without_a_reason_is_refused() -> None:
    with pytest.raises(WaiverError, match="missing reason"):
        parse_yaml_waivers(
            '- {household: "H1", code: HOU001, approver: y, expires: 2021-06-30}\n'
        )
