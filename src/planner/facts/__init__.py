"""Derived facts: declared once (name, entity, type, unit, labels, formula); backends evaluate them.

Rules read ``household.<fact>``, ``member.<fact>``, ``village.<fact>``, ``project.<fact>``,
``measure.<fact>``, ``work_record.<fact>`` and ``post.<fact>``; when a rule needs a new fact it
is declared here, once, and every backend evaluates the same declaration. :data:`FACTS` is the
checked catalogue; :data:`FACT_PARAMETERS` (the parameters each fact reads) is derived from it.
"""

from __future__ import annotations

from planner.facts.area import PROJECT_FACTS, PROJECT_INPUTS, VILLAGE_FACTS, VILLAGE_INPUTS
from planner.facts.contact import CONTACT_HOUSEHOLD_FACTS
from planner.facts.county import COUNTY_HOUSEHOLD_FACTS, COUNTY_MEMBER_FACTS
from planner.facts.county_health import HEALTH_HOUSEHOLD_FACTS
from planner.facts.dates import age_on, months_between
from planner.facts.declare import DeclaredFact, Entity, Fact, FactCatalog
from planner.facts.eras import ERA_FACTS
from planner.facts.expression import FormulaError
from planner.facts.household import HOUSEHOLD_FACTS, HOUSEHOLD_INPUTS
from planner.facts.income_stability import INCOME_HOUSEHOLD_FACTS, INCOME_MEMBER_FACTS
from planner.facts.items import ITEM_INPUTS, POST_FACTS, WORK_RECORD_FACTS
from planner.facts.measure import MEASURE_FACTS, MEASURE_INPUTS
from planner.facts.member import MEMBER_FACTS, MEMBER_INPUTS
from planner.facts.risk import RISK_FACTS, risk_constants
from planner.facts.values import HouseholdFacts, MemberFacts
from planner.facts.vocab import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    BasicGuarantee,
    IdProblem,
    formula_constants,
)
from planner.model import (
    EmploymentRecord,
    Household,
    Member,
    PlannedMeasure,
    Project,
    PublicWelfarePost,
    Village,
)

ENTITIES = (
    Entity("household", HOUSEHOLD_INPUTS, frozenset(Household.model_fields), items="member"),
    Entity("member", MEMBER_INPUTS, frozenset(Member.model_fields)),
    Entity("village", VILLAGE_INPUTS, frozenset(Village.model_fields)),
    Entity("project", PROJECT_INPUTS, frozenset(Project.model_fields)),
    Entity("measure", MEASURE_INPUTS, frozenset(PlannedMeasure.model_fields)),
    Entity("work_record", ITEM_INPUTS, frozenset(EmploymentRecord.model_fields)),
    Entity("post", ITEM_INPUTS, frozenset(PublicWelfarePost.model_fields)),
)

FACTS = FactCatalog(
    ENTITIES,
    {
        "member": MEMBER_FACTS + COUNTY_MEMBER_FACTS + INCOME_MEMBER_FACTS,
        "household": (HOUSEHOLD_FACTS + ERA_FACTS + HEALTH_HOUSEHOLD_FACTS + COUNTY_HOUSEHOLD_FACTS
                      + RISK_FACTS + CONTACT_HOUSEHOLD_FACTS + INCOME_HOUSEHOLD_FACTS),
        "village": VILLAGE_FACTS,
        "project": PROJECT_FACTS, "measure": MEASURE_FACTS, "work_record": WORK_RECORD_FACTS,
        "post": POST_FACTS,
    },
    {**formula_constants(), **risk_constants()},
)

# Facts computed from parameters, and the parameters they read: a rule reading such a fact reads
# those parameters too (listed in its metadata and its explanations).
FACT_PARAMETERS: dict[str, tuple[str, ...]] = FACTS.parameters()

__all__ = [
    "ACTIVE_STATUSES",
    "FACTS",
    "FACT_PARAMETERS",
    "OPEN_STATUSES",
    "BasicGuarantee",
    "DeclaredFact",
    "Entity",
    "Fact",
    "FactCatalog",
    "FormulaError",
    "HouseholdFacts",
    "IdProblem",
    "MemberFacts",
    "age_on",
    "months_between",
]
