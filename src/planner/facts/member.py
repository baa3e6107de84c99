"""The declared facts of one registered member (``member.<name>`` in rules and messages)."""

from __future__ import annotations

from planner.facts.declare import Fact

MEMBER_INPUTS = {
    "record": "the member's record (planner.model.Member)",
    "when": "the reference date of the run",
    "position": "1-based position in the household's member list (unregistered members count)",
    "household_record": "the household's record (planner.model.Household)",
    "measure_addresses": "measure id → finding codes it addresses (the measure catalog)",
}

_CUTOFF = 'date_in_year(param("education.school_entry_cutoff"), when.year{})'
# The last school-entry cut-off before the reference date: the autumn intake of this school year.
_LAST_CUTOFF = f"{_CUTOFF.format('')} if {_CUTOFF.format('')} < when else {_CUTOFF.format(' - 1')}"
_COMPULSORY_AGE = (
    'param("education.compulsory_age_min") <= school_entry_age and '
    'age <= param("education.compulsory_age_max")'
)

MEMBER_FACTS = (
    Fact("number", "integer", "position", "成员序号", "member number",
         "1-based position among the registered members; subjects read m<number>.", "position"),
    Fact("record", "record Member", "", "成员记录", "member record",
         "The member's record as validated.", "record"),
    Fact("id_check", "record IdCheck", "", "证件号码校验", "ID number check",
         "What the ID number says: valid, first problem, birth date, sex.",
         "id_check(record.id_number)"),
    Fact("id_valid", "bool", "", "证件号码有效", "ID number valid",
         "The ID number passes every check.", "id_check.valid"),
    Fact("id_problem", "enum IdProblem", "", "证件号码问题", "ID number problem",
         "Why the ID number is invalid (the first failed check).", "IdProblem(id_check.problem)"),
    # The recorded value first, then what a *valid* ID number (or 残疾人证号) says (domain.md §5):
    # written with coalesce so that a rule reading them does not need the recorded field.
    Fact("birth_date", "date", "", "出生日期", "birth date",
         "The recorded birth date, else the one in a valid ID number (digits 7–14).",
         "coalesce(record.birth_date, id_check.birth_date if id_valid else None)"),
    Fact("sex", "enum Sex", "", "性别", "sex",
         "The recorded sex, else the one a valid ID number encodes (digit 17, odd male).",
         "coalesce(record.sex, (Sex.MALE if id_check.male else Sex.FEMALE) if id_valid else None)"),
    Fact("card_disability_category", "enum DisabilityCategory", "", "残疾人证号所示残疾类别",
         "disability category on the card",
         "Digit 19 of a valid 20/22-digit 残疾人证号 (1 视力 … 7 多重); unknown otherwise.",
         "id_check.disability_category"),
    Fact("card_disability_grade", "integer", "grade", "残疾人证号所示残疾等级",
         "disability grade on the card",
         "Digit 20 of a valid 20/22-digit 残疾人证号 (1 most severe … 4); unknown otherwise.",
         "id_check.disability_grade"),
    Fact("disability_category", "enum DisabilityCategory", "", "残疾类别", "disability category",
         "The recorded category, else the one on the 残疾人证号.",
         "coalesce(record.disability_category, card_disability_category)"),
    Fact("disability_grade", "integer", "grade", "残疾等级", "disability grade",
         "The recorded grade (1 most severe), else the one on the 残疾人证号.",
         "coalesce(record.disability_grade, card_disability_grade)"),
    Fact("from_id", "set of field names", "", "取自证件号码的项", "taken from the ID number",
         "The fields recorded nowhere but in the ID number or 残疾人证号 (birth_date, sex, "
         "disability_category, disability_grade), for evidence.",
         "id_derived_fields(record, id_check if id_valid else None)"),
    Fact("age", "integer", "years", "年龄", "age",
         "Completed years on the reference date (from the birth date above).",
         "age_on(birth_date, when)"),
    Fact("id_birth_mismatch", "bool", "", "证件出生日期不符", "ID birth date mismatch",
         "The birth date in the ID number differs from the recorded one.",
         "record.birth_date != id_check.birth_date"),
    Fact("id_sex_mismatch", "bool", "", "证件性别不符", "ID sex mismatch",
         "The sex the ID number encodes differs from the recorded one (numbers with a birth "
         "date only).",
         "((record.sex == Sex.MALE) != id_check.male) if is_known(id_check.birth_date) else None"),
    Fact("id_disability_mismatch", "bool", "", "残疾人证号类别等级不符",
         "disability card mismatch",
         "The disability category or grade in a valid 残疾人证号 differs from the recorded one "
         "(unknown unless both are known).",
         "record.disability_category != card_disability_category or "
         "record.disability_grade != card_disability_grade"),
    Fact("school_entry_age", "integer", "years", "入学截止日年龄", "age at school entry",
         "Completed years on the last school-entry cut-off before the reference date "
         "(education.school_entry_cutoff, 8月31日: a child enrols in the autumn after turning 6 "
         "by then).", f"age_on(birth_date, {_LAST_CUTOFF})"),
    Fact("compulsory_school_age", "bool", "", "义务教育年龄", "compulsory-school age",
         "Old enough at the last school-entry cut-off (education.compulsory_age_min) and not "
         "older than education.compulsory_age_max on the reference date.", _COMPULSORY_AGE),
    Fact("working_age", "bool", "", "劳动年龄", "working age",
         "Age within the working ages.",
         'param("labour.working_age_min") <= age <= param("labour.working_age_max")'),
    Fact("enrolled", "bool", "", "在校", "enrolled",
         "In a schooling stage from preschool to postgraduate, or taught at home.",
         "record.schooling in ENROLLED_STAGES"),
    Fact("compulsory_student", "bool", "", "义务教育在校生", "compulsory-school student",
         "Enrolled in primary or junior secondary school; false when schooling is unknown.",
         "coalesce(record.schooling in COMPULSORY_STAGES, False)"),
    Fact("living_subsidy_expected", "bool", "", "应享生活补助", "living subsidy expected",
         "A compulsory-school pupil the living subsidy (两免一补) is due to: a boarder, or any "
         "pupil where education.day_pupil_living_subsidy extends it to day pupils; unknown for "
         "a pupil whose boarding is not recorded.",
         "compulsory_student and (True if param(\"education.day_pupil_living_subsidy\") "
         "else record.boarding)"),
    Fact("vocational_student", "bool", "", "职业教育在校生", "vocational student",
         "Enrolled in secondary or higher vocational school; false when schooling is unknown.",
         "coalesce(record.schooling in VOCATIONAL_STAGES, False)"),
    Fact("can_work", "bool", "", "有劳动能力", "can work",
         "The labour capacity recorded allows work.", "record.labour_capacity.can_work"),
    Fact("ill", "bool", "", "患病", "ill",
         "Chronic or serious illness.",
         "record.health in {Health.CHRONIC_ILLNESS, Health.SERIOUS_ILLNESS}"),
    Fact("disabled", "bool", "", "残疾", "disabled",
         "Health recorded as disabled.", "record.health == Health.DISABLED"),
    Fact("basic_medical_insured", "bool", "", "参加基本医疗保险", "basic medical insurance",
         "Covered by a basic medical insurance.",
         "record.medical_insurance != MedicalInsurance.NONE"),
    Fact("employed", "bool", "", "务工", "employed",
         "An employment record covers the reference year.",
         "employed_in_year(record.employment, when)"),
    Fact("holds_post", "bool", "", "公益岗位在岗", "holds a public-welfare post",
         "A public-welfare post is held on the reference date.",
         "post_held_on(record.public_welfare_posts, when)"),
    Fact("benefits", "set of Benefit values", "", "享受待遇", "benefits",
         "The benefits received; unknown when not recorded.", "values_of(record.benefits)"),
    Fact("out_of_school", "bool", "", "失学辍学", "out of school",
         "Of compulsory-school age, not enrolled, compulsory schooling not completed and not "
         "exempted by the county expert committee (domain.md §2).",
         "False if compulsory_school_age == False or truthy(record.schooling_exemption) else ("
         "not enrolled and not coalesce(record.education in COMPULSORY_COMPLETED, False) "
         "if compulsory_school_age and is_known(enrolled) else None)"),
    Fact("addressed_codes", "set of finding codes", "", "已有措施针对的问题",
         "codes addressed",
         "Finding codes addressed by active measures for the whole household or this member.",
         "member_addressed_codes(household_record.measures, position, measure_addresses)"),
)
