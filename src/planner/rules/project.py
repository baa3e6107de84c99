"""Project rules (PRJ): area completion and disbursement rates, overdue projects, public notices.

Project and area scopes are outside the declarative spec, so PRJ003/PRJ004 are Python rules
reading :class:`planner.area_facts.ProjectFacts`. PRJ001/PRJ002 are declarative dataset rules
(``project_rates.yaml``): they group the run's projects by town (``region.town``) and compare each
town's rate with the benchmark parameter.
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.area_facts import ProjectFacts
from planner.registry import packaged_yaml_rules
from planner.rule import Hit, RuleContext, rule


@rule(
    code="PRJ003",
    name="project-overdue",
    family="project",
    scope="project",
    severity="warning",
    message={
        "zh": "项目计划于 {values[due]} 完工，截至 {values[on]} 已逾期 {values[days]} 天仍未完工",
        "en": "the project was due on {values[due]} and is {values[days]} days overdue on"
        " {values[on]}, not completed",
    },
    references=("domain.md §7 project library: 时间进度 and 竣工率",),
)
def project_overdue(ctx: RuleContext) -> Iterator[Hit]:
    """A project past its planned completion date and not completed.

    ## What it checks
    `planned_completion` is before the reference date and there is no `completed_on` on or
    before it (`ProjectFacts.overdue`). A project with no planned completion date is never
    overdue. To inject: `planned_completion` before the reference date, `completed_on` null.

    ## Why it matters
    Every library entry has a schedule (时间进度); a project past its date keeps beneficiaries
    waiting and drags the town's completion rate (PRJ001).

    ## Example
    Project P01 planned to finish on 2020-06-30, not completed on 2020-09-30: 92 days overdue.

    ## Proposed measures
    None from the household catalog: the responsible unit reports the cause and a new date.

    ## Parameters
    None.

    ## References
    domain.md §7 (project library entries record 时间进度 and 责任单位).
    """
    project: ProjectFacts = ctx.project
    if not project.overdue:
        return
    due = project.record.planned_completion
    yield Hit(
        evidence={"planned_completion": due.isoformat() if due else None,
                  "days_overdue": project.days_overdue, "responsible": project.record.responsible},
        values={"due": due, "on": project.reference_date, "days": project.days_overdue},
    )


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


RULES = (*packaged_yaml_rules(__package__, "project_rates.yaml"), project_overdue, not_announced)
