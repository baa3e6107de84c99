"""Assistance plans: from findings and facts to scheduled measures, per household and district.

``planner.plan(households, ...)`` is the district entry point (see :func:`plan`);
:func:`plan_household` plans one household from its facts and findings.
"""

from planner.plan.allocate import (
    Allocation,
    allocate,
    allocate_brute_force,
    allocate_greedy,
    allocate_milp,
)
from planner.plan.district import (
    DepartmentLoad,
    DistrictPlan,
    DistrictPlanner,
    DistrictStats,
    plan,
)
from planner.plan.household import plan_household
from planner.plan.model import Bundle, HouseholdPlan, IncomeProjection, Note, PlanItem
from planner.plan.village import VillageIndex, VillageWork, pending_works

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
    "allocate_greedy",
    "allocate_milp",
    "pending_works",
    "plan",
    "plan_household",
]
