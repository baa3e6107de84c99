"""The registry of near-threshold builders: the generator's precision corpus.

Where an injector plants a problem, a near builder turns a clean household into one that sits
just on the safe side of one rule's threshold (a child who turns six the day after the school-entry
cut-off, an income one yuan above the line, a C-grade house nobody lives in…) and stays clean:
the manifest expects no finding from it, so a rule that fires there is a false alarm the recall
test's comfortably clean households never show.

A builder is an :class:`~planner.generate.problems.Injector` (same decorator, same era flags, same
:class:`~planner.generate.problems.NotApplicable` to ask for another household) whose function
returns the findings that legitimately come with it, normally none. A ``pair`` builder (two
households of one family sharing a phone, DQ013) returns both households' findings, as a pair
injector does. Each module lists its builders
in a ``NEAR`` tuple; :func:`all_nears` collects them.

Codes with no meaningful near case are listed in :data:`NO_NEAR_CASE` with the reason; a test
holds every built-in rule code to exactly one of the two (a builder, or a reason).
"""

from __future__ import annotations

from planner.generate.problems import Injector, injector

near = injector  # same shape: a near builder is an injector that plants no problem

_CONSISTENCY = (
    "a yes/no consistency check with no threshold: its clean households are the whole clean corpus"
)

#: Built-in codes with no near-threshold household, and why (English, for the rule docs' readers).
NO_NEAR_CASE: dict[str, str] = {
    "BAS001": (
        "the recorded 两不愁 assessment (food_secure, clothing_secure) read as yes or no: there is "
        "no national numeric test (domain.md §2) for a household to sit just inside"
    ),
    "DQ003": "one head per household: a whole count compared for equality, no 'just inside'",
    "DQ006": "recorded size against the registered members: a size one off is the problem itself",
    "VIL004": (
        "a count of households or people compared with zero: a village has some or has none; "
        "the least non-zero count is no boundary an office meets, and a blank count is VIL003's"
    ),
    "WAT001": (
        "a recorded test result (GB 5749 met or not, or the export's one answer 是否解决安全"
        "饮用水) with no parameter: nothing lies just inside a no; the indicators with "
        "thresholds (quantity, fetching time, reliability) are WAT002's, which has near builders"
    ),
    "MON004": (
        "a registration-era status after monitoring.registration_end: the boundary is the "
        "dataset's reference date, one for the whole corpus, not a value of one household"
    ),
    **dict.fromkeys(
        ("BEN001", "BEN002", "BEN003", "BEN004", "BEN006", "MON006", "MON007", "MON012",
         "MON013", "MON014", "MON015", "MON016", "MON017", "MON018", "MON019", "MON020",
         "RSK001", "RSK002", "RSK004", "RSK005", "RSK006", "RSK007", "RSK008", "RSK009",
         "RSK010", "RSK011", "RSK012", "RSK013", "SUP003", "SUP004"),
        _CONSISTENCY,
    ),
    **dict.fromkeys(
        ("PLN001", "PLN002", "PLN003", "PLN004"),
        "the engine's own finding (a rule error, a waiver's dates, a time-out), not a rule "
        "over household data",
    ),
}
# DQ013 for a phone written ``+86 138 0013 8000`` or ``138-0013-8000``: the form is normalised
# when a cell is read (planner.io.cells, planner.phones), not in the model; the corpus is checked
# from its JSON records, where such a number is rightly an invalid contact.


def all_nears() -> dict[str, tuple[Injector, ...]]:
    """Every built-in near builder by the code it stays clear of, in code order."""
    from planner.generate import (
        near_area,
        near_education,
        near_education_aid,
        near_health,
        near_housing,
        near_income,
        near_limits,
        near_monitoring,
        near_quality,
        near_records,
        near_support,
        near_water,
        near_work,
    )

    found: dict[str, tuple[Injector, ...]] = {}
    for module in (near_area, near_education, near_education_aid, near_health, near_housing,
                   near_income, near_limits, near_monitoring, near_quality, near_records,
                   near_support, near_water, near_work):
        for item in module.NEAR:
            found[item.code] = (*found.get(item.code, ()), item)
    return dict(sorted(found.items()))
