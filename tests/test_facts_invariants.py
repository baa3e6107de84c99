"""Values the same for every household of a run (a school-entry cut-off date, a parameter) are
computed once per run by the compiled fact functions (issue 11 item 4): calls with another
reference date or other parameters get their own values, never those of the last run."""

from __future__ import annotations

from datetime import date

from planner import Household, default_catalog, default_parameters, derive
from planner.backends.python.facts import MEMBER_SOURCE, deriver

AUTUMN = date(2020, 9, 30)  # last cut-off 2020-08-31: a child born 2014-06-01 is 6 there
SUMMER = date(2020, 7, 31)  # last cut-off 2019-08-31: the same child is 5 there
WINTER = date(2021, 1, 15)
READ = frozenset({"member.compulsory_school_age", "member.out_of_school"})


def child_household(example_household, birth_date: str) -> Household:
    record = example_household("pre_exit_2808")
    child = {**record["members"][2], "birth_date": birth_date, "id_number": None}
    return Household.model_validate({**record, "members": [*record["members"][:2], child]})


def compulsory(household: Household, when: date, parameters=None, only=None) -> bool | None:
    params = (parameters or default_parameters()).at(when)
    derive_it = derive if only is None else deriver(only)
    facts = derive_it(household, when, params, default_catalog().income_raising_ids())
    return facts.members[2].compulsory_school_age


def test_the_cut_off_date_is_that_of_each_reference_date_called_with(example_household):
    household = child_household(example_household, "2014-06-01")
    for derive_it in (None, READ):  # every fact, and the facts of a run's rules only
        assert [compulsory(household, when, only=derive_it)
                for when in (AUTUMN, SUMMER, AUTUMN, AUTUMN, SUMMER)] == [
            True, False, True, True, False]


def test_the_cut_off_is_that_of_the_parameters_called_with(example_household):
    household = child_household(example_household, "2014-10-01")
    december = default_parameters().with_values({"education.school_entry_cutoff": "12-31"})
    # 08-31: the last cut-off is 2020-08-31, the child 5 then; 12-31: 2020-12-31, 6 then
    assert [compulsory(household, WINTER, parameters)
            for parameters in (None, december, None, december)] == [False, True, False, True]


def test_the_generated_function_keeps_the_cut_off_once_per_run():
    # the last cut-off before the reference date reads the date and a parameter only
    assert "_fill(_cv," in MEMBER_SOURCE
