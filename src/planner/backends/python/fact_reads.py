"""Which declared facts the household and member rules of a run read, so that the checker
derives those only.

A spec rule's reads are known from its spec: the facts its conditions, values, evidence and
message fields name (:func:`planner.spec.validate.validate_spec` resolves the first three). A
rule whose reads cannot be told from data (a Python body, a rule judged per planned measure,
work record or post, a path to a property of the facts) makes the run derive every fact, as do
rules reading findings and ``--explain``. A dataset rule's reads are known from its form
(:func:`dataset_rule_facts`): the facts its places, their ``unless`` conditions and its
``same_family`` name; a rate reads no household fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from planner.facts import FACTS
from planner.rule import Rule
from planner.spec import FactPath, SpecError, resolve_path
from planner.spec.dataset import Duplicates
from planner.spec.needs import message_paths
from planner.spec.paths import HOUSEHOLD, MEMBER
from planner.spec.validate import Reader, validate_spec

_SUBJECTS = ("household", "member")


def rule_facts(rule: Rule) -> frozenset[str] | None:
    """The declared facts (``household.size``, ``member.age``) a household or member rule reads,
    without their dependencies; None when they cannot be told (see the module doc)."""
    spec = rule.spec
    if (rule.function is not None or spec is None or spec.form is not None
            or spec.for_each is not None or rule.reads_findings):
        return None
    try:
        paths: list[FactPath] = list(validate_spec(spec).facts.values())
        if not isinstance(spec.evidence, dict):
            paths.extend(resolve_path(path, spec.roots) for path in spec.evidence)
        paths.extend(resolve_path(path, spec.roots)
                     for path in message_paths(rule.message.zh, rule.message.en))
    except SpecError:  # the registry reports it; here it only means "not known"
        return None
    return _declared(paths)


def _declared(paths: Iterable[FactPath]) -> frozenset[str] | None:
    """The declared facts behind ``paths``; None when one is not a declared household or
    member fact (a property of the facts: what it reads is not declared)."""
    found: set[str] = set()
    for path in paths:
        if path.root not in _SUBJECTS:
            return None
        name = f"{path.root}.{'record' if path.from_record else path.attrs[0]}"
        if name not in FACTS.facts:
            return None
        found.add(name)
    return frozenset(found)


def dataset_rule_facts(rule: Rule) -> frozenset[str] | None:
    """The declared household and member facts a dataset rule's accumulator reads from each
    household: those its ``duplicates`` places, their ``unless`` conditions and its
    ``same_family`` name (a ``rate`` reads none: households do not enter it); None for a rule
    whose reads cannot be told (a Python body, a form that does not resolve)."""
    spec = rule.spec
    if rule.function is not None or spec is None or spec.form is None:
        return None
    form = spec.form
    if not isinstance(form, Duplicates):
        return frozenset()
    paths: list[FactPath] = []
    try:
        for place in form.places:
            within = Reader(MEMBER if place.per_member else HOUSEHOLD)
            within.fact(place.fact)
            if place.unless is not None:
                within.check(place.unless)
            paths.extend(within.facts.values())
        if form.same_family is not None:
            paths.append(resolve_path(form.same_family, HOUSEHOLD))
    except SpecError:  # the registry reports it; here it only means "not known"
        return None
    return _declared(paths)


def _together(rules: Iterable[Rule], reads: Callable[[Rule], frozenset[str] | None]
              ) -> frozenset[str] | None:
    found: set[str] = set()
    for rule in rules:
        read = reads(rule)
        if read is None:
            return None
        found |= read
    return frozenset(found)


def rules_facts(rules: Iterable[Rule]) -> frozenset[str] | None:
    """The declared facts ``rules`` read together (None: every fact, see :func:`rule_facts`)."""
    return _together(rules, rule_facts)


def dataset_rules_facts(rules: Iterable[Rule]) -> frozenset[str] | None:
    """The declared facts dataset ``rules`` read together (None: every fact, see
    :func:`dataset_rule_facts`)."""
    return _together(rules, dataset_rule_facts)
