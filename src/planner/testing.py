"""Test harness for rule packs: YAML cases, a household in and the exact finding codes out.

A case file (one per rule code, ``tests/rules/HOU001.yaml``) looks like::

    rule: HOU001                 # rules to run; defaults to the file name; a list is allowed
    reference_date: 2020-09-30
    cases:
      - name: a family in a grade-D house with no renovation planned is flagged
        base: one_room_unsafe_water          # a named example household (JSON file stem)
        patch: {housing: {safety_grade: D}}  # deep merge; {members: {2: {...}}} patches member 2,
        expect: [HOU001]                     # and the next number after the last adds a member
      - name: a grade-B house is not flagged
        base: one_room_unsafe_water
        patch: {housing: {safety_grade: B}}
        expect: []

``expect`` lists finding keys: the code, plus `` m<N>`` for a member finding, plus the subject
(`` HH001``, `` V01``) when the case has several households, villages or projects. Waived
findings are not listed. A case file may also say ``load: [my_rules.py]`` (paths relative to the
case file) to test local rule files that are not installed as a pack, and ``rule_timeout: 0.2``
(seconds) to test a rule that runs out of time quickly. A district pack tests its
rules in a few lines (``base`` names come from ``households_dir``, by default the example
households shipped with planner: :mod:`planner.examples`)::

    from planner.testing import pytest_params
    @pytest.mark.parametrize("case", pytest_params("tests/rules"))
    def test_rule(case): case.check()

or without a test file: ``planner test tests/rules`` (exit 1 when a case fails).

``case.check(backend)`` runs the case on another backend (:func:`planner.backends.available`);
planner's own conformance suite runs every case on every backend present.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from planner import examples
from planner.backends import checker as start_checker
from planner.backends import supports
from planner.model import Household, Project, Village
from planner.params import ParameterSet, default_parameters
from planner.registry import RuleSet, load_path, load_rules
from planner.rule import Rule
from planner.run import Run
from planner.selection import Selection
from planner.watchdog import DEFAULT_RULE_TIMEOUT


@lru_cache(maxsize=1)
def installed_rules() -> RuleSet:
    """Every installed pack plus the engine's rules, loaded once per test session."""
    return load_rules()


class CaseError(ValueError):
    """A case file is malformed or names an unknown example household."""


def merge_patch(base: Any, patch: Any) -> Any:
    """Deep-merge ``patch`` into a copy of ``base``; ``null`` deletes a key; a mapping with
    integer keys patches the 1-based items of a list; any other value replaces."""
    if isinstance(patch, dict) and isinstance(base, list):
        items: list[Any] = copy.deepcopy(base)
        for key, value in sorted(patch.items(), key=lambda item: int(item[0])):
            index = int(key) - 1
            if index == len(items):  # the next number adds an item (a new member)
                items.append(merge_patch(None, value))
                continue
            if not 0 <= index < len(items):
                raise CaseError(f"patch item {key} is outside a list of {len(items)} (the next "
                                f"number, {len(items) + 1}, adds one)")
            items[index] = merge_patch(items[index], value)
        return items
    if isinstance(patch, dict) and isinstance(base, dict):
        merged: dict[Any, Any] = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merge_patch(merged.get(key), value)
        return merged
    return copy.deepcopy(patch)


