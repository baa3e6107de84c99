"""Validation of a spec against the declared facts and the known parameters, compiling nothing.

:class:`Reader` walks a condition, resolves every fact path in the roots bound where it is read,
checks literals and operators against the facts' types and collects the facts and parameters the
rule reads. Backends extend it (the Python backend's compiler is a :class:`Reader` that also
builds closures), so a spec means the same thing to the registry and to every backend.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from planner.facts import FACT_PARAMETERS
from planner.measure_facts import FACT_PARAMETERS as MEASURE_FACT_PARAMETERS
from planner.spec.conditions import (
    MAX_CONDITION_DEPTH,
    All,
    AllMeasures,
    AllMembers,
    Any_,
    AnyMeasure,
    AnyMember,
    Compare,
    CountMembers,
    Exists,
    FactRef,
    Missing,
    Not,
    ParamRef,
)
from planner.spec.dataset import Duplicates, form_parameters
from planner.spec.paths import (
    HOUSEHOLD,
    MEMBER,
    FactPath,
    SpecError,
    element,
    literal,
    resolve_path,
    value_kind,
)
from planner.spec.rule_spec import (
    Check,
    FactValue,
    ItemsValue,
    MatchedValue,
    RuleSpec,
    TextValue,
    Value,
)


@dataclass(slots=True)
class Reader:
    """Resolves what one rule reads; collects its facts and parameters in reading order."""

    roots: frozenset[str]
    known_parameters: Iterable[str] | None = None
    facts: dict[str, FactPath] = field(default_factory=dict)
    parameters: list[str] = field(default_factory=list)
    depth: int = field(default=0, init=False, repr=False)

    @property
    def member_bound(self) -> bool:
        """Whether ``member.*`` can be read here (member scope or inside a member quantifier)."""
        return "member" in self.roots

    def fact(self, path: str) -> FactPath:
        """Resolve a fact path; a derived fact's parameters count as read."""
        resolved = resolve_path(path, self.roots)
        self.facts.setdefault(path, resolved)
        if not resolved.from_record:
            key = f"{resolved.root}.{resolved.attrs[0]}"
            for name in FACT_PARAMETERS.get(key, MEASURE_FACT_PARAMETERS.get(key, ())):
                if name not in self.parameters:
                    self.parameters.append(name)
        return resolved

    def param(self, name: str) -> None:
        """Check a parameter name against the known ones; it counts as read."""
        if self.known_parameters is not None and name not in self.known_parameters:
            raise SpecError(f"unknown parameter {name!r}", name)
        if name not in self.parameters:
            self.parameters.append(name)

    def param_ref(self, ref: ParamRef) -> None:
        """Check a parameter reference and, for a keyed lookup, its key fact."""
        self.param(ref.param)
        if ref.key is not None:
            key = self.fact(ref.key)
            if value_kind(key.annotation) not in ("enum", "str", "number", "bool", "other"):
                raise SpecError(
                    f"{ref.key} holds a {value_kind(key.annotation)}; a parameter key needs one"
                    f" value (looking up {ref.param})", ref.key)

    def operand(self, operand: Any, annotation: Any, path: str) -> Any:
        """A comparison's right-hand side: a checked reference, or the literal coerced."""
        if isinstance(operand, ParamRef):
            self.param_ref(operand)
            return operand
        if isinstance(operand, FactRef):
            self.fact(operand.fact)
            return operand
        return literal(operand, annotation, path)

    def value(self, value: Value, names: Iterable[str] = ()) -> FactPath | None:
        """Check a named value (of ``values`` or ``evidence``); the fact it reads, if any.

        A text's fields must name one of ``names`` (the values it is filled from).
        """
        if isinstance(value, TextValue):
            check_text(value.text, frozenset(names))
            return None
        if isinstance(value, MatchedValue):
            return None  # checked by validate_spec, which knows the checks
        if isinstance(value, ItemsValue):
            with self.measures():
                if value.where is not None:
                    self.check(value.where)
                if value.by is not None:
                    self.fact(value.by)
                return self.fact(value.items)
        if isinstance(value, ParamRef):
            self.param_ref(value)
            return None
        return self.fact(value.fact if isinstance(value, FactValue) else value)

    @contextmanager
    def members(self) -> Iterator[None]:
        """Bind ``member`` for the condition of a member quantifier."""
        if self.member_bound:
            raise SpecError("member quantifiers cannot be nested in a member condition")
        if "household" not in self.roots:
            raise SpecError("member quantifiers read a household's members: household scope only")
        outer = self.roots
        self.roots = outer | {"member"}
        try:
            yield
        finally:
            self.roots = outer

    @contextmanager
    def measures(self) -> Iterator[None]:
        """Bind ``measure`` for a condition over the household's planned measures."""
        if "measure" in self.roots:
            raise SpecError("measure quantifiers cannot be nested in a measure condition")
        if "household" not in self.roots or "member" in self.roots:
            raise SpecError("measure quantifiers read a household's plan: household scope only")
        outer = self.roots
        self.roots = outer | {"measure"}
        try:
            yield
        finally:
            self.roots = outer

    @contextmanager
    def nested(self) -> Iterator[None]:
        """One level deeper in the condition tree (bounded by :data:`MAX_CONDITION_DEPTH`)."""
        if self.depth >= MAX_CONDITION_DEPTH:  # a tree built in Python skips the spec's check
            raise SpecError(f"conditions are nested more than {MAX_CONDITION_DEPTH} levels deep;"
                            " split the rule or flatten nested all/any/not")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def compare(self, node: Compare) -> tuple[FactPath, Any]:
        """Check a comparison; the fact compared and its right-hand side (literals coerced)."""
        fact = self.fact(node.fact)
        op = node.op
        kind = value_kind(fact.annotation)
        if op in ("lt", "le", "gt", "ge", "between") and kind not in ("number", "date", "other"):
            raise SpecError(f"{node.fact} holds a {kind}; {op} needs a number or a date", node.fact)
        if op == "contains" and kind not in ("collection", "str", "other"):
            raise SpecError(f"{node.fact} holds a {kind}; contains needs a list", node.fact)
        for scale in ("times", "minus"):
            if getattr(node, scale) is not None and op in ("in", "not_in", "contains"):
                raise SpecError(f"{scale} cannot scale the operand of {op} ({node.fact})",
                                node.fact)
        operand = node.operand
        literal_operand = not isinstance(operand, (ParamRef, FactRef))
        if literal_operand and op in ("in", "not_in", "between") and not isinstance(operand, list):
            raise SpecError(f"{op} needs a list (comparing {node.fact})", node.fact)
        if literal_operand and op == "between" and len(operand) != 2:
            raise SpecError(f"between needs [low, high] (comparing {node.fact})", node.fact)
        if node.minus is not None:
            self.operand(node.minus, float, node.fact)
        annotation = element(fact.annotation) if op == "contains" else fact.annotation
        return fact, self.operand(operand, annotation, node.fact)

    def check(self, node: Any) -> None:
        """Validate a condition tree (raises :class:`SpecError` naming the wrong token)."""
        with self.nested():
            match node:
                case All():
                    for part in node.all:
                        self.check(part)
                case Any_():
                    for part in node.any:
                        self.check(part)
                case Not():
                    self.check(node.not_)
                case Exists():
                    self.fact(node.exists)
                case Missing():
                    self.fact(node.missing)
                case AnyMeasure() | AllMeasures():
                    with self.measures():
                        self.check(node.any_measure if isinstance(node, AnyMeasure)
                                   else node.all_measures)
                case AnyMember() | AllMembers():
                    with self.members():
                        self.check(node.any_member if isinstance(node, AnyMember)
                                   else node.all_members)
                case CountMembers():
                    with self.members():
                        self.check(node.count_members)
                    self.operand(getattr(node, node.op), int, "count_members")
                case Compare():
                    self.compare(node)
                case _:
                    raise SpecError(f"not a condition: {node!r}")


