"""Masking of personal data (names, ID numbers, phone numbers) in findings before output."""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.finding import Finding
from planner.idnumber import mask_numbers
from planner.model.personal import mask_as_found, mask_personal
from planner.printable import map_text


def mask_text(text: str) -> str:
    """Mask every ID number and mobile phone number in free text."""
    return mask_numbers(text)


def mask_value(key: str, value: Any, known: tuple[str, ...] = ()) -> Any:
    """Mask a value of evidence: by the marking of its key (``member.name``, ``id_number``…),
    then every ``known`` personal value and every ID or mobile number it holds, however deep."""
    if isinstance(value, dict):
        return {k: mask_value(str(k), v, known) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v, known) for v in value]
    if not isinstance(value, str):
        return value
    return mask_as_found(mask_personal(key, value), known)


def mask_data(value: Any) -> Any:
    """A copy of ``value`` with the ID and mobile numbers of its strings masked, however deep
    (for outputs built of data rather than findings: plans)."""
    return map_text(value, mask_numbers)


def _without_personal(text: str, personal: tuple[str, ...]) -> str:
    """``text`` with each of the finding's known personal values masked, then IDs and mobiles."""
    return mask_as_found(text, personal)


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
        trace = [_mask_trace(entry, finding.personal) for entry in finding.trace]
    return dataclasses.replace(
        finding,
        message_zh=zh,
        message_en=en,
        subject=mask_numbers(finding.subject),
        evidence={k: mask_value(k, v, finding.personal) for k, v in finding.evidence.items()},
        trace=trace,
        personal=(),
    )


def _mask_trace(entry: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    fact = str(entry.get("fact", ""))
    masked = dict(entry)
    for key in ("value", "against"):
        if key in masked:
            masked[key] = mask_value(fact if fact else key, masked[key], known)
    if "conditions" in masked:
        masked["conditions"] = [_mask_trace(e, known) for e in masked["conditions"]]
    return masked


__all__ = ["mask_data", "mask_finding", "mask_messages", "mask_text", "mask_value"]
