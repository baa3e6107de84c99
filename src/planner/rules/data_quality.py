"""Data-quality rules (DQ): identity, consistency, completeness and plausibility of the records.

The declarative rules (DQ007 among them) are in ``data_quality.yaml`` and, for the dataset-wide
comparisons of DQ004 and DQ013, ``data_quality_dataset.yaml``. The rules here need what the spec
cannot say yet: one finding per field that a parameter lists (DQ008's required fields, DQ012's
land bounds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any

from planner.facts import HouseholdFacts, MemberFacts
from planner.facts.required import KEY_FIELDS
from planner.model import HouseholdStatus, MedicalInsurance, PovertyCause
from planner.params import ParamValues
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule
from planner.spec.needs import carries

FAMILY = "data_quality"
PROPOSES = ("data_correction",)


def _num(value: float) -> str:
    """A number as people write it: ``150``, ``2808.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


# --- DQ008 ------------------------------------------------------------------------------------
REGISTERED = frozenset({HouseholdStatus.POOR, HouseholdStatus.PRE_EXIT, HouseholdStatus.EXITED,
                        HouseholdStatus.RETURNED})
HouseholdCheck = Callable[[HouseholdFacts, ParamValues], bool]
MemberCheck = Callable[[MemberFacts, ParamValues], bool]


def _unset(path: str) -> HouseholdCheck:
    get = attrgetter(path)
    return lambda household, params: get(household.record) is None


def _member_unset(path: str) -> MemberCheck:
    get = attrgetter(path)
    return lambda member, params: get(member.record) is None


def _school_record_age(member: MemberFacts, params: ParamValues) -> bool:
    low = params["education.compulsory_age_min"]
    high = params["data_quality.schooling_record_age_max"]
    return member.age is not None and low <= member.age <= high


def _labour_age_or_older(member: MemberFacts, params: ParamValues) -> bool:
    return member.age is not None and member.age >= params["labour.working_age_min"]


def _no_causes(household: HouseholdFacts, params: ParamValues) -> bool:
    return household.record.status in REGISTERED and not household.record.causes


def _no_water_answer(household: HouseholdFacts, params: ParamValues) -> bool:
    water = household.record.water
    return water.quality_safe is None and water.safe is None


def _no_water_access(household: HouseholdFacts, params: ParamValues) -> bool:
    water = household.record.water
    return not water.piped_into_home and water.fetch_minutes_round_trip is None


