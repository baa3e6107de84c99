"""The household record (建档立卡户 / 监测户) and its parts."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from planner.model.base import Record
from planner.model.person import Member
from planner.model.personal import personal
from planner.model.vocab import (
    DatePrecision,
    EliminationMethod,
    HouseholdCategory,
    HouseholdStatus,
    HousingGrade,
    IncomeCategory,
    MeasureStatus,
    MonitoringGroup,
    PovertyCause,
    RoadType,
    WorkStatus,
)


class Region(Record):
    """Where a household, village or project is: names from province down, plus division code."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    town: str | None = None
    village: str | None = None
    division_code: str | None = Field(
        None, description="统计用区划代码 (12 digits at village level)"
    )


class IncomeSource(Record):
    """An income amount in one of the four official categories for one year."""

    category: IncomeCategory
    subtype: str | None = Field(None, description="e.g. migrant_work, dibao, pension, dividend")
    amount: float = Field(ge=0, description="元 per year, whole household")
    year: int = Field(ge=1980, le=2100)
    member: int | None = Field(None, ge=1, description="1-based member number, if individual")


class ProductionCost(Record):
    """Production and operating expenditure (生产经营性支出) deducted from net income."""

    amount: float = Field(ge=0)
    year: int = Field(ge=1980, le=2100)


class Housing(Record):
    """Housing safety (住房安全有保障)."""

    safety_grade: HousingGrade | None = None
    rooms_total: int | None = Field(None, ge=0)
    rooms_usable: int | None = Field(None, ge=0)
    floor_area: float | None = Field(None, ge=0, description="m²")
    usable_area: float | None = Field(None, ge=0, description="m² that can be lived in")
    renovation: WorkStatus | None = None
    relocation: WorkStatus | None = None
    lives_in_safe_house: bool | None = Field(
        None, description="The household actually lives in a safe house (投亲靠友, relocated, "
        "with its children…) whatever the grade of a house it owns; None = not recorded")


class WaterSupply(Record):
    """Drinking water (饮水安全): the four indicators."""

    quality_safe: bool | None = None
    safe: bool | None = Field(
        None, description="是否解决安全饮用水: the one overall answer over the four indicators "
        "(quality, quantity, convenience, reliability), as the monitoring export gives it")
    litres_per_person_day: float | None = Field(None, ge=0)
    fetch_minutes_round_trip: float | None = Field(None, ge=0)
    piped_into_home: bool | None = None
    reliability: float | None = Field(None, ge=0, le=1, description="Share of days supplied")
    water_rich_area: bool | None = Field(
        None, description="丰水地区 (true) or 缺水地区 (false): which quantity minimum applies")


class LivingConditions(Record):
    """Utilities, access and productive assets."""

    electricity: bool | None = None
    sanitary_toilet: bool | None = None
    entry_road: RoadType | None = None
    distance_to_main_road_km: float | None = None
    cultivated_mu: float | None = None
    forest_mu: float | None = None
    grassland_mu: float | None = None
    water_surface_mu: float | None = None
    orchard_mu: float | None = Field(None, description="林果面积（亩）")
    grain_to_green_mu: float | None = Field(None, description="退耕还林面积（亩）")
    cooperative_member: bool | None = None
    sanitary_toilet_usable: bool | None = Field(None, description="卫生厕所是否能正常使用")


class PlannedMeasure(Record):
    """A measure in the household's assistance plan (帮扶措施)."""

    measure: str = Field(description="Measure catalog id")
    status: MeasureStatus = MeasureStatus.PLANNED
    year: int | None = Field(None, description="Plan year the measure belongs to")
    start: date | None = None
    due: date | None = None
    completed: date | None = None
    responsible: str | None = None
    beneficiary: int | None = Field(None, ge=1, description="1-based member number")
    expected_annual_gain: float | None = Field(None, description="元 per year, whole household")


class Visit(Record):
    """A home visit (入户走访)."""

    on: date
    visitor: str | None = Field(None, json_schema_extra=personal("name"))
    notes: str | None = None


class Helper(Record):
    """The assigned helper (帮扶责任人)."""

    name: str | None = Field(None, json_schema_extra=personal("name"))
    phone: str | None = Field(None, json_schema_extra=personal("phone"))
    organisation: str | None = None
    assigned_on: date | None = None


