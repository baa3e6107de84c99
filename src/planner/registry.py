"""Rule packs: loading rules from entry points, named Python files and YAML files.

Nothing is discovered by scanning: built-in families are entry points of the ``planner.rules``
group exactly like third-party packs, and a local file is loaded because the user named it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from pydantic import ValidationError

from planner.engine_rules import ENGINE_RULES
from planner.errors import BilingualError
from planner.params import ParameterSet, default_parameters
from planner.rule import Rule, from_spec
from planner.safe_yaml import YamlDocument, parse_yaml, read_yaml
from planner.spec import RuleSpec, SpecError
from planner.watchdog import DEFAULT_RULE_TIMEOUT, Budget, RuleTimeout

ENTRY_POINT_GROUP = "planner.rules"
#: An entry point whose object ends with one of these names a YAML rule file in its package.
YAML_SUFFIXES = (".yaml", ".yml")


class RegistryError(BilingualError):
    """A pack cannot be loaded, a YAML rule is malformed, or two rules share a code.

    The message is in Chinese, then English (``.zh``, ``.en``), and names the file and line.
    """


class RuleSet:
    """An ordered, duplicate-free collection of rules, looked up by code, alias or name."""

    def __init__(self, rules: Iterable[Rule]):
        self._rules: dict[str, Rule] = {}
        self._aliases: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for rule in rules:
            for code in (rule.code, *rule.aliases):
                owner = self.get(code)
                if owner is not None:
                    raise RegistryError(
                        f"规则代码 {code} 重复：{owner.source} 的 {owner.code} {owner.name}"
                        f" 与 {rule.source} 的 {rule.code} {rule.name}",
                        f"duplicate rule code {code}: {owner.code} {owner.name} from"
                        f" {owner.source} and {rule.code} {rule.name} from {rule.source}",
                    )
            if rule.name in self._names:
                owner = self._rules[self._names[rule.name]]
                raise RegistryError(
                    f"规则名称 {rule.name} 重复：{owner.source} 的 {owner.code} 与"
                    f" {rule.source} 的 {rule.code}",
                    f"duplicate rule name {rule.name}: {owner.code} from {owner.source} and"
                    f" {rule.code} from {rule.source}",
                )
            self._rules[rule.code] = rule
            self._names[rule.name] = rule.code
            for alias in rule.aliases:
                self._aliases[alias] = rule.code
        self._sorted = tuple(sorted(self._rules.values(), key=lambda r: r.code))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules or code in self._aliases

    def __repr__(self) -> str:
        return f"RuleSet({len(self)} rules)"

    def get(self, code: str) -> Rule | None:
        """The rule with this code or alias."""
        return self._rules.get(code) or self._rules.get(self._aliases.get(code, ""))

    def by_name(self, name: str) -> Rule | None:
        """The rule with this kebab-case name."""
        code = self._names.get(name)
        return self._rules[code] if code else None

    def codes_of(self, code: str) -> set[str]:
        """A code with its aliases (for waivers written against a retired code)."""
        rule = self.get(code)
        return {rule.code, *rule.aliases} if rule else {code}

    def families(self) -> list[str]:
        """Family names, sorted."""
        return sorted({r.family for r in self._rules.values()})

    def __add__(self, other: Iterable[Rule]) -> RuleSet:
        return RuleSet([*self, *other])


def rules_of_module(module: ModuleType, origin: str | None = None) -> tuple[Rule, ...]:
    """The ``RULES`` tuple of a pack module."""
    rules = getattr(module, "RULES", None)
    if rules is None:
        where = origin or module.__name__
        raise RegistryError(f"{where}：规则包须定义 RULES = (...)",
                            f"{where}: a rule pack must define RULES = (...)")
    return _checked(rules, origin or module.__name__)


def _checked(rules: Any, origin: str) -> tuple[Rule, ...]:
    try:
        items = tuple(rules)
    except TypeError:
        raise RegistryError(f"{origin}：RULES 须是规则的元组，而不是 {rules!r}",
                            f"{origin}: RULES must be a tuple of rules, not {rules!r}") from None
    for rule in items:
        if not isinstance(rule, Rule):
            raise RegistryError(f"{origin}：RULES 中的 {rule!r} 不是规则（Rule）",
                                f"{origin}: RULES holds {rule!r}, not a Rule")
    return items


def _in_pack(rules: Iterable[Rule], pack: str) -> list[Rule]:
    return [rule if rule.pack else dataclasses.replace(rule, pack=pack) for rule in rules]


def _import_problem(exc: BaseException, timeout: float | None) -> tuple[str, str]:
    """Why importing rule code failed, in Chinese and English; Ctrl-C is re-raised."""
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    if isinstance(exc, RuleTimeout):
        return (f"超过时间预算 {timeout:g} 秒，已中断",
                f"exceeded the time budget of {timeout:g} s and was interrupted")
    reason = f"{type(exc).__name__}: {exc}"
    return reason, reason


def entry_point_rules(
    names: Iterable[str] | None = None, *, timeout: float | None = DEFAULT_RULE_TIMEOUT,
) -> list[Rule]:
    """Rules of every pack in the ``planner.rules`` entry-point group (or only ``names``).

    An entry point names a module with ``RULES``, or a tuple of rules, or a function returning one,
    or a YAML rule file shipped in a package (``income = "planner.rules:income.yaml"``). Loading
    one pack may take ``timeout`` seconds (``None``: no limit); a pack that takes longer, raises
    or calls ``sys.exit`` is a :class:`RegistryError` naming it.
    """
    budget = Budget(timeout)
    wanted = set(names) if names is not None else None
    rules: list[Rule] = []
    seen: set[tuple[str, str]] = set()
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if wanted is not None and entry.name not in wanted:
            continue
        if (entry.name, entry.value) in seen:  # one distribution visible twice on sys.path
            continue
        seen.add((entry.name, entry.value))
        try:
            with budget:
                if entry.attr and entry.attr.endswith(YAML_SUFFIXES):
                    loaded = packaged_yaml_rules(entry.module, entry.attr)
                else:
                    loaded = entry.load()
                if not isinstance(loaded, ModuleType):
                    loaded = loaded() if callable(loaded) else loaded
            if isinstance(loaded, ModuleType):
                found = rules_of_module(loaded, f"entry point {entry.name} ({entry.value})")
            else:
                found = _checked(loaded, entry.value)
        except RegistryError:
            raise
        except BaseException as exc:  # SystemExit too: a pack must not end the run
            zh, en = _import_problem(exc, timeout)
            raise RegistryError(
                f"规则包 {entry.name!r}（{entry.value}）加载失败：{zh}",
                f"rule pack {entry.name!r} ({entry.value}) failed to load: {en}",
            ) from exc
        rules.extend(_in_pack(found, entry.name))
    return rules


def load_python_file(path: Path, timeout: float | None = DEFAULT_RULE_TIMEOUT) -> list[Rule]:
    """Import a local ``.py`` rule file by path and return its ``RULES``.

    The import may take ``timeout`` seconds (``None``: no limit); a file that takes longer,
    raises or calls ``sys.exit`` is a :class:`RegistryError` naming it.
    """
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    module_name = f"planner_local_rules.{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RegistryError(f"{path}：无法导入", f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        with Budget(timeout):
            spec.loader.exec_module(module)
    except BaseException as exc:  # SystemExit too: a rule file must not end the run
        del sys.modules[module_name]
        zh, en = _import_problem(exc, timeout)
        raise RegistryError(f"{path}：导入失败：{zh}", f"{path}: failed to import: {en}") from exc
    return _in_pack(rules_of_module(module, str(path)), str(path))


def _key(node: yaml.Node) -> str:
    return str(node.value)


def _child(node: yaml.Node | None, key: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        name = {"in_": "in", "not_": "not"}.get(str(key), str(key))
        return next((v for k, v in node.value if _key(k) == name), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at pydantic location ``loc`` (deepest node found)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        match = _child(node, key)
        if match is None:
            continue  # union tags appear in loc as names: skip them
        node = match
        line = node.start_mark.line + 1
    return line


def _line_of_token(node: yaml.Node | None, token: str) -> int | None:
    """1-based line of the first scalar in ``node`` whose text is ``token`` (or contains it)."""
    if node is None:
        return None
    stack = deque([node])  # breadth first: the shallowest match is the likeliest culprit
    partial: int | None = None
    while stack:
        current = stack.popleft()
        if isinstance(current, yaml.ScalarNode):
            text = str(current.value)
            if text == token:
                return current.start_mark.line + 1
            if partial is None and token in text:
                partial = current.start_mark.line + 1
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return partial


def _reason(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "unknown_condition" and isinstance(error.get("input"), dict):
        message += f" (got {', '.join(map(str, error['input']))})"
    elif error["type"] == "unknown_condition":
        message += f" (got {error.get('input')!r}: check the indentation)"
    elif error["type"] == "extra_forbidden":
        message = f"unknown key {error['loc'][-1]!r}"
    return message


def load_yaml_rules(
    text: str, source: str = "<yaml>", known_parameters: Iterable[str] | None = None
) -> list[Rule]:
    """Compile the rules of a YAML rule file (a list, or a mapping with ``rules:``).

    Every problem is a :class:`RegistryError` naming the file, the line and the reason.
    ``known_parameters`` defaults to the names of the shipped parameters.
    """
    return _rules_of(parse_yaml(text, source, RegistryError), known_parameters)


def _rules_of(document: YamlDocument, known_parameters: Iterable[str] | None) -> list[Rule]:
    root, data, source = document.root, document.data, document.source
    items_node: yaml.Node | None = root
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
        items_node = _child(root, "rules")
    if not isinstance(data, list):
        raise RegistryError(f"{source}:1：YAML 规则文件应是规则的列表（或 rules: [...]）",
                            f"{source}:1: a YAML rule file holds a list of rules (or rules: [...])")
    known = frozenset(default_parameters() if known_parameters is None else known_parameters)
    rules: list[Rule] = []
    for index, item in enumerate(data):
        node = _child(items_node, index)
        try:
            spec = RuleSpec.model_validate(item)
        except ValidationError as exc:
            error = exc.errors()[0]
            line = _line_of(node, tuple(error["loc"]))
            field = ".".join(str(p) for p in error["loc"] if not str(p)[0].isupper())
            raise RegistryError(
                f"{source}:{line}：第 {index + 1} 条规则：{field or 'rule'}：{_reason(error)}",
                f"{source}:{line}: rule #{index + 1}: {field or 'rule'}: {_reason(error)}",
            ) from exc
        try:
            rule = from_spec(spec, origin=f"{source}:{spec.code}", known_parameters=known)
        except SpecError as exc:
            line = _line_of_token(node, exc.token) if exc.token else None
            if line is None and node is not None:
                line = node.start_mark.line + 1
            raise RegistryError(f"{source}:{line}：规则 {spec.code} 有误：{exc}",
                                f"{source}:{line}: rule {spec.code}: {exc}") from exc
        rules.append(rule)
    return rules


def load_path(
    path: str | Path, parameters: ParameterSet | None = None,
    timeout: float | None = DEFAULT_RULE_TIMEOUT,
) -> list[Rule]:
    """Rules from a named ``.py`` or ``.yaml``/``.yml`` file, or every such file in a named folder.

    ``parameters`` tells YAML rules which parameter names exist (district files may add some);
    ``timeout`` bounds the import of each ``.py`` file (:func:`load_python_file`).
    """
    path = Path(path)
    if path.is_dir():
        rules: list[Rule] = []
        for child in sorted(path.iterdir()):
            if child.suffix in (".py", ".yaml", ".yml") and not child.name.startswith("_"):
                rules.extend(load_path(child, parameters, timeout))
        return rules
    if not path.exists():
        raise RegistryError(f"{path}：没有这个规则文件或文件夹",
                            f"{path}: no such rule file or folder")
    if path.suffix == ".py":
        return load_python_file(path, timeout)
    if path.suffix in (".yaml", ".yml"):
        known = None if parameters is None else list(parameters)
        found = _rules_of(read_yaml(path, RegistryError), known)
        return _in_pack(found, str(path))
    raise RegistryError(f"{path}：规则文件须为 .py、.yaml 或 .yml",
                        f"{path}: rule files are .py, .yaml or .yml")


def load_rules(
    paths: Iterable[str | Path] = (),
    *,
    entry_points: bool = True,
    parameters: ParameterSet | None = None,
    engine: bool = True,
    timeout: float | None = DEFAULT_RULE_TIMEOUT,
) -> RuleSet:
    """Built-in and installed packs (entry points) plus the named local files, duplicates rejected.

    ``engine`` adds the checker's own findings (PLN001–PLN004) so they are listed and selectable.
    ``timeout`` bounds the loading of each Python pack or file, in seconds (``None``: no limit).
    """
    rules: list[Rule] = list(_in_pack(ENGINE_RULES, "planner")) if engine else []
    if entry_points:
        rules.extend(entry_point_rules(timeout=timeout))
    for path in paths:
        rules.extend(load_path(path, parameters, timeout))
    return RuleSet(rules)


def packaged_yaml_rules(package: str, filename: str) -> tuple[Rule, ...]:
    """Rules of a YAML file shipped inside a package (a pack mixing Python and YAML rules uses it;
    a pack of YAML rules only names its file in its entry point instead)."""
    from importlib import resources

    text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
    return tuple(load_yaml_rules(text, f"{package.replace('.', '/')}/{filename}"))


__all__ = [
    "ENTRY_POINT_GROUP",
    "YAML_SUFFIXES",
    "RegistryError",
    "RuleSet",
    "entry_point_rules",
    "load_path",
    "load_python_file",
    "load_rules",
    "load_yaml_rules",
    "packaged_yaml_rules",
    "rules_of_module",
]
