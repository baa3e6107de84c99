"""Project rules (PRJ): area completion and disbursement rates, overdue projects, public notices.

PRJ003 and PRJ004 are declarative (``project.yaml``, project scope); the rules here read
:class:`planner.area_facts.ProjectFacts` in Python. PRJ001/PRJ002 are dataset rules: they group
the run's projects by town (``region.town``) and compare each town's rate with the benchmark
parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from planner.area_facts import ProjectFacts, derive_project
from planner.facts import HouseholdFacts
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule


@dataclass(slots=True)
class TownRates:
    """A dataset accumulator: households are ignored, the run's projects are grouped by town."""

    ctx: RuleContext
    measure: Callable[[list[ProjectFacts], float], Hit | None]
    benchmark: float
    towns: dict[tuple[str | None, str], list[ProjectFacts]] = field(default_factory=dict)

    def add(self, household: HouseholdFacts) -> None:
        """Households do not enter project rates."""

    def finish(self) -> Iterable[Hit]:
        """One hit per town whose rate is below the benchmark, in town order."""
        for project in self.ctx.projects:
            town = project.region.town
            if town:
                facts = derive_project(project, self.ctx.reference_date)
                self.towns.setdefault((project.region.county, town), []).append(facts)
        for (county, town), projects in sorted(self.towns.items(), key=lambda i: str(i[0])):
            hit = self.measure(projects, self.benchmark)
            if hit is not None:
                hit.subject = town
                hit.evidence = {"county": county, "town": town, **hit.evidence}
                hit.values["town"] = town
                yield hit


def _completion(projects: list[ProjectFacts], benchmark: float) -> Hit | None:
    due = [p for p in projects if p.due]
    if not due:
        return None
    completed = sum(1 for p in due if p.completed)
    rate = completed / len(due)
    if rate >= benchmark:
        return None
    return Hit(
        evidence={"projects_due": len(due), "projects_completed": completed,
                  "completion_rate": round(rate, 4), "benchmark": benchmark},
        values={"due": len(due), "completed": completed, "rate": rate},
    )


def _disbursement(projects: list[ProjectFacts], benchmark: float) -> Hit | None:
    known = [p for p in projects if p.disbursement_rate is not None]
    if not known:
        return None
    allocated = sum(p.record.funds_allocated or 0.0 for p in known)
    disbursed = sum(p.record.funds_disbursed or 0.0 for p in known)
    rate = disbursed / allocated
    if rate >= benchmark:
        return None
    return Hit(
        evidence={"projects": len(known), "projects_unknown": len(projects) - len(known),
                  "funds_allocated": allocated, "funds_disbursed": disbursed,
                  "disbursement_rate": round(rate, 4), "benchmark": benchmark},
        values={"allocated": allocated, "disbursed": disbursed, "rate": rate,
                "allocated_wan": allocated / 10000, "disbursed_wan": disbursed / 10000},
    )


