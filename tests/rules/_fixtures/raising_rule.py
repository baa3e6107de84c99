"""A deliberately broken local rule for the PLN001 cases: it divides by the workers' count."""

from __future__ import annotations

from collections.abc import Iterator

from planner import Hit, RuleContext, rule


@rule(
    code="TST901",
    name="divides-by-workers",
    family="test",
    message={"zh": "每名劳动力负担 {values[load]} 人", "en": "{values[load]} people per worker"},
)
def divides_by_workers(ctx: RuleContext) -> Iterator[Hit]:
    """Raises ZeroDivisionError for a household where nobody can work (a test fixture).

    ## What it checks
    Nothing useful: it exists to fail.
    """
    household = ctx.household
    assert household is not None
    load = household.size / household.members_can_work
    if load > 10:
        yield Hit(values={"load": load})


RULES = (divides_by_workers,)
