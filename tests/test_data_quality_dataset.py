"""DQ013 streams: invalid phone numbers wait for the end of the run as compact entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from planner.backends.python.facts import derive
from planner.model import Household
from planner.params import default_parameters
from planner.rule import Hit
from planner.rules.data_quality_dataset import SharedOrInvalidPhones
from planner.testing import merge_patch

ON = date(2020, 9, 30)


def _contents(value: Any, depth: int = 0) -> list[Any]:
    """Everything reachable from ``value`` through attributes and containers (a few levels)."""
    found = [value]
    if depth > 3:
        return found
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set):
        children = list(value)
    elif hasattr(value, "__dict__"):
        children = list(vars(value).values())
    elif hasattr(value, "__slots__"):
        children = [getattr(value, name, None) for name in value.__slots__]
    else:
        children = []
    for child in children:
        found.extend(_contents(child, depth + 1))
    return found


def test_invalid_phones_are_kept_without_findings_until_the_end(example_household) -> None:
    values = default_parameters().at(ON)
    accumulator = SharedOrInvalidPhones(values)
    for index in range(3):
        data = merge_patch(example_household("pre_exit_2808"), {
            "id": f"H{index}", "phone": f"138857100{index}",  # ten digits: invalid
            "members": {2: {"phone": "12885710002"}},  # starts 12: invalid
        })
        accumulator.add(derive(Household.model_validate(data), ON, values))
    assert not any(isinstance(item, Hit) for item in _contents(accumulator))
    assert len(accumulator.invalid_phones) == 6
    invalid = [(h.household, h.member, h.evidence) for h in accumulator.finish()
               if h.evidence["problem"] == "invalid"]
    assert invalid == [
        (household, member, {"field": field, "problem": "invalid", "phone": phone})
        for index in range(3) for household in [f"H{index}"]
        for member, field, phone in [(None, "phone", f"138857100{index}"),
                                     (2, "members[2].phone", "12885710002")]
    ]
