"""The Python backend's facts: each entity's declared formulas compiled once into one function.

At import, the formulas of an entity (in the catalogue's evaluation order) are translated from
their checked nodes into the body of one Python function: each fact a local variable, each node an
expression with the three-valued semantics of :mod:`planner.facts.expression` spelled out (an
unknown operand gives unknown, ``x / 0`` is unknown, Kleene ``and``/``or``). The text is built
only from the catalogue's validated identifiers; constants, helpers and parameter names are passed
in the function's namespace, never spelled into it. Per household the two functions run as plain
Python, as fast as the hand-written ``derive`` they replace; so do a village's and a project's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date
from functools import lru_cache
from itertools import count
from typing import Any

from planner.area_facts import ProjectFacts, VillageFacts
from planner.backends.python.fact_helpers import IMPLEMENTATIONS, forget_household
from planner.facts import FACTS, FactCatalog, HouseholdFacts, MemberFacts
from planner.facts.expression import (
    Aggregate,
    Attr,
    Binary,
    Call,
    Collection,
    Compare,
    Conditional,
    Const,
    Convert,
    Logic,
    Name,
    Node,
    Param,
    Unary,
)
from planner.facts.helpers import HELPERS
from planner.item_facts import PostFacts, WorkRecordFacts
from planner.model import Household, Project, Village
from planner.params import ParamValues

_UNSET = object()  # a fact computed on first read, not read yet

#: Helpers whose result depends on their arguments alone: a call of one on values that are the
#: same for every subject of a run (see ``_Translator.invariant``) is computed once per run.
_PURE_HELPERS = frozenset({"is_known", "truthy", "abs", "to_date", "date_in_year",
                           "days_between"})


def _fill(values: list[Any], slot: int, value: object) -> object:
    """Keep ``value`` in ``values[slot]`` and give it back (a run-invariant value computed)."""
    values[slot] = value
    return value


def _kleene_and(*values: object) -> bool | None:
    unknown = False
    for value in values:
        if value is None:
            unknown = True
        elif not value:
            return False
    return None if unknown else True


def _kleene_or(*values: object) -> bool | None:
    unknown = False
    for value in values:
        if value is None:
            unknown = True
        elif value:
            return True
    return None if unknown else False


def _any_known(values: Iterable[object]) -> bool | None:
    """Kleene ``any``: true if one is true, unknown if none is true but one is unknown."""
    unknown = False
    for value in values:
        if value:
            return True
        unknown = unknown or value is None
    return None if unknown else False


class _Translator:
    """Writes the Python expression of a node; what it cannot spell goes into ``namespace``."""

    def __init__(self, namespace: dict[str, Any], inputs: Iterable[str],
                 inline: Mapping[str, Node] | None = None) -> None:
        self.namespace = namespace
        self.temporaries = count()
        # Facts computed where first read instead of up front (see compile_entity), and the text
        # reading each: its value once computed, else computed and kept.
        self.inline = inline or {}
        self.spelled: dict[str, str] = {}
        # Expressions never unknown: the entity's inputs and the constants.
        self.known = {f"v_{name}" for name in inputs}
        # Values the same for every subject of a run (they read only constants, parameters and
        # the reference date): each computed on first read and kept while the function is called
        # with the same ``params`` and ``when`` (see compile_entity); how many there are.
        self.when = "v_when" in self.known
        self.invariants = 0
        self.hoisting = False  # within a run-invariant expression: its parts are not kept apart

    def temp(self) -> str:
        return f"_t{next(self.temporaries)}"

    def constant(self, value: object) -> str:
        for name, known in self.namespace.items():  # one name per constant (helpers recur)
            if known is value:
                return name
        name = f"_k{len(self.namespace)}"
        self.namespace[name] = value
        self.known.add(name)
        return name

    def unknown_if_none(self, parts: list[str], result: str) -> str:
        """``result`` over temporaries bound to ``parts``, unknown when one of them is.

        A part that is an input or a constant (never unknown) is used as it is, untested.
        """
        names, tests = [], []
        for part in parts:
            if part in self.known:
                names.append(part)
            else:
                names.append(self.temp())
                tests.append(f"({names[-1]} := {part}) is None")
        if not tests:
            return f"({result.format(*names)})"
        return f"(None if {' or '.join(tests)} else {result.format(*names)})"

    def invariant(self, node: Node) -> bool:
        """Whether ``node`` has the same value for every subject of a run: it reads constants,
        parameters, the reference date and pure helpers (:data:`_PURE_HELPERS`) only."""
        if isinstance(node, Const):
            return True
        if isinstance(node, Name):
            return node.source == "input" and node.name == "when" and self.when
        if isinstance(node, Param):
            return node.year is None or self.invariant(node.year)
        if isinstance(node, Call):
            return (node.helper in _PURE_HELPERS and not HELPERS[node.helper].parameters
                    and all(self.invariant(arg) for arg in node.args))
        if isinstance(node, (Attr, Convert)):
            return self.invariant(node.base if isinstance(node, Attr) else node.arg)
        if isinstance(node, Unary):
            return self.invariant(node.operand)
        if isinstance(node, Binary):
            return self.invariant(node.left) and self.invariant(node.right)
        if isinstance(node, (Compare, Logic)):
            return all(self.invariant(part) for part in node.operands)
        if isinstance(node, Conditional):
            return all(self.invariant(part) for part in (node.test, node.then, node.otherwise))
        if isinstance(node, Collection):  # a dict is built anew each time: it may be changed
            return node.kind != "dict" and all(self.invariant(item) for item in node.items)
        return False

    def expression(self, node: Node) -> str:
        if self.hoisting or isinstance(node, (Const, Name)) or not self.invariant(node):
            return self.variant(node)
        slot, kept = self.invariants, self.temp()
        self.invariants += 1
        self.hoisting = True
        try:
            text = self.variant(node)
        finally:
            self.hoisting = False
        return f"({kept} if ({kept} := _cv[{slot}]) is not _unset else _fill(_cv, {slot}, {text}))"

    def variant(self, node: Node) -> str:
        """The text of ``node`` computed where it stands (:meth:`expression` keeps a
        run-invariant one)."""
        if isinstance(node, Const):
            if node.value is None or isinstance(node.value, bool):
                return repr(node.value)
            return self.constant(node.value)
        if isinstance(node, Name):
            if node.source == "item":
                return f"_m.{node.name}"
            if node.source == "fact" and node.name in self.inline:
                return self.lazily(node.name)
            return f"v_{node.name}"
        if isinstance(node, Attr):
            return self.unknown_if_none([self.expression(node.base)], f"{{0}}.{node.attr}")
        if isinstance(node, Param):
            key = self.constant(node.key)
            if node.year is None:
                return f"params[{key}]"
            return self.unknown_if_none(
                [self.expression(node.year)], f"params.on(_date({{0}}, 12, 31)).get({key})"
            )
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Convert):
            vocabulary = self.constant(node.vocabulary)
            return self.unknown_if_none([self.expression(node.arg)], f"{vocabulary}({{0}})")
        if isinstance(node, Aggregate):
            return self.aggregate(node)
        if isinstance(node, Unary):
            op = "not " if node.op == "not" else "-"
            return self.unknown_if_none([self.expression(node.operand)], f"({op}{{0}})")
        if isinstance(node, Binary):
            parts = [self.expression(node.left), self.expression(node.right)]
            if node.op == "/":
                return self.unknown_if_none(parts, "(None if {1} == 0 else {0} / {1})")
            return self.unknown_if_none(parts, f"({{0}} {node.op} {{1}})")
        if isinstance(node, Compare):
            parts = [self.expression(part) for part in node.operands]
            chain = "{0}" + "".join(f" {op} {{{i + 1}}}" for i, op in enumerate(node.ops))
            return self.unknown_if_none(parts, f"({chain})")
        if isinstance(node, Logic):
            helper = "_kleene_and" if node.op == "and" else "_kleene_or"
            return f"{helper}({', '.join(self.expression(part) for part in node.operands)})"
        if isinstance(node, Conditional):
            test = self.temp()
            return (
                f"(None if ({test} := {self.expression(node.test)}) is None else "
                f"({self.expression(node.then)} if {test} else {self.expression(node.otherwise)}))"
            )
        assert isinstance(node, Collection)
        items = [self.expression(item) for item in node.items]
        if node.kind == "dict":
            return "{}"
        if node.kind == "set":
            return f"frozenset(({''.join(f'{item}, ' for item in items)}))"
        return f"({''.join(f'{item}, ' for item in items)})"

    def lazily(self, name: str) -> str:
        """The value of the fact ``name``, computed on first read (the temporaries of a text
        read twice are bound and read within it, so the text may stand in several places)."""
        if name not in self.spelled:
            self.spelled[name] = (f"(v_{name} if v_{name} is not _unset else "
                                  f"(v_{name} := {self.expression(self.inline[name])}))")
        return self.spelled[name]

    def call(self, node: Call) -> str:
        args = [self.expression(arg) for arg in node.args]
        if node.helper == "coalesce":  # lazy: a fallback is computed only when needed
            chain = args[-1]
            for arg in reversed(args[:-1]):
                known = self.temp()
                chain = f"({chain} if ({known} := {arg}) is None else {known})"
            return chain
        function = self.constant(IMPLEMENTATIONS[node.helper])
        if HELPERS[node.helper].parameters:
            args.append("params=params")
        return f"{function}({', '.join(args)})"

    def aggregate(self, node: Aggregate) -> str:
        over = self.expression(node.over)
        if node.inner is None:
            return f"len({over})"
        inner = self.expression(node.inner)
        if node.function == "count":
            return f"sum(1 for _m in {over} if {inner})"
        if node.function == "sum":
            value = self.temp()
            return f"sum({value} for _m in {over} if ({value} := {inner}) is not None)"
        return f"_any_known({inner} for _m in {over})"


def compile_entity(
    catalog: FactCatalog, entity: str, record: type, only: frozenset[str] | None = None,
    inline: frozenset[str] = frozenset(),
) -> tuple[Callable[..., Any], str]:
    """The function computing every fact of ``entity`` into ``record``, and its source text.

    The function takes the entity's inputs and ``params`` as keywords. ``only`` (qualified
    names, closed under ``depends_on``: see :func:`with_dependencies`) limits it to those facts;
    the others are left ``None`` in the record. The facts of ``inline`` (read by other facts of
    the entity, not kept) are computed where first read, so only when a formula reading them
    gets there (an ID number is not checked for a birth date that is recorded).
    """
    declared = catalog.of(entity)
    names = [f.name for f in fields(record)]
    differ = set(names) ^ {d.fact.name for d in declared}
    if differ:
        raise TypeError(f"{record.__name__} and the {entity} facts differ: {sorted(differ)}")
    if only is not None:
        declared = tuple(d for d in declared if d.qualified in only)
    namespace: dict[str, Any] = {
        "_date": date, "_record": record, "_kleene_and": _kleene_and, "_kleene_or": _kleene_or,
        "_any_known": _any_known,
    }
    spelled = {d.fact.name: d.node for d in declared if d.qualified in inline}
    translator = _Translator(namespace, catalog.entities[entity].inputs, spelled)
    inputs = ", ".join(f"v_{name}" for name in catalog.entities[entity].inputs)
    lines = [f"def derive_{entity}(*, {inputs}, params):"]
    if spelled:
        namespace["_unset"] = _UNSET
        lines.append(f"    {' = '.join(f'v_{name}' for name in spelled)} = _unset")
    for fact in declared:
        if fact.fact.name in spelled:
            continue
        lines.append(f"    # {fact.qualified}: {' '.join(fact.fact.formula.split())}")
        lines.append(f"    v_{fact.fact.name} = {translator.expression(fact.node)}")
    derived = {d.fact.name for d in declared} - set(spelled)
    values = ", ".join(f"v_{name}" if name in derived else "None" for name in names)
    lines.append(f"    return _record({values})")
    if translator.invariants:
        # the run-invariant values of the last params and date called with (one tuple: a
        # thread calling with other ones replaces it whole, never mixes the two)
        namespace.update(_unset=_UNSET, _fill=_fill, _kept=[(_UNSET, None, [])])
        same = "_c[0] is params" + (" and _c[1] == v_when" if translator.when else "")
        lines[1:1] = [
            "    _c = _kept[0]",
            f"    if not ({same}):",
            f"        _c = _kept[0] = (params, {'v_when' if translator.when else 'None'},"
            f" [_unset] * {translator.invariants})",
            "    _cv = _c[2]",
        ]
    source = "\n".join(lines) + "\n"
    # The text is made of validated identifiers and generated names only (see the module doc).
    title = entity if only is None else f"{entity}, {len(declared)} of {len(names)}"
    exec(compile(source, f"<planner facts of {title}>", "exec"), namespace)
    return namespace[f"derive_{entity}"], source


_derive_member, MEMBER_SOURCE = compile_entity(FACTS, "member", MemberFacts)
_derive_household, HOUSEHOLD_SOURCE = compile_entity(FACTS, "household", HouseholdFacts)
_derive_village, VILLAGE_SOURCE = compile_entity(FACTS, "village", VillageFacts)
_derive_project, PROJECT_SOURCE = compile_entity(FACTS, "project", ProjectFacts)
_derive_work_record, WORK_RECORD_SOURCE = compile_entity(FACTS, "work_record", WorkRecordFacts)
_derive_post, POST_SOURCE = compile_entity(FACTS, "post", PostFacts)


def derive_work_records(
    household: HouseholdFacts, params: ParamValues
) -> tuple[WorkRecordFacts, ...]:
    """Facts of every work record of the household's registered members, in member order
    (``params``: the values the facts that read parameters read)."""
    when = household.reference_date
    return tuple(
        _derive_work_record(v_record=record, v_member=member.number, v_number=number,
                            v_when=when, v_holder=member, params=params)
        for member in household.members
        for number, record in enumerate(member.record.employment, start=1)
    )


def derive_posts(
    household: HouseholdFacts, params: ParamValues
) -> tuple[PostFacts, ...]:
    """Facts of every public-welfare post of the household's registered members, in member
    order (``params``: the values the facts that read parameters read)."""
    when = household.reference_date
    return tuple(
        _derive_post(v_record=record, v_member=member.number, v_number=number, v_when=when,
                     v_holder=member, params=params)
        for member in household.members
        for number, record in enumerate(member.record.public_welfare_posts, start=1)
    )


def derive_village(village: Village, when: date) -> VillageFacts:
    """Facts of one village on ``when``: hardened road share and tap-water share against plan."""
    return _derive_village(v_record=village, v_when=when, params=None)  # type: ignore[no-any-return]


def derive_project(project: Project, when: date) -> ProjectFacts:
    """Facts of one project on ``when``; dates after ``when`` count as not yet happened."""
    return _derive_project(v_record=project, v_when=when, params=None)  # type: ignore[no-any-return]


def with_dependencies(facts: Iterable[str], catalog: FactCatalog = FACTS) -> frozenset[str]:
    """``facts`` (qualified names, ``household.size``) and every fact they depend on, with those
    the checker itself reads (a household's record, date and members; a member's number and
    record)."""
    found: set[str] = set()
    todo = [*facts, *_ALWAYS]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            declared = catalog.facts[name]
            todo.extend(declared.depends_on)
            if _gives_items(declared.node, declared.entity, catalog):
                # a helper given the items' facts whole reads facts its formula does not name
                todo.extend(_item_facts(declared.entity, catalog))
    return frozenset(found)


def _item_facts(entity: str, catalog: FactCatalog) -> list[str]:
    """Every fact of the items of ``entity`` (a household's members)."""
    return [d.qualified for d in catalog.of(catalog.entities[entity].items or entity)]


def _gives_items(node: object, entity: str, catalog: FactCatalog) -> bool:
    """Whether ``node`` passes a fact holding facts of items (``members``) to a helper."""
    if isinstance(node, tuple):
        return any(_gives_items(part, entity, catalog) for part in node)
    if not is_dataclass(node):
        return False
    if isinstance(node, Call):
        for arg in node.args:
            if isinstance(arg, Name) and arg.source == "fact":
                fact = catalog.facts.get(f"{entity}.{arg.name}")
                if fact is not None and "Facts" in fact.fact.type:
                    return True
    return any(_gives_items(getattr(node, f.name), entity, catalog) for f in fields(node))


_ALWAYS = ("household.record", "household.reference_date", "household.members", "member.number",
           "member.record")

Derive = Callable[..., HouseholdFacts]
"""A function with the signature of :func:`derive` (``only`` aside)."""


@lru_cache(maxsize=16)
def deriver(read: frozenset[str] | None = None) -> Derive:
    """:func:`derive` for the facts ``read`` (qualified names; None: every fact), the member and
    household functions compiled once per set.

    The record holds the facts of ``read`` and those every run reads (see
    :func:`with_dependencies`); what they depend on is computed where first needed, unless a
    fact of the other entity reads it (a household's count of members who can work).
    """
    if read is None:
        return derive
    only = with_dependencies(read)
    kept = set(read) | set(_ALWAYS)
    for name in only:
        declared = FACTS.facts[name]
        kept.update(d for d in declared.depends_on if not d.startswith(f"{declared.entity}."))
        if _gives_items(declared.node, declared.entity, FACTS):
            kept.update(_item_facts(declared.entity, FACTS))
    inline = only - kept
    derive_member, _ = compile_entity(FACTS, "member", MemberFacts, only, inline)
    derive_household, _ = compile_entity(FACTS, "household", HouseholdFacts, only, inline)

    def derive_only(
        household: Household, when: date, params: ParamValues, income_raising: Iterable[str] = (),
        measure_addresses: Mapping[str, Iterable[str]] | None = None,
    ) -> HouseholdFacts:
        return _derive(derive_member, derive_household, household, when, params, income_raising,
                       measure_addresses)

    return derive_only


def derive(
    household: Household,
    when: date,
    params: ParamValues,
    income_raising: Iterable[str] = (),
    measure_addresses: Mapping[str, Iterable[str]] | None = None,
) -> HouseholdFacts:
    """Derive every fact of ``household`` on ``when`` under ``params``.

    ``income_raising`` is the set of measure ids that raise income (from the measure catalog).
    ``measure_addresses`` maps measure ids to the finding codes they address (the catalog's
    ``addresses``); it feeds ``addressed_codes`` of the household and of each member.
    """
    return _derive(_derive_member, _derive_household, household, when, params, income_raising,
                   measure_addresses)


def _derive(
    derive_member: Callable[..., MemberFacts], derive_household: Callable[..., HouseholdFacts],
    household: Household, when: date, params: ParamValues, income_raising: Iterable[str],
    measure_addresses: Mapping[str, Iterable[str]] | None,
) -> HouseholdFacts:
    addresses = measure_addresses or {}
    forget_household()
    members = tuple(
        derive_member(
            v_record=member, v_when=when, v_position=position, v_household_record=household,
            v_measure_addresses=addresses, params=params,
        )
        for position, member in enumerate(household.members, start=1)
        if member.registered
    )
    return derive_household(
        v_record=household, v_when=when, v_member_facts=members,
        v_income_raising=frozenset(income_raising), v_measure_addresses=addresses, params=params,
    )
