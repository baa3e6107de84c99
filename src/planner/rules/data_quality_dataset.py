"""Dataset-scope data-quality rules: the same person (DQ004) or phone (DQ013) in several places.

Both stream: each household adds a few integers to compact arrays, and one sort at the end finds
the keys that occur more than once (domain.md §4.3). Accumulators report only at the end, so DQ013
also keeps each invalid number until then: a household index, a place and the number as recorded.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from planner.facts import HouseholdFacts, IdProblem
from planner.idnumber import upgrade_15
from planner.params import ParamValues
from planner.rule import Hit, RuleContext, rule

FAMILY = "data_quality"
PROPOSES = ("data_correction",)
OTHERS_SHOWN = 5  # locations named in a message; the evidence lists them all


@dataclass(slots=True)
class Occurrences:
    """Where each key (an ID or phone number as an integer) occurs, in compact arrays.

    About 16 bytes per occurrence plus one reference per household, so a province streams
    through; the sort that finds equal keys runs once, at the end.
    """

    keys: array = field(default_factory=lambda: array("q"))
    owners: array = field(default_factory=lambda: array("I"))
    places: array = field(default_factory=lambda: array("i"))
    households: list[str] = field(default_factory=list)

    def owner(self, household: str) -> int:
        """Register a household; its index is passed to :meth:`add`."""
        self.households.append(household)
        return len(self.households) - 1

    def add(self, key: int, owner: int, place: int) -> None:
        self.keys.append(key)
        self.owners.append(owner)
        self.places.append(place)

    def groups(self) -> Iterator[list[tuple[int, str, int]]]:
        """Each group of two or more occurrences of one key, as ``(key, household, place)``."""
        if len(self.keys) < 2:
            return
        import numpy as np

        keys = np.frombuffer(self.keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1])
        group: list[int] = []
        previous = -2
        for position in same.tolist():
            if position != previous + 1 and group:
                yield [self._at(i) for i in group]
                group = []
            if not group:
                group.append(int(order[position]))
            group.append(int(order[position + 1]))
            previous = position
        if group:
            yield [self._at(i) for i in group]

    def _at(self, index: int) -> tuple[int, str, int]:
        return self.keys[index], self.households[self.owners[index]], self.places[index]


def _locations(
    others: list[tuple[str, int]], household: str, place_zh: Callable[[int], str],
    place_en: Callable[[int], str],
) -> tuple[str, str]:
    """Other locations of a key in words: ``本户第2名成员、户 X 第1名成员``."""
    zh, en = [], []
    for other, place in others[:OTHERS_SHOWN]:
        if other == household:
            zh.append(f"本户{place_zh(place)}")
            en.append(f"{place_en(place)} of this household")
        else:
            zh.append(f"户 {other} {place_zh(place)}")
            en.append(f"{place_en(place)} of household {other}")
    more = len(others) - OTHERS_SHOWN
    text_zh, text_en = "、".join(zh), ", ".join(en)
    if more > 0:
        text_zh += f"等共 {len(others)} 处"
        text_en += f" and {more} more"
    return text_zh, text_en


def id_key(number: str) -> int | None:
    """The person an ID number names, as one exact integer; ``None`` if it is not readable.

    15-digit numbers are upgraded, 20/22-digit numbers reduced to their 18-digit core, so one person
    recorded in two forms is one key.
    """
    number = number.strip().upper()
    if not number.isascii():
        return None
    if len(number) == 15 and number.isdigit():
        number = upgrade_15(number)
    elif len(number) in (20, 22):
        number = number[:18]
    if len(number) != 18 or not number[:17].isdigit():
        return None
    last = number[17]
    if last == "X":
        return int(number[:17]) * 11 + 10
    return int(number[:17]) * 11 + int(last) if last.isdigit() else None


def id_from_key(key: int) -> str:
    """The normalised 18-digit ID number of :func:`id_key`."""
    body, check = divmod(key, 11)
    return f"{body:017d}{'X' if check == 10 else check}"


class DuplicatePeople:
    """DQ004 accumulator: normalised ID number → where it occurs."""

    def __init__(self) -> None:
        self.seen = Occurrences()

    def add(self, household: HouseholdFacts) -> None:
        owner = None
        for member in household.members:
            number = member.record.id_number
            if not number or member.id_problem is IdProblem.PLACEHOLDER:
                continue
            key = id_key(number)
            if key is None:
                continue
            if owner is None:
                owner = self.seen.owner(household.id)
            self.seen.add(key, owner, member.number)

    def finish(self) -> Iterator[Hit]:
        for group in self.seen.groups():
            for index, (key, household, number) in enumerate(group):
                others = [(h, n) for i, (_, h, n) in enumerate(group) if i != index]
                others_zh, others_en = _locations(
                    others, household, lambda n: f"第{n}名成员", lambda n: f"member {n}"
                )
                yield Hit(
                    household=household,
                    member=number,
                    evidence={"id_number": id_from_key(key),
                              "also_in": [{"household": h, "member": n} for h, n in others]},
                    values={"member": number, "others_zh": others_zh, "others_en": others_en},
                )


@rule(
    code="DQ004",
    name="duplicate-person",
    family=FAMILY,
    kind="data_quality",
    scope="dataset",
    severity="error",
    message={
        "zh": "第{values[member]}名成员的证件号码与{values[others_zh]}重复，同一人被重复登记",
        "en": "member {values[member]} has the same ID number as {values[others_en]}: "
        "one person registered twice",
    },
    proposes=PROPOSES,
    references=("domain.md §4.3 same person in two households (fuping 1_01_001, 1_12_001)",),
)
def duplicate_person(ctx: RuleContext) -> DuplicatePeople:
    """The same person (ID number) is registered twice: in two households or twice in one.

    ## What it checks
    Every registered member's ID number across the whole dataset. Numbers are normalised first:
    upper-case X, a 15-digit number upgraded to 18 digits, a 20- or 22-digit number reduced to its
    first 18. Two or more registered members with the same normalised number are one person
    registered twice, whether in two households or twice in one; every occurrence gets a finding
    naming the others. Placeholders (999999…) and numbers that cannot be read as 18 characters
    (DQ001 `length`, `characters`) are not compared; a member kept on file with
    `registered: false` (moved out) is not compared either.
    Trigger to inject: copy a member's `id_number` into a member of another household.

    ## Why it matters
    A person counted in two households doubles benefits and distorts both households' per-capita
    income; the national system rejects such records across counties and provinces.

    ## Example
    The head of `pre_exit_2808` also recorded as the head of `no_labour`: both are flagged.

    ## Proposed measures
    Establish where the person lives and remove the other registration (`data_correction`).

    ## Parameters
    None.

    ## References
    domain.md §4.3 (same person in two households, within or across county, city and province:
    fuping 1_01_001, 1_12_001); §5 (upgrading 15-digit numbers; 20/22-digit numbers).
    """
    return DuplicatePeople()


HELPER = -1  # place of the helper's phone; 0 is the household phone, n > 0 member n


def _place_zh(place: int) -> str:
    return {0: "户联系电话", HELPER: "帮扶责任人联系电话"}.get(place, f"第{place}名成员的联系电话")


def _place_en(place: int) -> str:
    names = {0: "the household phone", HELPER: "the helper's phone"}
    return names.get(place, f"the phone of member {place}")


@lru_cache(maxsize=16)
def _phone_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


class SharedOrInvalidPhones:
    """DQ013 accumulator: valid numbers as integer keys, to find the shared ones at the end, and
    invalid numbers as compact entries (household index, place, number as recorded), reported
    at the end too, before the shared ones. Memory: about 16 bytes per valid number and, per
    invalid number, 8 bytes and the recorded string, never a finding object."""

    def __init__(self, params: ParamValues) -> None:
        self.pattern = _phone_pattern(tuple(params["data_quality.phone_patterns"]))
        self.households_max = int(params["data_quality.phone_households_max"])
        self.seen = Occurrences()
        self.invalid_owners = array("I")
        self.invalid_places = array("i")
        self.invalid_phones: list[str] = []

    def add(self, household: HouseholdFacts) -> None:
        record = household.record
        phones: list[tuple[int, str | None]] = [(0, record.phone)]
        phones += [(m.number, m.record.phone) for m in household.members]
        if record.helper is not None:
            phones.append((HELPER, record.helper.phone))
        owner = None
        keys: set[int] = set()
        for place, phone in phones:
            if not phone:
                continue
            compact = "".join(phone.split())
            if not self.pattern.fullmatch(compact):
                if owner is None:
                    owner = self.seen.owner(household.id)
                self.invalid_owners.append(owner)
                self.invalid_places.append(place)
                self.invalid_phones.append(phone)
                continue
            digits = "".join(c for c in compact if c.isascii() and c.isdigit())
            if place == HELPER or not 0 < len(digits) <= 17:
                continue  # one helper serves many households: the helper's number is not compared
            key = int("1" + digits)  # the leading 1 keeps a landline's 0
            if key in keys:
                continue  # one number may serve a whole family
            keys.add(key)
            if owner is None:
                owner = self.seen.owner(household.id)
            self.seen.add(key, owner, place)

    def finish(self) -> Iterator[Hit]:
        households = self.seen.households
        for owner, place, phone in zip(self.invalid_owners, self.invalid_places,
                                       self.invalid_phones, strict=True):
            yield self._hit(households[owner], place, phone, "invalid")
        for group in self.seen.groups():
            if len(group) <= self.households_max:
                continue
            for index, (_, household, place) in enumerate(group):
                others = [(h, p) for i, (_, h, p) in enumerate(group) if i != index]
                others_zh, others_en = _locations(others, household, _place_zh, _place_en)
                yield self._hit(household, place, None, "shared", others_zh, others_en,
                                [{"household": h, "place": p} for h, p in others])

    @staticmethod
    def _hit(
        household: str, place: int, phone: str | None, problem: str, others_zh: str = "",
        others_en: str = "", also: list[dict[str, Any]] | None = None,
    ) -> Hit:
        field_name = {0: "phone", HELPER: "helper.phone"}.get(place, f"members[{place}].phone")
        if problem == "invalid":
            problem_zh = "不是有效的手机或固定电话号码"
            problem_en = "is not a valid mobile or landline number"
            evidence: dict[str, Any] = {"field": field_name, "problem": problem, "phone": phone}
        else:
            problem_zh = f"与其他户共用同一号码（{others_zh}）"
            problem_en = f"is shared with other households ({others_en})"
            evidence = {"field": field_name, "problem": problem, "also_in": also or []}
        return Hit(
            household=household,
            member=place if place > 0 else None,
            evidence=evidence,
            values={"where_zh": _place_zh(place), "where_en": _place_en(place),
                    "problem_zh": problem_zh, "problem_en": problem_en},
        )


@rule(
    code="DQ013",
    name="invalid-contact",
    family=FAMILY,
    kind="data_quality",
    scope="dataset",
    severity="warning",
    message={
        "zh": "{values[where_zh]}{values[problem_zh]}，请核实更正",
        "en": "{values[where_en]} {values[problem_en]}; verify and correct it",
    },
    parameters=("data_quality.phone_patterns", "data_quality.phone_households_max"),
    proposes=PROPOSES,
    references=("domain.md §4.1 家庭成员联系电话 / 户联系电话",),
)
def invalid_contact(ctx: RuleContext) -> SharedOrInvalidPhones:
    """A phone number is not a valid mobile or landline number, or is shared across households.

    ## What it checks
    The household `phone`, each registered member's `phone` and the helper's `phone`, with
    whitespace removed, must fully match one of `data_quality.phone_patterns`: by default a
    mainland mobile number (11 digits starting 13–19: `1[3-9]` and 9 more digits) or a landline
    with its area code (0 and 2–3 more digits, an optional hyphen, then 7–8 digits, e.g.
    `0851-88812345`). Each invalid number is one finding (member numbers carry the member).
    Like every dataset rule, DQ013 reports when the whole dataset has been read, invalid numbers
    first, in input order; until then it keeps about 16 bytes per valid number and, per invalid
    one, its household, place and the number as recorded (memory grows with the invalid numbers,
    not with the households).
    A valid household or member number (hyphen ignored) found in more than
    `data_quality.phone_households_max` households (1: no sharing) gives one finding per
    household involved. The same number on a household and its own members counts once; the
    helper's number is never compared (one helper serves many households).
    Trigger to inject: drop a digit from the household `phone`, or copy one household's `phone`
    to another household.

    ## Why it matters
    The contact number is how cadres verify a household and how a household reports a risk
    (农户自主申报). A number that cannot be dialled, or one shared by several households (often a
    cadre's own), makes verification and self-report impossible.

    ## Example
    `pre_exit_2808` with the phone `1388571000` (10 digits), or `no_labour` given the phone of
    `pre_exit_2808`.

    ## Proposed measures
    Collect the current number at the next visit (`data_correction`).

    ## Parameters
    `data_quality.phone_patterns` (regular expressions, full match),
    `data_quality.phone_households_max`.

    ## References
    domain.md §4.1 (家庭成员联系电话 and 户联系电话 in the monitoring export), §1.3 (self-report).
    """
    return SharedOrInvalidPhones(ctx.params)
