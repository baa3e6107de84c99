"""Project rules (PRJ): area completion and disbursement rates, overdue projects, public notices.

PRJ003 is declarative (``project.yaml``, project scope); the rules here read
:class:`planner.area_facts.ProjectFacts` in Python. PRJ001/PRJ002 are dataset rules: they group
the run's projects by town (``region.town``) and compare each town's rate with the benchmark
parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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


def _notice_problems(project: ProjectFacts, days_min: int) -> list[tuple[str, str]]:
    record = project.record
    problems: list[tuple[str, str]] = []
    if project.started and not project.notice_posted:
        problems.append(("开工前未进行事前公示", "no notice (事前公示) before the works started"))
    elif project.notice_lead_days is not None and project.notice_lead_days < 0:
        days = -project.notice_lead_days
        problems.append((f"开工 {days} 天后才公示", f"notice posted {days} days after the start"))
    if project.notice_posted and record.notice_days is not None and record.notice_days < days_min:
        problems.append((f"公示 {record.notice_days} 天，少于 {days_min} 天",
                         f"posted for {record.notice_days} days, fewer than {days_min}"))
    if project.completed and not project.announced:
        problems.append(("竣工后未进行事后公告", "no announcement (事后公告) after completion"))
    return problems


@rule(
    code="PRJ004",
    name="not-announced",
    family="project",
    scope="project",
    severity="warning",
    message={
        "zh": "项目公告公示不到位：{values[problems_zh]}",
        "en": "project notices missing: {values[problems_en]}",
    },
    parameters=("projects.notice_days_min",),
    references=("domain.md §7 公告公示: notice before, announcement after, posted ≥10 days",),
)
def not_announced(ctx: RuleContext) -> Iterator[Hit]:
    """A project without the required public notice before it starts or after it completes.

    ## What it checks
    Any of: the project has started (`started_on` on or before the reference date) and no
    notice is on record (`notice_posted_on` missing or later than the reference date), or the
    notice was posted after `started_on`; the notice stayed posted `notice_days` fewer than
    `projects.notice_days_min` (10); the project is completed (`completed_on` on or before the
    date) and has no `announced_on` (事后公告). A project not yet started needs no notice yet;
    unknown `notice_days` does not count. One finding per project listing every problem. To
    inject: a started project with `notice_posted_on` null, or `notice_days: 5`.

    ## Why it matters
    Assistance funds and projects are published before implementation and announced after
    completion so that villagers can see and challenge them (公告公示制度); a missing notice is
    a routine audit finding and a warning sign for misuse of funds.

    ## Example
    Project P02 started on 2020-04-01 and completed on 2020-08-31 with neither notice nor
    announcement.

    ## Proposed measures
    None from the household catalog: post the notice or announcement and keep its record.

    ## Parameters
    `projects.notice_days_min`.

    ## References
    domain.md §7 (《关于完善扶贫资金项目公告公示制度的指导意见》: 事前公示, 事后公告, posting
    ≥10 days).
    """
    project: ProjectFacts = ctx.project
    problems = _notice_problems(project, ctx.params["projects.notice_days_min"])
    if not problems:
        return
    record = project.record
    yield Hit(
        evidence={
            "problems": [en for _, en in problems],
            "started_on": record.started_on.isoformat() if record.started_on else None,
            "notice_posted_on": (
                record.notice_posted_on.isoformat() if record.notice_posted_on else None
            ),
            "notice_days": record.notice_days,
            "completed_on": record.completed_on.isoformat() if record.completed_on else None,
            "announced_on": record.announced_on.isoformat() if record.announced_on else None,
        },
        values={"problems_zh": "；".join(zh for zh, _ in problems),
                "problems_en": "; ".join(en for _, en in problems)},
    )


RULES = (
    completion_rate_low,
    disbursement_rate_low,
    *packaged_yaml_rules(__package__, "project.yaml"),
    not_announced,
)
