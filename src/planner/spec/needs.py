"""The model fields a rule needs: derived from its spec through the declared facts.

A source that cannot carry a field (an export with no water-quantity column) says nothing about
it; a rule that needs such a field is not run on that source's records (the checker reports one
notice per rule and source table, :class:`planner.source.RuleSkipped`). A *field* is a path in the
record model, named as :func:`planner.io.exportlayouts.carried_fields` names what a source
carries: household fields bare (``status``, ``water.quantity_ok``, ``helper.name``, ``visits``),
member fields under ``member.`` (``member.birth_date``), a member's work records and posts under
``member.employment.`` and ``member.public_welfare_posts.``, planned measures under ``measures.``;
village and project fields bare.

**The rule.** A spec rule needs every field that its conditions (``when``, ``checks``, the
``where`` of its values), its ``values`` and its message fields read, directly (a record field)
or through the declared facts they read (:data:`planner.facts.FACTS`, formulas walked down to
``record.<field>``), except fields read only *optionally*:

- inside ``is_known(…)`` or ``truthy(…)``;
- in every argument of ``coalesce(…)`` but the last (the last is the fallback the fact falls
  back on; e.g. ``age`` reads ``coalesce(record.birth_date, id_check.birth_date)`` and needs the
  ID number only), and in the costs given to ``costs_of_year`` (0 when none: a source without a
  cost column reports net income);
- in the test of a conditional (a guard); of its branches, a constant one adds nothing, and in
  ``x if is_known(e) else y`` (also ``truthy(e)``) the branch ``x`` is a refinement: only ``y``
  is needed.

Everything else counts: both sides of ``and``/``or`` and every part of a spec ``any`` (the rule
is judged on all of its alternatives; a source lacking one of them skips the rule with a notice
instead of judging it by halves), and ``exists``/``missing`` tests (they fire on absence, so a
source without the field would flag every record). The evidence (facts shown, not judged) adds
nothing. A helper given a whole record (``record``) is not looked into. A field is carried by a
source when the source carries it, a part of it (``income.wage`` carries ``income``) or a whole
containing it; list positions (``member.employment.0.county``) do not count.

**Kinds.** A list of vocabulary values may be answered kind by kind: the 2023 export answers
``member.benefits`` with one column per benefit (享受低保政策情况, 享受特困供养政策情况,
是否接受医疗救助) and says nothing of the others (a pupil's living subsidy, a family-doctor
contract). A ``contains`` test of such a list with a literal kind needs that kind
(``{fact: member.benefits, contains: living_subsidy}`` needs ``member.benefits.living_subsidy``),
and a source that answers only some kinds carries ``member.benefits.dibao`` and the like
(:func:`planner.io.exportlayouts.carried_fields`): the rule asking for another kind is skipped,
where reading the unanswered kind as absent would fire on every record.

Dataset forms need nothing: a duplicates place without a value contributes no key, and a rate
is computed over projects. A Python rule declares its ``needs`` (empty: never skipped). A YAML
rule may correct the derivation with ``needs: {add: [...], drop: [...]}`` where it is not what
the rule means (e.g. a ``coalesce(x, when)`` whose default makes absence fire).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator
from enum import Enum
from functools import cache, lru_cache
from typing import Any

from pydantic import BaseModel

from planner.facts import FACTS
from planner.facts.expression import (
    Aggregate,
    Attr,
    Call,
    Conditional,
    Const,
    Name,
    Node,
)
from planner.model import Household, Member, Project, Village
from planner.spec.conditions import Compare
from planner.spec.paths import ROOTS, FactPath, SpecError, resolve_path
from planner.spec.rule_spec import FactValue, ItemsValue, RuleSpec

#: Where each entity's record sits in the field names of a household, village or project source.
PREFIX = {
    "household": "", "member": "member.", "village": "", "project": "", "measure": "measures.",
    "work_record": "member.employment.", "post": "member.public_welfare_posts.",
}
_OPTIONAL = ("is_known", "truthy")
# Helpers that read an argument only when it is there: a source with no production-cost column
# reports net figures (costs count as 0), so it does not lack anything.
_OPTIONAL_ARGUMENTS = {"costs_of_year": (0,)}


# -- formulas ------------------------------------------------------------------------------
@cache
def fact_needs(qualified: str) -> frozenset[str]:
    """The fields a declared fact (``member.age``) needs; an undeclared one needs none."""
    declared = FACTS.facts.get(qualified)
    if declared is None:
        return frozenset()
    return formula_needs(declared.node, declared.entity)


def formula_needs(node: Node, entity: str) -> frozenset[str]:
    """The fields a parsed formula of ``entity`` (``member``, ``household``…) needs."""
    return frozenset(_needs(node, entity, FACTS.entities[entity].items))


def _needs(node: Node, entity: str, items: str | None) -> set[str]:
    """The fields ``node`` needs, evaluated in ``entity`` (``items``: what aggregates walk)."""
    if isinstance(node, Name | Attr):
        return _read(node, entity, items)
    if isinstance(node, Call):
        if node.helper in _OPTIONAL:
            return set()
        if node.helper == "coalesce":
            return _needs(node.args[-1], entity, items)
        optional = _OPTIONAL_ARGUMENTS.get(node.helper, ())
        return _union((a for i, a in enumerate(node.args) if i not in optional), entity, items)
    if isinstance(node, Conditional):
        then, otherwise = node.then, node.otherwise
        if isinstance(otherwise, Const):
            return _needs(then, entity, items)
        if isinstance(then, Const) or _known_test(node.test):
            return _needs(otherwise, entity, items)
        return _union((then, otherwise), entity, items)
    if isinstance(node, Aggregate):
        return set() if node.inner is None or items is None else _needs(node.inner, items, None)
    return _union(_direct_children(node), entity, items)


def _direct_children(node: Node) -> tuple[Node, ...]:
    """The operands of a node that is not a name, call, conditional or aggregate."""
    found: list[Node] = []
    for name in ("base", "year", "arg", "operand", "left", "right", "operands", "items"):
        value = getattr(node, name, None)
        if isinstance(value, tuple):
            found.extend(value)
        elif value is not None and not isinstance(value, str | int | float):
            found.append(value)
    return tuple(found)


def _union(nodes: Iterable[Node], entity: str, items: str | None) -> set[str]:
    found: set[str] = set()
    for part in nodes:
        found |= _needs(part, entity, items)
    return found


def _known_test(test: Node) -> bool:
    """Whether a conditional's test asks whether something is known (``is_known(e)``)."""
    return isinstance(test, Call) and test.helper in _OPTIONAL


