"""The records of derived facts a household and its members carry; rules read their attributes.

Every fact that could not be computed because an input is unknown is ``None``, so the rules can tell
"not recorded" from "zero" or "false". The facts are declared in :mod:`planner.facts.household` and
:mod:`planner.facts.member`; a backend fills these records from those declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from planner.facts.vocab import BasicGuarantee, IdProblem
from planner.idnumber import IdCheck
from planner.model import Household, Member
from planner.model.vocab import DisabilityCategory, Sex


@dataclass(slots=True)
class MemberFacts:
    """Facts about one member; ``number`` is 1-based within the household's member list."""

    number: int
    record: Member
    age: int | None
    id_check: IdCheck | None
    id_valid: bool | None
    id_problem: IdProblem | None
    # the recorded value, else the ID number's (planner.facts.member)
    birth_date: date | None
    sex: Sex | None
    card_disability_category: DisabilityCategory | None
    card_disability_grade: int | None
    disability_category: DisabilityCategory | None
    disability_grade: int | None
    from_id: frozenset[str]
    id_birth_mismatch: bool | None
    id_sex_mismatch: bool | None
    id_disability_mismatch: bool | None
    school_entry_age: int | None
    compulsory_school_age: bool | None
    working_age: bool | None
    enrolled: bool | None
    compulsory_student: bool
    living_subsidy_expected: bool | None
    vocational_student: bool
    can_work: bool | None
    ill: bool | None
    disabled: bool | None
    basic_medical_insured: bool | None
    employed: bool
    holds_post: bool
    benefits: frozenset[str] | None
    # compulsory-school age, not enrolled and not exempted by the county committee (domain.md §2)
    out_of_school: bool | None
    # Codes addressed by active measures for this member or the whole household (set by derive).
    # Defaulted fields stay last.
    addressed_codes: frozenset[str] = frozenset()
    # The county checklist (planner.facts.county); defaulted so that they can stay last.
    benefits_declined: frozenset[str] | None = None
    on_dibao: bool | None = None
    on_tekun: bool | None = None
    has_disability_card: bool | None = None
    disability_benefit: bool | None = None
    posts_at_once: int = 0
    work_spells_at_once: int = 0
    # Income stability (planner.facts.income_stability).
    full_labour: bool | None = None

    @property
    def subject(self) -> str:
        return f"m{self.number}"


@dataclass(slots=True)
class HouseholdFacts:
    """Facts about one household on ``reference_date``; ``members``: registered members only."""

    record: Household
    reference_date: date
    income_year: int
    poverty_line: float | None
    members: tuple[MemberFacts, ...]
    size: int
    income_known: bool
    income_wage: float | None
    income_operating: float | None
    income_property: float | None
    income_transfer: float | None
    gross_income: float | None
    production_costs: float
    net_income: float | None
    per_capita_net_income: float | None
    wage_share: float | None
    operating_share: float | None
    property_share: float | None
    transfer_share: float | None
    previous_per_capita_income: float | None
    per_capita_change_share: float | None
    # |recorded 人均纯收入 − computed per-capita net income|; None when either is unknown
    per_capita_income_gap: float | None
    heads: int
    head_spouse_same_sex: bool | None
    members_can_work: int
    labour_unknown: int
    labour_share: float | None
    any_can_work: bool | None
    school_age_children: int
    ill_members: int
    disabled_members: int
    students: int
    vocational_students: int
    members_working: int
    post_held: bool | None
    active_measures: frozenset[str]
    # active measures of the plan window (income year … reference year); new = none before it
    measures_this_year: frozenset[str]
    new_measures_this_year: frozenset[str]
    income_measures_this_year: int
    # measures of the income year in progress or done (their effects should show in the record)
    measures_implemented: frozenset[str]
    planned_annual_gain: float
    projected_per_capita_income: float | None
    exit_target: date
    housing_unsafe: bool | None
    housing_secured: bool
    usable_room_share: float | None
    usable_area_per_person: float | None
    has_helper: bool
    last_visit: date | None
    days_since_visit: int | None
    in_monitoring: bool
    risk_eliminated: bool | None
    days_to_verification: int | None
    days_to_assistance: int | None
    months_to_elimination: int | None
    addressed_codes: frozenset[str]
    water_litres_min: float
    water_safe: bool | None
    basic_guarantee_problems: tuple[BasicGuarantee, ...]
    basic_guarantee_secure: bool | None
    monitoring_era: bool
    overdue_measures: tuple[int, ...]
    # the county checklist's insurance and assistance items (planner.facts.county_health)
    premium_subsidy: bool | None
    premium_subsidy_window_start: date
    premium_subsidy_cutoff: date
    next_premium_subsidy_window_start: date
    premium_subsidy_period_over: bool
    rain_dew_plan: bool | None
    family_doctor_listed: bool | None
    industry_assistance_listed: bool | None
    # risks, measures received and elimination (planner.facts.risk)
    risk_illness: bool | None
    risk_disability: bool | None
    risk_schooling: bool | None
    risk_accident: bool | None
    risk_industry_failure: bool | None
    risk_unstable_employment: bool | None
    risk_lack_of_labour: bool | None
    risk_natural_disaster: bool | None
    risk_housing: bool | None
    risk_water: bool | None
    risk_other: bool | None
    unrecognised_risks: frozenset[str] | None
    unrecognised_risk_count: int | None
    recorded_risks: int | None
    has_health_measure: bool
    has_protection_measure: bool
    has_education_measure: bool
    has_housing_measure: bool
    has_water_measure: bool
    has_employment_measure: bool
    has_development_measure: bool
    months_in_monitoring: int | None
    days_past_whole_months: int | None
    identified_since_income_check: bool | None
    notice_days: int | None
    per_capita_income_after_rigid: float | None
    monitoring_open: bool
    extra: dict[str, object] = field(default_factory=dict)
    # planner.facts.eras
    monitoring_start: date | None = None
    identified_before_start: bool | None = None
    registration_era: bool | None = None
    monitoring_threshold: float | None = None
    # The county checklist (planner.facts.county); defaulted so that they can stay last.
    dibao_listed: bool | None = None
    tekun_listed: bool | None = None
    dibao_in_social_security: bool | None = None
    tekun_in_social_security: bool | None = None
    disability_subsidy_listed: bool = False
    social_security_recorded: bool = False
    anyone_on_dibao: bool | None = None
    anyone_on_tekun: bool | None = None
    # Contact records (planner.facts.contact).
    phone_shared_apart_members: tuple[int, ...] = ()
    phone_shared_apart: bool = False
    # Income stability (planner.facts.income_stability).
    members_full_labour: int = 0
    any_full_labour: bool | None = None
    policy_income: float | None = None
    policy_income_share: float | None = None
    income_line: float | None = None
    near_line_limit: float | None = None
    rigid_expenditure_share: float | None = None
    income_near_line: bool | None = None

    @property
    def id(self) -> str:
        return self.record.id
