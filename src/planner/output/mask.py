"""Masking of personal data (names, ID numbers, phone numbers) in findings before output."""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.finding import Finding
from planner.idnumber import (
    ID_PATTERN,
    MOBILE_PATTERN,
    mask_id,
    mask_name,
    mask_numbers,
    mask_phone,
)

_NAME_KEYS = frozenset({"name", "visitor", "member_name", "helper_name", "head_name"})
_PHONE_KEYS = frozenset({"phone", "member_phone", "helper_phone"})


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1].lower()


def mask_text(text: str) -> str:
    """Mask every ID number and mobile phone number in free text."""
    return mask_numbers(text)


def _mask_personal(value: str) -> str:
    if ID_PATTERN.fullmatch(value):
        return mask_id(value) or value
    if MOBILE_PATTERN.fullmatch(value):
        return mask_phone(value) or value
    return mask_name(value) or value


def mask_value(key: str, value: Any) -> Any:
    """Mask a value of evidence according to its key (``member.name``, ``id_number``…)."""
    leaf = _leaf(key)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    if not isinstance(value, str):
        return value
    if leaf in _PHONE_KEYS:
        return mask_phone(value)
    if leaf == "id_number" or leaf.endswith("_id_number"):
        return mask_id(value)
    if leaf in _NAME_KEYS:
        return mask_name(value)
    return mask_text(value)


def _without_personal(text: str, personal: tuple[str, ...]) -> str:
    """``text`` with each of the finding's known personal values masked, then IDs and mobiles."""
    for raw in sorted(personal, key=len, reverse=True):
        text = text.replace(raw, _mask_personal(raw))
    return mask_text(text)


def _masked_messages(finding: Finding) -> tuple[str, str]:
    return (_without_personal(finding.message_zh, finding.personal),
            _without_personal(finding.message_en, finding.personal))


def mask_messages(finding: Finding) -> Finding:
    """``finding`` with personal data masked in its two messages only.

    For consumers that copy messages into their own output (plans) but read the evidence as data
    (measure ids, member numbers): evidence and trace are left as they are. Returns ``finding``
    itself when nothing needed masking.
    """
    zh, en = _masked_messages(finding)
    if zh == finding.message_zh and en == finding.message_en and not finding.personal:
        return finding
    return dataclasses.replace(finding, message_zh=zh, message_en=en, personal=())


def mask_finding(finding: Finding) -> Finding:
    """A copy of ``finding`` with personal data masked in its messages, evidence and trace."""
    zh, en = _masked_messages(finding)
    trace = None
    if finding.trace is not None:
        trace = [_mask_trace(entry) for entry in finding.trace]
    return dataclasses.replace(
        finding,
        message_zh=zh,
        message_en=en,
        evidence={
            k: _without_personal(v, finding.personal) if isinstance(v, str) else v
            for k, v in ((k, mask_value(k, v)) for k, v in finding.evidence.items())
        },
        trace=trace,
        personal=(),
    )


def _mask_trace(entry: dict[str, Any]) -> dict[str, Any]:
    fact = str(entry.get("fact", ""))
    masked = dict(entry)
    for key in ("value", "against"):
        if key in masked:
            masked[key] = mask_value(fact if fact else key, masked[key])
    if "conditions" in masked:
        masked["conditions"] = [_mask_trace(e) for e in masked["conditions"]]
    return masked


__all__ = ["mask_finding", "mask_messages", "mask_text", "mask_value"]
