"""The measure catalog: shipped content, district overrides, and rejection of bad catalogs."""

from __future__ import annotations

import pytest

from planner.measures import CatalogError, default_catalog, load_catalog
from planner.registry import entry_point_rules

BUILTIN_PACKS = ("income", "basic_needs", "education", "health", "housing", "water",
                 "data_quality", "support", "policy", "monitoring", "village", "project")


def _measure(measure_id: str, *prerequisites: str) -> str:
    lines = [
        f"  - id: {measure_id}",
        f"    label: {{zh: 措施{measure_id}, en: Measure {measure_id}}}",
        "    family: support",
        "    responsible: {zh: 乡镇人民政府, en: Township government}",
        "    reference: test",
    ]
    if prerequisites:
        lines.append("    prerequisites:")
        lines += [f"      - {{measure: {p}}}" for p in prerequisites]
    return "\n".join(lines)


def _catalog_text(*measures: str) -> str:
    return "measures:\n" + "\n".join(measures) + "\n"


def test_the_shipped_catalog_holds_the_measures_the_issue_lists() -> None:
    catalog = default_catalog()
    expected = {
        "planting_subsidy", "livestock_subsidy", "cooperative_linkage", "asset_dividend",
        "skills_training", "job_placement", "workshop_job", "public_welfare_post", "forest_ranger",
        "credit_rating", "microcredit", "dropout_return", "home_teaching", "living_subsidy",
        "vocational_aid", "insurance_enrolment", "serious_illness_insurance",
        "medical_assistance", "family_doctor", "housing_assessment", "housing_renovation",
        "relocation", "water_connection", "dibao", "tekun_support", "disability_subsidy",
        "disability_care_subsidy", "pension_premium", "policy_briefing", "assign_helper",
        "home_visit", "road_hardening", "water_works",
    }
    assert expected <= set(catalog)


def test_every_batch_of_the_five_has_measures() -> None:
    batches = {m.batch for m in default_catalog().values() if m.batch}
    assert batches == {"production", "relocation", "ecological", "education", "social_security"}


def test_every_measure_is_labelled_in_both_languages_and_cites_a_source() -> None:
    for measure in default_catalog().values():
        assert measure.label.zh and measure.label.en, measure.id
        assert measure.responsible.zh and measure.responsible.en, measure.id
        assert measure.reference, measure.id


def test_every_measure_is_a_node_of_the_graph_with_its_prerequisite_edges() -> None:
    catalog = default_catalog()
    graph = catalog.graph
    assert set(graph.nodes) == set(catalog)
    assert graph.edges["credit_rating", "microcredit"] == {"relation": "finish_to_start",
                                                           "lead_days": 7}
    assert graph.has_edge("housing_assessment", "housing_renovation")
    assert graph.has_edge("water_works", "water_connection")


def test_every_measure_a_builtin_rule_proposes_is_in_the_catalog() -> None:
    catalog = default_catalog()
    missing = sorted(
        f"{rule.code} → {measure}"
        for rule in entry_point_rules(BUILTIN_PACKS)
        for measure in rule.proposes
        if measure not in catalog
    )
    assert missing == []


def test_a_catalog_with_a_cycle_is_rejected_naming_the_cycle() -> None:
    text = _catalog_text(_measure("alpha", "gamma"), _measure("beta", "alpha"),
                         _measure("gamma", "beta"), _measure("delta"))
    with pytest.raises(CatalogError) as error:
        load_catalog(text)
    message = str(error.value)
    assert message.startswith("prerequisite cycle:")
    assert {"alpha", "beta", "gamma"} <= set(message.replace("→", " ").split())
    assert "delta" not in message


def test_a_catalog_with_an_unknown_prerequisite_is_rejected_naming_both_ids() -> None:
    text = _catalog_text(_measure("alpha", "credit_rate"), _measure("beta"))
    with pytest.raises(CatalogError, match="unknown prerequisite ids: alpha → credit_rate"):
        load_catalog(text)


def test_a_duplicate_id_is_rejected() -> None:
    with pytest.raises(CatalogError, match="duplicate measure ids: alpha"):
        load_catalog(_catalog_text(_measure("alpha"), _measure("alpha")))


def test_a_malformed_measure_is_rejected_with_its_id_and_field() -> None:
    text = _catalog_text(_measure("alpha").replace("family: support", "family: magic"))
    with pytest.raises(CatalogError, match=r"measure alpha: family"):
        load_catalog(text)


def test_a_district_file_merges_amounts_adds_measures_and_removes_others(tmp_path) -> None:
    override = tmp_path / "district.yaml"
    override.write_text(
        "measures:\n"
        "  - {id: planting_subsidy, unit_cost: 2500, eligibility: {age_max: 70}}\n"
        + _measure("village_cleanup") + "\n"
        "remove: [relocation]\n",
        encoding="utf-8",
    )
    catalog = default_catalog().with_overrides(override)
    planting = catalog["planting_subsidy"]
    assert planting.unit_cost == 2500
    assert planting.eligibility.labour == "capable"  # merged, not replaced
    assert planting.eligibility.age_max == 70
    assert planting.label.zh == "种植业产业奖补"
    assert "village_cleanup" in catalog
    assert "relocation" not in catalog
    assert default_catalog()["planting_subsidy"].unit_cost == 3000


def test_removing_a_measure_others_depend_on_is_rejected(tmp_path) -> None:
    override = tmp_path / "district.yaml"
    override.write_text("remove: [credit_rating]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="microcredit → credit_rating"):
        default_catalog().with_overrides(override)


def test_a_village_work_cannot_wait_for_a_household_measure() -> None:
    text = _catalog_text(
        _measure("alpha"),
        _measure("road", "alpha").replace("family: support",
                                          "family: infrastructure\n    beneficiary: village"),
    )
    with pytest.raises(CatalogError, match=r"village work cannot wait.*road → alpha"):
        load_catalog(text)


def test_addresses_match_codes_exactly_or_by_prefix() -> None:
    catalog = load_catalog(_catalog_text(
        _measure("fix").replace("family: support", "family: data\n    addresses: [DQ*, HOU001]")))
    fix = catalog["fix"]
    assert fix.resolves("DQ007") and fix.resolves("HOU001")
    assert not fix.resolves("HOU002")
    assert [m.id for m in catalog.addressing("DQ012")] == ["fix"]


def test_eligibility_limits_named_in_the_catalog_are_parameters_sup003_declares() -> None:
    from planner.measures.eligibility import parameter_names
    from planner.params import default_parameters
    from planner.registry import load_rules

    catalog = default_catalog()
    named = parameter_names(catalog.values())
    assert named == ("labour.severe_disability_grade_max", "support.microcredit_age_max",
                     "support.microcredit_age_min", "support.welfare_post_age_max",
                     "support.welfare_post_age_min")
    assert set(named) <= set(default_parameters())
    measure_mismatch = load_rules().get("SUP003")
    assert measure_mismatch is not None
    assert set(named) <= set(measure_mismatch.parameters)
