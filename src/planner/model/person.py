"""A registered household member (家庭成员) and what is recorded about them."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from planner.model.base import Record
from planner.model.personal import personal
from planner.model.vocab import (
    ARRIVALS,
    Benefit,
    DatePrecision,
    DisabilityCategory,
    EducationLevel,
    Health,
    LabourCapacity,
    MedicalInsurance,
    MemberChange,
    PensionInsurance,
    Relation,
    SchoolingStage,
    Sex,
    WorkPlace,
)


class EmploymentRecord(Record):
    """One spell of work (务工): where, when and for how much."""

    start: date | None = None
    end: date | None = None
    start_precision: DatePrecision | None = Field(
        None, description="month: start known to the month only (its first day); None = the day")
    end_precision: DatePrecision | None = Field(
        None, description="month: end known to the month only (its first day); None = the day")
    place: WorkPlace | None = None
    county: str | None = Field(None, description="County (or division code) of the workplace")
    monthly_pay: float | None = Field(None, ge=0)
    months: int | None = Field(None, ge=0, le=12, description="Months worked this year")
    employed: bool | None = Field(None, description="是否已务工 of the work-record export")
    channel: str | None = Field(None, description="就业渠道 (e.g. 公益性岗位, 帮扶车间, 务工)")
    industry: str | None = Field(None, description="所属行业")
    employer: str | None = Field(None, description="务工企业名称")
    point_to_point: bool | None = Field(None, description="是否点对点输送 (organised transport)")
    travel_subsidy: float | None = Field(None, ge=0, description="年度交通费补助, 元")


class PublicWelfarePost(Record):
    """A public-welfare post (公益性岗位) held by the member."""

    name: str | None = None
    start: date | None = None
    end: date | None = None
    monthly_pay: float | None = Field(None, ge=0)
    months: int | None = Field(None, ge=0, le=12, description="公益性岗位(月数): months this year")


class WorkPlan(Record):
    """Planned migrant work (计划外出务工信息): whether the member plans to work away, and what help
    they ask for."""

    planned: bool | None = Field(None, description="是否计划务工")
    county: str | None = Field(None, description="计划务工所在县")
    service_needs: list[str] | None = Field(None, description="就业服务需求")


class Member(Record):
    """A registered member; ``registered=False`` keeps a departed member on file without counting
    them.

    ``change`` (人员变更) is the one source of ``registered`` when it is recorded: a departure
    (death, marriage out, moving out …: :attr:`MemberChange.departs`) makes ``registered`` false
    when the record does not give it, an arrival keeps it true; a record that gives
    ``registered`` against its change (a departure with ``registered: true``, an arrival with
    ``registered: false``) is an input error on ``registered``, never silently altered.
    """

    id_number: str | None = Field(
        None, description="证件号码 (18-digit ID, 20-digit disability card…)",
        json_schema_extra=personal("id_number"),
    )
    id_type: str | None = Field(None, description="证件类型 (身份证, 残疾人证 …) as exported")
    name: str | None = Field(None, json_schema_extra=personal("name"))
    relation: Relation | None = None
    sex: Sex | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    change: MemberChange | None = Field(
        None, description="人员变更: the change event recorded on the member (death, marriage "
        "in or out, birth …); a departure takes them off the register; None = none recorded")
    registered: bool = Field(
        True, description="在册: counted in the household (size, income per head, every member "
        "rule); false keeps a departed member on file. Derived from a departure (change) when "
        "not given")
    health: Health | None = None
    disability_category: DisabilityCategory | None = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    labour_capacity: LabourCapacity | None = None
    legal_supporter: bool | None = Field(
        None, description="有法定赡养、抚养、扶养义务人且其有履行能力 (法定赡养人/抚养人): a "
        "member who has one is no 特困 person (issue 14; 《社会救助暂行办法》 art. 14); "
        "None = not recorded")
    schooling: SchoolingStage | None = None
    grade: int | None = Field(None, ge=1, le=9, description="Year within the schooling stage")
    dropout_reason: str | None = None
    boarding: bool | None = Field(
        None, description="寄宿生: boards at school (compulsory-school living subsidy); None = not "
        "recorded")
    schooling_exemption: bool | None = Field(
        None, description="Assessed unable to study by the county expert committee"
    )
    education: EducationLevel | None = None
    medical_insurance: MedicalInsurance | None = None
    serious_illness_insurance: bool | None = None
    pension_insurance: PensionInsurance | None = None
    employment: list[EmploymentRecord] = Field(default_factory=list)
    public_welfare_posts: list[PublicWelfarePost] = Field(default_factory=list)
    work_plan: WorkPlan | None = Field(None, description="计划外出务工信息; None = not recorded")
    benefits: list[Benefit] | None = Field(None, description="Benefits received; None = unknown")
    benefits_declined: list[Benefit] | None = Field(
        None,
        description="Benefits the source answers 'no' for (享受低保政策情况 = 否): not that "
        "benefit, which says nothing about the others",
    )
    phone: str | None = Field(None, json_schema_extra=personal("phone"))

    @model_validator(mode="before")
    @classmethod
    def _registered_from_change(cls, data: Any) -> Any:
        """A departure recorded without ``registered`` is off the register."""
        if isinstance(data, dict) and "registered" not in data:
            change = data.get("change")
            try:
                departs = change is not None and MemberChange(change).departs
            except ValueError:
                return data  # the field's own validation names the unknown value
            if departs:
                data = {**data, "registered": False}
        return data

    @field_validator("registered")
    @classmethod
    def _registered_agrees_with_change(cls, value: bool, info: ValidationInfo) -> bool:
        change = info.data.get("change")
        if isinstance(change, MemberChange) and (
                (change.departs and value) or (change in ARRIVALS and not value)):
            kind, state = ("减少", "在册") if change.departs else ("新增", "不在册")
            zh = (f"人员变更为“{change.label_zh}”（{kind}人员），不能登记为{state}（registered "
                  f"应为 {str(not value).lower()} 或不填）")
            en = (f"contradicts the member's change {change.value} "
                  f"({'a departure' if change.departs else 'an arrival'}): registered must be "
                  f"{str(not value).lower()} or left out")
            raise PydanticCustomError("member_change_registered", en, {"zh": zh, "en": en})
        return value