@rule(
    code="PRJ001",
    name="completion-rate-low",
    family="project",
    scope="dataset",
    severity="warning",
    message={
        "zh": "{values[town]}项目竣工率 {values[rate]:.1%}（应于检查日前完工 {values[due]} 个，"
        "已完工 {values[completed]} 个），低于 {params[projects.completion_benchmark]:.2%}",
        "en": "{values[town]}: project completion rate {values[rate]:.1%} ({values[completed]} of"
        " {values[due]} projects due by the check date are complete), below"
        " {params[projects.completion_benchmark]:.2%}",
    },
    parameters=("projects.completion_benchmark",),
    references=(
        "supervision speech: a town at 52.6% against the province's 87.91%",
        "domain.md §7 竣工率 = completed ÷ planned (unconfirmed national formula)",
    ),
)
def completion_rate_low(ctx: RuleContext) -> TownRates:
    """A town's project completion rate below the benchmark.

    ## What it checks
    The run's projects are grouped by town (`region.town`, within `region.county`); projects
    with no town are left out. For each town, completion rate = projects completed on or before
    the reference date (`completed_on` ≤ date) ÷ projects planned to complete by then
    (`planned_completion` ≤ date); projects with no planned completion date, or planned later,
    are not counted (a project finished early but planned later is in neither count). Fires
    when the rate is below `projects.completion_benchmark` (the province's 87.91% by default;
    the district file sets each round's figure). A town with no project due yet is not rated.
    The finding's subject is the town name; the evidence gives both counts and the rate. To
    inject: in one town, let 9 of 19 projects planned to finish before the date lack
    `completed_on`.

    ## Why it matters
    The supervision ranked towns by project completion: one town at 52.6% against the
    province's 87.91%. Projects that do not finish leave their beneficiaries waiting and their
    funds idle; a rate far below the province's calls for the town to account for each project.

    ## Example
    Town 河口镇 with 19 projects due by 2020-09-30, 10 completed: 52.6%, below 87.91%.

    ## Proposed measures
    None from the household catalog: the town reports on each overdue project (PRJ003).

    ## Parameters
    `projects.completion_benchmark`.

    ## References
    Supervision speech (52.6% against 87.91%); domain.md §7 (竣工率 = completed ÷ planned
    projects; the national formula is unconfirmed).
    """
    return TownRates(ctx, _completion, ctx.params["projects.completion_benchmark"])


@rule(
    code="PRJ002",
    name="disbursement-rate-low",
    family="project",
    scope="dataset",
    severity="warning",
    message={
        "zh": "{values[town]}资金拨付率 {values[rate]:.1%}"
        "（已拨付 {values[disbursed_wan]:.1f} 万元，已下达 {values[allocated_wan]:.1f} 万元），"
        "低于 {params[projects.disbursement_benchmark]:.2%}",
        "en": "{values[town]}: fund disbursement rate {values[rate]:.1%} ({values[disbursed]:,.0f}"
        " of {values[allocated]:,.0f} yuan allocated), below"
        " {params[projects.disbursement_benchmark]:.2%}",
    },
    parameters=("projects.disbursement_benchmark",),
    references=(
        "supervision speech: a town at 45.0% against the province's 88.48%",
        "domain.md §7 资金支出进度 = disbursed ÷ allocated (unconfirmed national formula)",
    ),
)
def disbursement_rate_low(ctx: RuleContext) -> TownRates:
    """A town's fund disbursement rate below the benchmark.

    ## What it checks
    The run's projects are grouped by town (`region.town`, within `region.county`); projects
    with no town are left out. For each town, disbursement rate = Σ `funds_disbursed` ÷
    Σ `funds_allocated` over the projects where both are recorded and `funds_allocated` is above
    zero (the others are counted in the evidence as unknown). Fires when the rate is below
    `projects.disbursement_benchmark` (the province's 88.48% by default; the district file sets
    each round's figure). The finding's subject is the town name. To inject: in one town, set
    `funds_disbursed` to 45% of `funds_allocated` on every project.

    ## Why it matters
    The supervision found a town that had disbursed 45.0% of its funds against the province's
    88.48%. Money allocated and not spent is assistance that has not reached anyone, and idle
    funds are recalled at year end.

    ## Example
    Town 河口镇 with 200 万元 allocated and 90 万元 disbursed: 45.0%, below 88.48%.

    ## Proposed measures
    None from the household catalog: the town accelerates payment on its projects.

    ## Parameters
    `projects.disbursement_benchmark`.

    ## References
    Supervision speech (45.0% against 88.48%); domain.md §7 (资金支出进度 = spent or disbursed ÷
    allocated; the national formula is unconfirmed).
    """
    return TownRates(ctx, _disbursement, ctx.params["projects.disbursement_benchmark"])


RULES = (
    completion_rate_low,
    disbursement_rate_low,
    *packaged_yaml_rules(__package__, "project.yaml"),
)
