"""Python evaluation of the dataset forms: duplicates by key, grouped rates against a benchmark.

:func:`compile_dataset` turns a dataset :class:`~planner.spec.RuleSpec` into the factory the
engine calls once per run (``factory(ctx)``), which returns the accumulator that sees every
household (``add``) and then yields the hits (``finish``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

from planner.backends.python.conditions import Compiler
from planner.backends.python.env import Compiled, Env, Getter, getter
from planner.backends.python.facts import derive_project
from planner.backends.python.occurrences import KEYS, Occurrences
from planner.backends.python.project_paths import project_getter
from planner.facts import HouseholdFacts
from planner.params import ParamValues
from planner.rule import Hit, RuleContext
from planner.spec import ParamRef, RuleSpec, SpecError, resolve_path
from planner.spec.dataset import Duplicates, GroupedRate, Outcome, Place, form_parameters
from planner.spec.paths import HOUSEHOLD, MEMBER


class DatasetFactory:
    """What the engine calls for a dataset spec rule: ``factory(ctx)`` → a fresh accumulator.

    ``parameters`` are the parameters the form and its conditions read.
    """

    def __init__(self, start: Callable[[RuleContext], Any], parameters: list[str]) -> None:
        self._start = start
        self.parameters = parameters

    def __call__(self, ctx: RuleContext) -> Any:
        return self._start(ctx)


def compile_dataset(
    spec: RuleSpec, known_parameters: Iterable[str] | None = None
) -> DatasetFactory:
    """The accumulator factory of a dataset spec rule (``duplicates`` or ``rate``).

    Raises :class:`SpecError` naming an unknown fact or parameter.
    """
    form = spec.form
    known = None if known_parameters is None else frozenset(known_parameters)
    parameters = form_parameters(form) if form is not None else []
    for name in parameters:
        if known is not None and name not in known:
            raise SpecError(f"unknown parameter {name!r}", name)
    if isinstance(form, Duplicates):
        places = [_CompiledPlace(place, known) for place in form.places]
        for place in places:
            parameters.extend(place.parameters)
        family = (None if form.same_family is None
                  else getter(resolve_path(form.same_family, HOUSEHOLD)))
        return DatasetFactory(
            lambda ctx: DuplicatesCheck(form, places, ctx.params, family),
            list(dict.fromkeys(parameters)))
    if isinstance(form, GroupedRate):
        rate = _CompiledRate(form)
        return DatasetFactory(lambda ctx: RateCheck(rate, ctx), parameters)
    raise SpecError(f"rule {spec.code} has no dataset form")


class _CompiledPlace:
    """A place with its fact reader and its ``unless`` condition compiled."""

    __slots__ = ("get", "parameters", "read", "spec", "unless")

    def __init__(self, spec: Place, known: frozenset[str] | None) -> None:
        self.spec = spec
        roots = MEMBER if spec.per_member else HOUSEHOLD
        fact = resolve_path(spec.fact, roots)
        self.get: Getter = getter(fact)
        # A fact one attribute deep is read straight from its household or member: this runs
        # once per member of every household of the run.
        self.read: Callable[[Any], Any] | None = None
        if len(fact.attrs) == 1:
            self.read = attrgetter(("record." if fact.from_record else "") + fact.attrs[0])
        compiler = Compiler(roots, known)
        self.unless: Compiled | None = (
            None if spec.unless is None else compiler.compile(spec.unless))
        self.parameters = compiler.parameters

    def label(self, member: int | None) -> tuple[str, str]:
        """The place's name in messages, Chinese and English."""
        text = self.spec.label
        return text.zh.format(member=member), text.en.format(member=member)

    def field(self, member: int | None) -> str:
        """The place's name in the evidence."""
        return self.spec.field.format(member=member)


@lru_cache(maxsize=16)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(slots=True)
class DuplicatesPartial:
    """The state of a :class:`DuplicatesCheck` (see :meth:`DuplicatesCheck.partial`)."""

    seen: Occurrences
    invalid_owners: array
    invalid_places: array
    invalid_values: list[str]
    links: dict[str, str]


