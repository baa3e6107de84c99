"""The engine's own findings (PLN001–PLN003) described as rules, so they are listed and selectable.

The checker produces these itself; their functions are never called. ``PLN001`` (a rule failed)
is always reported: a broken rule must never pass silently.
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


ENGINE_RULES: tuple[Rule, ...] = (rule_error, waiver_expired, waiver_unused)
ENGINE_CODES = frozenset(r.code for r in ENGINE_RULES)
RULE_ERROR, WAIVER_EXPIRED, WAIVER_UNUSED = ENGINE_RULES

__all__ = ["ENGINE_CODES", "ENGINE_FAMILY", "ENGINE_RULES"]
