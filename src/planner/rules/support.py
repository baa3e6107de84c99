"""Support rules (SUP): needs with no measure addressing them (SUP004).

The other support rules are declarative (``support.yaml``). SUP004 stays Python: it reads the
household's other findings (``reads_findings``), which the spec does not reach.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.facts import HouseholdFacts, MemberFacts
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule

# Finding families whose findings are needs that a measure should address (SUP004).
NEED_FAMILIES = frozenset({"income", "basic_needs", "education", "health", "housing", "water"})


def _member(household: HouseholdFacts, number: int | None) -> MemberFacts | None:
    return next((m for m in household.members if m.number == number), None)


@rule(
    code="SUP004",
    name="unaddressed-need",
    family="support",
    severity="warning",
    kind="meta",
    message={
        "zh": "{values[who_zh]}{values[need]}（{values[need_name]}）指出的问题没有对应的帮扶措施；"
        "可选措施：{values[options_zh]}",
        "en": "{values[who_en]}the need found by {values[need]} ({values[need_name]}) has no"
        " planned measure addressing it; options: {values[options_en]}",
    },
    references=("domain.md §6.3 measure-to-need consistency (fuping 5_18_001..007)",),
    reads_findings=True,
    # Only a need rule's finding is a need: where none fires, SUP004 finds nothing.
    after_families=NEED_FAMILIES,
    # Every need is unaddressed on a source that cannot list measures: not the household's fault.
    needs=("measures",),
)
def unaddressed_need(ctx: RuleContext) -> Iterator[Hit]:
    """A need found by an INC, BAS, EDU, MED, HOU or WAT rule with no measure addressing it.

    ## What it checks
    Runs after every other rule of the household and reads their findings (which is why it is a
    Python rule: the spec reads facts, not findings). A finding of family
    `income`, `basic_needs`, `education`, `health`, `housing` or `water` (codes INC, BAS, EDU,
    MED, HOU, WAT) is a need. It is addressed when a measure of the plan with status `planned`,
    `in_progress` or `done` lists the need's code in its catalog `addresses`
    (`household.addressed_codes`); a member's need is addressed only by a measure for that member
    or one without a beneficiary (`member.addressed_codes`). One finding per unaddressed need,
    on the member when the need is a member's. SUP004 only sees the needs whose rules were
    selected in the run (`--select SUP004` alone finds nothing), and a waived need still counts:
    waive SUP004 with it. The columnar backend runs it only on the households where a rule of
    those families fires (`after_families`). To inject: produce any need (e.g. an INC001
    household) and remove every measure whose catalog entry addresses its code.

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
        # A data-quality finding of a need family (EDU004: a record to correct) is no need.
        if finding.family not in NEED_FAMILIES or finding.kind != "need" or key in seen:
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
            refers_to=finding.code,
            values={
                "need": finding.code,
                "need_name": finding.name,
                "who_zh": "" if finding.member is None else f"第{finding.member}名成员：",
                "who_en": "" if finding.member is None else f"member {finding.member}: ",
                "options_zh": [m.label.zh for m in options],
                "options_en": [m.label.en for m in options],
            },
        )


RULES = (
    *packaged_yaml_rules(__package__, "support.yaml"),
    unaddressed_need,
)