@dataclass
class RuleCase:
    """One named case: records in, the exact finding keys expected out."""

    name: str
    rules: tuple[str, ...]
    reference_date: date
    households: list[dict[str, Any]]
    villages: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    expect: list[str] = field(default_factory=list)
    source: str = ""
    rule_set: RuleSet | None = None
    parameters: ParameterSet | None = None
    rule_timeout: float | None = DEFAULT_RULE_TIMEOUT

    @property
    def id(self) -> str:
        slug = re.sub(r"[^0-9a-zA-Z]+", "-", self.name).strip("-").lower()[:60]
        return f"{'+'.join(self.rules)}-{slug}"

    def selected(self) -> list[Rule]:
        """The rules this case runs (its ``rule:`` codes among the loaded rules)."""
        available = self.rule_set or installed_rules()
        return [rule for rule in available if rule.code in self.rules]

    def unsupported(self, backend: str = "python") -> list[str]:
        """Codes of this case's rules that ``backend`` cannot run (the case is then skipped)."""
        return [rule.code for rule in self.selected() if not supports(rule, backend)]

    def run(self, backend: str = "python") -> list[str]:
        """Sorted finding keys (unwaived) that the selected rules produce for this case when
        ``backend`` runs them (:func:`planner.backends.available`)."""
        available = self.rule_set or installed_rules()
        missing = set(self.rules) - {r.code for r in available}
        if missing:
            raise CaseError(f"{self.source}: no rule {', '.join(sorted(missing))} is loaded")
        parameters = self.parameters or default_parameters()
        if self.params:
            parameters = parameters.with_values(self.params)
        run = Run.build(available, parameters, self.reference_date,
                        selection=[Selection(select=self.rules)], rule_timeout=self.rule_timeout)
        checker = start_checker(run, backend)
        households = [Household.model_validate(h) for h in self.households]
        villages = [Village.model_validate(v) for v in self.villages]
        projects = [Project.model_validate(p) for p in self.projects]
        many = len(households) + len(villages) + len(projects) > 1
        keys = []
        for finding in checker.iter_findings(households, villages, projects):
            if finding.waived:
                continue
            key = finding.code
            if many:
                key += f" {finding.subject}"
            if finding.member is not None:
                key += f" m{finding.member}"
            keys.append(key)
        return sorted(keys)

    def check(self, backend: str = "python") -> None:
        """Assert that the case produces exactly the expected keys on ``backend``."""
        got = self.run(backend)
        want = sorted(self.expect)
        where = "" if backend == "python" else f" [{backend}]"
        assert got == want, (
            f"{self.source}: {self.name}{where}\n  expected {want}\n  got      {got}"
        )


def load_example(name: str, households_dir: str | Path | None = None) -> dict[str, Any]:
    """A named example household (``<households_dir>/<name>.json``; by default the ones shipped
    in :mod:`planner.examples`) as a dict."""
    path = Path(households_dir or examples.households_dir()) / f"{name}.json"
    if not path.exists():
        raise CaseError(f"no example household {name!r} in {path.parent}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _record(item: dict[str, Any], households_dir: str | Path | None) -> dict[str, Any]:
    if "base" in item:
        base = load_example(item["base"], households_dir)
        return merge_patch(base, item.get("patch") or {})  # type: ignore[no-any-return]
    return item.get("household") or item  # type: ignore[no-any-return]


def load_cases(
    path: str | Path,
    households_dir: str | Path | None = None,
    rule_set: RuleSet | None = None,
    parameters: ParameterSet | None = None,
) -> list[RuleCase]:
    """The cases of one YAML case file."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("load"):
        local = [r for item in data["load"] for r in load_path(path.parent / item, parameters)]
        rule_set = (rule_set or installed_rules()) + local
    rules = data.get("rule", path.stem)
    rules = tuple(rules) if isinstance(rules, list) else (rules,)
    default_date = data.get("reference_date", date(2020, 9, 30))
    cases = []
    for index, item in enumerate(data.get("cases", [])):
        if "name" not in item or "expect" not in item:
            raise CaseError(f"{path}: case #{index + 1} needs a name and an expect list")
        if "households" in item:
            households = [_record(h, households_dir) for h in item["households"]]
        elif "base" in item or "household" in item:
            households = [_record(item, households_dir)]
        else:
            households = []
        cases.append(
            RuleCase(
                name=item["name"],
                rules=rules,
                reference_date=item.get("reference_date", default_date),
                households=households,
                villages=item.get("villages", []),
                projects=item.get("projects", []),
                params=item.get("params", {}),
                expect=list(item["expect"]),
                source=str(path),
                rule_set=rule_set,
                parameters=parameters,
                rule_timeout=data.get("rule_timeout", DEFAULT_RULE_TIMEOUT),
            )
        )
    return cases


def collect_cases(
    folder: str | Path,
    households_dir: str | Path | None = None,
    rule_set: RuleSet | None = None,
    parameters: ParameterSet | None = None,
) -> list[RuleCase]:
    """Every case of every ``*.yaml`` file in ``folder``, in file order."""
    cases: list[RuleCase] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        cases.extend(load_cases(path, households_dir, rule_set, parameters))
    return cases


def pytest_params(
    folder: str | Path,
    households_dir: str | Path | None = None,
    rule_set: RuleSet | None = None,
    parameters: ParameterSet | None = None,
) -> Iterable[Any]:
    """``pytest.param`` objects, one per case, with ids ``CODE-sentence`` (so ``-k CODE`` works)."""
    import pytest

    cases = collect_cases(folder, households_dir, rule_set, parameters)
    return [pytest.param(case, id=case.id) for case in cases]
