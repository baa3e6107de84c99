"""Household plans: the three named households through the real rules, and planning behaviour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.backends.python.engine import Checker
from planner.finding import Finding
from planner.measures import default_catalog
from planner.measures.catalog import MeasureCatalog
from planner.model import Household
from planner.params import default_parameters
from planner.planning import HouseholdPlan, plan_household
from planner.registry import RuleSet, entry_point_rules
from planner.run import Run
from planner.testing import merge_patch

pytestmark = pytest.mark.core  # needs no extra (scripts/test.sh: .venv-core)

WHEN = date(2020, 9, 30)
BUILTIN_PACKS = ("income", "basic_needs", "education", "health", "housing", "water",
                 "data_quality", "support", "policy", "monitoring", "village", "project")
DEVELOPMENT = {"industry", "employment", "finance"}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Run.build(RuleSet(entry_point_rules(BUILTIN_PACKS)), default_parameters(), WHEN))


@pytest.fixture
def planned(example_household, checker):
    """Plan a named example household (optionally patched) through the built-in rules."""

    def build(name: str, patch: dict | None = None, findings: list[Finding] | None = None,
              catalog=None, **options) -> HouseholdPlan:
        data = example_household(name)
        if patch:
            data = merge_patch(data, patch)
        household = Household.model_validate(data)
        facts = checker.facts(household)
        if findings is None:
            findings = checker.check_household(household, facts)
        return plan_household(facts, findings, catalog or default_catalog(),
                              default_parameters(), start=WHEN, **options)

    return build


def finding(code: str, subject: str, family: str, proposes: tuple[str, ...] = (),
            member: int | None = None) -> Finding:
    return Finding(code=code, name="test", family=family, severity="error", subject=subject,
                   subject_kind="household", message_zh=f"{code} 问题",
                   message_en=f"{code} problem", member=member, proposes=proposes)


def assert_valid_order(result: HouseholdPlan) -> None:
    """Every item starts after what it waits for, and comes after it in the list."""
    position = {item.key: i for i, item in enumerate(result.items)}
    for item in result.items:
        for key in item.waits_for:
            before = result.item(key)
            if before is None:
                continue
            assert position[key] < position[item.key], (key, item.key)
            assert before.due is not None and item.start is not None
            assert before.due <= item.start, (key, item.key)


def assert_every_item_says_why(result: HouseholdPlan) -> None:
    for item in result.items:
        assert item.why or item.prerequisite_of or item.need == "income", item.key
        assert item.reason_zh and item.reason_en, item.key


# -- the three households of "Done when" ----------------------------------------------------------
def test_the_2808_yuan_household_gets_a_plan_that_clears_the_line(planned) -> None:
    result = planned("pre_exit_2808")
    assert [item.key for item in result.items] == [
        "skills_training@m2", "credit_rating", "job_placement@m2", "microcredit"]
    assert all(item.status == "proposed" for item in result.items)
    assert_valid_order(result)
    assert_every_item_says_why(result)
    credit, microcredit = result.item("credit_rating"), result.item("microcredit")
    assert credit.due + timedelta(days=7) == microcredit.start
    assert microcredit.waits_for == ["credit_rating"]
    assert credit.prerequisite_of == ["microcredit"]
    assert {"INC001", "INC002"} <= set(result.item("job_placement@m2").why)
    assert "INC001" in microcredit.why
    assert "lack_of_funds" in microcredit.causes
    assert result.income.per_capita == 2808
    assert result.income.projected_per_capita == pytest.approx((11232 + 24000 + 3000) / 4)
    assert result.income.projected_per_capita >= result.income.poverty_line == 4000
    assert result.income.clears_line is True
    assert result.helper == "刘**"
    assert [h.measure for h in result.history] == ["planting_subsidy"]


def test_the_2808_yuan_plan_says_the_exit_date_comes_before_the_gains(planned) -> None:
    result = planned("pre_exit_2808")
    assert result.target_date == date(2020, 11, 30)
    late = [n.measure for n in result.notes if n.kind == "late"]
    assert late == ["job_placement", "microcredit"]
    assert any(n.kind == "target_unreachable" for n in result.notes)


def test_the_one_room_household_gets_an_assessment_then_renovation_and_water(planned) -> None:
    result = planned("one_room_unsafe_water")
    keys = [item.key for item in result.items]
    assert sorted(keys) == ["housing_assessment", "housing_renovation", "water_connection"]
    assert keys.index("housing_assessment") < keys.index("housing_renovation")
    assert_valid_order(result)
    assert_every_item_says_why(result)
    assessment, renovation = result.item("housing_assessment"), result.item("housing_renovation")
    assert renovation.start == assessment.due + timedelta(days=7)
    assert assessment.prerequisite_of == ["housing_renovation"]
    # the crowding of a C house is HOU001's (HOU002 is for houses graded safe)
    assert "HOU001" in renovation.why and "HOU002" not in renovation.why
    assert "WAT001" in result.item("water_connection").why
    assert result.income.new_gain == 0


@pytest.mark.parametrize("grade", ["A", "B"])
def test_a_crowded_house_graded_safe_gets_an_assessment_never_a_renovation(
    planned, grade
) -> None:
    result = planned("one_room_unsafe_water", {"housing": {"safety_grade": grade}})
    keys = [item.key for item in result.items]
    assert "housing_assessment" in keys
    assert not {"housing_renovation", "relocation"} & set(keys)
    assert "HOU002" in result.item("housing_assessment").why


def test_the_household_without_labour_gets_protection_and_no_development(planned) -> None:
    result = planned("no_labour")
    assert [item.measure for item in result.items] == ["dibao"]
    assert not any(item.family in DEVELOPMENT for item in result.items)
    dibao = result.item("dibao")
    assert dibao.gain == 2316 * 2 and dibao.need == "income"
    assert "2220" in dibao.reason_en and "poverty line" in dibao.reason_en
    assert result.income.projected_per_capita == pytest.approx((4440 + 4632) / 2)
    assert result.income.clears_line is True
    assert result.income.clears_threshold is False


# -- the same with findings given explicitly ----------------------------------------------------
def test_findings_can_be_given_instead_of_rules(planned) -> None:
    subject = "522425-102-0002"
    result = planned("one_room_unsafe_water", findings=[
        finding("HOU001", subject, "housing", ("housing_assessment", "housing_renovation")),
        finding("WAT001", subject, "water", ("water_connection",)),
    ])
    assert [i.key for i in result.items] == [
        "housing_assessment", "water_connection", "housing_renovation"]
    assert result.item("housing_renovation").why == ["HOU001"]


def test_waived_findings_are_not_needs(planned) -> None:
    from planner.model import Waiver

    waived = finding("WAT001", "522425-102-0002", "water", ("water_connection",))
    waived.waiver = Waiver(code="WAT001", reason="works due", approver="县水务局",
                           expires=date(2021, 1, 1))
    result = planned("one_room_unsafe_water", findings=[waived])
    assert result.items == []


# -- behaviour ----------------------------------------------------------------------------------
def test_planned_measures_are_kept_with_their_dates_and_prerequisites_added(planned) -> None:
    result = planned("pre_exit_2808", {"measures": [
        {"measure": "microcredit", "status": "planned", "year": 2020, "start": "2020-10-15",
         "expected_annual_gain": 3000},
    ]})
    kept = result.item("microcredit")
    assert kept.status == "planned" and kept.start == date(2020, 10, 15)
    assert result.item("credit_rating").prerequisite_of == ["microcredit"]
    conflicts = [n for n in result.notes if n.kind == "date_conflict"]
    assert len(conflicts) == 1 and "credit_rating" in conflicts[0].en
    assert result.income.planned_gain == 3000
    assert "microcredit" not in [i.measure for i in result.new_items]


def test_the_job_goes_to_the_member_not_yet_working(planned) -> None:
    result = planned("pre_exit_2808", findings=[
        finding("INC001", "522425-101-0001", "income", ("workshop_job",))])
    jobs = [i for i in result.items if i.measure in ("job_placement", "workshop_job")]
    assert [job.member for job in jobs] == [2]


def test_a_member_holds_at_most_one_job(planned) -> None:
    small_jobs = default_catalog().with_override_text(
        "measures:\n"
        + "".join(f"  - {{id: {job}, annual_gain: 2500, unit_cost: 100}}\n"
                  for job in ("job_placement", "workshop_job", "public_welfare_post",
                              "forest_ranger")))
    no_income = {"income": [{"category": "wage", "amount": 100, "year": 2020}]}
    result = planned("pre_exit_2808", no_income, catalog=small_jobs)
    jobs: dict[int | None, list[str]] = {}
    for item in result.items:
        if small_jobs[item.measure].exclusive == "job":
            jobs.setdefault(item.member, []).append(item.measure)
    assert sorted(jobs) == [1, 2]
    assert all(len(held) == 1 for held in jobs.values())
    assert sum(1 for i in result.items if i.measure == "forest_ranger") <= 1


def test_a_monitored_household_aims_at_the_monitoring_threshold(planned) -> None:
    result = planned("pre_exit_2808", {
        "status": "exited", "exit_target": None,
        "monitoring": {"group": "unstable_exited", "identified_on": "2020-06-01"}})
    assert result.income.target_parameter == "monitoring.threshold"
    assert result.income.target == 6000
    assert result.income.clears_threshold is True


def test_a_need_no_eligible_measure_can_close_is_stated(planned) -> None:
    subject = "522425-101-0001"
    result = planned("pre_exit_2808", {"members": {3: {"birth_date": "2003-01-15",
                                                              "schooling": "dropped_out"}}},
                     findings=[finding("EDU001", subject, "education",
                                       ("dropout_return", "home_teaching"), member=3)])
    notes = [n for n in result.notes if n.kind == "unmet_need"]
    assert len(notes) == 1 and notes[0].code == "EDU001" and notes[0].member == 3
    assert "outside ages 6–15" in notes[0].en
    assert "dropout_return" not in result.measures()


def test_an_income_gap_nothing_can_close_is_stated(planned) -> None:
    result = planned("no_labour", {"status": None, "members": {
        1: {"labour_capacity": None}, 2: {"labour_capacity": None}}}, findings=[])
    kinds = {n.kind for n in result.notes}
    assert {"income_gap", "labour_unknown"} <= kinds
    assert result.income.clears_line is False


def test_a_finding_no_measure_addresses_is_listed(planned) -> None:
    result = planned("one_room_unsafe_water",
                     findings=[finding("ZZZ001", "522425-102-0002", "other")])
    assert result.unplanned == ["ZZZ001"]
    assert [n.kind for n in result.notes] == ["no_measure"]


def test_helper_names_are_shown_only_when_asked(planned) -> None:
    assert planned("no_labour").helper == "孙*"
    assert planned("no_labour", show_names=True).helper == "孙丽"


def test_the_plan_is_deterministic(planned) -> None:
    first = planned("pre_exit_2808").to_dict()
    assert first == planned("pre_exit_2808").to_dict()


def test_a_planned_measure_whose_prerequisite_nobody_qualifies_for_is_noted(planned) -> None:
    result = planned("no_labour", {"measures": [
        {"measure": "microcredit", "status": "planned", "year": 2020}]}, findings=[])
    assert result.item("microcredit").status == "planned"
    assert "credit_rating" not in result.measures()
    [note] = [n for n in result.notes if n.kind == "unmet_prerequisite"]
    assert note.measure == "microcredit" and "no member qualifies" in note.en


# -- measures that do not fit (SUP003) are cancelled ----------------------------------------------
def test_a_measure_that_does_not_fit_its_member_is_cancelled_not_scheduled(planned) -> None:
    result = planned("sup_training_no_labour")
    [cancel] = result.to_cancel
    assert (cancel.key, cancel.member, cancel.action, cancel.status) == (
        "skills_training@m2", 2, "cancel", "planned")
    assert cancel.why == ["SUP003"] and cancel.why_codes == ["SUP003"]
    assert cancel.reason_zh == "与对象不符，应取消：成员2无劳动能力"
    assert cancel.reason_en == "does not fit, cancel: member 2 has no labour capacity"
    assert cancel.why_zh == ["SUP003：成员2无劳动能力"]
    assert cancel.why_en == ["SUP003: member 2 has no labour capacity"]
    assert (cancel.start, cancel.due, cancel.cost, cancel.gain) == (None, None, 0.0, 0.0)
    assert result.items == [] and result.item("skills_training@m2") is None
    assert result.unplanned == []
    assert not [n for n in result.notes if n.code == "SUP003"]
    assert not [n for n in result.notes if n.kind in ("unmet_need", "no_measure")]
    data = result.to_dict()
    assert data["items"] == []
    assert [(c["key"], c["action"], c["why_codes"]) for c in data["to_cancel"]] == [
        ("skills_training@m2", "cancel", ["SUP003"])]


def test_the_gain_of_a_cancelled_measure_is_not_counted_and_its_need_is_planned_again(
        planned) -> None:
    # a job for the 72-year-old mother, who has no labour capacity, with a gain that would
    # otherwise close the household's income gap
    result = planned("pre_exit_2808", {"measures": [
        {"measure": "job_placement", "status": "planned", "year": 2020, "beneficiary": 4,
         "expected_annual_gain": 24000}]})
    assert [c.key for c in result.to_cancel] == ["job_placement@m4"]
    assert result.to_cancel[0].reason_en.endswith("member 4 has no labour capacity")
    assert result.income.planned_gain == 0
    assert result.item("job_placement@m4") is None
    assert result.item("job_placement@m2").status == "proposed"
    assert result.income.projected_per_capita == pytest.approx((11232 + 24000 + 3000) / 4)


def test_a_household_nobody_in_which_can_work_gets_protection_instead(planned) -> None:
    only_dibao = {"income": [{"category": "transfer", "subtype": "dibao", "amount": 5280,
                              "year": 2020}]}
    result = planned("sup_training_no_labour", only_dibao)
    assert [c.key for c in result.to_cancel] == ["skills_training@m2"]
    subsidy = result.item("disability_subsidy@m2")
    assert subsidy is not None and subsidy.family == "social_protection" and subsidy.new
    assert not any(i.family == "employment" for i in result.items)
    assert result.income.clears_line is True


def test_a_completed_measure_that_did_not_fit_is_noted_not_cancelled(planned) -> None:
    result = planned("sup_training_no_labour",
                     {"measures": {2: {"status": "done", "completed": "2020-06-30"}}})
    assert result.to_cancel == [] and result.items == []
    [note] = result.notes
    assert (note.kind, note.code, note.member) == ("unfit_done", "SUP003", 2)
    assert "成员2无劳动能力" in note.zh and "cannot be cancelled" in note.en


def test_a_waived_mismatch_keeps_the_measure_as_already_planned(planned) -> None:
    from planner.model import Waiver

    waived = Finding(code="SUP003", name="measure-mismatch", family="support", severity="error",
                     subject="522425-203-0032", subject_kind="household", message_zh="不符",
                     message_en="unfit", member=2, kind="mismatch", measure="skills_training",
                     evidence={"measure": "skills_training", "status": "planned",
                               "beneficiary": 2, "reason": "labour"},
                     waiver=Waiver(code="SUP003", reason="approved", approver="县乡村振兴局",
                                   expires=date(2021, 1, 1)))
    result = planned("sup_training_no_labour", findings=[waived])
    assert result.to_cancel == []
    kept = result.item("skills_training@m2")
    assert kept.status == "planned" and kept.action == "keep"
    assert (kept.why_codes, kept.why_zh, kept.why_en) == (
        ["existing"], ["原有措施"], ["already planned"])


# -- why, in words --------------------------------------------------------------------------------
def test_every_reason_has_a_bilingual_label_and_keeps_its_code(planned) -> None:
    result = planned("pre_exit_2808")
    training = result.item("skills_training@m2")
    assert training.why_codes == ["prerequisite:job_placement@m2"]
    assert training.why_zh == ["前置：转移就业（劳务输出及交通补贴）（成员2）"]
    assert training.why_en == ["prerequisite of job placement with transport subsidy (member 2)"]
    job = result.item("job_placement@m2")
    assert job.why_zh == job.why_en == job.why_codes == job.why
    dibao = planned("no_labour").item("dibao")
    assert (dibao.why_codes, dibao.why_zh, dibao.why_en) == (
        ["income-gap"], ["收入缺口"], ["income gap"])
    data = dibao.to_dict()
    assert data["why_codes"] == ["income-gap"]
    assert data["why_labels"] == {"zh": ["收入缺口"], "en": ["income gap"]}
    assert data["action"] == "add"


def test_a_prerequisite_in_a_taken_exclusive_group_blocks_its_measure(planned) -> None:
    # tekun_support and dibao are both in the ``floor`` group: disability_subsidy, which needs
    # dibao, cannot pull it in for a household already under tekun support
    result = planned("no_labour", {"measures": [
        {"measure": "tekun_support", "status": "in_progress", "beneficiary": 1,
         "start": "2020-01-01"}]},
        findings=[finding("SUPX", "522425-203-0003", "support", ("disability_subsidy",),
                          member=2)])
    measures = result.measures()
    assert "dibao" not in measures and "disability_subsidy" not in measures
    assert "cooperative_linkage" not in measures
    note = next(n for n in result.notes if n.code == "SUPX")
    assert note.kind == "unmet_need" and "(floor)" in note.en


def test_the_gain_of_a_drafted_prerequisite_counts_towards_the_income_gap(checker,
                                                                          example_household):
    from planner.planning.needs import IncomeNeed
    from planner.planning.select import Selection

    household = Household.model_validate(example_household("no_labour"))
    facts = checker.facts(household)
    selection = Selection(facts, default_catalog(), default_parameters().at(WHEN), WHEN, None)
    subsidy = selection.option(default_catalog()["disability_subsidy"], 2)
    assert subsidy is not None and [r.key for r in subsidy.requires] == ["dibao"]
    need = IncomeNeed(["INC001"], (), 4000, "income.poverty_line", 5000, 5000, False, "缺口", "gap")
    remaining = selection.choose_income(need, [subsidy])
    assert set(selection.drafts) == {"dibao", "disability_subsidy@m2"}
    gains = selection.drafts["dibao"].gain + selection.drafts["disability_subsidy@m2"].gain
    assert remaining == max(0.0, 5000 - gains)


def test_a_planned_due_date_a_prerequisite_cannot_meet_is_a_date_conflict(planned) -> None:
    result = planned("pre_exit_2808", {"measures": [
        {"measure": "microcredit", "status": "planned", "due": "2020-10-05"}]})
    credit, microcredit = result.item("credit_rating"), result.item("microcredit")
    assert microcredit.start == credit.due + timedelta(days=7)
    assert microcredit.due == microcredit.start + timedelta(days=microcredit.duration_days)
    [note] = [n for n in result.notes if n.kind == "date_conflict"]
    assert note.measure == "microcredit" and "2020-10-05" in note.en and "2020-10-05" in note.zh


def _transfer_heavy(kind: str) -> dict:
    """pre_exit_2808 (below the 2020 line) with a full-labour head, whose income is 6,000 yuan of
    transfers of ``kind`` beside 2,000 yuan of work: 75% of gross income are transfers."""
    return {"members": {1: {"labour_capacity": "normal"}},
            "income": [{"category": "wage", "subtype": "local_work", "amount": 2000,
                        "year": 2020, "member": 1},
                       {"category": "transfer", "subtype": kind, "amount": 6000, "year": 2020}],
            "production_costs": []}


def test_support_from_children_is_no_policy_dependence_in_the_plan_notes(planned) -> None:
    """The plan's transfer share (and its transfer-dependent note) weighs policy transfers
    (income.policy_transfer_subtypes), not support from relatives or remittances (issue 14:
    INC004's rule, in the plan too). Without income measures in the catalog the plan adds no
    gain, so the recorded income decides."""
    catalog = MeasureCatalog(m for m in default_catalog().values() if m.income_category is None)
    family = planned("pre_exit_2808", _transfer_heavy("family_support"), catalog=catalog)
    assert family.income.transfer_share == 0.0
    assert "transfer_dependent" not in {n.kind for n in family.notes}
    dibao = planned("pre_exit_2808", _transfer_heavy("dibao"), catalog=catalog)
    assert dibao.income.transfer_share == 0.75
    assert "transfer_dependent" in {n.kind for n in dibao.notes}


def test_the_projection_is_labelled_annualised_and_gives_the_income_within_the_year(
        planned) -> None:
    """A plan starting on 2020-09-30: the annualised run-rate counts every measure's full gain;
    within the year each counts from its due date to 31 December, so a measure due in December
    adds a few days' worth and one due next year nothing (issue 14: projections both annualised
    and within the year, labelled)."""
    result = planned("pre_exit_2808")
    income = result.income
    assert income.projected_per_capita == pytest.approx((11232 + 24000 + 3000) / 4)
    counted = [i for i in result.items if i.status != "done" and i.gain]
    assert counted and all(i.due is not None for i in counted)
    within = sum(i.gain * max(0, (date(2020, 12, 31) - i.due).days) / 366
                 for i in counted if i.due.year == 2020)
    assert income.within_year_per_capita == pytest.approx((11232 + within) / 4)
    assert income.per_capita < income.within_year_per_capita < income.projected_per_capita
    data = income.to_dict()
    assert data["projected_basis"] == "annualised"
    assert data["within_year_until"] == "2020-12-31"
    assert data["within_year_per_capita"] == round(income.within_year_per_capita, 2)
