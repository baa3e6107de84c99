"""A district's local Python rule, loaded because it is named (``--rules`` or ``rules = [...]``).

    planner check households/ --rules examples/local_rules/elderly_alone.py
"""

from __future__ import annotations

from collections.abc import Iterator

from planner import Hit, RuleContext, rule


@rule(
    code="LOC001",
    name="elderly-alone",
    family="local",
    severity="warning",
    message={
        "zh": "空巢老人户：在册 {household.size} 人均已超过劳动年龄"
        "（{params[labour.working_age_max]} 岁），无人有劳动能力",
        "en": "elderly household: all {household.size} registered members are past working age"
        " ({params[labour.working_age_max]}) and nobody can work",
    },
    parameters=("labour.working_age_max",),
    proposes=("home_visit", "family_doctor", "dibao"),
    references=("county civil-affairs notice on elderly households living alone (local)",),
)
def elderly_alone(ctx: RuleContext) -> Iterator[Hit]:
    """Household whose registered members are all past working age and unable to work.

    ## What it checks
    Every registered member is older than ``labour.working_age_max`` and none can work.

    ## Why it matters
    Elderly people living alone depend on transfers and on visits: the county wants them on a
    closer visit schedule and in contracted family-doctor services.

    ## Example
    ``no_labour``: a 75-year-old woman and her 68-year-old brother, neither able to work.

    ## Proposed measures
    Regular home visits, a family doctor, the minimum living guarantee where income is short.

    ## Parameters
    ``labour.working_age_max``.

    ## References
    The county's notice on elderly households (a local rule).
    """
    household = ctx.household
    if household is None or not household.members:
        return
    oldest_working = ctx.params["labour.working_age_max"]
    ages = [m.age for m in household.members]
    if any(age is None for age in ages):
        return  # an unknown age is a data-quality problem, not a guess
    if all(age > oldest_working for age in ages) and household.any_can_work is False:
        yield Hit(evidence={"ages": ages})


RULES = (elderly_alone,)