# key → (Chinese name, English name, "is missing" test). Keys are what data_quality.required_fields
# lists; a test returns False where the field is not required (e.g. labour capacity of a child).
HOUSEHOLD_FIELDS: dict[str, tuple[str, str, HouseholdCheck]] = {
    "status": ("户类型/脱贫状态", "household status", _unset("status")),
    "causes": ("致贫原因", "poverty cause", _no_causes),
    "recorded_size": ("家庭人口数", "household size", _unset("recorded_size")),
    "income": ("收入信息", "income", _unset("income")),
    "housing.safety_grade": ("住房安全等级（危房鉴定）", "housing safety grade",
                             _unset("housing.safety_grade")),
    "housing.floor_area": ("住房面积", "floor area", _unset("housing.floor_area")),
    # the quality, or the export's overall answer (是否解决安全饮用水) that includes it
    "water.quality_safe": ("饮水水质（是否解决安全饮用水）", "water quality (safe drinking water)",
                           _no_water_answer),
    "water.litres_per_person_day": ("饮水水量", "water quantity",
                                    _unset("water.litres_per_person_day")),
    "water.access": ("取水方便程度", "water access", _no_water_access),
    "water.reliability": ("供水保证率", "water supply reliability", _unset("water.reliability")),
    "living.electricity": ("是否通生活用电", "electricity", _unset("living.electricity")),
    "living.sanitary_toilet": ("是否有卫生厕所", "sanitary toilet",
                               _unset("living.sanitary_toilet")),
    "living.entry_road": ("入户路类型", "entry road", _unset("living.entry_road")),
    "living.distance_to_main_road_km": ("与村主干路距离", "distance to the main road",
                                        _unset("living.distance_to_main_road_km")),
    "living.cultivated_mu": ("耕地面积", "cultivated land", _unset("living.cultivated_mu")),
    "living.forest_mu": ("林地面积", "forest land", _unset("living.forest_mu")),
    "living.grassland_mu": ("牧草地面积", "grassland", _unset("living.grassland_mu")),
    "food_secure": ("不愁吃", "food security", _unset("food_secure")),
    "clothing_secure": ("不愁穿", "clothing security", _unset("clothing_secure")),
}
MEMBER_FIELDS: dict[str, tuple[str, str, MemberCheck]] = {
    "member.id_number": ("证件号码", "ID number", lambda m, p: not m.record.id_number),
    "member.relation": ("与户主关系", "relation to the head", _member_unset("relation")),
    # A valid ID number gives both (planner.facts.member): only a member without either is missing.
    "member.sex": ("性别", "sex", lambda m, p: m.sex is None),
    "member.birth_date": ("出生日期", "birth date", lambda m, p: m.birth_date is None),
    "member.health": ("健康状况", "health", _member_unset("health")),
    "member.medical_insurance": ("基本医疗保险参保情况", "basic medical insurance",
                                 _member_unset("medical_insurance")),
    "member.labour_capacity": (
        "劳动能力", "labour capacity",
        lambda m, p: m.working_age is True and m.record.labour_capacity is None),
    "member.schooling": ("在校生状况", "schooling status",
                         lambda m, p: m.record.schooling is None and _school_record_age(m, p)),
    "member.ethnicity": ("民族", "ethnicity", lambda m, p: not m.record.ethnicity),
    "member.education": (
        "文化程度", "education level",
        lambda m, p: m.record.education is None and m.enrolled is False
        and _labour_age_or_older(m, p)),
    # 大病保险 comes with the resident scheme: an employee-insured member may leave it blank.
    "member.serious_illness_insurance": (
        "大病保险参保情况", "serious-illness insurance",
        lambda m, p: m.record.serious_illness_insurance is None
        and m.record.medical_insurance is not MedicalInsurance.EMPLOYEE),
    # Students are not enrolled in the resident pension scheme (from 16, 在校学生除外).
    "member.pension_insurance": (
        "养老保险参保情况", "pension insurance",
        lambda m, p: m.record.pension_insurance is None and _labour_age_or_older(m, p)
        and m.enrolled is not True),
}


def _missing(path: str) -> dict[str, Any]:
    return {"missing": path}


def _blank(path: str) -> dict[str, Any]:
    # ``not value``: unrecorded or recorded empty
    return {"any": [{"missing": path}, {"fact": path, "eq": ""}]}


def _not_true(path: str) -> dict[str, Any]:
    # ``value is not True`` (``missing`` is never unknown, so neither is this)
    return {"any": [{"missing": path}, {"fact": path, "eq": False}]}


# Where each key's test can hold, as condition data (DQ008's gate): the same test where the
# spec says it exactly; never unknown where the test holds. Keys absent here: their own path.
_REGISTERED = [status.value for status in sorted(REGISTERED, key=lambda s: s.value)]
_LABOUR_AGE = {"fact": "member.age", "ge": {"param": "labour.working_age_min"}}
HOUSEHOLD_GATES: dict[str, dict[str, Any]] = {
    "causes": {"all": [{"fact": "household.status", "in": _REGISTERED},
                       {"any": [{"missing": "household.causes"}, {"not": {"any": [
                           {"fact": "household.causes", "contains": cause.value}
                           for cause in PovertyCause]}}]}]},
    "water.access": {"all": [_not_true("household.water.piped_into_home"),
                             _missing("household.water.fetch_minutes_round_trip")]},
}
MEMBER_GATES: dict[str, dict[str, Any]] = {
    "member.id_number": _blank("member.id_number"),
    "member.ethnicity": _blank("member.ethnicity"),
    "member.labour_capacity": {"all": [{"fact": "member.working_age", "eq": True},
                                       _missing("member.labour_capacity")]},
    "member.schooling": {"all": [
        _missing("member.schooling"),
        {"fact": "member.age", "ge": {"param": "education.compulsory_age_min"}},
        {"fact": "member.age", "le": {"param": "data_quality.schooling_record_age_max"}}]},
    "member.education": {"all": [_missing("member.education"),
                                 {"fact": "member.enrolled", "eq": False}, _LABOUR_AGE]},
    "member.serious_illness_insurance": {"all": [
        _missing("member.serious_illness_insurance"),
        {"any": [_missing("member.medical_insurance"),
                 {"fact": "member.medical_insurance", "ne": MedicalInsurance.EMPLOYEE.value}]}]},
    "member.pension_insurance": {"all": [_missing("member.pension_insurance"), _LABOUR_AGE,
                                         _not_true("member.enrolled")]},
}


