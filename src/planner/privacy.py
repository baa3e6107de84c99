"""Privacy: the one place that masks personal data (names, ID numbers, phone numbers).

What is personal is marked once on the model (:mod:`planner.model.personal`); this module masks by
that marking, by the values a record holds, and by pattern (ID and mobile numbers in free text),
for every output: findings and their evidence, plans, input errors, file names.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.finding import Finding
from planner.idnumber import ID_PATTERN, MOBILE_PATTERN
from planner.model.personal import personal_kind
from planner.printable import map_text


def mask_id(number: str | None) -> str | None:
    """Keep the first 6 and last 2 characters: ``110105**********2X``."""
    if not number:
        return number
    if len(number) <= 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 8) + number[-2:]


def mask_phone(number: str | None) -> str | None:
    """Keep the first 3 and last 2 digits of a phone number."""
    if not number:
        return number
    if len(number) <= 5:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_name(name: str | None) -> str | None:
    """Keep the surname only: ``张**``."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_numbers(text: str) -> str:
    """Mask every ID number and mobile phone number found in free text."""
    text = ID_PATTERN.sub(lambda m: mask_id(m.group(0)) or "", text)
    return MOBILE_PATTERN.sub(lambda m: mask_phone(m.group(0)) or "", text)


_MASKERS = {"name": mask_name, "id_number": mask_id, "phone": mask_phone}


def mask_personal(path: str | None, text: str) -> str:
    """``text`` masked as the personal data at ``path`` is, else its ID and mobile numbers."""
    kind = personal_kind(path)
    if kind is None:
        return mask_numbers(text)
    return _MASKERS[kind](text) or text


def mask_as_found(text: str, known: tuple[str, ...]) -> str:
    """``text`` with each ``known`` personal value (longest first) masked, then by pattern."""
    for raw in known:
        if raw in text:
            text = text.replace(raw, mask_guessed(raw))
    return mask_numbers(text)


def mask_guessed(value: str) -> str:
    """A personal value of unknown kind masked: as an ID or a phone number if it is one, else
    as a name."""
    masked = mask_numbers(value)
    if masked != value:
        return masked
    return mask_name(value) or value


def mask_evidence(key: str, value: Any, known: tuple[str, ...] = ()) -> Any:
    """Mask a value of evidence: by the marking of its key (``member.name``, ``id_number``…),
    then every ``known`` personal value and every ID or mobile number it holds, however deep."""
    if isinstance(value, dict):
        return {k: mask_evidence(str(k), v, known) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_evidence(key, v, known) for v in value]
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
        evidence={k: mask_evidence(k, v, finding.personal) for k, v in finding.evidence.items()},
        trace=trace,
        personal=(),
    )


def _mask_trace(entry: dict[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    fact = str(entry.get("fact", ""))
    masked = dict(entry)
    for key in ("value", "against"):
        if key in masked:
            masked[key] = mask_evidence(fact if fact else key, masked[key], known)
    if "conditions" in masked:
        masked["conditions"] = [_mask_trace(e, known) for e in masked["conditions"]]
    return masked


__all__ = ["mask_as_found", "mask_data", "mask_evidence", "mask_finding", "mask_guessed",
           "mask_id", "mask_messages", "mask_name", "mask_numbers", "mask_personal",
           "mask_phone"]
