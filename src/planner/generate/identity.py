"""Valid, unique ID numbers (GB 11643-1999) and mobile phone numbers for synthetic people."""

from __future__ import annotations

from datetime import date

from planner.idnumber import check_digit

# Mainland mobile prefixes (China Mobile, Unicom, Telecom) as seen in rural Guizhou records.
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "199",
)
_TAIL_SPACE = 10**8
_TAIL_MULTIPLIER = 48_271  # coprime with 10**8, so distinct keys give distinct tails
HELPER_PHONE_BASE = 90_000_000
_SLOTS = 499  # sequences 001–997 (male) and 002–998 (female)


def id_number(address_code: str, born: date, sequence: int) -> str:
    """An 18-digit ID: 6-digit address code, birth date, 3-digit sequence and check character.

    The sequence's parity carries sex (odd male, even female); the caller picks it.
    """
    body = f"{address_code}{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


class IdAllocator:
    """Hands out ID numbers that never repeat within one generated dataset.

    Keeps one counter per (birth date, sex): at most a few tens of thousands of small integers, so
    memory stays bounded however many households are generated. When the 499 sequence numbers of a
    day and sex run out (only in very large datasets), the next code of ``overflow`` is used.
    """

    def __init__(
        self,
        address_code: str,
        overflow: tuple[str, ...] = (),
        reserved: frozenset[str] = frozenset(),
    ):
        self.address_codes = (address_code, *overflow)
        self.reserved = reserved
        self._next: dict[tuple[int, bool], int] = {}

    def allocate(self, born: date, male: bool) -> str:
        """A fresh ID for a person born on ``born`` of the given sex."""
        key = (born.toordinal(), male)
        count = self._next.get(key, 0)
        self._next[key] = count + 1
        block, slot = divmod(count, _SLOTS)
        if block >= len(self.address_codes):
            raise OverflowError(f"more than {count} people of one sex born on {born}")
        sequence = 2 * slot + (1 if male else 2)  # odd male, even female, never 000
        number = id_number(self.address_codes[block], born, sequence)
        return self.allocate(born, male) if number in self.reserved else number


def phone_number(key: int, salt: int = 0) -> str:
    """A valid mobile number; distinct ``key`` values (below 10**8) give distinct numbers."""
    tail = (key * _TAIL_MULTIPLIER + salt) % _TAIL_SPACE
    prefix = MOBILE_PREFIXES[(key * 7 + salt) % len(MOBILE_PREFIXES)]
    return f"{prefix}{tail:08d}"
