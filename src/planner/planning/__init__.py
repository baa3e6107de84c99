"""Assistance plans: from findings and facts to scheduled measures, per household and district.

:func:`plan` (re-exported as ``planner.plan``) is the district entry point; :func:`plan_household`
plans one household from its facts and findings.
"""

from planner.planning.allocate import (
    Allocation,
    allocate,
    allocate_brute_force,
    allocate_cheapest_first,
    allocate_greedy,
    allocate_milp,
    upper_bound,
)
from planner.planning.district import DistrictPlan, DistrictPlanner, plan
from planner.planning.household import plan_household
from planner.planning.load import DepartmentLoad, DistrictStats
from planner.planning.model import Bundle, HouseholdPlan, IncomeProjection, Note, PlanItem
from planner.planning.village import VillageIndex, VillageWork, pending_works

__all__ = [
    "Allocation",
    "Bundle",
    "DepartmentLoad",
    "DistrictPlan",
    "DistrictPlanner",
    "DistrictStats",
    "HouseholdPlan",
    "IncomeProjection",
    "Note",
    "PlanItem",
    "VillageIndex",
    "VillageWork",
    "allocate",
    "allocate_brute_force",
    "allocate_cheapest_first",
    "allocate_greedy",
    "allocate_milp",
    "pending_works",
    "plan",
    "plan_household",
    "upper_bound",
]