class DuplicatesCheck:
    """The ``duplicates`` accumulator: valid values as integer keys, to find the shared ones at
    the end, and invalid values as compact entries (household index, place, value as recorded),
    reported at the end too, before the shared ones. Memory: about 16 bytes per compared value
    and, per invalid value, 8 bytes and the recorded string, never a finding object."""

    def __init__(self, form: Duplicates, places: list[_CompiledPlace], params: ParamValues,
                 family: Getter | None = None):
        self.form = form
        self.family = family
        # household → the household it names as the same family (few: split households only)
        self.links: dict[str, str] = {}
        self.places = places
        self.params = params
        self.normalise, self.text = KEYS[form.key]
        self.pattern = None if form.valid is None else _pattern(tuple(params[form.valid.param]))
        more = form.more_than
        self.more_than = int(params[more.param]) if isinstance(more, ParamRef) else more
        self.seen = Occurrences()
        self.invalid_owners = array("I")
        self.invalid_places = array("i")
        self.invalid_values: list[str] = []
        self.env = Env(None, params)
        self.plan = [(index, place.spec.per_member, place.unless, place.read, place.get,
                      place.spec.compare) for index, place in enumerate(places)]

    def _decode(self, code: int) -> tuple[_CompiledPlace, int | None]:
        """The place and member of a code of :meth:`add` (negative: a household place)."""
        if code < 0:
            return self.places[-code - 1], None
        member, index = divmod(code, len(self.places))
        return self.places[index], member

    def add(self, household: HouseholdFacts) -> None:
        """Read the household's values into the arrays (the hot path: locals, no calls saved)."""
        env, count = self.env, len(self.places)
        env.household = household
        other = None if self.family is None else self.family(env)
        values: list[tuple[int, Any, bool]] = []
        for index, per_member, unless, read, get, compare in self.plan:
            for member in household.members if per_member else (None,):
                env.member = member
                if unless is not None and unless(env) is True:
                    continue
                value = get(env) if read is None else read(member if per_member else household)
                if value:
                    code = -index - 1 if member is None else member.number * count + index
                    values.append((code, value, compare))
        env.household = env.member = None
        self.add_values(household.id, other, values)

    def add_values(self, household: str, other: Any, values: list[tuple[int, Any, bool]]
                   ) -> None:
        """Take one household's values, read by a backend: ``other`` is the household its
        ``same_family`` fact names (or ``None``); ``values`` are ``(code, value, compare)`` in
        the order of :meth:`add` (places in order, members in order within a place; a place's
        ``unless`` already applied, empty values left out), ``code`` as :meth:`_decode` reads
        it."""
        if other and other != household:
            self.links[household] = str(other)
        if not values:
            return
        pattern, normalise = self.pattern, self.normalise
        owner = None
        keys: set[int] | None = set() if self.form.once_per_household else None
        for code, value, compare in values:
            text = value if isinstance(value, str) else str(value)
            if pattern is not None:
                text = "".join(text.split())
                if not pattern.fullmatch(text):
                    if owner is None:
                        owner = self.seen.owner(household)
                    self.invalid_owners.append(owner)
                    self.invalid_places.append(code)
                    self.invalid_values.append(value)
                    continue
            if not compare:
                continue
            key = normalise(text)
            if key is None:
                continue
            if keys is not None:
                if key in keys:
                    continue  # one number may serve a whole family
                keys.add(key)
            if owner is None:
                owner = self.seen.owner(household)
            self.seen.add(key, owner, code)

    def partial(self) -> DuplicatesPartial:
        """What this accumulator has read, compact and picklable, for :meth:`merge` elsewhere
        (the part of a run one worker read)."""
        return DuplicatesPartial(self.seen, self.invalid_owners, self.invalid_places,
                                 self.invalid_values, self.links)

    def merge(self, other: DuplicatesPartial | DuplicatesCheck,
              exclude: Container[str] = ()) -> None:
        """Take in what another accumulator of the same rule read *after* this one, leaving out
        the households named in ``exclude`` (records rejected after they were read): the hits
        are then those one accumulator fed both parts in reading order gives."""
        part = other.partial() if isinstance(other, DuplicatesCheck) else other
        moved = self.seen.extend(part.seen, exclude)
        self.links.update((h, o) for h, o in part.links.items() if h not in exclude)
        for owner, code, value in zip(part.invalid_owners, part.invalid_places,
                                      part.invalid_values, strict=True):
            if moved[owner] >= 0:
                self.invalid_owners.append(moved[owner])
                self.invalid_places.append(code)
                self.invalid_values.append(value)

    def finish(self) -> Iterator[Hit]:
        """Invalid values in input order, then each place of each key found too often."""
        households = self.seen.households
        if self.form.invalid is not None:
            for owner, code, value in zip(self.invalid_owners, self.invalid_places,
                                          self.invalid_values, strict=True):
                yield self._hit(self.form.invalid, "invalid", households[owner], code,
                                {"value": value})
        family = _families(self.links)
        for group in self.seen.groups():
            if len(group) <= self.more_than:
                continue
            if family is not None and len(
                    {family(h) for _, h, _ in group}) <= self.more_than:
                continue  # one family (分户): its households may share a number
            for index, (key, household, code) in enumerate(group):
                others = [(h, c) for i, (_, h, c) in enumerate(group) if i != index]
                others_zh, others_en = self._locations(others, household)
                also_in = [{"household": h, self.form.place_name: self._number(c)}
                           for h, c in others]
                yield self._hit(self.form.shared, "shared", household, code,
                                {"key": self.text(key), "also_in": also_in},
                                others_zh, others_en)

    def _number(self, code: int) -> int:
        """How a place is numbered in the evidence: its member, or the household place's number."""
        place, member = self._decode(code)
        return place.spec.place if member is None else member

    def _locations(self, others: list[tuple[str, int]], household: str) -> tuple[str, str]:
        """Other places of a key in words: ``本户第2名成员、户 X 第1名成员``."""
        zh, en = [], []
        shown = self.form.shown
        for other, code in others[:shown]:
            place, member = self._decode(code)
            label_zh, label_en = place.label(member)
            if other == household:
                zh.append(f"本户{label_zh}")
                en.append(f"{label_en} of this household")
            else:
                zh.append(f"户 {other} {label_zh}")
                en.append(f"{label_en} of household {other}")
        more = len(others) - shown
        text_zh, text_en = "、".join(zh), ", ".join(en)
        if more > 0:
            text_zh += f"等共 {len(others)} 处"
            text_en += f" and {more} more"
        return text_zh, text_en

    def _hit(
        self, outcome: Outcome, name: str, household: str, code: int, item: dict[str, Any],
        others_zh: str = "", others_en: str = "",
    ) -> Hit:
        place, member = self._decode(code)
        item = {**item, "field": place.field(member), "outcome": name}
        place_zh, place_en = place.label(member)
        values: dict[str, Any] = {"member": member, "place_zh": place_zh, "place_en": place_en,
                                  "others_zh": others_zh, "others_en": others_en}
        if outcome.says is not None:
            values["says_zh"] = outcome.says.zh.format(others_zh=others_zh)
            values["says_en"] = outcome.says.en.format(others_en=others_en)
        return Hit(
            household=household,
            member=member,
            evidence={key: item.get(value) for key, value in outcome.evidence.items()},
            values=values,
        )


