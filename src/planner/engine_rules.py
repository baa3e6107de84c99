"""The engine's own findings (PLN001–PLN004) described as rules, so they are listed and selectable.

The checker produces these itself; their functions are never called. ``PLN001`` (a rule failed)
and ``PLN004`` (a rule ran out of time) are always reported: a broken rule must never pass
silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.rule import Hit, Rule, RuleContext, rule

ENGINE_FAMILY = "engine"


def _produced_by_engine(ctx: RuleContext) -> Iterable[Hit]:
    return ()


@rule(
    code="PLN001",
    name="rule-error",
    family=ENGINE_FAMILY,
    kind="meta",
    severity="error",
    message={
        "zh": "规则 {values[rule]} 在检查 {values[subject]} 时出错：{values[error]}",
        "en": "rule {values[rule]} failed on {values[subject]}: {values[error]}",
    },
    references=("planner issue 4: fault isolation",),
)
def rule_error(ctx: RuleContext) -> Iterable[Hit]:
    """A rule raised an error while checking a household, village or project.

    ## What it checks
    Every rule runs inside a guard. When a rule raises, the checker records this finding with the
    rule's code, the subject (household id, with the member number for member rules) and the
    error, discards what that rule yielded for the subject, and goes on with the other rules.
    ``sys.exit()`` in a rule is an error like any other (the exit code of a run reflects its
    findings only); so is a rule from a local file or a third-party pack writing to the facts,
    records or findings it is given, which it sees read-only. Only Ctrl-C stops the run.

    ## Why it matters
    One broken rule, often a local rule file or a third-party pack, must not stop the checking of
    a whole district, and its failure must not pass silently as "no problem found".

    ## Example
    A district rule divides by the number of members that can work; for a household where nobody
    can work it raises ``ZeroDivisionError``: PLN001 names the rule and the household.

    ## Proposed measures
    None for the household: report the error to whoever maintains the rule.

    ## Parameters
    None.

    ## References
    planner issue 4 (fault isolation); the rule's own pack.
    """
    return _produced_by_engine(ctx)


@rule(
    code="PLN002",
    name="waiver-expired",
    family=ENGINE_FAMILY,
    kind="meta",
    severity="warning",
    message={
        "zh": "{values[code]} 的豁免已于 {values[expires]} 过期（审批人 {values[approver]}），"
        "需重新审批或撤销",
        "en": "the waiver of {values[code]} expired on {values[expires]} (approved by"
        " {values[approver]}); renew or remove it",
    },
    references=("planner issue 4: waivers",),
)
def waiver_expired(ctx: RuleContext) -> Iterable[Hit]:
    """A waiver is past its expiry date; the finding it covered is reported again.

    ## What it checks
    Each waiver, in the household record or in a waiver file, has an expiry date. On a reference
    date after it, the waiver no longer applies: the finding it covered is reported unwaived and
    this finding says the waiver must be renewed or removed.

    ## Why it matters
    Exceptions are reviewed decisions with a limited life (a house waiting for a relocation
    project, a member studying elsewhere). An exception that silently outlives its review hides
    the problem for good.

    ## Example
    A waiver of HOU001 approved by the township until 2020-06-30, on a check dated 2020-09-30.

    ## Proposed measures
    Review the case: renew the waiver with a new expiry, or act on the finding.

    ## Parameters
    None; the reference date of the run.

    ## References
    planner issue 4 (waivers); the household's waiver or the waiver file.
    """
    return _produced_by_engine(ctx)


@rule(
    code="PLN003",
    name="waiver-unused",
    family=ENGINE_FAMILY,
    kind="meta",
    severity="info",
    message={
        "zh": "{values[code]} 的豁免未被使用：{values[why]}，请撤销",
        "en": "the waiver of {values[code]} is unused: {values[why]}; remove it",
    },
    references=("planner issue 4: waivers",),
)
def waiver_unused(ctx: RuleContext) -> Iterable[Hit]:
    """A waiver matched no finding: the problem is gone, or the code is unknown.

    ## What it checks
    A waiver that is in force but covers no finding of the household (for its member, when it
    names one), or that names a code no loaded rule has. Waivers of rules left out by the
    selection are not judged.

    ## Why it matters
    Stale waivers accumulate and would hide the problem if it came back; a waiver with a typo in
    its code never covered anything.

    ## Example
    A waiver of INC001 for a household whose income is now above the line.

    ## Proposed measures
    Remove the waiver.

    ## Parameters
    None.

    ## References
    planner issue 4 (waivers); ruff's unused-noqa rule (RUF100) is the model.
    """
    return _produced_by_engine(ctx)


@rule(
    code="PLN004",
    name="rule-timeout",
    family=ENGINE_FAMILY,
    kind="meta",
    severity="error",
    message={
        "zh": "规则 {values[rule]} 检查 {values[subject]} 时超过时间预算 {values[seconds]} 秒，"
        "已被中断，本次运行不再执行该规则",
        "en": "rule {values[rule]} exceeded its time budget of {values[seconds]} s on"
        " {values[subject]}: it was interrupted and is disabled for the rest of the run",
    },
    references=("planner hardening issue: hostile rules",),
)
def rule_timeout(ctx: RuleContext) -> Iterable[Hit]:
    """A rule ran longer than its time budget on one subject and was stopped.

    ## What it checks
    Each call of a rule (one household, member, village or project; a dataset rule's start, each
    household it sees and its end) has a time budget: 10 seconds unless ``--rule-timeout`` or
    ``Run.build(rule_timeout=...)`` says otherwise. A call over budget is interrupted; this finding
    names the rule, the subject and the budget, nothing the rule yielded for that subject is
    kept, and the rule is not run again in the same run. The other rules go on.

    ## Why it matters
    A rule that loops forever (a local rule file, a third-party pack) would hang the whole check
    and leave an empty output; stopping it and saying so keeps the run going and the output
    honest.

    ## Example
    A district rule walks a list of a household's visits with a ``while`` loop that never
    advances: after the budget, PLN004 names the rule and the household.

    ## Proposed measures
    None for the household: report the rule to whoever maintains it. Raise the budget only for
    a rule that is slow by nature.

    ## Parameters
    None; the run's rule time budget.

    ## References
    planner hardening issue (hostile rules); the rule's own pack.
    """
    return _produced_by_engine(ctx)


ENGINE_RULES: tuple[Rule, ...] = (rule_error, waiver_expired, waiver_unused, rule_timeout)
ENGINE_CODES = frozenset(r.code for r in ENGINE_RULES)
RULE_ERROR, WAIVER_EXPIRED, WAIVER_UNUSED, RULE_TIMEOUT = ENGINE_RULES

__all__ = ["ENGINE_CODES", "ENGINE_FAMILY", "ENGINE_RULES"]
