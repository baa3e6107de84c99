"""The one way planner reads YAML written by users: bounded, duplicate-free, with file:line errors.

PyYAML's ``safe_load`` builds no objects from tags, but it still lets a small file expand without
bound through aliases (the "billion laughs"), refer to itself (``&a [*a]``), nest until Python's
stack overflows, repeat a key (the last one silently wins) or crash with a bare ``ValueError`` on a
date such as ``2020-13-45``. :func:`parse_yaml` refuses each of these with the file and line, in
Chinese and English, and keeps the composed nodes so that a caller can name the line of any value
it finds wrong later (:meth:`YamlDocument.where`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from planner.errors import yaml_problem

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences in a file (an alias counts where it is used)."""

MAX_NODES = 100_000
"""Most values a file may hold once every alias is expanded (a rule pack has a few thousand)."""

ErrorFactory = Callable[[str, str], Exception]


class _LimitError(yaml.MarkedYAMLError):
    """Well-formed YAML that planner refuses: over a limit above, a repeated key, a bad date.

    ``problem`` is ``"Chinese / English"``.
    """


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Events(Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml scans and parses (most of the time a YAML file costs); PyYAML's Python
        composer, which :class:`_Loader` measures, builds the nodes from its events."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _Base: type = _Events
else:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that measures every node as it is composed (size and height after
    aliases)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}
        self._heights: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)  # an undefined anchor: PyYAML's own error
            if target is not None:
                if id(target) not in self._sizes:
                    raise _LimitError(None, None, f"别名 *{event.anchor} 引用了包含它自身的节点"
                                      f" / alias *{event.anchor} refers to a node that contains it",
                                      event.start_mark)
                if self._depth + self._heights[id(target)] > MAX_DEPTH:
                    raise self._too_deep(event.start_mark)
            return super().compose_node(parent, index)  # type: ignore[return-value]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._too_deep(self.peek_event().start_mark)
        try:
            node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
        finally:
            self._depth -= 1
        children: list[Node] = []
        if isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
            self._check_keys(node)
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        size = 1 + sum(self._sizes[id(child)] for child in children)
        if size > MAX_NODES:
            raise _LimitError(None, None, f"展开别名后超过 {MAX_NODES} 个值（别名炸弹？）"
                              f" / more than {MAX_NODES} values once aliases are expanded"
                              " (an alias bomb?)", node.start_mark)
        self._sizes[id(node)] = size
        self._heights[id(node)] = 1 + max((self._heights[id(c)] for c in children), default=0)
        return node

    @staticmethod
    def _too_deep(mark: Any) -> _LimitError:
        return _LimitError(None, None, f"嵌套超过 {MAX_DEPTH} 层 / nested deeper than"
                           f" {MAX_DEPTH} levels", mark)

    @staticmethod
    def _check_keys(node: MappingNode) -> None:
        seen: set[str] = set()
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            if key.value in seen:
                raise _LimitError(None, None, f"键 {key.value!r} 出现了两次 / key {key.value!r}"
                                  " is given twice", key.start_mark)
            seen.add(key.value)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:  # 2020-13-45 looks like a date to YAML, then fails as one
            raise _LimitError(None, None, f"{node.value} 不是有效的日期 / {node.value} is"
                                   f" not a valid date ({exc})", node.start_mark) from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Parsed YAML: the Python ``data`` and the composed ``root`` node that knows every line."""

    data: Any
    root: Node | None
    source: str

    def node(self, *path: Any) -> Node | None:
        """The node at ``path`` (mapping keys and sequence indices), or the deepest one found."""
        node = self.root
        for key in path:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return node

    def line(self, *path: Any) -> int | None:
        """1-based line of the value at ``path`` (or of its deepest part found)."""
        node = self.node(*path)
        return node.start_mark.line + 1 if node is not None else None

    def key_line(self, *path: Any) -> int | None:
        """1-based line of the last key of ``path`` itself (where a wrong key is written)."""
        parent = self.node(*path[:-1]) if path else None
        if isinstance(parent, MappingNode):
            for key, _ in parent.value:
                if isinstance(key, ScalarNode) and _same_key(key, path[-1]):
                    return key.start_mark.line + 1
        return self.line(*path)

    def where(self, *path: Any, key: bool = False) -> str:
        """``file:line`` of the value (or with ``key=True`` the key) at ``path``."""
        line = self.key_line(*path) if key else self.line(*path)
        return f"{self.source}:{line}" if line is not None else self.source


def _same_key(node: ScalarNode, key: Any) -> bool:
    return node.value == str(key) or node.value == getattr(key, "isoformat", lambda: None)()


def _child(node: Node | None, key: Any) -> Node | None:
    if isinstance(node, MappingNode):
        return next((v for k, v in node.value if isinstance(k, ScalarNode) and _same_key(k, key)),
                    None)
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def parse_yaml(text: str, source: str, error: ErrorFactory) -> YamlDocument:
    """Parse ``text`` safely; any problem is ``error(zh, en)`` naming ``source:line``."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        where, reason = yaml_problem(exc, source)
        if isinstance(exc, _LimitError):
            zh, _, en = reason.partition(" / ")
            raise error(f"{where}：{zh}", f"{where}: {en}") from exc
        raise error(f"{where}：不是有效的 YAML：{reason}",
                    f"{where}: not valid YAML: {reason}") from exc
    finally:
        loader.dispose()
    return YamlDocument(data, root, source)


def read_text(path: str | Path, error: ErrorFactory,
              sniff: Callable[[bytes], str] | None = None) -> str:
    """A user's text file decoded as UTF-8 (with or without a byte-order mark), or as what
    ``sniff`` tells from its bytes; errors name the file (and the line of a bad byte)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc
        raise error(f"{path}：无法读取：{reason}", f"{path}: cannot read: {reason}") from exc
    encoding = sniff(raw) if sniff is not None else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise error(f"{path}:{line}：不是 {name} 编码的文本，请另存为 UTF-8",
                    f"{path}:{line}: not {name} text; save the file as UTF-8") from exc


def read_yaml(path: str | Path, error: ErrorFactory) -> YamlDocument:
    """Read and parse a user's YAML file (UTF-8, with or without a byte-order mark)."""
    return parse_yaml(read_text(path, error), str(path), error)


__all__ = ["MAX_DEPTH", "MAX_NODES", "YamlDocument", "parse_yaml", "read_text", "read_yaml"]