class Monitoring(Record):
    """State of 防止返贫动态监测 for a monitored household."""

    group: MonitoringGroup
    identified_on: date | None = None
    identified_on_precision: DatePrecision | None = Field(
        None, description="month: identified_on known to the month only (识别监测时间 YYYYMM, "
        "read as its first day); None = the day")
    verified_on: date | None = None
    assisted_on: date | None = None
    risks: list[str] = Field(default_factory=list)
    risk_eliminated: bool | None = None
    eliminated_on: date | None = None
    eliminated_on_precision: DatePrecision | None = Field(
        None, description="month: eliminated_on known to the month only (消除监测时间 YYYYMM)")
    elimination_method: EliminationMethod | None = None
    house_damaged_after_elimination: bool | None = Field(None, description="风险消除后是否住房损毁")
    water_damaged_after_elimination: bool | None = Field(
        None, description="风险消除后是否饮水设施损毁")
    child_out_of_school_after_elimination: bool | None = Field(
        None, description="风险消除后是否义务教育阶段适龄儿童少年失学辍学")
    # risks stays free text (the export's labels, RiskType values or anything else a source
    # wrote): the typed reading is the facts of planner.facts.risk, which name what they ignore.
    risk_note: str | None = Field(None, description="致贫/返贫风险为“其他”时的备注")
    disaster_subitem: str | None = Field(None, description="因自然灾害子项")
    notice_start: date | None = Field(None, description="识别公示开始时间")
    notice_end: date | None = Field(None, description="识别公示结束时间")


class AssistanceReceived(Record):
    """The measure columns of the monitoring export (产业帮扶 … 综合保障): what the household
    received, as the free-text items the export lists (not measure-catalog ids); ``None`` = the
    source has no such column."""

    industry: list[str] | None = Field(None, description="产业帮扶")
    employment: list[str] | None = Field(None, description="就业帮扶")
    public_welfare_post: list[str] | None = Field(None, description="公益岗位帮扶")
    finance: list[str] | None = Field(None, description="金融帮扶")
    health: list[str] | None = Field(None, description="健康帮扶 (e.g. 家庭医生签约服务)")
    education: list[str] | None = Field(None, description="教育帮扶")
    compulsory_education: list[str] | None = Field(None, description="义务教育保障")
    housing: list[str] | None = Field(None, description="住房安全保障")
    drinking_water: list[str] | None = Field(None, description="饮水安全保障")
    relocation: list[str] | None = Field(None, description="搬迁")
    social_security: list[str] | None = Field(None, description="综合保障 (e.g. 农村低保)")
    social_assistance: list[str] | None = Field(None, description="社会帮扶")
    infrastructure: list[str] | None = Field(None, description="基础设施建设")
    living_conditions: list[str] | None = Field(None, description="生产生活条件改善")
    development_measures: str | None = Field(
        None, description="实施开发式帮扶措施情况 (是 / 尚未实施 …)")
    public_welfare_post_notes: str | None = Field(None, description="公益性岗位帮扶其他备注")
    notes: str | None = Field(None, description="其他备注")


class Waiver(Record):
    """A reviewed exception (the domain's ``noqa``): a code does not apply, with a reason, until a
    date."""

    code: str
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: date
    member: int | None = Field(None, ge=1)


class Household(Record):
    """A registered household with everything the rules and the planner read."""

    id: str = Field(min_length=1, description="户编号")
    region: Region = Field(default_factory=Region)
    status: HouseholdStatus | None = None
    split_from: str | None = Field(
        None, description="分户来源户编号: the household this one was split from (分户), e.g. "
        "parents registered apart from the son whose phone they share")
    category: HouseholdCategory | None = None
    monitoring: Monitoring | None = None
    causes: list[PovertyCause] = Field(default_factory=list, description="First is the main cause")
    members: list[Member] = Field(default_factory=list)
    recorded_size: int | None = Field(None, ge=0, description="家庭人口数 as registered")
    income: list[IncomeSource] | None = Field(None, description="None = income not recorded")
    production_costs: list[ProductionCost] = Field(default_factory=list)
    income_year: int | None = Field(None, description="Year the current income refers to")
    recorded_per_capita_income: float | None = Field(None, description="人均纯收入 as registered")
    income_history: dict[int, float] = Field(
        default_factory=dict, description="Recorded per-capita net income of earlier years"
    )
    compliant_out_of_pocket: float | None = Field(None, ge=0, description="合规自付支出")
    housing: Housing = Field(default_factory=Housing)
    water: WaterSupply = Field(default_factory=WaterSupply)
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    living: LivingConditions = Field(default_factory=LivingConditions)
    phone: str | None = Field(None, json_schema_extra=personal("phone"))
    measures: list[PlannedMeasure] = Field(default_factory=list)
    helper: Helper | None = None
    collector: str | None = Field(
        None, description="信息采集人: who collected the household's record (data collector)",
        json_schema_extra=personal("name"))
    visits: list[Visit] = Field(default_factory=list)
    policy_awareness: dict[str, bool] = Field(
        default_factory=dict,
        description="Policy topic → household knows it (e.g. health, education)",
    )
    exit_target: date | None = Field(None, description="Planned exit date for pre-exit households")
    assistance: AssistanceReceived | None = Field(
        None, description="The measure columns of the export; None = the source has none")
    tekun_support_amount: float | None = Field(
        None, ge=0, description="特困人员救助供养金, 元 per year (part of transfer income)")
    no_labour_safety_net: bool | None = Field(
        None, description="整户无劳动能力兜底保障户: the whole household has no labour and is "
        "covered by the safety net")
    waivers: list[Waiver] = Field(default_factory=list)
