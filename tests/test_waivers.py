"""Waiver files: entries are validated and household ids are kept exactly as written."""

from __future__ import annotations

from datetime import date

import pytest

from planner.finding import Finding
from planner.model import Waiver
from planner.registry import RuleSet, load_rules
from planner.waivers import FileWaiver, WaiverError, WaiverLedger, parse_yaml_waivers

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)


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


# -- judging waivers against a run's findings (WaiverLedger) -----------------------------------

ON = date(2020, 9, 30)


def _finding(code: str, subject: str = "H1", member: int | None = None) -> Finding:
    return Finding(code=code, name="x", family="f", severity="warning", subject=subject,
                   subject_kind="household", message_zh="问题", message_en="problem",
                   member=member)


def _waiver(code: str, expires: date = date(2020, 12, 31), member: int | None = None) -> Waiver:
    return Waiver(code=code, reason="年底分红", approver="河口镇", expires=expires, member=member)


def _ledger(waivers=(), dataset_codes=()) -> tuple[WaiverLedger, list[tuple[str, str, str]]]:
    reported: list[tuple[str, str, str]] = []

    def report(rule, subject, values, evidence, member=None, values_en=None):
        reported.append((rule.code, subject, (values_en or values).get("why", "")))
        return _finding(rule.code, subject, member)

    rules = RuleSet(r for r in load_rules() if r.code in ("INC001", "DQ004", "PLN002", "PLN003"))
    known = {"HOU001", *(r.code for r in rules)}
    ledger = WaiverLedger(rules, waivers, ON, report, known_codes=known,
                          engine_codes={"PLN002", "PLN003"}, dataset_codes=dataset_codes)
    return ledger, reported


def test_a_live_waiver_marks_its_finding_and_an_expired_one_is_reported():
    ledger, reported = _ledger()
    findings = [_finding("INC001")]
    extra = ledger.apply("H1", [_waiver("INC001"), _waiver("INC001", date(2020, 1, 1))], findings)
    assert findings[0].waived
    assert [f.code for f in extra] == ["PLN002"] and reported[0][:2] == ("PLN002", "H1")


def test_an_unused_waiver_says_why_and_one_of_an_unselected_known_rule_is_not_judged():
    ledger, reported = _ledger()
    ledger.apply("H1", [_waiver("INC001", member=2), _waiver("HOU001"), _waiver("ZZ999")],
                 [_finding("INC001", member=1)])
    assert [(code, why) for code, _, why in reported] == [
        ("PLN003", "no such finding for member 2"), ("PLN003", "no rule has this code")]


def test_waivers_of_dataset_codes_wait_for_the_end_of_the_run():
    ledger, reported = _ledger(
        [FileWaiver("H1", _waiver("DQ004")), FileWaiver("GONE", _waiver("INC001"))],
        dataset_codes={"DQ004"},
    )
    assert ledger.of_household("H1", [_waiver("INC001")]) == [_waiver("INC001")]
    dataset = [_finding("DQ004", "H1")]
    extra = ledger.finish(dataset)
    assert dataset[0].waived
    assert [(f.code, f.subject) for f in extra] == [("PLN003", "GONE")]
    assert reported[-1][2] == "the household is not in the input"
