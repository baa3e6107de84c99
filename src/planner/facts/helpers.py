"""Named helpers a fact's formula may call: what each computes, and the parameters it reads.

A helper stands where an expression would be contorted (a date measure, an ID check digit, a walk
over the plan's measures). Every backend implements each of them with the same meaning; the Python
one is :mod:`planner.backends.python.fact_helpers`. Helpers get their arguments as they are,
unknowns included, and each doc says what an unknown gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.measures.catalog import default_catalog
from planner.measures.measure import parameter_names


@dataclass(frozen=True, slots=True)
class Helper:
    """A helper's declaration: its name, argument counts, doc, and the parameters it reads."""

    name: str
    arity: tuple[int, ...]
    doc: str
    parameters: tuple[str, ...] = ()

    @property
    def arity_text(self) -> str:
        if len(self.arity) > 2 and self.arity == tuple(range(self.arity[0], self.arity[-1] + 1)):
            return f"{self.arity[0]} to {self.arity[-1]}"
        return " or ".join(str(n) for n in self.arity)


# The limits the shipped catalog's eligibility conditions name (age_min: "education.…").
_ELIGIBILITY = parameter_names(default_catalog().values())
_WATER = ("water.litres_per_person_day_min", "water.litres_per_person_day_min_water_rich",
          "water.fetch_minutes_max", "water.reliability_min")

