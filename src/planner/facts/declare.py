"""Declared facts: one unit per fact, and the catalogue that checks, orders and explains them.

A fact is declared like an OpenFisca variable: name, entity, value type, unit, labels, a short doc
and a formula in the language of :mod:`planner.facts.expression`. The catalogue parses every
formula once, rejects unknown names, derives what each fact depends on and the parameters it
reads (its own ``param(...)``, its helpers', and those of every fact it reads), and orders each
entity's facts so that a fact comes after the facts it reads; a cycle is an error at import.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from planner.facts.expression import (
    Call,
    FormulaError,
    Name,
    Node,
    Param,
    Scope,
    parse,
    walk,
)
from planner.facts.helpers import HELPERS


@dataclass(frozen=True, slots=True)
class Fact:
    """The declaration of one fact of an entity (``household`` or ``member``)."""

    name: str
    type: str  # number, integer, bool, date, text, enum <Class>, set of …, record …
    unit: str
    label_zh: str
    label_en: str
    doc: str
    formula: str


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity whose facts are declared: the inputs its formulas may read, and its record."""

    name: str
    inputs: Mapping[str, str]  # input name → what it is
    record_fields: frozenset[str]
    items: str | None = None  # the entity an aggregate over ``members`` walks


@dataclass(frozen=True, slots=True)
class DeclaredFact:
    """A fact with its parsed formula and what the catalogue derived about it."""

    fact: Fact
    entity: str
    node: Node
    depends_on: tuple[str, ...]  # qualified names (``member.can_work``), sorted
    parameters: tuple[str, ...]  # every parameter read, directly or through facts, reading order
    helper: str | None  # the helper whose call is the whole formula, if it is one

    @property
    def qualified(self) -> str:
        return f"{self.entity}.{self.fact.name}"


class FactCatalog:
    """Every declared fact of every entity, checked and in evaluation order."""

    def __init__(
        self,
        entities: Iterable[Entity],
        declarations: Mapping[str, Iterable[Fact]],
        constants: Mapping[str, Any],
    ) -> None:
        self.entities = {entity.name: entity for entity in entities}
        for declared_entity in self.entities.values():
            for name in declared_entity.inputs:
                _identifier(name, "输入名称", "input name")
        facts = {name: tuple(declared) for name, declared in declarations.items()}
        scopes = self._scopes(facts, constants)
        parsed: dict[str, tuple[Fact, Node]] = {}
        for entity, declared in facts.items():
            seen: set[str] = set()
            for fact in declared:
                _identifier(fact.name, "事实名称", "fact name")
                if fact.name in seen:
                    raise FormulaError(
                        f"事实 {entity}.{fact.name} 声明了两次",
                        f"fact {entity}.{fact.name} is declared twice",
                    )
                seen.add(fact.name)
                where = f"{entity}.{fact.name}"
                parsed[where] = (fact, parse(fact.formula, scopes[entity], where))
        reads = {where: _reads(where, node, self.entities) for where, (_, node) in parsed.items()}
        deps = {where: {n for n in names if n[0] != ":"} for where, names in reads.items()}
        self.order = _order(parsed, deps)
        parameters: dict[str, tuple[str, ...]] = {}
        for where in self.order:  # dependencies first, so their parameters are complete
            # In reading order (a fact read splices in its own): rule metadata keeps that order.
            found: dict[str, None] = {}
            for name in reads[where]:
                found.update(dict.fromkeys((name[1:],) if name[0] == ":" else parameters[name]))
            parameters[where] = tuple(found)
        self.facts: dict[str, DeclaredFact] = {}
        for where in self.order:
            fact, node = parsed[where]
            self.facts[where] = DeclaredFact(
                fact,
                where.partition(".")[0],
                node,
                tuple(sorted(deps[where])),
                parameters[where],
                node.helper if isinstance(node, Call) else None,
            )

    def _scopes(
        self, facts: Mapping[str, tuple[Fact, ...]], constants: Mapping[str, Any]
    ) -> dict[str, Scope]:
        def scope(name: str) -> Scope:
            entity = self.entities[name]
            return Scope(
                name,
                frozenset(f.name for f in facts.get(name, ())),
                frozenset(entity.inputs),
                constants,
                scope(entity.items) if entity.items else None,
                entity.record_fields,
            )

        return {name: scope(name) for name in facts}

    def of(self, entity: str) -> tuple[DeclaredFact, ...]:
        """The facts of ``entity`` in evaluation order."""
        return tuple(f for f in self.facts.values() if f.entity == entity)

    def parameters(self) -> dict[str, tuple[str, ...]]:
        """Qualified fact name → the parameters it reads, for the facts that read any."""
        return {name: f.parameters for name, f in self.facts.items() if f.parameters}


def _identifier(name: str, what_zh: str, what_en: str) -> None:
    # Names become identifiers in the backends' code: nothing else is accepted.
    if not name.isidentifier() or keyword.iskeyword(name):
        raise FormulaError(
            f"{what_zh} {name!r} 不是合法的标识符", f"{what_en} {name!r} is not an identifier"
        )


def _reads(where: str, node: Node, entities: Mapping[str, Entity]) -> list[str]:
    """What a formula reads directly, in reading order: facts qualified (``member.age``),
    parameters as ``:name`` (its own ``param(...)`` and its helpers' declared ones)."""
    entity = where.partition(".")[0]
    items = entities[entity].items
    reads: list[str] = []
    for part in walk(node):
        if isinstance(part, Name) and part.source == "fact":
            reads.append(f"{entity}.{part.name}")
        elif isinstance(part, Name) and part.source == "item" and part.name != "record":
            reads.append(f"{items}.{part.name}")
        elif isinstance(part, Param):
            reads.append(f":{part.key}")
        elif isinstance(part, Call):
            reads.extend(f":{name}" for name in HELPERS[part.helper].parameters)
    return reads


def _order(parsed: Mapping[str, object], deps: Mapping[str, set[str]]) -> list[str]:
    """Facts so that each comes after those it reads, in declaration order where free."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(parsed)
    for where, needs in deps.items():
        graph.add_edges_from((need, where) for need in needs)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        position = {where: i for i, where in enumerate(parsed)}
        return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
    names = " → ".join([*(edge[0] for edge in cycle), cycle[0][0]])
    raise FormulaError(
        f"事实之间循环依赖：{names}", f"facts depend on each other in a cycle: {names}"
    )