def _families(links: dict[str, str]) -> Callable[[str], str] | None:
    """A household's family (a representative household) from the ``same_family`` links,
    followed through chains (a household split from one split from another); None without
    links."""
    if not links:
        return None
    parent: dict[str, str] = {}

    def find(household: str) -> str:
        root = household
        while (up := parent.get(root, root)) != root:
            root = up
        while household != root:  # path compression
            parent[household], household = root, parent[household]
        return root

    for household, other in links.items():
        a, b = find(household), find(other)
        if a != b:
            parent[a] = b
    return find


class _CompiledRate:
    """A grouped rate with its fact readers resolved."""

    def __init__(self, form: GroupedRate) -> None:
        self.form = form
        self.groups = [(name, project_getter(path)) for name, path in form.group_by.items()]
        self.among = project_getter(form.among.fact, "bool" if form.among.holds else None)
        self.exists = form.among.exists is not None
        numerator, denominator = form.numerator, form.denominator
        self.numerator = self._aggregate(numerator.count, numerator.sum)
        self.denominator = (None if denominator is None
                            else self._aggregate(denominator.count, denominator.sum))

    @staticmethod
    def _aggregate(count: str | None, total: str | None) -> tuple[bool, Callable[[Any], Any]]:
        if count is not None:
            return True, project_getter(count, "bool")
        return False, project_getter(total or "", "number")

    def counted(self, item: Any) -> bool:
        value = self.among(item)
        return value is not None if self.exists else value is True


def _total(aggregate: tuple[bool, Callable[[Any], Any]], items: list[Any]) -> Any:
    is_count, get = aggregate
    if is_count:
        return sum(1 for item in items if get(item) is True)
    return sum(value for item in items if (value := get(item)) is not None)


class RateCheck:
    """The ``rate`` accumulator: households are ignored, the run's projects are grouped."""

    def __init__(self, rate: _CompiledRate, ctx: RuleContext) -> None:
        self.rate = rate
        self.ctx = ctx

    def add(self, household: HouseholdFacts) -> None:
        """Households do not enter project rates."""

    def partial(self) -> None:
        """Nothing: households do not enter project rates."""

    def merge(self, other: object, exclude: Container[str] = ()) -> None:
        """Nothing to take in: the rates are of the run's projects, known to every part."""

    def finish(self) -> Iterator[Hit]:
        """One hit per group whose rate is below the benchmark, in the order of the group keys."""
        rate, form = self.rate, self.rate.form
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for project in self.ctx.projects:
            facts = derive_project(project, self.ctx.reference_date)
            key = tuple(get(facts) for _, get in rate.groups)
            if key[-1]:
                groups.setdefault(key, []).append(facts)
        benchmark = self.ctx.params[form.below.param]
        for key, items in sorted(groups.items(), key=lambda i: str(i[0])):
            counted = [item for item in items if rate.counted(item)]
            if not counted:
                continue
            numerator = _total(rate.numerator, counted)
            denominator = (len(counted) if rate.denominator is None
                           else _total(rate.denominator, counted))
            if not denominator:
                continue
            value = numerator / denominator
            if value >= benchmark:
                continue
            item = {"counted": len(counted), "uncounted": len(items) - len(counted),
                    "numerator": numerator, "denominator": denominator,
                    "rate": round(value, 4), "benchmark": benchmark}
            names = dict(zip((name for name, _ in rate.groups), key, strict=True))
            values: dict[str, Any] = {**names, "counted": len(counted), "numerator": numerator,
                                      "denominator": denominator, "rate": value}
            for name, scaled in form.scaled.items():
                values[name] = values[scaled.of] / scaled.divided_by
            yield Hit(
                subject=str(key[-1]),
                evidence={**names, **{k: item[v] for k, v in form.evidence.items()}},
                values=values,
            )


__all__ = ["DatasetFactory", "DuplicatesCheck", "DuplicatesPartial", "RateCheck", "compile_dataset"]
