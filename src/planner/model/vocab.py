"""Controlled vocabularies of the household records, with their official Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A vocabulary whose members carry the Chinese label used in the official systems."""

    @property
    def label_zh(self) -> str:
        return LABELS_ZH.get((type(self), self.value), str(self.value))


class HouseholdStatus(Labelled):
    """Registration status: the 2014–2020 campaign plus households never registered."""

    POOR = "poor"  # 未脱贫 (registered poor, 建档立卡贫困户)
    PRE_EXIT = "pre_exit"  # 计划脱贫 (scheduled to exit this year)
    EXITED = "exited"  # 已脱贫
    RETURNED = "returned"  # 返贫
    GENERAL = "general"  # 一般农户 (never registered)


class HouseholdCategory(Labelled):
    GENERAL = "general"  # 一般户
    DIBAO = "dibao"  # 低保户
    TEKUN = "tekun"  # 特困供养 (五保)


class MonitoringGroup(Labelled):
    """The three monitored groups of 防止返贫监测 (2020–)."""

    UNSTABLE_EXITED = "unstable_exited"  # 脱贫不稳定户
    MARGINAL = "marginal"  # 边缘易致贫户
    SUDDEN_HARDSHIP = "sudden_hardship"  # 突发严重困难户


class EliminationMethod(Labelled):
    ASSISTED = "assisted"  # 帮扶消除
    NATURAL = "natural"  # 自然消除


class PovertyCause(Labelled):
    """The eleven official causes of poverty (主要致贫原因)."""

    ILLNESS = "illness"
    DISABILITY = "disability"
    SCHOOLING = "schooling"
    DISASTER = "disaster"
    LACK_OF_LAND = "lack_of_land"
    LACK_OF_WATER = "lack_of_water"
    LACK_OF_SKILLS = "lack_of_skills"
    LACK_OF_LABOUR = "lack_of_labour"
    LACK_OF_FUNDS = "lack_of_funds"
    POOR_TRANSPORT = "poor_transport"
    LACK_OF_MOTIVATION = "lack_of_motivation"


class Sex(Labelled):
    MALE = "male"
    FEMALE = "female"


class Relation(Labelled):
    """Relation to the head of household (与户主关系)."""

    HEAD = "head"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    SON_IN_LAW = "son_in_law"
    DAUGHTER_IN_LAW = "daughter_in_law"
    GRANDSON = "grandson"
    GRANDDAUGHTER = "granddaughter"
    FATHER = "father"
    MOTHER = "mother"
    GRANDFATHER = "grandfather"
    GRANDMOTHER = "grandmother"
    BROTHER = "brother"
    SISTER = "sister"
    OTHER = "other"


class Health(Labelled):
    HEALTHY = "healthy"
    CHRONIC_ILLNESS = "chronic_illness"
    SERIOUS_ILLNESS = "serious_illness"
    DISABLED = "disabled"


class DisabilityCategory(Labelled):
    """Digit 19 of a 20-digit 残疾人证号."""

    VISUAL = "visual"
    HEARING = "hearing"
    SPEECH = "speech"
    PHYSICAL = "physical"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class LabourCapacity(Labelled):
    NORMAL = "normal"  # 普通劳动力
    SKILLED = "skilled"  # 技能劳动力
    WEAK = "weak"  # 弱劳动力或半劳动力
    NONE = "none"  # 无劳动力
    LOST = "lost"  # 丧失劳动力

    @property
    def can_work(self) -> bool:
        return self in (LabourCapacity.NORMAL, LabourCapacity.SKILLED, LabourCapacity.WEAK)


class SchoolingStage(Labelled):
    """Current schooling (在校生状况); NOT_STUDENT for anyone not enrolled for a reason other than
    dropout."""

    NOT_STUDENT = "not_student"
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    JUNIOR_SECONDARY = "junior_secondary"
    SENIOR_SECONDARY = "senior_secondary"
    SECONDARY_VOCATIONAL = "secondary_vocational"
    HIGHER_VOCATIONAL = "higher_vocational"
    UNDERGRADUATE = "undergraduate"
    POSTGRADUATE = "postgraduate"
    HOME_TAUGHT = "home_taught"  # 送教上门: counts as enrolled
    DROPPED_OUT = "dropped_out"  # 失学辍学


class EducationLevel(Labelled):
    ILLITERATE = "illiterate"
    PRIMARY = "primary"
    JUNIOR_SECONDARY = "junior_secondary"
    SENIOR_SECONDARY = "senior_secondary"
    SECONDARY_VOCATIONAL = "secondary_vocational"
    COLLEGE = "college"  # 大专
    BACHELOR_OR_ABOVE = "bachelor_or_above"


