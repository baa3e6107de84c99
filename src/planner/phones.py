"""Phone numbers in one canonical form: the mainland's national form, read with ``phonenumbers``.

A mobile is its 11 digits (``13800138000``), a landline its area code with the trunk 0, a
hyphen and the subscriber number (``0851-81234567``), the forms the national systems' exports
use and the ones rule DQ013's patterns (``data_quality.phone_patterns``) and its shared-number
key read. E.164 (``+8613800138000``) was not chosen: every number in these files is a mainland
one, and people searching or typing a number write it the national way. A valid number of
another country keeps its E.164 form, since its national form would lose the country.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType

# Already canonical: the common case of a file planner wrote, decided without the library.
_CANONICAL = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}", re.ASCII)
# Full-width ASCII (digits, ＋, －, parentheses) and the ideographic space, as typed with a
# Chinese input method.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_MOBILE = 1  # phonenumbers.PhoneNumberType.MOBILE


@lru_cache(maxsize=1)
def _library() -> ModuleType:
    # Imported on first use: its metadata costs a quarter of a second at start-up.
    import phonenumbers

    return phonenumbers


def normalise_phone(text: str) -> str | None:
    """The canonical form of a phone number as written, or ``None`` when it is not a valid
    number (an impossible one stays as written; DQ013 judges it).

    ``138-0013-8000``, ``+86 138 0013 8000``, ``0086 13800138000`` and full-width digits give
    ``13800138000``; ``（0851）8123 4567`` gives ``0851-81234567``.
    """
    text = text.translate(_FULL_WIDTH).strip()
    if _CANONICAL.fullmatch(text):
        return text
    library = _library()
    try:
        number = library.parse(text, "CN")
    except library.NumberParseException:
        return None
    if not library.is_valid_number(number):
        return None
    if number.country_code != 86:
        return str(library.format_number(number, library.PhoneNumberFormat.E164))
    national = str(library.national_significant_number(number))
    if library.number_type(number) == _MOBILE:
        return national
    area = library.length_of_geographical_area_code(number)
    if area:
        return f"0{national[:area]}-{national[area:]}"
    return national  # a non-geographic number (400, 800 …): its digits
