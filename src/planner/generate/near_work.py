"""Near-threshold clean households of the work-record rules (WRK006–WRK010; see
planner.generate.near), rows of the shared table of planner.generate.near_limits.

Each row edits a clean household's work records to stand just inside what the rule flags: a
date boundary (a spell that ended on the last day of the year before, or on the reference date
itself), a place the rule leaves out (a workshop in the home county), an answer that counts
though it is no (是否点对点输送 否), or one county written two ways."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from planner.backends.python.county_helpers import county_level
from planner.generate.economy import _month_end
from planner.generate.edits import Household, ages
from planner.generate.household import BuildContext
from planner.generate.inject_checks13 import _counties
from planner.generate.inject_risk import _registered
from planner.generate.inject_welfare import (
    COMPLETE_WORK_RECORD,
    SCHOOL_STAGES,
    _choice,
    _current,
    _spells,
)
from planner.generate.near_limits import Limit, at_limit
from planner.generate.problems import NotApplicable

Spell = dict[str, Any]


def _open_spell(household: Household, ctx: BuildContext, rng: random.Random,
                paid: bool = False) -> Spell:
    """A spell still running on the reference date (no end recorded), with a monthly pay if
    ``paid``; :class:`NotApplicable` when there is none."""
    chosen: tuple[int, Spell] = _choice(rng, _spells(household, lambda s: (
        "end" not in s and s.get("start", "") <= ctx.when.isoformat()
        and (not paid or "monthly_pay" in s))), "spell running on the reference date")
    return chosen[1]


def _pupil_whose_work_ended_last_year(household: Household, ctx: BuildContext,
                                      rng: random.Random) -> None:
    year = ctx.when.year
    pupils = [m for m, age in zip(household["members"], ages(household, ctx), strict=True)
              if m["schooling"] in SCHOOL_STAGES and age >= 17 and not m["employment"]
              and not m["public_welfare_posts"] and m.get("birth_date")]
    if not pupils:
        raise NotApplicable("no pupil of 17 or more")
    member = rng.choice(pupils)
    born = date.fromisoformat(member["birth_date"])
    sixteen = date(born.year + 16, born.month, 28 if born.month == 2 else born.day)
    start = max(date(year - 1, 7, 1), sixteen + timedelta(days=1))
    if start > date(year - 1, 12, 1):
        raise NotApplicable("16 too late last year")
    member["employment"].append(
        {"start": start.isoformat(), "end": date(year - 1, 12, 31).isoformat(),
         "place": "in_county", "county": household["region"].get("county") or "示范县"})


def _not_working_from_the_reference_date(household: Household, ctx: BuildContext,
                                         rng: random.Random) -> None:
    _open_spell(household, ctx, rng).update({"employed": False, "end": ctx.when.isoformat()})


def _workshop_in_the_home_county(household: Household, ctx: BuildContext,
                                 rng: random.Random) -> None:
    _, spell = _choice(rng, _spells(household, lambda s: s.get("place") in (
        "in_township", "in_county")), "spell in the home county")
    spell["channel"] = rng.choice(("帮扶车间", "就业帮扶车间", "公益性岗位"))


def _past_work_incomplete(household: Household, ctx: BuildContext,
                          rng: random.Random) -> None:
    spell = _open_spell(household, ctx, rng, paid=True)
    spell.update({**COMPLETE_WORK_RECORD, "end": (ctx.when - timedelta(days=1)).isoformat()})
    spell.pop(rng.choice(("employer", "industry", "channel", "point_to_point")))


def _current_work_not_point_to_point(household: Household, ctx: BuildContext,
                                     rng: random.Random) -> None:
    _, spell = _choice(rng, _spells(household, lambda s: (
        "monthly_pay" in s and _current(s, ctx.when))), "current paid spell")
    spell.update(COMPLETE_WORK_RECORD)


def _exited_or_monitored(household: Household) -> bool:
    return household.get("status") == "exited" or household.get("monitoring") is not None


def _county_spells(member: dict[str, Any], ctx: BuildContext) -> dict[str, list[Spell]]:
    """The county-level workplaces (work.non_county_suffixes, work.province_names) of
    ``member``'s spells covering the reference year, each with its spells."""
    found: dict[str, list[Spell]] = {}
    for county in _counties(member, ctx.when.year):
        if county_level(county, params=ctx.values):
            found[county] = [s for s in member["employment"] if s.get("county") == county]
    return found


def _phone_shared_in_one_county(household: Household, ctx: BuildContext,
                                rng: random.Random) -> None:
    members = _registered(household)
    pairs = [(one, other, county)
             for one in members for other in members if one is not other
             for county in set(_county_spells(one, ctx)) & set(_county_spells(other, ctx))
             if one.get("phone") and "省" not in county]  # a city of another province: below
    if not pairs:
        raise NotApplicable("no two members working in one county this year")
    one, other, county = rng.choice(pairs)
    other["phone"] = one["phone"]
    # the same county written with its prefecture (毕节市示范县) or without (观山湖区)
    city = household["region"].get("city") or "毕节市"
    short = county.split("市", 1)[1] if "市" in county[:-1] else ""
    for spell in _county_spells(other, ctx)[county]:
        spell["county"] = short or city + county