def _read(node: Name | Attr, entity: str, items: str | None) -> set[str]:
    """A name or attribute chain: a record field, or the needs of the fact it names."""
    attrs: list[str] = []
    base: Node = node
    while isinstance(base, Attr):
        attrs.insert(0, base.attr)
        base = base.base
    if not isinstance(base, Name):
        return _needs(base, entity, items)
    if base.source == "fact":
        return set(fact_needs(f"{entity}.{base.name}"))
    if base.source == "item":  # a member's fact or record inside an aggregate over members
        if base.name != "record":
            return set(fact_needs(f"member.{base.name}"))
        return _record_field("member", attrs)
    if base.name == "record":
        return _record_field(entity, attrs)
    if base.name == "household_record":
        return _record_field("household", attrs)
    return set()  # when, position, catalogs: not read from a source


def _record_field(entity: str, attrs: list[str]) -> set[str]:
    """The field of ``entity``'s record that an attribute chain reads (none for the whole)."""
    if not attrs:
        return set()
    path = _model_path(ROOTS[entity][1], attrs)
    return {PREFIX[entity] + ".".join(path)}


def _model_path(model: type[BaseModel], attrs: Iterable[str]) -> list[str]:
    """The leading attributes that are model fields (``housing.safety_grade`` of
    ``housing.safety_grade.value``)."""
    path: list[str] = []
    current: Any = model
    for attr in attrs:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) \
                or attr not in current.model_fields:
            break
        path.append(attr)
        current = _unwrap(current.model_fields[attr].annotation)
    return path


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``list[X]`` → ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        elif origin in (list, tuple, set, frozenset):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


# -- rules ---------------------------------------------------------------------------------
def path_needs(fact: FactPath) -> frozenset[str]:
    """The fields reading one resolved fact path needs."""
    if fact.from_record:
        path = _model_path(ROOTS[fact.root][1], fact.attrs)
        return frozenset({PREFIX[fact.root] + ".".join(path)}) if path else frozenset()
    return fact_needs(f"{fact.root}.{fact.attrs[0]}")


def spec_needs(spec: RuleSpec) -> tuple[str, ...]:
    """The fields a spec rule needs (sorted), by the rule of this module's docstring, with the
    spec's own ``needs`` corrections applied."""
    from planner.spec.validate import Reader  # validate imports the rule spec, as this does

    found: set[str] = set()
    if spec.form is None:
        reader = Reader(spec.roots)
        for check in spec.conditions:
            reader.check(check.when)
        for check in spec.conditions:
            for value in [*spec.values.values(), *check.values.values()]:
                if isinstance(value, str | FactValue | ItemsValue):
                    reader.value(value)
        for fact in reader.facts.values():
            found |= path_needs(fact)
        for check in spec.conditions:
            found |= _kind_needs(check.when, reader.facts)
        for path in message_paths(spec.message.zh, spec.message.en):
            try:
                found |= path_needs(resolve_path(path, spec.roots))
            except SpecError:  # checked when the rule is built; not a need
                continue
    if spec.needs is not None:
        found = (found | set(spec.needs.add)) - set(spec.needs.drop)
    return tuple(sorted(found))