def check_text(text: str, names: frozenset[str]) -> None:
    """Reject a text value whose fields are malformed or name no value of the finding."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise SpecError(f"malformed text {text!r}: {exc}", text) from exc
    for name in fields:
        root = re.split(r"[.\[]", name, maxsplit=1)[0]
        if root not in names:
            raise SpecError(f"text {text!r} reads {{{name}}}, which is not a value of the"
                            f" finding ({', '.join(sorted(names)) or 'none'})", name)


def raw_values(spec: RuleSpec, check: Check) -> list[str]:
    """The names of the values (not texts) a check's finding has: the rule's, then its own."""
    return [name for name, value in [*spec.values.items(), *check.values.items()]
            if not isinstance(value, TextValue)]


def validate_spec(spec: RuleSpec, known_parameters: Iterable[str] | None = None) -> Reader:
    """Check a whole rule spec: its conditions, values and evidence; what it reads.

    Message fields are checked by :func:`planner.rule.check_template`.
    """
    known = None if known_parameters is None else frozenset(known_parameters)
    reader = Reader(spec.roots, known)
    for check in spec.conditions:
        reader.check(check.when)
    matchable = {name for check in spec.checks for name in check.values}
    rule_evidence = spec.evidence.values() if isinstance(spec.evidence, dict) else ()
    for value in [*spec.values.values(), *rule_evidence]:
        if isinstance(value, MatchedValue) and (
                spec.report != "together" or value.matched not in matchable):
            raise SpecError(f"matched: {value.matched} needs report: together and a check with"
                            f" the value {value.matched!r}", value.matched)
    for check in spec.conditions:
        names = raw_values(spec, check)
        rule_evidence = spec.evidence.values() if isinstance(spec.evidence, dict) else ()
        for value in [*spec.values.values(), *check.values.values(), *rule_evidence,
                      *check.evidence.values()]:
            reader.value(value, names)
    if not isinstance(spec.evidence, dict):
        # extra facts to show, not read by the decision: their parameters do not count
        for path in spec.evidence:
            resolve_path(path, spec.roots)
    return reader


PROJECT = frozenset({"project"})


def validate_form(spec: RuleSpec, known_parameters: Iterable[str] | None = None) -> Reader:
    """Check a dataset rule's form (duplicates, rate): the facts it reads and its parameters.

    Places read household facts, or member facts when read per member, and their ``unless``
    conditions are checked like any condition; a rate reads project facts, the yes/no ones
    (``among: {holds: …}``, ``count``) of yes/no type.
    """
    form = spec.form
    if form is None:
        raise SpecError(f"rule {spec.code} has no dataset form")
    known = None if known_parameters is None else frozenset(known_parameters)
    reader = Reader(PROJECT, known)
    for name in form_parameters(form):
        reader.param(name)
    if isinstance(form, Duplicates):
        for place in form.places:
            within = Reader(MEMBER if place.per_member else HOUSEHOLD, known)
            within.fact(place.fact)
            if place.unless is not None:
                within.check(place.unless)
            for name in within.parameters:
                reader.param(name)
        return reader
    aggregates = [a for a in (form.numerator, form.denominator) if a is not None]
    kinds: list[tuple[str, str | None]] = [(path, None) for path in form.group_by.values()]
    kinds.append((form.among.fact, "bool" if form.among.holds else None))
    kinds.extend((a.fact, "bool" if a.count else "number") for a in aggregates)
    for path, kind in kinds:
        fact = reader.fact(path)
        if kind is not None and value_kind(fact.annotation) != kind:
            raise SpecError(
                f"fact {path!r} is not a {'yes/no' if kind == 'bool' else kind} fact", path)
    return reader