def _phone_shared_with_one_of_two_counties(household: Household, ctx: BuildContext,
                                           rng: random.Random) -> None:
    year = ctx.when.year
    members = _registered(household)
    choices = [(one, county, spells[0]["place"], other, spell)
               for one in members if one.get("phone")
               for county, spells in _county_spells(one, ctx).items()
               for other in members if other is not one
               for spell in other["employment"]
               if spell.get("county") != county and spell["start"][:4] == str(year)
               and int(spell.get("months") or 0) >= 2]
    if not choices:
        raise NotApplicable("no two members working this year")
    one, county, place, other, spell = rng.choice(choices)
    other["phone"] = one["phone"]
    # the spell split in two, the same months and pay: first in the other's county, then on
    # the day after its end where it was (one spell at a time, WRK003)
    first = rng.randint(1, int(spell["months"]) - 1)
    start = date.fromisoformat(spell["start"])
    month = start.month + first
    other["employment"].insert(other["employment"].index(spell), {
        **spell, "place": place, "county": county, "months": first,
        "end": _month_end(year, month - 1).isoformat()})
    spell.update(start=date(year, month, 1).isoformat(), months=int(spell["months"]) - first)


def _phone_shared_in_a_city_and_its_district(household: Household, ctx: BuildContext,
                                             rng: random.Random) -> None:
    year = ctx.when.year
    members = _registered(household)
    # the generator writes work in another province at prefecture level (浙江省宁波市)
    pairs = [(one, other, county) for one in members if one.get("phone")
             for county in _county_spells(one, ctx) if "省" in county and county.endswith("市")
             for other in members if other is not one and county in _counties(other, year)]
    if not pairs:
        raise NotApplicable("no two members working this year in one prefecture-level city")
    one, other, county = rng.choice(pairs)
    other["phone"] = one["phone"]
    district = county.split("省", 1)[1] + rng.choice(("鄞州区", "北仑区", "余姚市"))
    for spell in _county_spells(other, ctx)[county]:
        spell["county"] = district


ROWS = (
    Limit("WRK006", "pupil_whose_work_ended_last_year",
          "A pupil of 17 or more (a school stage) whose only spell of work, started after the "
          "16th birthday, ended on 31 December of the year before the reference year: back at "
          "school, no work record covering the reference year (WRK006 must not fire).",
          _pupil_whose_work_ended_last_year),
    Limit("WRK007", "not_working_from_the_reference_date",
          "A spell of work running this year answered 是否已务工 = 否 whose end is the reference "
          "date itself: not after it (WRK007 must not fire; fuping 1111_16, 1111_17).",
          _not_working_from_the_reference_date),
    Limit("WRK008", "workshop_in_the_home_county",
          "A spell of work in the home township or county recorded with the channel 帮扶车间, "
          "就业帮扶车间 or 公益性岗位: local, as those channels are (WRK008 must not fire; "
          "fuping 5_01_003, 5_12_002).", _workshop_in_the_home_county),
    Limit("WRK009", "past_work_incomplete",
          "A paid spell answered 是否已务工 = 是 that ended the day before the reference date, "
          "its employer, industry, channel or 是否点对点输送 blank: no longer current work "
          "(WRK009 must not fire; fuping 5_01_007, 5_12_006).", _past_work_incomplete),
    Limit("WRK009", "current_work_not_point_to_point",
          "Current paid work answered 是否已务工 = 是 with its employer, industry and channel "
          "and 是否点对点输送 answered 否: a no is an answer, not a blank (WRK009 must not "
          "fire).", _current_work_not_point_to_point),
    Limit("WRK010", "phone_shared_in_one_county",
          "An exited or monitored household where a member working this year is recorded with "
          "the phone of another member working in the same county, written once with its "
          "prefecture and once without (贵阳市观山湖区, 观山湖区; 毕节市示范县, 示范县) "
          "(WRK010 must not fire; fuping 5_15_021).", _phone_shared_in_one_county,
          _exited_or_monitored),
    Limit("WRK010", "phone_shared_with_one_of_two_counties",
          "An exited or monitored household where a member is recorded with the phone of "
          "another who works this year in one county, and works this year in two: first in "
          "that county, then from the day after elsewhere (one spell split in two, the same "
          "months and pay). One county in common is enough (WRK010 must not fire).",
          _phone_shared_with_one_of_two_counties, _exited_or_monitored),
    Limit("WRK010", "phone_shared_in_a_city_and_its_district",
          "An exited or monitored household where a member working this year in a "
          "prefecture-level city of another province (浙江省宁波市, as written at prefecture "
          "level) is recorded with the phone of another working this year in a county of that "
          "city (宁波市鄞州区): the first's county is unknown, nothing says they work apart "
          "(WRK010 must not fire; 市 ends county-level cities too, so the city is judged).",
          _phone_shared_in_a_city_and_its_district, _exited_or_monitored),
)

NEAR = tuple(at_limit(row) for row in ROWS)
