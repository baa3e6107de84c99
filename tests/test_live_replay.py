"""Replaying a district as events gives the batch check's findings; more than 1,024 households
are monitored at once; a failing evaluation becomes a finding, not a lost event."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.backends import checker
from planner.cli import cli
from planner.live import Monitor, events_from_households, read_change_sheet
from planner.live.evaluate import household_run
from planner.live.replay import household_events
from planner.model import Household
from planner.run import check

from .households import generated
from .live import DISTRICT_2023, ON_2023, district_2023, event, key, run_2023


def test_replaying_the_2023_district_gives_the_findings_of_a_check_of_its_final_state(
        tmp_path: Path) -> None:
    households = district_2023()
    events = list(events_from_households(households))
    kinds = Counter(e.type for e in events)
    assert kinds["snapshot"] == len(households) == 300
    # the facts arrive as events, not inside the snapshots
    assert kinds["income_reported"] == 300 and kinds["household_identified"] >= 60
    assert kinds["illness"] > 50 and kinds["insurance_enrolled"] > 1000
    run = run_2023()
    with Monitor(tmp_path / "j.sqlite", run=run) as live:
        summary = live.ingest(events)
        assert (summary.accepted, summary.rejected) == (len(events), 0)
        assert all(live.state(h.id) == h for h in households)
        replayed = sorted(key(f) for f in live.all_findings())
    batch = check(households, rules=household_run(run).rules, params=run.parameters,
                  reference_date=run.reference_date)
    assert replayed == sorted(key(f) for f in batch.findings)
    assert {code for _, code, _, _ in replayed} >= {"MON001", "MON003", "MON011", "HOU001"}


def test_replaying_the_2023_export_files_gives_the_findings_of_planner_check(
        tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(DISTRICT_2023), "--output-format", "json"],
                                catch_exceptions=False)
    checked = json.loads(result.stdout)
    run = run_2023()
    codes = {rule.code for rule in household_run(run).rules}
    expected = sorted((f["subject"], f["code"], f["member"] or 0, f["message"]["en"])
                      for f in checked["findings"] if f["code"] in codes)
    assert len(expected) > 90
    with Monitor(tmp_path / "j.sqlite", run=run, snapshot_every=1000) as live:
        summary = live.ingest(read_change_sheet(DISTRICT_2023, income_year=2023))
        assert summary.rejected == 0 and summary.accepted > 3000
        replayed = sorted(key(f) for f in live.all_findings())
        # the clocks too: MON002 (verification) is never raised from an export that cannot
        # hold a verification date; the development clock's MON011 falls on the households
        # the batch check finds
        late = {(f.subject, f.code) for f in live.tick(ON_2023)}
    assert replayed == expected
    assert late and {code for _, code in late} == {"MON011"}
    assert late <= {(subject, code) for subject, code, _, _ in expected}
    # the export cannot feed MON002 (no verification date): check skips it, and so does the
    # monitor; the same households without their source's fields would raise it
    assert "MON002" not in {code for _, code, _, _ in replayed}
    plain = check(district_2023(), rules=household_run(run).rules, params=run.parameters,
                  reference_date=run.reference_date)
    assert "MON002" in {f.code for f in plain.findings}
    # started again from the journal (states stored with their fields): the same findings
    with Monitor(tmp_path / "j.sqlite", run=run) as again:
        assert sorted(key(f) for f in again.all_findings()) == expected


def test_the_snapshot_holds_the_registration_state_and_events_bring_the_rest() -> None:
    monitored = next(h for h in district_2023()
                     if h.monitoring is not None and h.monitoring.risk_eliminated is False)
    [snapshot, *rest] = household_events(monitored)
    assert snapshot.type == "snapshot"
    registration = snapshot.household  # type: ignore[union-attr]
    assert registration.monitoring is None and registration.income is None
    assert "household_identified" in {e.type for e in rest}
    assert len({e.id for e in rest}) == len(rest)


def test_more_than_1024_households_are_monitored_at_once(tmp_path: Path) -> None:
    households = generated(1100, seed=1024)
    run = run_2023()
    with Monitor(tmp_path / "j.sqlite", run=run) as live:
        summary = live.ingest(
            event("snapshot", h.id, 0, household=h.model_dump(mode="json")) for h in households)
        assert summary.accepted == 1100
        summary = live.ingest(event("large_expenditure", h.id, 1, amount=50000)
                              for h in households)
        assert summary.accepted == 1100
        assert len(live.households()) == 1100
        first, last = households[0].id, households[-1].id
        state = live.state(last)
        assert state is not None
        before = households[-1].compliant_out_of_pocket or 0
        assert state.compliant_out_of_pocket == before + 50000
        one = checker(household_run(run)).iter_findings([state])
        assert sorted(key(f) for f in live.findings(last)) == sorted(key(f) for f in one)
        assert live.findings(first)  # the first household is still held and evaluated


class Exploding:
    """An evaluator that fails on one household."""

    def update(self, household: Household, carries: frozenset[str] | None = None) -> list:
        if household.id == "boom":
            raise RuntimeError("evaluator failed")
        return []

    def forget(self, household_id: str) -> None:
        """Nothing held."""


def test_an_evaluation_that_raises_becomes_a_finding_and_the_event_is_kept(
        tmp_path: Path) -> None:
    with Monitor(tmp_path / "j.sqlite", run=run_2023(), household_evaluator=Exploding()) as live:
        summary = live.ingest([event("snapshot", "boom", 0, household={"id": "boom"}),
                               event("visit", "boom", 1, "2023-05-01")])
        assert (summary.accepted, summary.rejected) == (2, 0)
        [finding] = live.findings("boom")
        assert finding.code == "PLN001" and finding.evidence == {"error": "RuntimeError"}
        state = live.state("boom")
        assert state is not None and len(state.visits) == 1
        assert live.journal.counts()["applied"] == 2


def test_the_durable_evaluator_without_its_backend_names_the_extra() -> None:
    import importlib.util

    from planner.live.evaluate import BackendMissing, evaluator

    if importlib.util.find_spec("planner.backends.durable") is not None:
        pytest.skip("the durable backend is installed")
    with pytest.raises(BackendMissing) as caught:
        evaluator(run_2023(), "durable")
    assert "planner[durable]" in caught.value.zh and "planner[durable]" in caught.value.en
    with pytest.raises(BackendMissing, match="columnar"):
        evaluator(run_2023(), "columnar")


def test_the_durable_evaluator_replays_the_2023_district_as_python_does(tmp_path: Path) -> None:
    pytest.importorskip("planner.backends.durable.adapter", reason="needs planner[durable]")
    households = district_2023()
    events = list(events_from_households(households))
    run = run_2023()
    found = {}
    for backend in ("python", "durable"):
        with Monitor(tmp_path / f"{backend}.sqlite", run=run, backend=backend) as live:
            summary = live.ingest(events)
            assert (summary.accepted, summary.rejected) == (len(events), 0)
            found[backend] = sorted(key(f) for f in live.all_findings())
    assert found["durable"] == found["python"]
    assert {code for _, code, _, _ in found["durable"]} >= {"MON001", "MON003", "HOU001"}
