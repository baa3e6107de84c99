"""Bilingual labels of why a plan item is there, of item statuses and of plan actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from planner.planning.model import PlanItem

#: Labels of the reason codes that are not finding codes.
WHY_LABELS: dict[str, tuple[str, str]] = {
    "income-gap": ("收入缺口", "income gap"),
    "existing": ("原有措施", "already planned"),
    "prerequisite": ("前置措施", "prerequisite"),
    "unfit": ("与对象不符", "does not fit"),
}
#: Labels of item statuses (text output).
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "proposed": ("新增", "proposed"),
    "planned": ("已计划", "planned"),
    "in_progress": ("实施中", "in progress"),
    "done": ("已完成", "done"),
    "pending": ("待完工", "pending"),
}
#: Labels of plan actions (``PlanItem.action``).
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "add": ("新增", "add"),
    "keep": ("继续", "keep"),
    "cancel": ("应取消", "cancel"),
    "done": ("已完成", "done"),
}


def pick(labels: tuple[str, str], language: str) -> str:
    """The zh or en half of a label pair."""
    return labels[0] if language == "zh" else labels[1]


def member_suffix(member: int | None) -> tuple[str, str]:
    """``（成员2）`` / `` (member 2)``, empty for a household item."""
    if member is None:
        return "", ""
    return f"（成员{member}）", f" (member {member})"


def _lower_first(text: str) -> str:
    """``Job placement`` → ``job placement`` (``ABC`` and ``(低保)`` stay)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _split_key(key: str) -> tuple[str, int | None]:
    base, _, rest = key.partition("@")
    base = base.rstrip("+")
    if rest.startswith("m") and rest[1:].rstrip("+").isdigit():
        return base, int(rest[1:].rstrip("+"))
    return base, None


def why_label(code: str, items: Mapping[str, PlanItem]) -> tuple[str, str]:
    """The zh and en label of one why code: ``收入缺口``/``income gap``, ``原有措施``/``already
    planned``, ``前置：转移就业（成员2）``/``prerequisite of job placement (member 2)``; a finding
    code stays a code (``EDU001@m3`` → ``EDU001（成员3）``/``EDU001 (member 3)``)."""
    if code.startswith("prerequisite:"):
        key = code.partition(":")[2]
        target = items.get(key)
        measure, member = _split_key(key)
        if target is not None:
            zh_name, en_name, member = target.label_zh, _lower_first(target.label_en), target.member
        else:
            zh_name = en_name = measure
        zh_who, en_who = member_suffix(member)
        return f"前置：{zh_name}{zh_who}", f"prerequisite of {en_name}{en_who}"
    if code in WHY_LABELS:
        return WHY_LABELS[code]
    base, member = _split_key(code)
    if member is not None:
        zh_who, en_who = member_suffix(member)
        return f"{base}{zh_who}", f"{base}{en_who}"
    return code, code


def label_items(items: Iterable[PlanItem], context: Iterable[PlanItem] = ()) -> None:
    """Set ``why_zh``/``why_en`` of each item not labelled yet; prerequisites are named from
    ``context`` and ``items`` (the household's scheduled items)."""
    items = list(items)
    by_key = {item.key: item for item in (*context, *items)}
    for item in items:
        if item.why_zh and item.why_en:
            continue
        labels = [why_label(code, by_key) for code in item.why_codes]
        item.why_zh = [zh for zh, _ in labels]
        item.why_en = [en for _, en in labels]
