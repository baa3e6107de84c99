"""The field keys ``data_quality.required_fields`` may name (DQ008's keys): one list for the rule
(planner.rules.data_quality judges each) and for what builds records (the generator's
near-threshold household recorded with exactly the required fields)."""

from __future__ import annotations

#: Household keys, in the order DQ008 reports them.
HOUSEHOLD_KEYS = (
    "status", "causes", "recorded_size", "income", "housing.safety_grade", "housing.floor_area",
    "water.quality_safe", "water.litres_per_person_day", "water.access", "water.reliability",
    "living.electricity", "living.sanitary_toilet", "living.entry_road",
    "living.distance_to_main_road_km", "living.cultivated_mu", "living.forest_mu",
    "living.grassland_mu", "food_secure", "clothing_secure",
)

#: Member keys, in the order DQ008 reports them.
MEMBER_KEYS = (
    "member.id_number", "member.relation", "member.sex", "member.birth_date", "member.health",
    "member.medical_insurance", "member.labour_capacity", "member.schooling", "member.ethnicity",
    "member.education", "member.serious_illness_insurance", "member.pension_insurance",
)

#: Keys a record answers through any of several fields (piped water or a fetching time; the
#: quality or the export's overall answer 是否解决安全饮用水 that includes it).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "water.access": ("water.piped_into_home", "water.fetch_minutes_round_trip"),
    "water.quality_safe": ("water.quality_safe", "water.safe"),
}

__all__ = ["HOUSEHOLD_KEYS", "KEY_FIELDS", "MEMBER_KEYS"]
