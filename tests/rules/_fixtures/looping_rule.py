"""A deliberately endless local rule for the PLN004 cases: it loops for households without work."""

from __future__ import annotations

from collections.abc import Iterator

from planner import Hit, RuleContext, rule


@rule(
    code="TST902",
    name="waits-for-a-worker",
    family="test",
    message={"zh": "有劳动力", "en": "someone can work"},
)
def waits_for_a_worker(ctx: RuleContext) -> Iterator[Hit]:
    """Loops forever on a household where nobody can work (a test fixture).

    ## What it checks
    Nothing useful: it exists to run out of time.
    """
    household = ctx.household
    assert household is not None
    while household.members_can_work == 0:
        pass
    return
    yield


RULES = (waits_for_a_worker,)
