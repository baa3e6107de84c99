"""An example third-party rule pack: rules with the ``EX`` prefix, registered by entry point."""

from __future__ import annotations

from collections.abc import Iterator

from planner import Hit, RuleContext, rule
from planner.registry import packaged_yaml_rules


@rule(
    code="EX001",
    name="idle-labour",
    family="example",
    severity="warning",
    message={
        "zh": "有 {values[count]} 名有劳动能力的成员（第 {values[members]} 名）"
        "既未务工也无公益性岗位",
        "en": "{values[count]} member(s) able to work (no. {values[members]}) neither work nor"
        " hold a public-welfare post",
    },
    parameters=("monitoring.threshold", "income.poverty_line"),
    proposes=("job_placement", "skills_training", "public_welfare_post"),
    references=("domain.md §6.1 发展生产脱贫一批: employment for everyone with labour capacity",),
)
def idle_labour(ctx: RuleContext) -> Iterator[Hit]:
    """Low-income household with members who can work but have neither a job nor a post.

    ## What it checks
    A household registered or monitored for poverty, with per-capita net income below the
    monitoring threshold (or the poverty line before monitoring began), in which at least one
    member has labour capacity yet has no employment spell in the reference year and holds no
    public-welfare post.

    ## Why it matters
    Employment is the surest income for a household with labour; an idle capable member is the
    first candidate for job placement or training.

    ## Example
    The 2,808-yuan household: the wife can work but has no recorded job or post.

    ## Proposed measures
    Job placement, skills training, a public-welfare post.

    ## Parameters
    `monitoring.threshold`, `income.poverty_line`.

    ## References
    domain.md §6.1 (发展生产脱贫一批).
    """
    household = ctx.household
    if household is None or household.record.status is None:
        return
    if household.record.status.value == "general" and not household.in_monitoring:
        return
    ceiling = ctx.params.get("monitoring.threshold") or ctx.params.get("income.poverty_line")
    income = household.per_capita_net_income
    if income is None or ceiling is None or income >= ceiling:
        return
    idle = [m.number for m in household.members if m.can_work and not m.employed
            and not m.holds_post]
    if idle:
        yield Hit(
            evidence={"members": idle},
            values={"count": len(idle), "members": "、".join(map(str, idle))},
        )


RULES = (idle_labour, *packaged_yaml_rules(__name__, "rules.yaml"))
