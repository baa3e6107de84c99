"""Support rules (SUP): helpers, visits, and whether the planned measures fit and arrive."""

from __future__ import annotations

from collections.abc import Iterator

from planner.facts import ACTIVE_STATUSES, HouseholdFacts, MemberFacts
from planner.measures import Measure, MeasureCatalog, default_catalog
from planner.measures.eligibility import eligibility, parameter_names
from planner.model import MeasureStatus
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule

# The parameters the shipped catalog names as eligibility limits (micro-credit and public-welfare
# post ages, severe disability grade): SUP003 reads them through the same verdict as the planner.
CATALOG_PARAMETERS = parameter_names(default_catalog().values())
# Finding families whose findings are needs that a measure should address (SUP004).
NEED_FAMILIES = frozenset({"income", "basic_needs", "education", "health", "housing", "water"})


def _member(household: HouseholdFacts, number: int | None) -> MemberFacts | None:
    return next((m for m in household.members if m.number == number), None)


@rule(
    code="SUP003",
    name="measure-mismatch",
    family="support",
    severity="error",
    message={
        "zh": "帮扶措施“{values[measure_zh]}”与对象不符：{values[reason_zh]}",
        "en": "the measure '{values[measure_en]}' does not fit: {values[reason_en]}",
    },
    parameters=CATALOG_PARAMETERS,
    references=(
        "domain.md §6.1 五个一批: production for the capable, protection for the incapable",
        "domain.md §6.2 小额信贷 18–65; 公益性岗位 none under 16 or 70 and over",
    ),
)
def measure_mismatch(ctx: RuleContext) -> Iterator[Hit]:
    """A measure in the plan that the household or its beneficiary member is not eligible for.

    ## What it checks
    Every measure of the plan with status `planned`, `in_progress` or `done` whose id is in the
    measure catalog is judged by the catalog's `eligibility`
    (`planner.measures.eligibility.eligibility`). With a `beneficiary` member number the measure
    is judged for that registered member: `labour: capable` needs `member.can_work` true (labour
    capacity `normal`, `skilled` or `weak`), `labour: incapable` needs it false,
    `age_min`/`age_max` bound `member.age`, each name in `requires` (`disabled`, `ill`,
    `vocational_student`, `compulsory_student`) must be a true member fact, and
    `disability_grade_max` bounds the disability grade. Without a beneficiary the measure fits
    when at least one member meets every member condition (capable = any member can work); a
    household measure for `labour: incapable` needs nobody able to work. The household `status`
    must be in `eligibility.statuses` when the catalog lists them (`monitored` = in monitoring).
    Ages are numbers or parameter names in the catalog: the shipped catalog gives `microcredit`
    and `credit_rating` the ages `support.microcredit_age_min/max` (18–65) and
    `public_welfare_post` the ages `support.welfare_post_age_min/max` (16–69), and numbers to
    the others (e.g. `skills_training` 16–60); the planner chooses measures by the same verdict.
    A `done` measure is not judged on the member's present age (ages count when it was given).
    One finding per measure, on the beneficiary member when there is one, giving the first
    condition that fails. Unknown labour capacity, age or facts never fire; measure ids missing
    from the catalog and beneficiaries who are not registered members are left to the
    data-quality rules. To inject: plan `skills_training` for a member whose `labour_capacity`
    is `none` or `lost`.

    ## Why it matters
    The supervision found helpers whose measures do not fit the household: training for someone
    with no labour capacity. Such measures cost money, count as "assistance" in the ledger and
    change nothing; the person needed social protection, the household a measure it can use.

    ## Example
    `sup_training_no_labour`: skills training planned for member 2, aged 67, disabled, with no
    labour capacity: "帮扶措施“技能培训”与对象不符：成员2无劳动能力".

    ## Proposed measures
    Cancel the measure and replace it with one the member is eligible for: the planner lists it
    under "to cancel" with this finding and the eligibility reason, and plans the needs it was
    meant for again from the catalog by eligibility (social protection for people who cannot
    work).

    ## Parameters
    The limits of the catalog's `eligibility` (numbers or parameter names); the shipped catalog
    names `support.microcredit_age_min`, `support.microcredit_age_max`,
    `support.welfare_post_age_min`, `support.welfare_post_age_max` and
    `labour.severe_disability_grade_max` (`disability_care_subsidy`: grades 1–2).

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
        member = None
        if planned.beneficiary is not None:
            member = _member(household, planned.beneficiary)
            if member is None:
                continue
        verdict = eligibility(measure, household, member, ctx.params)
        if verdict.eligible is not False:
            continue
        if planned.status is MeasureStatus.DONE and verdict.reason == "age":
            continue
        yield Hit(
            evidence={
                "measure": planned.measure,
                "status": planned.status.value,
                "beneficiary": planned.beneficiary,
                "reason": verdict.reason,
            },
            member=member.number if member is not None else None,
            values={
                "measure_zh": measure.label.zh,
                "measure_en": measure.label.en,
                "reason_zh": verdict.zh,
                "reason_en": verdict.en,
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
    if not all(m.protection for m in measures):
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
    protection_only,
)
