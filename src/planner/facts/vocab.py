"""Vocabularies of the derived facts: values some facts take, and named sets formulas read."""

from __future__ import annotations

from planner.model import EducationLevel, MeasureStatus, SchoolingStage
from planner.model.vocab import Labelled

ENROLLED_STAGES = frozenset(
    {
        SchoolingStage.PRESCHOOL,
        SchoolingStage.PRIMARY,
        SchoolingStage.JUNIOR_SECONDARY,
        SchoolingStage.SENIOR_SECONDARY,
        SchoolingStage.SECONDARY_VOCATIONAL,
        SchoolingStage.HIGHER_VOCATIONAL,
        SchoolingStage.UNDERGRADUATE,
        SchoolingStage.POSTGRADUATE,
        SchoolingStage.HOME_TAUGHT,
    }
)
VOCATIONAL_STAGES = frozenset(
    {SchoolingStage.SECONDARY_VOCATIONAL, SchoolingStage.HIGHER_VOCATIONAL}
)
COMPULSORY_STAGES = frozenset({SchoolingStage.PRIMARY, SchoolingStage.JUNIOR_SECONDARY})
ACTIVE_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE})
OPEN_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS})
# Education levels showing compulsory schooling is complete (a 15-year-old graduate is no dropout).
COMPULSORY_COMPLETED = frozenset(
    {
        EducationLevel.JUNIOR_SECONDARY,
        EducationLevel.SENIOR_SECONDARY,
        EducationLevel.SECONDARY_VOCATIONAL,
        EducationLevel.COLLEGE,
        EducationLevel.BACHELOR_OR_ABOVE,
    }
)
IMPLEMENTED_STATUSES = frozenset({MeasureStatus.IN_PROGRESS, MeasureStatus.DONE})


class BasicGuarantee(Labelled):
    """The 三保障 plus drinking water: what ``basic_guarantee_problems`` lists (domain.md §2)."""

    HOUSING = "housing"  # 住房安全有保障
    EDUCATION = "education"  # 义务教育有保障
    MEDICAL = "medical"  # 基本医疗有保障
    WATER = "water"  # 饮水安全

    @property
    def label_zh(self) -> str:
        return _GUARANTEE_ZH[self]


_GUARANTEE_ZH = {
    BasicGuarantee.HOUSING: "住房安全",
    BasicGuarantee.EDUCATION: "义务教育",
    BasicGuarantee.MEDICAL: "基本医疗",
    BasicGuarantee.WATER: "饮水安全",
}



class IdProblem(Labelled):
    """Why an ID number is invalid: the ``problem`` of :func:`planner.idnumber.check_id`."""

    PLACEHOLDER = "placeholder"
    OLD_15_DIGIT = "old_15_digit"
    LENGTH = "length"
    CHARACTERS = "characters"
    BIRTH_DATE = "birth_date"
    CHECK_DIGIT = "check_digit"

    @property
    def label_zh(self) -> str:
        return _ID_PROBLEM_ZH[self]


_ID_PROBLEM_ZH = {
    IdProblem.PLACEHOLDER: "占位号码（999999开头）",
    IdProblem.OLD_15_DIGIT: "15位旧号码未升级为18位",
    IdProblem.LENGTH: "位数不对",
    IdProblem.CHARACTERS: "含非法字符",
    IdProblem.BIRTH_DATE: "出生日期无效",
    IdProblem.CHECK_DIGIT: "校验码错误",
}


def formula_constants() -> dict[str, object]:
    """The names a formula may use besides facts and inputs: vocabularies and the sets above."""
    from planner.model import vocab

    vocabularies = {
        name: value
        for name, value in vars(vocab).items()
        if isinstance(value, type) and issubclass(value, Labelled) and value is not Labelled
    }
    return {
        **vocabularies,
        "IdProblem": IdProblem,
        "BasicGuarantee": BasicGuarantee,
        "ENROLLED_STAGES": ENROLLED_STAGES,
        "VOCATIONAL_STAGES": VOCATIONAL_STAGES,
        "COMPULSORY_STAGES": COMPULSORY_STAGES,
        "ACTIVE_STATUSES": ACTIVE_STATUSES,
        "OPEN_STATUSES": OPEN_STATUSES,
        "IMPLEMENTED_STATUSES": IMPLEMENTED_STATUSES,
        "COMPULSORY_COMPLETED": COMPULSORY_COMPLETED,
    }
