"""Rule packs: loading rules from entry points, named Python files and YAML files.

Nothing is discovered by scanning: built-in families are entry points of the ``planner.rules``
group exactly like third-party packs, and a local file is loaded because the user named it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from pydantic import ValidationError

from planner.compile import SpecError
from planner.params import default_parameters
from planner.rule import Rule, from_spec
from planner.spec import RuleSpec

ENTRY_POINT_GROUP = "planner.rules"


class RegistryError(ValueError):
    """A pack cannot be loaded, a YAML rule is malformed, or two rules share a code."""


class RuleSet:
    """An ordered, duplicate-free collection of rules, looked up by code or alias."""

    def __init__(self, rules: Iterable[Rule]):
        self._rules: dict[str, Rule] = {}
        self._aliases: dict[str, str] = {}
        for rule in rules:
            for code in (rule.code, *rule.aliases):
                owner = self._rules.get(code) or self._rules.get(self._aliases.get(code, ""))
                if owner is not None:
                    raise RegistryError(
                        f"duplicate rule code {code}: defined by {owner.origin or owner.name}"
                        f" and by {rule.origin or rule.name}"
                    )
            self._rules[rule.code] = rule
            for alias in rule.aliases:
                self._aliases[alias] = rule.code

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules or code in self._aliases

    def get(self, code: str) -> Rule | None:
        """The rule with this code or alias."""
        return self._rules.get(code) or self._rules.get(self._aliases.get(code, ""))

    def codes_of(self, code: str) -> set[str]:
        """A code with its aliases (for waivers written against a retired code)."""
        rule = self.get(code)
        return {rule.code, *rule.aliases} if rule else {code}

    def __add__(self, other: Iterable[Rule]) -> RuleSet:
        return RuleSet([*self, *other])


def rules_of_module(module: ModuleType, origin: str | None = None) -> tuple[Rule, ...]:
    """The ``RULES`` tuple of a pack module."""
    rules = getattr(module, "RULES", None)
    if rules is None:
        raise RegistryError(f"{origin or module.__name__}: a rule pack must define RULES = (...)")
    for rule in rules:
        if not isinstance(rule, Rule):
            raise RegistryError(f"{origin or module.__name__}: RULES holds {rule!r}, not a Rule")
    return tuple(rules)


def entry_point_rules(names: Iterable[str] | None = None) -> list[Rule]:
    """Rules of every pack in the ``planner.rules`` entry-point group (or only ``names``)."""
    wanted = set(names) if names is not None else None
    rules: list[Rule] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if wanted is not None and entry.name not in wanted:
            continue
        try:
            loaded = entry.load()
        except Exception as exc:
            raise RegistryError(f"rule pack {entry.name!r} ({entry.value}) failed to load: {exc}") from exc
        if isinstance(loaded, ModuleType):
            rules.extend(rules_of_module(loaded, f"entry point {entry.name}"))
        else:
            rules.extend(loaded)
    return rules


def load_python_file(path: Path) -> list[Rule]:
    """Import a local ``.py`` rule file by path and return its ``RULES``."""
    module_name = f"planner_local_rules.{path.stem}_{abs(hash(path.resolve())):x}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RegistryError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RegistryError(f"{path}: failed to import: {exc}") from exc
    return list(rules_of_module(module, str(path)))


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at pydantic location ``loc`` (deepest node found)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            key_name = "in" if key == "in_" else ("not" if key == "not_" else key)
            match = next((v for k, v in node.value if k.value == key_name), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            continue  # union members appear in loc as names: skip them
        node = match
        line = node.start_mark.line + 1
    return line


def load_yaml_rules(text: str, source: str = "<yaml>") -> list[Rule]:
    """Compile the rules of a YAML rule file (a list, or a mapping with ``rules:``).

    Every problem is a :class:`RegistryError` naming the file, the line and the reason.
    """
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise RegistryError(f"{where}: not valid YAML: {exc}") from exc
    items_node: yaml.Node | None = root
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
        items_node = next((v for k, v in root.value if k.value == "rules"), None)  # type: ignore[union-attr]
    if not isinstance(data, list):
        raise RegistryError(f"{source}:1: a YAML rule file holds a list of rules (or rules: [...])")
    known = set(default_parameters())
    rules: list[Rule] = []
    for index, item in enumerate(data):
        node = items_node.value[index] if isinstance(items_node, yaml.SequenceNode) else None
        try:
            spec = RuleSpec.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            line = _line_of(node, tuple(error["loc"]))
            field = ".".join(str(p) for p in error["loc"] if not str(p)[0].isupper())
            raise RegistryError(
                f"{source}:{line}: rule #{index + 1}: {field or 'rule'}: {error['msg']}"
            ) from exc
        try:
            rules.append(from_spec(spec, origin=f"{source}:{spec.code}", known_parameters=known))
        except SpecError as exc:
            line = node.start_mark.line + 1 if node is not None else "?"
            raise RegistryError(f"{source}:{line}: rule {spec.code}: {exc}") from exc
    return rules


def load_path(path: str | Path) -> list[Rule]:
    """Rules from a named ``.py`` or ``.yaml``/``.yml`` file, or every such file in a named folder."""
    path = Path(path)
    if path.is_dir():
        rules: list[Rule] = []
        for child in sorted(path.iterdir()):
            if child.suffix in (".py", ".yaml", ".yml") and not child.name.startswith("_"):
                rules.extend(load_path(child))
        return rules
    if not path.exists():
        raise RegistryError(f"{path}: no such rule file or folder")
    if path.suffix == ".py":
        return load_python_file(path)
    if path.suffix in (".yaml", ".yml"):
        return load_yaml_rules(path.read_text(encoding="utf-8"), str(path))
    raise RegistryError(f"{path}: rule files are .py, .yaml or .yml")


def load_rules(
    paths: Iterable[str | Path] = (), *, entry_points: bool = True
) -> RuleSet:
    """Built-in and installed packs (entry points) plus the named local files, duplicates rejected."""
    rules = entry_point_rules() if entry_points else []
    for path in paths:
        rules.extend(load_path(path))
    return RuleSet(rules)


def packaged_yaml_rules(package: str, filename: str) -> tuple[Rule, ...]:
    """Rules of a YAML file shipped inside a package (how built-in families hold declarative rules)."""
    from importlib import resources

    text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
    return tuple(load_yaml_rules(text, f"{package.replace('.', '/')}/{filename}"))