class MedicalInsurance(Labelled):
    RESIDENT = "resident"  # 城乡居民基本医疗保险 (新农合)
    EMPLOYEE = "employee"  # 城镇职工基本医疗保险
    NONE = "none"


class PensionInsurance(Labelled):
    RESIDENT = "resident"
    EMPLOYEE = "employee"
    NONE = "none"


class Benefit(Labelled):
    DIBAO = "dibao"  # 低保金
    TEKUN = "tekun"  # 特困供养金
    DISABILITY_LIVING_SUBSIDY = "disability_living_subsidy"  # 困难残疾人生活补贴
    SEVERE_DISABILITY_CARE_SUBSIDY = "severe_disability_care_subsidy"  # 重度残疾人护理补贴
    PENSION = "pension"  # 养老金
    EDUCATION_AID = "education_aid"  # 雨露计划 / 助学
    LIVING_SUBSIDY = "living_subsidy"  # 义务教育家庭经济困难学生生活补助
    MEDICAL_ASSISTANCE = "medical_assistance"  # 医疗救助
    FAMILY_DOCTOR = "family_doctor"  # 家庭医生签约


class MemberChange(Labelled):
    """人员变更: a change event recorded on a member (domain.md §4.2: death, marriage in/out,
    newborn …). A departure (:attr:`departs`) takes the member off the register (``registered``
    false: kept on file, not counted); an arrival keeps them on it. 服刑 and 参军 are counted as
    departures as the registration-era apps are described to (the apps' own code list is not in
    domain.md: UNCONFIRMED); a district whose list differs maps its labels in its column map."""

    DEATH = "death"  # 死亡
    MARRIED_OUT = "married_out"  # 婚出 (嫁出)
    MOVED_OUT = "moved_out"  # 迁出 (户口迁出)
    IMPRISONED = "imprisoned"  # 服刑
    ENLISTED = "enlisted"  # 参军 (入伍)
    BIRTH = "birth"  # 出生 (新生儿)
    MARRIED_IN = "married_in"  # 婚入 (娶进)
    MOVED_IN = "moved_in"  # 迁入 (户口迁入)
    OTHER = "other"  # 其他

    @property
    def departs(self) -> bool:
        """Whether the change takes the member off the register (自然减少)."""
        return self in DEPARTURES


#: The member changes that take a member off the register (registered false).
DEPARTURES = frozenset({MemberChange.DEATH, MemberChange.MARRIED_OUT, MemberChange.MOVED_OUT,
                        MemberChange.IMPRISONED, MemberChange.ENLISTED})
#: The member changes that bring a member onto the register (registered true).
ARRIVALS = frozenset({MemberChange.BIRTH, MemberChange.MARRIED_IN, MemberChange.MOVED_IN})


class DatePrecision(Labelled):
    """How precisely a source gives a date: to the day, or to the month only (the 2023 export's
    识别监测时间 ``202003``, 务工开始时间 ``2023年03月``: read as the month's first day)."""

    DAY = "day"  # 日
    MONTH = "month"  # 月


class WorkPlace(Labelled):
    IN_TOWNSHIP = "in_township"  # 乡内
    IN_COUNTY = "in_county"  # 乡外县内
    IN_PROVINCE = "in_province"  # 县外省内
    OUT_OF_PROVINCE = "out_of_province"  # 省外


class IncomeCategory(Labelled):
    """The four official income categories."""

    WAGE = "wage"  # 工资性收入
    OPERATING = "operating"  # 生产经营性收入
    PROPERTY = "property"  # 财产性收入
    TRANSFER = "transfer"  # 转移性收入


