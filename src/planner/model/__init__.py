"""The validated data model: households, members, villages and projects."""

from planner.model.area import Project, Village, VillageWork
from planner.model.household import (
    AssistanceReceived,
    Helper,
    Household,
    Housing,
    IncomeSource,
    LivingConditions,
    Monitoring,
    PlannedMeasure,
    ProductionCost,
    Region,
    Visit,
    Waiver,
    WaterSupply,
)
from planner.model.person import EmploymentRecord, Member, PublicWelfarePost, WorkPlan
from planner.model.vocab import (
    LABELS_ZH,
    Benefit,
    DatePrecision,
    DisabilityCategory,
    EducationLevel,
    EliminationMethod,
    Health,
    HouseholdCategory,
    HouseholdStatus,
    HousingGrade,
    IncomeCategory,
    LabourCapacity,
    MeasureStatus,
    MedicalInsurance,
    MonitoringGroup,
    PensionInsurance,
    PovertyCause,
    Relation,
    RiskType,
    RoadType,
    SchoolingStage,
    Sex,
    WorkPlace,
    WorkStatus,
)

__all__ = [
    "LABELS_ZH", "AssistanceReceived", "Benefit", "DatePrecision", "DisabilityCategory",
    "EducationLevel",
    "EliminationMethod",
    "EmploymentRecord", "Health", "Helper", "Household", "HouseholdCategory", "HouseholdStatus",
    "Housing", "HousingGrade", "IncomeCategory", "IncomeSource", "LabourCapacity",
    "LivingConditions", "MeasureStatus", "MedicalInsurance", "Member", "Monitoring",
    "MonitoringGroup", "PensionInsurance", "PlannedMeasure", "PovertyCause", "ProductionCost",
    "Project", "PublicWelfarePost", "Region", "Relation", "RiskType", "RoadType", "SchoolingStage",
    "Sex", "Village", "VillageWork", "Visit", "Waiver", "WaterSupply", "WorkPlace", "WorkPlan",
    "WorkStatus",
]
