"""The declared facts of a household's contact records: one phone number shared by members."""

from __future__ import annotations

from planner.facts.declare import Fact

CONTACT_HOUSEHOLD_FACTS = (
    Fact("phone_shared_apart_members", "tuple of member numbers", "", "同号异地务工成员",
         "members sharing a phone, working apart",
         "The registered members who share a phone number (家庭成员联系电话) with another "
         "member while working this year in a different county from them (every pair of their "
         "county-level workplaces differs); empty when none is known to.",
         "phone_shared_apart(members, when)"),
    Fact("phone_shared_apart", "bool", "", "同号异地务工", "a phone shared across counties",
         "Two registered members share a phone number while working this year in different "
         "counties (household.phone_shared_apart_members is not empty).",
         "truthy(phone_shared_apart_members)"),
)