def _compares(node: Any) -> Iterator[Compare]:
    """The comparisons of a condition tree, at any depth."""
    if isinstance(node, Compare):
        yield node
    elif isinstance(node, BaseModel):
        for value in node.__dict__.values():
            for part in value if isinstance(value, list) else (value,):
                if isinstance(part, BaseModel):
                    yield from _compares(part)


def _kind_needs(condition: Any, facts: dict[str, FactPath]) -> set[str]:
    """The kinds that ``contains`` tests of a list of vocabulary values ask for (the module
    docstring's *Kinds*): ``member.benefits.living_subsidy``."""
    found: set[str] = set()
    for node in _compares(condition):
        fact = facts.get(node.fact)
        if node.op != "contains" or fact is None or not isinstance(node.operand, str):
            continue
        fields = path_needs(fact)
        if len(fields) == 1 and _lists_kinds(field := next(iter(fields))):
            found.add(f"{field}.{node.operand}")
    return found


def _lists_kinds(field: str) -> bool:
    """Whether the model field ``field`` (``member.benefits``) is a list of vocabulary values."""
    model: Any = Member if field.startswith("member.") else Household
    attrs = field.removeprefix("member.").split(".")
    if _model_path(model, attrs) != attrs:
        return False
    for attr in attrs:
        model = model.model_fields[attr].annotation
        if attr != attrs[-1]:
            model = _unwrap(model)
    listed = typing.get_origin(_unwrap_optional(model)) in (list, tuple, set, frozenset)
    element = _unwrap(model)
    return listed and isinstance(element, type) and issubclass(element, Enum)


def _unwrap_optional(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def message_paths(*templates: str) -> list[str]:
    """The fact paths a message's fields name (``params[…]`` and ``values[…]`` left out)."""
    import string

    paths: list[str] = []
    for text in templates:
        for _, field_name, _, _ in string.Formatter().parse(text):
            if field_name and not field_name.startswith(("params[", "values[")):
                paths.append(field_name)
    return paths


def check_need(path: str, scope: str) -> str:
    """``path`` if it names a field of the records a rule of ``scope`` reads; else
    :class:`SpecError` naming it."""
    if scope in ("village", "project"):
        model: type[BaseModel] = Village if scope == "village" else Project
        rest = path
    elif path.startswith("member."):
        model, rest = Member, path[len("member."):]
    else:
        model, rest = Household, path
    attrs = rest.split(".")
    if rest and _model_path(model, attrs) == attrs:
        return path
    field, _, kind = path.rpartition(".")
    if field and _lists_kinds(field) and kind in _kinds(field):  # member.benefits.dibao
        return path
    raise SpecError(f"needs: {path!r} is not a field of {model.__name__}", path)


def _kinds(field: str) -> set[str]:
    """The vocabulary values of a list field of vocabulary values (``member.benefits``)."""
    model: Any = Member if field.startswith("member.") else Household
    for attr in field.removeprefix("member.").split("."):
        model = _unwrap(model.model_fields[attr].annotation)
    return {str(value.value) for value in model}


# -- sources -------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _carried(fields: frozenset[str]) -> frozenset[str]:
    """The fields with list positions left out (``member.employment.0.county`` →
    ``member.employment.county``)."""
    return frozenset(".".join(p for p in f.split(".") if not p.isdigit()) for f in fields)


def carries(fields: frozenset[str] | None, need: str) -> bool:
    """Whether a source carrying ``fields`` (``None``: any) carries the field ``need``: itself,
    a part of it or a whole containing it."""
    if fields is None:
        return True
    carried = _carried(fields)
    if need in carried:
        return True
    prefix = need + "."
    parts = need.split(".")
    wholes = {".".join(parts[:i]) for i in range(1, len(parts))}
    return any(f.startswith(prefix) or f in wholes for f in carried)


def missing_needs(needs: Iterable[str], fields: frozenset[str] | None) -> tuple[str, ...]:
    """The fields of ``needs`` that a source carrying ``fields`` does not carry."""
    return tuple(need for need in needs if not carries(fields, need))


__all__ = [
    "PREFIX",
    "carries",
    "check_need",
    "fact_needs",
    "formula_needs",
    "message_paths",
    "missing_needs",
    "path_needs",
    "spec_needs",
]