HELPERS: dict[str, Helper] = {
    helper.name: helper
    for helper in (
        # generic
        Helper("is_known", (1,), "True when the value is known (not None); never unknown."),
        # A fallback chain: a field read only as a non-last argument is not needed by a rule
        # (the later ones stand in for it), so write "recorded, else derived" with coalesce.
        Helper("coalesce", tuple(range(2, 9)),
               "The first known argument (2 to 8 of them); unknown if none is known. Later "
               "arguments are evaluated only when the earlier ones are unknown."),
        Helper("truthy", (1,), "True for a non-empty, non-zero value; unknown counts as false."),
        Helper("abs", (1,), "Absolute value; unknown stays unknown."),
        Helper("size_of", (1,), "Number of elements of a collection; unknown stays unknown."),
        Helper("values_of", (1,), "The set of the values of a list; unknown stays unknown."),
        Helper("mentions", (2,),
               "Whether an item of a list of texts contains the text (second argument): the "
               "free-text measure items of an export; unknown when the list is."),
        Helper("to_date", (1,), "An ISO date text (YYYY-MM-DD) as a date."),
        Helper("date_in_year", (2,), "The date of a month-day text (MM-DD) in the given year."),
        Helper("days_between", (2,), "Days from the first date to the second; unknown if one is."),
        Helper(
            "age_on", (2,),
            "Completed years from a birth date to a date; unknown if the birth date is.",
        ),
        Helper(
            "plus_months", (2,),
            "A date moved by a whole number of months (the 31st becomes the last day of a "
            "shorter month); unknown if the date or the number is.",
        ),
        Helper(
            "months_between", (2,),
            "Whole months between two dates (a month is complete on the same day of the month, or "
            "on the last day of a shorter one); unknown if either is.",
        ),
        # members
        Helper(
            "id_check", (1,),
            "What an ID number says (valid, problem, birth_date, male): planner.idnumber.check_id; "
            "unknown for a missing or empty number.",
        ),
        Helper(
            "id_derived_fields", (2,),
            "The member fields unknown in the record (first argument) that the ID check (second, "
            "unknown for an invalid number) supplies: birth_date, sex, disability_category, "
            "disability_grade; empty when the check is unknown.",
        ),
        Helper(
            "employed_in_year", (2,),
            "Whether an employment record of the list covers the date's year (open ends count).",
        ),
        Helper(
            "post_held_on", (2,),
            "Whether a public-welfare post of the list is held on the date (open ends count).",
        ),
        Helper(
            "member_addressed_codes", (3,),
            "Finding codes addressed by active measures for the household as a whole or for the "
            "member at this position (measure list, position, catalog addresses).",
        ),
        Helper(
            "head_spouse_same_sex", (1,),
            "With one head and one spouse, both of known sex: whether they share it; else unknown.",
        ),
        # income
        Helper(
            "latest_income_year", (2,),
            "The latest year of the income sources up to the date's year; the date's year if none.",
        ),
        Helper(
            "income_known", (2,),
            "Whether income is recorded for the year: an empty list is a recorded zero, sources of "
            "other years say nothing about it.",
        ),
        Helper(
            "income_by_category", (3,),
            "Sum of the income sources of the year in one category (0 when none).",
        ),
        Helper(
            "income_of_subtypes", (3,),
            "Sum of the income sources of the year whose subtype is in the list (0 when none; a "
            "source with no subtype is in no list).",
        ),
        Helper("costs_of_year", (2,), "Sum of the production costs of the year (0 when none)."),
        Helper(
            "previous_per_capita_income", (3,),
            "Per-capita net income of the year before (household record, income year, size): from "
            "the sources and costs of that year when any is recorded, else the income history.",
        ),
        # measures
        Helper(
            "active_measure_ids", (1,),
            "Ids of the planned measures that are planned, in progress or done.",
        ),
        Helper(
            "plan_window_measures", (3,),
            "Ids of active measures of the plan window, the income year to the reference year "
            "(by their year, or their start when no year): measures, income year, date.",
        ),
        Helper(
            "measures_before", (2,),
            "Ids of active measures of a year before the income year (by year, else start).",
        ),
        Helper(
            "implemented_measures", (2,),
            "Ids of measures in progress or done in the income year (by year, else start).",
        ),
        Helper(
            "planned_annual_gain", (1,),
            "Sum of the expected annual gains of the active measures not yet done.",
        ),
        Helper(
            "addressed_codes", (2,),
            "Finding codes addressed by the active measures (measures, catalog addresses).",
        ),
        Helper(
            "overdue_measures", (2,),
            "1-based positions of planned or in-progress measures due before the date.",
        ),
        # household
        Helper("last_visit", (2,), "The latest visit on or before the date; unknown if none."),
        Helper(
            "water_safe", (1,),
            "饮水安全 by its four indicators (quality, litres per person and day against the "
            "minimum of a water-rich area where water_rich_area is true, else the water-scarce "
            "one, fetching time unless piped, reliability): a known failure is unsafe, all "
            "known and passing is safe; the overall answer water.safe (是否解决安全饮用水) "
            "decides the rest; else unknown.",
            _WATER,
        ),
        Helper(
            "guarantee_problems", (4,),
            "The 三保障 and water problems known to exist, in order housing, education, medical, "
            "water: each argument is whether that problem exists (true, false or unknown).",
        ),
        Helper(
            "guarantee_secure", (4,),
            "False when a problem is known, true when all four are known absent, else unknown.",
        ),
        # work records and posts
        Helper(
            "covers_year", (3,),
            "Whether a spell from start to end (each unknown: open) covers the year of the date.",
        ),
        Helper(
            "covers_date", (3,),
            "Whether a spell from start to end (each unknown: open) covers the date.",
        ),
        # county checklist (benefits, posts, work records: planner.facts.county)
        Helper(
            "mentions", (2,),
            "Whether an item of a list of texts contains the text (e.g. 低保 in the 综合保障 "
            "items); false for a known list without it, unknown for an unknown list.",
        ),
        Helper(
            "most_at_once", (1,),
            "The most spells (work records or posts) of a list running on one day: only spells "
            "with a known start are placed, an unknown end is open; 0 for none.",
        ),
        Helper(
            "county_level", (1,),
            "Whether a workplace text names a county-level place: false for a province or a "
            "prefecture (a name ending in one of work.non_county_suffixes, a bare province name "
            "of work.province_names, a 6-digit division code ending 00), true for any other "
            "text, unknown when blank.",
            ("work.non_county_suffixes", "work.province_names"),
        ),
        Helper(
            "phone_shared_apart", (2,),
            "The numbers of the registered members (member facts, reference date) who share a "
            "phone number with another member while all their county-level workplaces this "
            "year differ from all of the other's (a name written with or without its "
            "prefecture is the same place; a name is not compared with a division code); "
            "members with no phone or no such workplace are left out; empty for none.",
            ("work.non_county_suffixes", "work.province_names"),
        ),
        # villages and projects
        Helper(
            "scheduled_share", (3,),
            "Share of a work due by a linear schedule from start to due date on the date (start, "
            "due, date): 1 from the due date on, 0 up to the start; unknown while the due date, "
            "or before it the start, is unknown.",
        ),
        # planned measures
        Helper(
            "catalog_entry", (2,),
            "The catalog entry of a measure id (catalog, id); unknown without a catalog or for an "
            "id not in it.",
        ),
        Helper(
            "registered_member", (2,),
            "The member number when a registered member has it (member facts, number); unknown "
            "otherwise.",
        ),
        Helper(
            "eligibility_verdict", (3, 5),
            "The catalog's eligibility verdict (planner.measures.eligibility) of a catalog entry "
            "for the household facts and the beneficiary's member number (the household's when "
            "unknown), ages on the day given for a measure given (4th: that day, 5th: given); "
            "for an unknown entry the verdict is unknown, reason 'catalog'.",
            _ELIGIBILITY,
        ),
    )
}

# Functions over the members of a household: ``count(members)``, ``count(members, expr)`` (items
# where expr is true), ``sum(members, expr)`` (unknown terms skipped), ``any_known(members, expr)``
# (Kleene any: true if one is true, unknown if none is true but one is unknown).
AGGREGATES = ("count", "sum", "any_known")
