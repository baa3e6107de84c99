"""Support rules (SUP): helpers, visits, and whether the planned measures fit and arrive."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from planner.facts import ACTIVE_STATUSES, HouseholdFacts, MemberFacts, age_on
from planner.measures import Measure, MeasureCatalog
from planner.model import PlannedMeasure
from planner.params import ParamValues
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule

# Age limits that a dated parameter sets for a measure, overriding the catalog's eligibility.
AGE_PARAMETERS: dict[str, tuple[str, str]] = {
    "microcredit": ("support.microcredit_age_min", "support.microcredit_age_max"),
    "credit_rating": ("support.microcredit_age_min", "support.microcredit_age_max"),
    "public_welfare_post": ("support.welfare_post_age_min", "support.welfare_post_age_max"),
}
# Finding families whose findings are needs that a measure should address (SUP004).
NEED_FAMILIES = frozenset({"income", "basic_needs", "education", "health", "housing", "water"})
_REQUIREMENTS: dict[str, tuple[str, str]] = {
    "disabled": ("残疾", "disabled"),
    "ill": ("患有慢性病或大病", "chronically or seriously ill"),
    "vocational_student": ("就读中职或高职", "a vocational student"),
    "compulsory_student": ("就读义务教育阶段", "a compulsory-school pupil"),
}
Reason = tuple[str, str]


def _label(catalog: MeasureCatalog | None, measure_id: str) -> tuple[str, str]:
    measure = catalog.get(measure_id) if catalog is not None else None
    return (measure.label.zh, measure.label.en) if measure else (measure_id, measure_id)


def _member(household: HouseholdFacts, number: int | None) -> MemberFacts | None:
    return next((m for m in household.members if m.number == number), None)


def _age_bounds(measure: Measure, params: ParamValues) -> tuple[int | None, int | None]:
    low, high = measure.eligibility.age_min, measure.eligibility.age_max
    names = AGE_PARAMETERS.get(measure.id)
    if names is not None:
        low, high = params.get(names[0], low), params.get(names[1], high)
    return low, high


def _member_conditions(
    member: MemberFacts, measure: Measure, params: ParamValues, on: date
) -> list[tuple[bool | None, Reason]]:
    """Each eligibility condition of ``measure`` for ``member``: (holds?, reason if it fails)."""
    eligibility = measure.eligibility
    conditions: list[tuple[bool | None, Reason]] = []
    labour = member.record.labour_capacity
    if eligibility.labour == "capable":
        recorded = labour.value if labour is not None else "—"
        conditions.append((member.can_work, (
            f"第{member.number}名成员没有劳动能力，此措施要求有劳动能力",
            f"member {member.number} cannot work (labour capacity: {recorded}); the measure"
            " needs someone able to work",
        )))
    elif eligibility.labour == "incapable":
        conditions.append((None if member.can_work is None else not member.can_work, (
            f"第{member.number}名成员有劳动能力，此措施面向无劳动能力者",
            f"member {member.number} can work; the measure is for people who cannot",
        )))
    low, high = _age_bounds(measure, params)
    if low is not None or high is not None:
        age = age_on(member.record.birth_date, on)
        fits = None
        if age is not None:
            fits = (low is None or age >= low) and (high is None or age <= high)
        limits = f"{'' if low is None else low}–{'' if high is None else high}"
        conditions.append((fits, (
            f"第{member.number}名成员{age}岁，此措施限{limits}岁",
            f"member {member.number} is {age}; the measure is for ages {limits}",
        )))
    for name in eligibility.requires:
        value = getattr(member, name, None)
        zh, en = _REQUIREMENTS.get(name, (name, name))
        conditions.append((None if value is None else bool(value), (
            f"此措施要求受益成员{zh}，第{member.number}名成员不是",
            f"the measure is for someone {en}; member {member.number} is not",
        )))
    return conditions


def _mismatch(
    household: HouseholdFacts, planned: PlannedMeasure, measure: Measure, params: ParamValues
) -> tuple[int | None, list[Reason]] | None:
    """The member concerned and why ``planned`` does not fit; ``None`` if it fits or is unknown."""
    on = planned.start or household.reference_date
    reasons: list[Reason] = []
    statuses = measure.eligibility.statuses
    status = household.record.status
    if statuses is not None and status is not None and status.value not in statuses:
        reasons.append((f"户属性为{status.label_zh}，不在此措施适用范围",
                        f"the household status {status.value.replace('_', ' ')} is not eligible"))
    if planned.beneficiary is not None:
        member = _member(household, planned.beneficiary)
        if member is None:
            return (None, reasons) if reasons else None
        failed = [r for ok, r in _member_conditions(member, measure, params, on) if ok is False]
        reasons.extend(failed)
        return (member.number, reasons) if reasons else None
    zh_words, en_words = _requirement_words(measure, params)
    if zh_words and household.members:
        fits = [
            _kleene_all(ok for ok, _ in _member_conditions(m, measure, params, on))
            for m in household.members
        ]
        if True not in fits and None not in fits:
            reasons.append((f"家中没有符合条件的成员（要求：{'、'.join(zh_words)}）",
                            f"no member meets the conditions ({', '.join(en_words)})"))
    return (None, reasons) if reasons else None


def _kleene_all(values: Iterator[bool | None]) -> bool | None:
    unknown = False
    for value in values:
        if value is False:
            return False
        unknown = unknown or value is None
    return None if unknown else True


def _requirement_words(measure: Measure, params: ParamValues) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    if measure.eligibility.labour == "capable":
        zh.append("有劳动能力")
        en.append("able to work")
    elif measure.eligibility.labour == "incapable":
        zh.append("无劳动能力")
        en.append("unable to work")
    low, high = _age_bounds(measure, params)
    if low is not None or high is not None:
        limits = f"{'' if low is None else low}–{'' if high is None else high}"
        zh.append(f"{limits}岁")
        en.append(f"aged {limits}")
    for name in measure.eligibility.requires:
        words = _REQUIREMENTS.get(name, (name, name))
        zh.append(words[0])
        en.append(words[1])
    return zh, en


@rule(
    code="SUP003",
    name="measure-mismatch",
    family="support",
    severity="error",
    message={
        "zh": "帮扶措施“{values[measure_zh]}”与对象不符：{values[reason_zh]}",
        "en": "the measure '{values[measure_en]}' does not fit: {values[reason_en]}",
    },
    parameters=tuple(sorted({n for pair in AGE_PARAMETERS.values() for n in pair})),
    proposes=(),
    references=(
        "domain.md §6.1 五个一批: production for the capable, protection for the incapable",
        "domain.md §6.2 小额信贷 18–65; 公益性岗位 none under 16 or 70 and over",
    ),
)
def measure_mismatch(ctx: RuleContext) -> Iterator[Hit]:
    """A measure in the plan that the household or its beneficiary member is not eligible for.

    ## What it checks
    Every measure of the plan with status `planned`, `in_progress` or `done` whose id is in the
    measure catalog is checked against the catalog's `eligibility`. With a `beneficiary` member
    number the measure is checked against that registered member: `labour: capable` needs
    `member.can_work` true (labour capacity `normal`, `skilled` or `weak`), `labour: incapable`
    needs it false, `age_min`/`age_max` bound the member's age on the measure's `start` (or on
    the reference date when no start is recorded), and each name in `requires` (`disabled`,
    `ill`, `vocational_student`) must be a true member fact. Without a beneficiary the measure
    fits when at least one member meets every condition (capable = any member can work). The
    household `status` must be in `eligibility.statuses` when the catalog lists them.
    For `microcredit` and `credit_rating` the ages come from `support.microcredit_age_min/max`
    (18–65), for `public_welfare_post` from `support.welfare_post_age_min/max` (16–69); the
    catalog's limits apply to the others (e.g. `skills_training` 16–60). One finding per
    measure, on the beneficiary member when there is one. Unknown labour capacity or age never
    fires; measure ids missing from the catalog and beneficiaries who are not registered
    members are left to the data-quality rules. To inject: plan `skills_training` for a member
    whose `labour_capacity` is `none` or `lost`.

    ## Why it matters
    The supervision found helpers whose measures do not fit the household: training for someone
    with no labour capacity. Such measures cost money, count as "assistance" in the ledger and
    change nothing; the person needed social protection, the household a measure it can use.

    ## Example
    In `pre_exit_2808`, skills training planned for member 4, aged 72 with no labour capacity:
    "帮扶措施“技能培训”与对象不符：第4名成员为无劳动力，此措施要求有劳动能力；第4名成员72岁，
    此措施限16–60岁".

    ## Proposed measures
    Replace the measure with one the member is eligible for: the planner chooses from the
    catalog by eligibility (social protection for people who cannot work).

    ## Parameters
    `support.microcredit_age_min`, `support.microcredit_age_max`, `support.welfare_post_age_min`,
    `support.welfare_post_age_max`; other limits are the catalog's `eligibility`.

    ## References
    domain.md §6.1 (五个一批 allocation rule), §6.2 (micro-credit borrowers aged 18–65;
    public-welfare posts none under 16 or 70 and over: fuping 3_01_008, 5_12_004/005).
    """
    household = ctx.household
    catalog: MeasureCatalog | None = ctx.catalog
    if household is None or catalog is None:
        return
    for planned in household.record.measures:
        if planned.status not in ACTIVE_STATUSES:
            continue
        measure = catalog.get(planned.measure)
        if measure is None or measure.beneficiary == "village":
            continue
        found = _mismatch(household, planned, measure, ctx.params)
        if found is None:
            continue
        member, reasons = found
        yield Hit(
            evidence={
                "measure": planned.measure,
                "status": planned.status.value,
                "beneficiary": planned.beneficiary,
                "reasons": [en for _, en in reasons],
            },
            member=member,
            values={
                "measure_zh": measure.label.zh,
                "measure_en": measure.label.en,
                "reason_zh": "；".join(zh for zh, _ in reasons),
                "reason_en": "; ".join(en for _, en in reasons),
            },
        )


@rule(
    code="SUP004",
    name="unaddressed-need",
    family="support",
    severity="warning",
    message={
        "zh": "{values[who_zh]}{values[need]}（{values[need_name]}）指出的问题没有对应的帮扶措施；"
        "可选措施：{values[options_zh]}",
        "en": "{values[who_en]}the need found by {values[need]} ({values[need_name]}) has no"
        " planned measure addressing it; options: {values[options_en]}",
    },
    references=("domain.md §6.3 measure-to-need consistency (fuping 5_18_001..007)",),
    reads_findings=True,
)
def unaddressed_need(ctx: RuleContext) -> Iterator[Hit]:
    """A need found by an INC, BAS, EDU, MED, HOU or WAT rule with no measure addressing it.

    ## What it checks
    Runs after every other rule of the household and reads their findings. A finding of family
    `income`, `basic_needs`, `education`, `health`, `housing` or `water` (codes INC, BAS, EDU,
    MED, HOU, WAT) is a need. It is addressed when a measure of the plan with status `planned`,
    `in_progress` or `done` lists the need's code in its catalog `addresses`
    (`household.addressed_codes`); a member's need is addressed only by a measure for that member
    or one without a beneficiary (`member.addressed_codes`). One finding per unaddressed need,
    on the member when the need is a member's. SUP004 only sees the needs whose rules were
    selected in the run (`--select SUP004` alone finds nothing), and a waived need still counts:
    waive SUP004 with it. To inject: produce any need (e.g. an INC001 household) and remove every
    measure whose catalog entry addresses its code.

    ## Why it matters
    Finding a problem is half the work; the supervision asks for every problem to have a
    measure, a responsible department and a deadline (整改台账). The county checker's
    measure-to-need rules (因病 → 健康帮扶, 住房 → 住房安全保障, dropout → 义务教育保障 …) are
    this rule with the catalog as the table.

    ## Example
    `pre_exit_2808` without its planting subsidy: INC001 (income below the line) has no income
    measure; SUP004 lists job placement, workshop job, micro-credit and the others as options.

    ## Proposed measures
    The catalog measures that address the need (listed in the message and in the evidence).

    ## Parameters
    None (the catalog's `addresses` decide).

    ## References
    domain.md §6.3 (fuping 5_18_001..007: each risk must have a matching measure).
    """
    household = ctx.household
    if household is None or not ctx.findings:
        return
    seen: set[tuple[str, int | None]] = set()
    for finding in ctx.findings:
        key = (finding.code, finding.member)
        if finding.family not in NEED_FAMILIES or key in seen:
            continue
        seen.add(key)
        member = _member(household, finding.member) if finding.member is not None else None
        addressed = member.addressed_codes if member is not None else household.addressed_codes
        if finding.code in addressed:
            continue
        options = ctx.catalog.addressing(finding.code) if ctx.catalog is not None else []
        yield Hit(
            evidence={"need": finding.code, "options": [m.id for m in options]},
            member=finding.member,
            values={
                "need": finding.code,
                "need_name": finding.name,
                "who_zh": "" if finding.member is None else f"第{finding.member}名成员：",
                "who_en": "" if finding.member is None else f"member {finding.member}: ",
                "options_zh": [m.label.zh for m in options],
                "options_en": [m.label.en for m in options],
            },
        )


@rule(
    code="SUP005",
    name="measure-overdue",
    family="support",
    severity="warning",
    message={
        "zh": "帮扶措施“{values[measure_zh]}”应于 {values[due]} 完成，已逾期 {values[days]} 天，"
        "目前状态为{values[status]}",
        "en": "the measure '{values[measure_en]}' was due on {values[due]} and is {values[days]}"
        " days overdue (status: {values[status]})",
    },
    proposes=("home_visit",),
    references=("domain.md §6.3 capable households must have measures actually implemented",),
)
def measure_overdue(ctx: RuleContext) -> Iterator[Hit]:
    """A planned measure past its due date and not done.

    ## What it checks
    Each measure of the plan listed in `household.overdue_measures`: status `planned` or
    `in_progress` (not `done`, not `cancelled`) with a `due` date before the reference date.
    One finding per measure, on the beneficiary member when the measure has one. A measure with
    no `due` date is never overdue. To inject: give a `planned` measure a `due` date before the
    reference date.

    ## Why it matters
    A measure that stays "planned" after its deadline is a promise not kept; the rectification
    ledger (整改台账) tracks each item to its deadline, and supervision asks why assistance
    that was planned did not arrive.

    ## Example
    `pre_exit_2808` with a job placement for member 1 due on 2020-06-30 and still planned on
    2020-09-30: 92 days overdue.

    ## Proposed measures
    A home visit by the helper to find out what is blocking it (`home_visit`).

    ## Parameters
    None.

    ## References
    domain.md §6.3 (fuping 5_11_030: capable households must have measures actually
    implemented, not only planned).
    """
    household = ctx.household
    if household is None:
        return
    measures = household.record.measures
    for index in household.overdue_measures:
        planned = measures[index - 1]
        zh, en = _label(ctx.catalog, planned.measure)
        due = planned.due
        days = (household.reference_date - due).days if due is not None else None
        member = _member(household, planned.beneficiary)
        yield Hit(
            evidence={"measure": planned.measure, "due": due.isoformat() if due else None,
                      "status": planned.status.value, "days_overdue": days,
                      "responsible": planned.responsible},
            member=member.number if member is not None else None,
            values={"measure_zh": zh, "measure_en": en, "due": due, "days": days,
                    "status": planned.status},
        )


@rule(
    code="SUP006",
    name="protection-only",
    family="support",
    severity="warning",
    message={
        "zh": "家中有 {household.members_can_work} 名有劳动能力的成员，但帮扶措施只有兜底保障类"
        "（{values[measures_zh]}），没有开发式帮扶措施",
        "en": "{household.members_can_work} member(s) can work, yet every measure is social"
        " protection ({values[measures_en]}) and none develops income",
    },
    proposes=("job_placement", "public_welfare_post", "planting_subsidy", "livestock_subsidy"),
    references=("domain.md §6.3 fuping 5_11_032: capable households not on 综合保障 only",),
)
def protection_only(ctx: RuleContext) -> Iterator[Hit]:
    """Household with labour capacity whose measures are all social protection.

    ## What it checks
    `household.any_can_work` is true (at least one member's labour capacity is `normal`,
    `skilled` or `weak`), the plan has at least one measure with status `planned`,
    `in_progress` or `done`, and every such measure belongs to the catalog family
    `social_protection` (低保, 特困, disability subsidies, pension premium). A measure id missing
    from the catalog makes the answer unknown: no finding. To inject: give a household with a
    capable member only a `dibao` measure.

    ## Why it matters
    五个一批: people with labour capacity are lifted by production and employment; social
    protection is the floor for those who cannot work. A capable household on transfers only
    does not become self-reliant and is at risk when the transfer stops; the county checker
    flags it (5_11_032).

    ## Example
    `one_room_unsafe_water` without its job placement: the head works, the only measure is 低保.

    ## Proposed measures
    Job placement, public-welfare post, planting or livestock subsidy.

    ## Parameters
    None.

    ## References
    domain.md §6.1 (五个一批 allocation rule), §6.3 (fuping 5_11_032, 5_11_030).
    """
    household = ctx.household
    catalog: MeasureCatalog | None = ctx.catalog
    if household is None or catalog is None or household.any_can_work is not True:
        return
    ids = sorted(household.active_measures)
    found: list[Measure | None] = [catalog.get(i) for i in ids]
    measures = [m for m in found if m is not None]
    if not ids or len(measures) != len(ids):
        return
    if any(m.family != "social_protection" for m in measures):
        return
    yield Hit(
        evidence={"measures": ids, "members_can_work": household.members_can_work},
        values={"measures_zh": [m.label.zh for m in measures],
                "measures_en": [m.label.en for m in measures]},
    )


RULES = (
    *packaged_yaml_rules(__package__, "support.yaml"),
    measure_mismatch,
    unaddressed_need,
    measure_overdue,
    protection_only,
)