class HousingGrade(Labelled):
    """农村危房鉴定 grades; A/B safe, C/D renovation targets."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    UNASSESSED = "unassessed"


class WorkStatus(Labelled):
    """Progress of a renovation, relocation or other work item."""

    NONE = "none"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class MeasureStatus(Labelled):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class RoadType(Labelled):
    """Entry-road surface (入户路类型)."""

    DIRT = "dirt"
    GRAVEL = "gravel"
    CEMENT = "cement"
    ASPHALT = "asphalt"


class RiskType(Labelled):
    """致贫/返贫风险 of the monitoring export (风险1–5); labels as the 2023 export writes them."""

    ILLNESS = "illness"  # 因病
    DISABILITY = "disability"  # 因残
    SCHOOLING = "schooling"  # 因学
    ACCIDENT = "accident"  # 因意外事故
    INDUSTRY_FAILURE = "industry_failure"  # 因产业项目失败
    UNSTABLE_EMPLOYMENT = "unstable_employment"  # 因务工就业不稳
    LACK_OF_LABOUR = "lack_of_labour"  # 缺劳动力
    NATURAL_DISASTER = "natural_disaster"  # 因自然灾害 (with its sub-item)
    HOUSING = "housing"  # 住房出现安全问题
    WATER = "water"  # 饮水安全问题
    OTHER = "other"  # 其他 (with a note)


_LABEL_PAIRS: tuple[tuple[StrEnum, str], ...] = (
    (HouseholdStatus.POOR, "未脱贫户"),
    (HouseholdStatus.PRE_EXIT, "计划脱贫户"),
    (HouseholdStatus.EXITED, "脱贫户"),
    (HouseholdStatus.RETURNED, "返贫户"),
    (HouseholdStatus.GENERAL, "一般农户"),
    (HouseholdCategory.GENERAL, "一般户"),
    (HouseholdCategory.DIBAO, "低保户"),
    (HouseholdCategory.TEKUN, "特困供养户"),
    (MonitoringGroup.UNSTABLE_EXITED, "脱贫不稳定户"),
    (MonitoringGroup.MARGINAL, "边缘易致贫户"),
    (MonitoringGroup.SUDDEN_HARDSHIP, "突发严重困难户"),
    (EliminationMethod.ASSISTED, "帮扶消除"),
    (EliminationMethod.NATURAL, "自然消除"),
    (PovertyCause.ILLNESS, "因病"),
    (PovertyCause.DISABILITY, "因残"),
    (PovertyCause.SCHOOLING, "因学"),
    (PovertyCause.DISASTER, "因灾"),
    (PovertyCause.LACK_OF_LAND, "缺土地"),
    (PovertyCause.LACK_OF_WATER, "缺水"),
    (PovertyCause.LACK_OF_SKILLS, "缺技术"),
    (PovertyCause.LACK_OF_LABOUR, "缺劳动力"),
    (PovertyCause.LACK_OF_FUNDS, "缺资金"),
    (PovertyCause.POOR_TRANSPORT, "交通条件落后"),
    (PovertyCause.LACK_OF_MOTIVATION, "自身发展动力不足"),
    (Sex.MALE, "男"),
    (Sex.FEMALE, "女"),
    (Relation.HEAD, "户主"),
    (Relation.SPOUSE, "配偶"),
    (Relation.SON, "之子"),
    (Relation.DAUGHTER, "之女"),
    (Relation.SON_IN_LAW, "之女婿"),
    (Relation.DAUGHTER_IN_LAW, "之儿媳"),
    (Relation.GRANDSON, "之孙子"),
    (Relation.GRANDDAUGHTER, "之孙女"),
    (Relation.FATHER, "之父"),
    (Relation.MOTHER, "之母"),
    (Relation.GRANDFATHER, "之祖父"),
    (Relation.GRANDMOTHER, "之祖母"),
    (Relation.BROTHER, "之兄弟"),
    (Relation.SISTER, "之姐妹"),
    (Relation.OTHER, "其他"),
    (Health.HEALTHY, "健康"),
    (Health.CHRONIC_ILLNESS, "长期慢性病"),
    (Health.SERIOUS_ILLNESS, "患有大病"),
    (Health.DISABLED, "残疾"),
    (DisabilityCategory.VISUAL, "视力残疾"),
    (DisabilityCategory.HEARING, "听力残疾"),
    (DisabilityCategory.SPEECH, "言语残疾"),
    (DisabilityCategory.PHYSICAL, "肢体残疾"),
    (DisabilityCategory.INTELLECTUAL, "智力残疾"),
    (DisabilityCategory.MENTAL, "精神残疾"),
    (DisabilityCategory.MULTIPLE, "多重残疾"),
    (LabourCapacity.NORMAL, "普通劳动力"),
    (LabourCapacity.SKILLED, "技能劳动力"),
    (LabourCapacity.WEAK, "弱劳动力或半劳动力"),
    (LabourCapacity.NONE, "无劳动力"),
    (LabourCapacity.LOST, "丧失劳动力"),
    (SchoolingStage.NOT_STUDENT, "非在校生"),
    (SchoolingStage.PRESCHOOL, "学前教育"),
    (SchoolingStage.PRIMARY, "小学"),
    (SchoolingStage.JUNIOR_SECONDARY, "初中"),
    (SchoolingStage.SENIOR_SECONDARY, "普通高中"),
    (SchoolingStage.SECONDARY_VOCATIONAL, "中职"),
    (SchoolingStage.HIGHER_VOCATIONAL, "高职高专"),
    (SchoolingStage.UNDERGRADUATE, "本科"),
    (SchoolingStage.POSTGRADUATE, "硕士生及以上"),
    (SchoolingStage.HOME_TAUGHT, "送教上门"),
    (SchoolingStage.DROPPED_OUT, "失学辍学"),
    (EducationLevel.ILLITERATE, "文盲或半文盲"),
    (EducationLevel.PRIMARY, "小学"),
    (EducationLevel.JUNIOR_SECONDARY, "初中"),
    (EducationLevel.SENIOR_SECONDARY, "高中"),
    (EducationLevel.SECONDARY_VOCATIONAL, "中职"),
    (EducationLevel.COLLEGE, "大专"),
    (EducationLevel.BACHELOR_OR_ABOVE, "本科及以上"),
    (MedicalInsurance.RESIDENT, "城乡居民基本医疗保险"),
    (MedicalInsurance.EMPLOYEE, "城镇职工基本医疗保险"),
    (MedicalInsurance.NONE, "未参保"),
    (PensionInsurance.RESIDENT, "城乡居民基本养老保险"),
    (PensionInsurance.EMPLOYEE, "城镇职工基本养老保险"),
    (PensionInsurance.NONE, "未参保"),
    (Benefit.DIBAO, "低保"),
    (Benefit.TEKUN, "特困供养"),
    (Benefit.DISABILITY_LIVING_SUBSIDY, "困难残疾人生活补贴"),
    (Benefit.SEVERE_DISABILITY_CARE_SUBSIDY, "重度残疾人护理补贴"),
    (Benefit.PENSION, "养老金"),
    (Benefit.EDUCATION_AID, "雨露计划/教育资助"),
    (Benefit.LIVING_SUBSIDY, "义务教育生活补助"),
    (Benefit.MEDICAL_ASSISTANCE, "医疗救助"),
    (Benefit.FAMILY_DOCTOR, "家庭医生签约"),
    (MemberChange.DEATH, "死亡"),
    (MemberChange.MARRIED_OUT, "婚出"),
    (MemberChange.MOVED_OUT, "迁出"),
    (MemberChange.IMPRISONED, "服刑"),
    (MemberChange.ENLISTED, "参军"),
    (MemberChange.BIRTH, "出生"),
    (MemberChange.MARRIED_IN, "婚入"),
    (MemberChange.MOVED_IN, "迁入"),
    (MemberChange.OTHER, "其他"),
    (DatePrecision.DAY, "精确到日"),
    (DatePrecision.MONTH, "精确到月"),
    (WorkPlace.IN_TOWNSHIP, "乡内"),
    (WorkPlace.IN_COUNTY, "乡外县内"),
    (WorkPlace.IN_PROVINCE, "县外省内"),
    (WorkPlace.OUT_OF_PROVINCE, "省外"),
    (IncomeCategory.WAGE, "工资性收入"),
    (IncomeCategory.OPERATING, "生产经营性收入"),
    (IncomeCategory.PROPERTY, "财产性收入"),
    (IncomeCategory.TRANSFER, "转移性收入"),
    (HousingGrade.A, "A级"),
    (HousingGrade.B, "B级"),
    (HousingGrade.C, "C级危房"),
    (HousingGrade.D, "D级危房"),
    (HousingGrade.UNASSESSED, "未鉴定"),
    (WorkStatus.NONE, "无"),
    (WorkStatus.PLANNED, "计划"),
    (WorkStatus.IN_PROGRESS, "实施中"),
    (WorkStatus.DONE, "已完成"),
    (MeasureStatus.PLANNED, "计划"),
    (MeasureStatus.IN_PROGRESS, "实施中"),
    (MeasureStatus.DONE, "已完成"),
    (MeasureStatus.CANCELLED, "已取消"),
    (RoadType.DIRT, "泥土路"),
    (RoadType.GRAVEL, "砂石路"),
    (RoadType.CEMENT, "水泥路"),
    (RoadType.ASPHALT, "沥青路"),
    (RiskType.ILLNESS, "因病"),
    (RiskType.DISABILITY, "因残"),
    (RiskType.SCHOOLING, "因学"),
    (RiskType.ACCIDENT, "因意外事故"),
    (RiskType.INDUSTRY_FAILURE, "因产业项目失败"),
    (RiskType.UNSTABLE_EMPLOYMENT, "因务工就业不稳"),
    (RiskType.LACK_OF_LABOUR, "缺劳动力"),
    (RiskType.NATURAL_DISASTER, "因自然灾害"),
    (RiskType.HOUSING, "住房出现安全问题"),
    (RiskType.WATER, "饮水安全问题"),
    (RiskType.OTHER, "其他"),
)

# Keyed by (vocabulary, value): members of different vocabularies with the same value ("none") are
# equal as strings, so a plain member-keyed dict would mix their labels.
LABELS_ZH: dict[tuple[type[StrEnum], str], str] = {
    (type(member), member.value): label for member, label in _LABEL_PAIRS
}