def missing_required_gate(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Where DQ008 can find something under ``params``: a required value is missing on the
    household or on a registered member (a source that records fewer fields only drops keys);
    ``None``: nowhere (no key is required)."""
    household_keys, member_keys = _required(tuple(params["data_quality.required_fields"]))
    tests: list[dict[str, Any]] = [HOUSEHOLD_GATES.get(key, _missing(f"household.{key}"))
                                   for key in household_keys]
    if member_keys:
        tests.append({"any_member": {"any": [MEMBER_GATES.get(key, _missing(key))
                                             for key in member_keys]}})
    return {"any": tests} if tests else None


# The model fields a key is read from, where it is not the key itself: water access is told by
# either of two fields.


@lru_cache(maxsize=64)
def _required(
    keys: tuple[str, ...], fields: frozenset[str] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the required keys into household and member keys, keeping those a source carrying
    ``fields`` (None: any) can record; reject unknown keys."""
    unknown = [k for k in keys if k not in HOUSEHOLD_FIELDS and k not in MEMBER_FIELDS]
    if unknown:
        known = ", ".join([*HOUSEHOLD_FIELDS, *MEMBER_FIELDS])
        raise ValueError(
            f"data_quality.required_fields: unknown field {unknown[0]!r} (known: {known})"
        )
    if fields is not None:
        keys = tuple(k for k in keys
                     if any(carries(fields, f) for f in KEY_FIELDS.get(k, (k,))))
    return (
        tuple(k for k in keys if k in HOUSEHOLD_FIELDS),
        tuple(k for k in keys if k in MEMBER_FIELDS),
    )


@rule(
    code="DQ008",
    name="missing-required",
    family=FAMILY,
    kind="data_quality",
    severity="warning",
    message={
        "zh": "{values[who_zh]}{values[field_zh]}未登记",
        "en": "{values[field_en]}{values[who_en]} is not recorded",
    },
    parameters=(
        "data_quality.required_fields",
        "education.compulsory_age_min",
        "data_quality.schooling_record_age_max",
        "labour.working_age_min",
        "labour.working_age_max",
    ),
    proposes=PROPOSES,
    references=(
        "domain.md §4.3 missing key fields",
        "domain.md §4.1, §4.2 household and member fields",
    ),
    gate=missing_required_gate,
)
def missing_required(ctx: RuleContext) -> Iterator[Hit]:
    """A value that must be recorded is unknown: one finding per missing field.

    ## What it checks
    Each field key listed in `data_quality.required_fields` whose value is not recorded (`None`,
    or an empty ID number or cause list). Default household keys: `status`; `causes` (only for
    households whose status is poor, pre-exit, exited or returned); `income` (the whole income
    list); `housing.safety_grade`; `water.quality_safe`; `water.litres_per_person_day`;
    `water.access` (missing when the water is not piped into the home and no round-trip fetch
    time is recorded); `water.reliability`. Default member keys, for each registered member:
    `member.id_number`, `member.relation`, `member.sex`, `member.birth_date`, `member.health`,
    `member.medical_insurance`; `member.labour_capacity` at labour ages
    (`labour.working_age_min`–`labour.working_age_max`, 16–65); `member.schooling` at ages
    `education.compulsory_age_min`–`data_quality.schooling_record_age_max` (6–23). Optional
    keys a district may add: `recorded_size`, `housing.floor_area`, `living.electricity`,
    `living.sanitary_toilet`, `living.entry_road`, `living.distance_to_main_road_km`,
    `living.cultivated_mu`, `living.forest_mu`, `living.grassland_mu`, `food_secure`,
    `clothing_secure`, `member.ethnicity`, `member.education` (non-students from labour age),
    `member.serious_illness_insurance` (not for members in the employee scheme),
    `member.pension_insurance` (from labour age, students excepted). From 2023 the default adds
    the county checker's blank-field checks of the national export: `housing.floor_area`
    (fuping 3_02_008, 5_19_005), `living.entry_road` (3_02_007, 5_19_004),
    `living.electricity` (5_15_002), `living.sanitary_toilet` (3_02_003),
    `living.distance_to_main_road_km` (3_02_013; an implausible distance is DQ012's),
    `living.cultivated_mu`, `living.forest_mu`, `living.grassland_mu` (3_02_004..006),
    `member.serious_illness_insurance` (2_01_006, 2_12_010) and `member.pension_insurance`
    (2_01_007, 5_19_001); 是否解决安全饮用水 (key `water.quality_safe`: the water quality, or
    the export's overall answer `water.safe`, 3_02_002, 5_19_002) is required in every year.
    A member whose age is unknown is only reported for the missing birth date. One finding per
    missing field; member fields carry the member number; `evidence.field` names the key.
    An unknown key in the parameter is an error of the rule (PLN001), never a silent skip.
    On a record read from a source that names the fields it carries (a national export), only
    the keys that source can record are checked (`water.access`: piped water or fetch time): a
    column the export does not have is not the household's omission, while an empty cell in a
    column it has still is.
    Deliberately not flagged: a record complete to exactly the required keys, every optional key
    blank, labour capacity blank below 16 or above 65 and 在校生状况 blank outside 6–23
    (EDU006 asks for 在校生状况 or 文化程度 from 24).
    Trigger to inject: delete `housing.safety_grade`, or a member's `medical_insurance`.
    DQ008 is a Python rule: the fields it checks are the parameter's value (a district adds or
    drops keys), household and member fields come from one household rule in that order, and an
    unknown key must fail the rule; a spec names its facts when it is written. Its gate
    (`missing_required_gate`: each key's test as a condition) lets the columnar backend run it
    only on the households where a required value is missing.

    ## Why it matters
    Missing is not zero: every other rule stays silent on an unknown value, so an unrecorded
    insurance status or housing grade hides exactly the problems the supervision looks for.

    ## Example
    `one_room_unsafe_water` without `housing.safety_grade`: HOU rules cannot judge the house;
    DQ008 reports the missing grade.

    ## Proposed measures
    Collect the value at the next home visit (`data_correction`).

    ## Parameters
    `data_quality.required_fields` (which keys are required), `education.compulsory_age_min`,
    `data_quality.schooling_record_age_max`, `labour.working_age_min`, `labour.working_age_max`.

    ## References
    domain.md §4.3 (missing key fields: 文化程度, 在校生状况 6–23, 健康状况, 劳动能力 16–65,
    household with no head, 主要致贫原因, utilities, roads, 住房面积; missing ID, fuping 4_01_003;
    是否危房 empty, 5_19_006; 大病保险 empty, 2_12_010).
    """
    household = ctx.household
    if household is None:
        return
    params = ctx.params
    household_keys, member_keys = _required(tuple(params["data_quality.required_fields"]),
                                            ctx.fields)
    for key in household_keys:
        zh, en, missing = HOUSEHOLD_FIELDS[key]
        if missing(household, params):
            yield Hit(evidence={"field": key},
                      values={"field_zh": zh, "field_en": en, "who_zh": "", "who_en": ""})
    if not member_keys:
        return
    for member in household.members:
        for key in member_keys:
            zh, en, member_missing = MEMBER_FIELDS[key]
            if member_missing(member, params):
                yield Hit(
                    evidence={"field": key},
                    member=member.number,
                    values={"field_zh": zh, "field_en": en,
                            "who_zh": f"第{member.number}名成员的",
                            "who_en": f" of member {member.number}"},
                )


# --- DQ012 ------------------------------------------------------------------------------------
LAND_NAMES = {
    "cultivated_mu": ("耕地面积", "cultivated land"),
    "forest_mu": ("林地面积", "forest land"),
    "grassland_mu": ("牧草地面积", "grassland"),
    "water_surface_mu": ("水面面积", "water surface"),
}


def _out_of_range(
    field_key: str, names: tuple[str, str], value: float, unit: tuple[str, str],
    range_zh: str, range_en: str, member: int | None = None,
) -> Hit:
    who_zh = f"第{member}名成员的" if member is not None else ""
    who_en = f" of member {member}" if member is not None else ""
    return Hit(
        evidence={"field": field_key, "value": value},
        member=member,
        values={"who_zh": who_zh, "who_en": who_en, "field_zh": names[0], "field_en": names[1],
                "value_zh": f"{_num(value)}{unit[0]}", "value_en": f"{_num(value)}{unit[1]}",
                "range_zh": range_zh, "range_en": range_en},
    )


def _outside(path: str, low: Any, high: Any) -> dict[str, Any]:
    # ``not low <= value <= high``; an unknown value is never outside (the body skips it)
    return {"any": [{"fact": path, "lt": low}, {"fact": path, "gt": high}]}


def out_of_range_gate(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Where DQ012 can find something under ``params``: each of its tests as a condition (the
    pay bounds on the work records and posts, ``for_each``), any of which holds."""
    land = [_outside(f"household.living.{key}", 0, maximum)
            for key, maximum in params["data_quality.land_mu_max"].items()]
    pay = {"param": "data_quality.monthly_pay_max"}
    wage = "household.income_wage"
    household = {"any": [
        *land,
        _outside("household.living.distance_to_main_road_km", 0,
                 {"param": "data_quality.distance_to_main_road_km_max"}),
        {"any_member": _outside("member.age", 0, {"param": "data_quality.age_max"})},
        {"fact": "household.per_capita_net_income",
         "le": {"param": "data_quality.per_capita_income_floor"}},
        {"fact": "household.per_capita_net_income", "gt": {"param": "income.per_capita_max"}},
        {"all": [{"fact": wage, "gt": 0},
                 {"fact": wage, "lt": {"param": "income.wage_implausible_max"}}]},
    ]}
    return [household,
            {"for_each": "work_record", "when": {"fact": "work_record.monthly_pay", "gt": pay}},
            {"for_each": "post", "when": {"fact": "post.monthly_pay", "gt": pay}}]


@rule(
    code="DQ012",
    name="value-out-of-range",
    family=FAMILY,
    kind="data_quality",
    severity="warning",
    message={
        "zh": "{values[who_zh]}{values[field_zh]}为 {values[value_zh]}，"
        "超出合理范围（{values[range_zh]}）",
        "en": "{values[field_en]}{values[who_en]} is {values[value_en]}, outside the plausible "
        "range ({values[range_en]})",
    },
    parameters=(
        "data_quality.land_mu_max",
        "data_quality.distance_to_main_road_km_max",
        "data_quality.monthly_pay_max",
        "data_quality.age_max",
        "data_quality.per_capita_income_floor",
        "income.per_capita_max",
        "income.wage_implausible_max",
    ),
    proposes=PROPOSES,
    references=(
        "domain.md §4.3 implausible values (fuping 5_14_001..014)",
        "domain.md §3 income checks (fuping 5_15_0023)",
    ),
    gate=out_of_range_gate,
)
def value_out_of_range(ctx: RuleContext) -> Iterator[Hit]:
    """A recorded value lies outside its plausible range: one finding per value.

    ## What it checks
    - each land area in `living` named in `data_quality.land_mu_max` (`cultivated_mu`,
      `grassland_mu`, `water_surface_mu` up to 100 亩, `forest_mu` up to 200 亩) below 0 or above
      its maximum;
    - `living.distance_to_main_road_km` below 0 or above `data_quality.distance_to_main_road_km_max`
      (50 km until 2022, 5 km from 2023);
    - a member's employment `monthly_pay` or public-welfare post `monthly_pay` above
      `data_quality.monthly_pay_max` (30,000 yuan);
    - a member's age below 0 (born after the reference date) or above `data_quality.age_max` (115);
    - the computed per-capita net income at or below `data_quality.per_capita_income_floor` (0) or
      above `income.per_capita_max` (100,000 yuan);
    - the year's wage income above 0 but below `income.wage_implausible_max` (100 yuan).
    Unknown values are not checked.
    Trigger to inject: set `living.cultivated_mu` to 150, or a member's `birth_date` to 1890.
    DQ012 is a Python rule: the land areas it checks are the keys of a parameter
    (`data_quality.land_mu_max`), and one household rule reports household values and each
    member's pay records and age, in that order, with the member on each finding. Its gate
    (`out_of_range_gate`: each test as a condition) lets the columnar backend run it only on
    the households where a value is out of range.

    ## Why it matters
    Impossible values are typing errors (a missing decimal point, yuan for 万元) that distort
    income, land and access figures and every ranking built on them.

    ## Example
    `pre_exit_2808` with 450 亩 of cultivated land (4.5 typed without its decimal point).

    ## Proposed measures
    Verify the value and correct it (`data_correction`).

    ## Parameters
    `data_quality.land_mu_max`, `data_quality.distance_to_main_road_km_max`,
    `data_quality.monthly_pay_max`, `data_quality.age_max`, `data_quality.per_capita_income_floor`,
    `income.per_capita_max`, `income.wage_implausible_max`.

    ## References
    domain.md §4.3 (implausible values: legacy per-capita land and 50 km road bounds; 2023 bounds of
    100/200 亩 and 5 km, fuping 5_14_001..014), §3 (人均纯收入 ≤0 or >10万; 工资性收入 between 0 and
    100, fuping 5_15_0023).
    """
    household = ctx.household
    if household is None:
        return
    params = ctx.params
    living = household.record.living
    mu = (" 亩", " mu")
    for key, maximum in params["data_quality.land_mu_max"].items():
        value = getattr(living, key, None)
        if value is not None and not 0 <= value <= maximum:
            names = LAND_NAMES.get(key, (key, key.replace("_", " ")))
            yield _out_of_range(f"living.{key}", names, value, mu,
                                f"0–{_num(maximum)} 亩", f"0–{_num(maximum)} mu")
    distance = living.distance_to_main_road_km
    road_max = params["data_quality.distance_to_main_road_km_max"]
    if distance is not None and not 0 <= distance <= road_max:
        yield _out_of_range("living.distance_to_main_road_km",
                            ("与村主干路距离", "distance to the main road"), distance,
                            (" 公里", " km"), f"0–{_num(road_max)} 公里", f"0–{_num(road_max)} km")

    pay_max = params["data_quality.monthly_pay_max"]
    age_max = params["data_quality.age_max"]
    for member in household.members:
        pays = [e.monthly_pay for e in member.record.employment]
        pays += [p.monthly_pay for p in member.record.public_welfare_posts]
        for pay in pays:
            if pay is not None and pay > pay_max:
                yield _out_of_range("monthly_pay", ("月工资", "monthly pay"), pay, (" 元", " yuan"),
                                    f"不超过 {_num(pay_max)} 元", f"at most {_num(pay_max)} yuan",
                                    member.number)
        if member.age is not None and not 0 <= member.age <= age_max:
            yield _out_of_range("age", ("年龄", "age"), member.age, (" 岁", " years"),
                                f"0–{age_max} 岁", f"0–{age_max} years", member.number)

    per_capita = household.per_capita_net_income
    floor, ceiling = params["data_quality.per_capita_income_floor"], params["income.per_capita_max"]
    if per_capita is not None and not floor < per_capita <= ceiling:
        yield _out_of_range("per_capita_net_income", ("人均纯收入", "per-capita net income"),
                            round(per_capita, 2), (" 元", " yuan"),
                            f"高于 {_num(floor)} 元且不超过 {_num(ceiling)} 元",
                            f"above {_num(floor)} and at most {_num(ceiling)} yuan")
    wage, wage_min = household.income_wage, params["income.wage_implausible_max"]
    if wage is not None and 0 < wage < wage_min:
        yield _out_of_range("income_wage", ("工资性收入", "wage income"), wage, (" 元", " yuan"),
                            f"0 或不少于 {_num(wage_min)} 元",
                            f"0 or at least {_num(wage_min)} yuan")


RULES = (
    *packaged_yaml_rules(__package__, "data_quality.yaml"),
    *packaged_yaml_rules(__package__, "data_quality_dataset.yaml"),
    missing_required,
    value_out_of_range,
)
